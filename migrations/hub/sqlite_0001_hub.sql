-- Hub 0001 (embedded SQLite): terminals, one-time enrolment codes, the head of each terminal's
-- accepted history, its batches and entries, spending per KPM, and forks kept as evidence.

CREATE TABLE terminal (
    terminal_id TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    public_key  BLOB UNIQUE CHECK (public_key IS NULL OR length(public_key) = 32),
    certificate TEXT,
    created_at  TEXT NOT NULL,
    enrolled_at TEXT,
    revoked_at  TEXT
) STRICT;

CREATE TABLE enrolment_code (
    code_hash   BLOB PRIMARY KEY CHECK (length(code_hash) = 32),
    terminal_id TEXT NOT NULL REFERENCES terminal (terminal_id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;

-- One row per enrolled terminal, moved only by an accepted batch.
CREATE TABLE head (
    terminal_id      TEXT PRIMARY KEY REFERENCES terminal (terminal_id),
    last_seq         INTEGER NOT NULL,
    last_batch_seq   INTEGER NOT NULL,
    last_header_hash BLOB    NOT NULL CHECK (length(last_header_hash) = 32),
    frontier         BLOB    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

CREATE TABLE batch (
    terminal_id TEXT    NOT NULL REFERENCES terminal (terminal_id),
    batch_seq   INTEGER NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    header      BLOB    NOT NULL,
    header_hash BLOB    NOT NULL CHECK (length(header_hash) = 32),
    signature   BLOB    NOT NULL CHECK (length(signature) = 64),
    checkpoint  TEXT    NOT NULL,
    receipt     TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    PRIMARY KEY (terminal_id, batch_seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE entry (
    terminal_id TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    month       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    batch_seq   INTEGER NOT NULL,
    canonical   BLOB    NOT NULL,
    leaf_hash   BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    PRIMARY KEY (terminal_id, seq)
) STRICT, WITHOUT ROWID;

-- Sales (positive) and voids (negative), per KPM card and programme period.
CREATE TABLE spend (
    terminal_id TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    card        TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    amount      INTEGER NOT NULL,
    -- For a sale: the balance the terminal saw before it. The most any terminal saw for a
    -- KPM in a period is what the hub checks total spending against.
    balance_before INTEGER,
    PRIMARY KEY (terminal_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX spend_period_card ON spend (period, card);

-- A signed batch that contradicts what is stored: kept whole, never dropped.
CREATE TABLE fork (
    id          INTEGER PRIMARY KEY,
    terminal_id TEXT    NOT NULL,
    batch_seq   INTEGER NOT NULL,
    header_hash BLOB    NOT NULL,
    reason      TEXT    NOT NULL,
    upload      TEXT    NOT NULL,
    received_at TEXT    NOT NULL
) STRICT;
