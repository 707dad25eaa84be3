-- 0008: moving a terminal to another hub, on purpose. A supervisor approves it; it is written as
-- a new chained entry kind, `hub_change`, naming the hub key left and the hub key taken; the new
-- hub's certificate is a new `hub_enrolment` row. What the terminal holds from a hub (receipts,
-- the versions of its updates) is kept per enrolment, so the new hub's receipts and its own
-- version numbers start afresh beside the old hub's, and nothing of the old hub's is removed.

-- The entry kind list is a CHECK constraint, so table `entry` is rebuilt with `hub_change` added,
-- as 0006 did for `release`. The rows are copied back unchanged.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE entry_copy AS SELECT * FROM entry;
DROP TABLE entry;
CREATE TABLE entry (
    seq         INTEGER PRIMARY KEY CHECK (seq > 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('sale', 'void', 'day_close', 'complaint', 'lockout', 'release', 'hub_change')),
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

-- A move to another hub, approved by a supervisor. Chained like every entry. The n-th row (by
-- seq) brings in the (n+1)-th `hub_enrolment` row.
CREATE TABLE hub_change (
    seq          INTEGER PRIMARY KEY REFERENCES entry (seq),
    from_hub_key BLOB NOT NULL CHECK (length(from_hub_key) = 32),
    to_hub_key   BLOB NOT NULL CHECK (length(to_hub_key) = 32),
    hub_url      TEXT NOT NULL,
    supervisor   TEXT NOT NULL,
    reason       TEXT NOT NULL
) STRICT;
CREATE TRIGGER hub_change_no_update BEFORE UPDATE ON hub_change
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_change refused'); END;
CREATE TRIGGER hub_change_no_delete BEFORE DELETE ON hub_change
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_change refused'); END;

-- Receipts, by the enrolment (hub) that signed them: after a move the new hub acknowledges every
-- batch again, beside the old hub's receipts. Rows from before 0008 belong to the newest
-- enrolment (there was only ever one, or an unexplained second the audit reports).
CREATE TABLE batch_ack_copy AS SELECT * FROM batch_ack;
DROP TABLE batch_ack;
CREATE TABLE batch_ack (
    enrolment   INTEGER NOT NULL,
    batch_seq   INTEGER NOT NULL REFERENCES batch (batch_seq),
    receipt     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    acked_at    TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('network', 'file')),
    PRIMARY KEY (enrolment, batch_seq)
) STRICT;
INSERT INTO batch_ack (enrolment, batch_seq, receipt, received_at, acked_at, via)
SELECT (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), batch_seq, receipt, received_at, acked_at, via
FROM batch_ack_copy ORDER BY batch_seq;
DROP TABLE batch_ack_copy;
CREATE TRIGGER batch_ack_no_update BEFORE UPDATE ON batch_ack
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on batch_ack refused'); END;
CREATE TRIGGER batch_ack_no_delete BEFORE DELETE ON batch_ack
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on batch_ack refused'); END;

-- The versions of a hub's moves and revoked lists count per hub: a new hub's version 1 is new.
CREATE TABLE hub_move_import_copy AS SELECT * FROM hub_move_import;
DROP TABLE hub_move_import;
CREATE TABLE hub_move_import (
    enrolment   INTEGER NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    move_count  INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (enrolment, version)
) STRICT;
INSERT INTO hub_move_import (enrolment, version, sha256, move_count, imported_at)
SELECT (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), version, sha256, move_count, imported_at
FROM hub_move_import_copy ORDER BY version;
DROP TABLE hub_move_import_copy;
CREATE TRIGGER hub_move_import_no_update BEFORE UPDATE ON hub_move_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_move_import refused'); END;
CREATE TRIGGER hub_move_import_no_delete BEFORE DELETE ON hub_move_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_move_import refused'); END;

CREATE TABLE hub_revoked_import_copy AS SELECT * FROM hub_revoked_import;
DROP TABLE hub_revoked_import;
CREATE TABLE hub_revoked_import (
    enrolment   INTEGER NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    imported_at TEXT NOT NULL,
    PRIMARY KEY (enrolment, version)
) STRICT;
INSERT INTO hub_revoked_import (enrolment, version, sha256, imported_at)
SELECT (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), version, sha256, imported_at
FROM hub_revoked_import_copy ORDER BY version;
DROP TABLE hub_revoked_import_copy;
CREATE TRIGGER hub_revoked_import_no_update BEFORE UPDATE ON hub_revoked_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_revoked_import refused'); END;
CREATE TRIGGER hub_revoked_import_no_delete BEFORE DELETE ON hub_revoked_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_revoked_import refused'); END;

-- Which enrolment (hub) an import from a hub came under; NULL for files and demo data. The
-- local `version` stays one sequence per kind: sales cite it.
ALTER TABLE reference_import ADD COLUMN enrolment INTEGER;
DROP TRIGGER reference_import_no_update;
UPDATE reference_import SET enrolment = (SELECT MAX(id) FROM hub_enrolment) WHERE source LIKE 'hub:%';
CREATE TRIGGER reference_import_no_update BEFORE UPDATE ON reference_import
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on reference_import refused'); END;
