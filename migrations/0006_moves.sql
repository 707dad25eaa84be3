-- 0006: bounded offline spending, and the hub's list of revoked terminals. Each KPM has a home e-warong (roster column `home`); the hub
-- moves a KPM by telling the old home to release the balance (a new chained entry kind,
-- `release`), and only then hands it to the new home. Other terminals serve a visitor up to the
-- policy's cap.

-- The entry kind list is a CHECK constraint, so table `entry` is rebuilt with `release` added.
-- The rows are copied back unchanged (same seq, bytes and hashes). Foreign keys from the
-- projection tables are checked at commit, when every entry is back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE entry_copy AS SELECT * FROM entry;
DROP TABLE entry;
CREATE TABLE entry (
    seq         INTEGER PRIMARY KEY CHECK (seq > 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('sale', 'void', 'day_close', 'complaint', 'lockout', 'release')),
    recorded_at TEXT    NOT NULL,
    canonical   BLOB    NOT NULL,
    leaf_hash   BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    chain_hash  BLOB    NOT NULL CHECK (length(chain_hash) = 32)
) STRICT;
INSERT INTO entry SELECT * FROM entry_copy ORDER BY seq;
DROP TABLE entry_copy;

CREATE TRIGGER entry_seq_no_gap BEFORE INSERT ON entry
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM entry)
BEGIN SELECT RAISE(ABORT, 'ewarong: entry seq must be the last seq + 1'); END;
CREATE TRIGGER entry_prev_hash BEFORE INSERT ON entry
WHEN NEW.prev_hash <> COALESCE((SELECT chain_hash FROM entry WHERE seq = NEW.seq - 1), zeroblob(32))
BEGIN SELECT RAISE(ABORT, 'ewarong: entry prev_hash must be the previous chain_hash'); END;
CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on entry refused'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on entry refused'); END;

-- The KPM's home e-warong from the roster (reference data, replaced with the roster).
ALTER TABLE kpm ADD COLUMN home TEXT;

-- The hub's moves in force (reference data, replaced whole by each signed moves update).
-- A move without `released_amount` is still waiting for the old home's release.
CREATE TABLE hub_move (
    id               INTEGER PRIMARY KEY,
    card             TEXT NOT NULL,
    from_terminal    TEXT NOT NULL,
    to_terminal      TEXT NOT NULL,
    released_period  TEXT,
    released_amount  INTEGER CHECK (released_amount IS NULL OR released_amount >= 0),
    CHECK ((released_period IS NULL) = (released_amount IS NULL))
) STRICT;
CREATE INDEX hub_move_card ON hub_move (card, id);

-- Every moves update applied, with its version and hash.
CREATE TABLE hub_move_import (
    version     INTEGER PRIMARY KEY CHECK (version > 0),
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    move_count  INTEGER NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- A balance handed over by this terminal. Chained like every entry.
CREATE TABLE release (
    seq         INTEGER PRIMARY KEY REFERENCES entry (seq),
    card        TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    move_id     INTEGER NOT NULL UNIQUE,
    to_terminal TEXT    NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount >= 0)
) STRICT;
CREATE INDEX release_card ON release (card, period, amount);

-- Terminals the hub revoked (reference data, replaced whole by each signed revoked update):
-- receipts and ledgers from them are shown with a warning.
CREATE TABLE hub_revoked (
    terminal_id TEXT PRIMARY KEY,
    revoked_at  TEXT NOT NULL
) STRICT;

-- Every revoked list applied, with its version and hash.
CREATE TABLE hub_revoked_import (
    version     INTEGER PRIMARY KEY CHECK (version > 0),
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    imported_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER hub_revoked_import_no_update BEFORE UPDATE ON hub_revoked_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_revoked_import refused'); END;
CREATE TRIGGER hub_revoked_import_no_delete BEFORE DELETE ON hub_revoked_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_revoked_import refused'); END;
CREATE TRIGGER hub_move_import_no_update BEFORE UPDATE ON hub_move_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_move_import refused'); END;
CREATE TRIGGER hub_move_import_no_delete BEFORE DELETE ON hub_move_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_move_import refused'); END;
CREATE TRIGGER release_no_update BEFORE UPDATE ON release
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on release refused'); END;
CREATE TRIGGER release_no_delete BEFORE DELETE ON release
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on release refused'); END;
