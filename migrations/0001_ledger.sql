-- 0001: the terminal's ledger. Never edit a released migration; add a new one.
--
-- Ledger tables are append-only: triggers at the end refuse UPDATE and DELETE.
-- The reference tables product, kpm and entitlement hold the data in force and
-- are replaced whole by an import; every import is logged in reference_import.

CREATE TABLE terminal (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    terminal_id        TEXT    NOT NULL,
    utc_offset_minutes INTEGER NOT NULL CHECK (utc_offset_minutes BETWEEN -720 AND 840),
    created_at         TEXT    NOT NULL
) STRICT;

-- Every policy, catalogue and roster import, with the hash of what was imported.
CREATE TABLE reference_import (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('policy', 'catalogue', 'roster')),
    version     INTEGER NOT NULL CHECK (version > 0),
    sha256      BLOB    NOT NULL CHECK (length(sha256) = 32),
    row_count   INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    document    TEXT,   -- the policy itself (JSON); NULL for catalogue and roster
    imported_at TEXT    NOT NULL,
    UNIQUE (kind, version)
) STRICT;

CREATE TABLE product (
    id              TEXT    PRIMARY KEY,
    barcode         TEXT    UNIQUE,
    name            TEXT    NOT NULL,
    unit            TEXT    NOT NULL CHECK (unit IN ('butir', 'ikat', 'buah', 'papan', 'kg', 'liter')),
    group_id        TEXT,
    forbidden_id    TEXT,
    reference_price INTEGER NOT NULL CHECK (reference_price > 0),
    CHECK ((group_id IS NULL) <> (forbidden_id IS NULL))
) STRICT;

CREATE TABLE kpm (
    card         TEXT PRIMARY KEY CHECK (length(card) = 16),
    nik          TEXT CHECK (nik IS NULL OR length(nik) = 16),
    kk           TEXT NOT NULL CHECK (length(kk) = 16),
    name         TEXT NOT NULL,
    desa         TEXT NOT NULL,
    pin_verifier TEXT NOT NULL
) STRICT;
CREATE INDEX kpm_nik ON kpm (nik);

CREATE TABLE entitlement (
    card   TEXT    NOT NULL REFERENCES kpm (card) ON DELETE CASCADE,
    period TEXT    NOT NULL CHECK (length(period) = 7),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (card, period)
) STRICT;

-- Operators are never changed in place: a new row for a name supersedes the older ones.
CREATE TABLE operator (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('kasir', 'supervisor')),
    pin_verifier TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX operator_name ON operator (name, id);

-- Wrong KPM PIN tries; counted per card per local day.
CREATE TABLE pin_failure (
    id   INTEGER PRIMARY KEY,
    card TEXT NOT NULL,
    day  TEXT NOT NULL,
    at   TEXT NOT NULL
) STRICT;
CREATE INDEX pin_failure_card_day ON pin_failure (card, day);

-- The hash chain. Every entry kind has one row here and one in its own table.
CREATE TABLE entry (
    seq         INTEGER PRIMARY KEY CHECK (seq > 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('sale', 'void', 'day_close', 'complaint', 'lockout')),
    recorded_at TEXT    NOT NULL,
    canonical   BLOB    NOT NULL,
    leaf_hash   BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    chain_hash  BLOB    NOT NULL CHECK (length(chain_hash) = 32)
) STRICT;

-- No gaps, no reordering: each new seq is the last one plus one, chained to its hash.
CREATE TRIGGER entry_seq_no_gap BEFORE INSERT ON entry
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM entry)
BEGIN SELECT RAISE(ABORT, 'ewarong: entry seq must be the last seq + 1'); END;

CREATE TRIGGER entry_prev_hash BEFORE INSERT ON entry
WHEN NEW.prev_hash <> COALESCE((SELECT chain_hash FROM entry WHERE seq = NEW.seq - 1), zeroblob(32))
BEGIN SELECT RAISE(ABORT, 'ewarong: entry prev_hash must be the previous chain_hash'); END;

CREATE TABLE sale (
    seq               INTEGER PRIMARY KEY REFERENCES entry (seq),
    card              TEXT    NOT NULL,
    period            TEXT    NOT NULL,
    operator          TEXT    NOT NULL,
    total             INTEGER NOT NULL CHECK (total > 0),
    balance_before    INTEGER NOT NULL CHECK (balance_before >= total),
    override_reason   TEXT,
    policy_version    INTEGER NOT NULL,
    catalogue_version INTEGER NOT NULL,
    roster_version    INTEGER NOT NULL
) STRICT;
-- Covering index: a balance sums totals from the index alone.
CREATE INDEX sale_card ON sale (card, period, total);

