-- Hub 0001 (PostgreSQL): the same tables as the SQLite hub. Entries are partitioned by month
-- (LIST on `month`, one partition per YYYY-MM, created on first use), each partition keyed by
-- (terminal_id, seq). PostgreSQL needs the partition key in a parent's primary key, so the key
-- lives on each partition; a seq can only be stored once anyway, because a batch is accepted
-- only at head + 1 while the terminal's head row is locked. A distributed PostgreSQL (Citus)
-- can shard every table here by terminal_id: each key and each join includes it.

CREATE TABLE terminal (
    terminal_id TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    public_key  BYTEA UNIQUE CHECK (public_key IS NULL OR length(public_key) = 32),
    certificate TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    enrolled_at TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);

CREATE TABLE enrolment_code (
    code_hash   BYTEA PRIMARY KEY CHECK (length(code_hash) = 32),
    terminal_id TEXT NOT NULL REFERENCES terminal (terminal_id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);

CREATE TABLE head (
    terminal_id      TEXT PRIMARY KEY REFERENCES terminal (terminal_id),
    last_seq         BIGINT NOT NULL,
    last_batch_seq   BIGINT NOT NULL,
    last_header_hash BYTEA  NOT NULL CHECK (length(last_header_hash) = 32),
    frontier         BYTEA  NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE batch (
    terminal_id TEXT   NOT NULL REFERENCES terminal (terminal_id),
    batch_seq   BIGINT NOT NULL,
    first_seq   BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    header      BYTEA  NOT NULL,
    header_hash BYTEA  NOT NULL CHECK (length(header_hash) = 32),
    signature   BYTEA  NOT NULL CHECK (length(signature) = 64),
    checkpoint  TEXT   NOT NULL,
    receipt     TEXT   NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (terminal_id, batch_seq)
);

CREATE TABLE entry (
    terminal_id TEXT   NOT NULL,
    seq         BIGINT NOT NULL,
    month       TEXT   NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    kind        TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    batch_seq   BIGINT NOT NULL,
    canonical   BYTEA  NOT NULL,
    leaf_hash   BYTEA  NOT NULL CHECK (length(leaf_hash) = 32)
) PARTITION BY LIST (month);

CREATE TABLE spend (
    terminal_id TEXT   NOT NULL,
    seq         BIGINT NOT NULL,
    card        TEXT   NOT NULL,
    period      TEXT   NOT NULL,
    amount      BIGINT NOT NULL,
    -- For a sale: the balance the terminal saw before it. The most any terminal saw for a
    -- KPM in a period is what the hub checks total spending against.
    balance_before BIGINT,
    PRIMARY KEY (terminal_id, seq)
);
CREATE INDEX spend_period_card ON spend (period, card);

CREATE TABLE fork (
    id          BIGSERIAL PRIMARY KEY,
    terminal_id TEXT   NOT NULL,
    batch_seq   BIGINT NOT NULL,
    header_hash BYTEA  NOT NULL,
    reason      TEXT   NOT NULL,
    upload      TEXT   NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