CREATE TABLE sale_item (
    seq             INTEGER NOT NULL REFERENCES sale (seq),
    line_no         INTEGER NOT NULL,
    product_id      TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    group_id        TEXT    NOT NULL,
    unit            TEXT    NOT NULL,
    quantity_milli  INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    reference_price INTEGER NOT NULL,
    line_total      INTEGER NOT NULL CHECK (line_total >= 0),
    PRIMARY KEY (seq, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE void (
    seq        INTEGER PRIMARY KEY REFERENCES entry (seq),
    sale_seq   INTEGER NOT NULL UNIQUE REFERENCES sale (seq),
    card       TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    reason     TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    supervisor TEXT    NOT NULL
) STRICT;
CREATE INDEX void_card ON void (card, period, amount);

CREATE TABLE day_close (
    seq        INTEGER PRIMARY KEY REFERENCES entry (seq),
    day        TEXT    NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    sale_count INTEGER NOT NULL,
    kpm_count  INTEGER NOT NULL,
    void_count INTEGER NOT NULL,
    void_total INTEGER NOT NULL,
    net_total  INTEGER NOT NULL,
    operator   TEXT    NOT NULL
) STRICT;

CREATE TABLE day_close_total (
    seq      INTEGER NOT NULL REFERENCES day_close (seq),
    group_id TEXT    NOT NULL,
    amount   INTEGER NOT NULL,
    PRIMARY KEY (seq, group_id)
) STRICT;

CREATE TABLE complaint (
    seq      INTEGER PRIMARY KEY REFERENCES entry (seq),
    card     TEXT    NOT NULL,
    sale_seq INTEGER REFERENCES sale (seq),
    category TEXT    NOT NULL CHECK (category IN ('harga', 'kualitas', 'jumlah', 'pemaketan', 'lainnya')),
    text     TEXT    NOT NULL CHECK (length(trim(text)) > 0)
) STRICT;

CREATE TABLE lockout (
    seq      INTEGER PRIMARY KEY REFERENCES entry (seq),
    card     TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    attempts INTEGER NOT NULL
) STRICT;
CREATE INDEX lockout_card_day ON lockout (card, day);

-- Append-only: the ledger tables refuse UPDATE and DELETE.
CREATE TRIGGER terminal_no_update BEFORE UPDATE ON terminal
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on terminal refused'); END;
CREATE TRIGGER terminal_no_delete BEFORE DELETE ON terminal
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on terminal refused'); END;
CREATE TRIGGER reference_import_no_update BEFORE UPDATE ON reference_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on reference_import refused'); END;
CREATE TRIGGER reference_import_no_delete BEFORE DELETE ON reference_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on reference_import refused'); END;
CREATE TRIGGER operator_no_update BEFORE UPDATE ON operator
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on operator refused'); END;
CREATE TRIGGER operator_no_delete BEFORE DELETE ON operator
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on operator refused'); END;
CREATE TRIGGER pin_failure_no_update BEFORE UPDATE ON pin_failure
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on pin_failure refused'); END;
CREATE TRIGGER pin_failure_no_delete BEFORE DELETE ON pin_failure
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on pin_failure refused'); END;
CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on entry refused'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on entry refused'); END;
CREATE TRIGGER sale_no_update BEFORE UPDATE ON sale
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on sale refused'); END;
CREATE TRIGGER sale_no_delete BEFORE DELETE ON sale
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on sale refused'); END;
CREATE TRIGGER sale_item_no_update BEFORE UPDATE ON sale_item
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on sale_item refused'); END;
CREATE TRIGGER sale_item_no_delete BEFORE DELETE ON sale_item
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on sale_item refused'); END;
CREATE TRIGGER void_no_update BEFORE UPDATE ON void
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on void refused'); END;
CREATE TRIGGER void_no_delete BEFORE DELETE ON void
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on void refused'); END;
CREATE TRIGGER day_close_no_update BEFORE UPDATE ON day_close
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on day_close refused'); END;
CREATE TRIGGER day_close_no_delete BEFORE DELETE ON day_close
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on day_close refused'); END;
CREATE TRIGGER day_close_total_no_update BEFORE UPDATE ON day_close_total
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on day_close_total refused'); END;
CREATE TRIGGER day_close_total_no_delete BEFORE DELETE ON day_close_total
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on day_close_total refused'); END;
CREATE TRIGGER complaint_no_update BEFORE UPDATE ON complaint
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on complaint refused'); END;
CREATE TRIGGER complaint_no_delete BEFORE DELETE ON complaint
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on complaint refused'); END;
CREATE TRIGGER lockout_no_update BEFORE UPDATE ON lockout
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on lockout refused'); END;
CREATE TRIGGER lockout_no_delete BEFORE DELETE ON lockout
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on lockout refused'); END;
