-- Hub 0004 (embedded SQLite): the operations log. Every enrolment code issued, terminal
-- enrolled or revoked, document published and KPM move ordered, in order, each row chained to
-- the one before by SHA-256 and signed by the hub key (`ewarong-hub ops` prints and verifies
-- it). Append-only: the triggers refuse any change.
CREATE TABLE ops_log (
    seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
    at         TEXT    NOT NULL,
    op         TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash       BLOB    NOT NULL CHECK (length(hash) = 32),
    signature  BLOB    NOT NULL CHECK (length(signature) = 64)
) STRICT;
CREATE TRIGGER ops_log_no_update BEFORE UPDATE ON ops_log
BEGIN SELECT RAISE(ABORT, 'ewarong-hub: the operations log is append-only: UPDATE refused'); END;
CREATE TRIGGER ops_log_no_delete BEFORE DELETE ON ops_log
BEGIN SELECT RAISE(ABORT, 'ewarong-hub: the operations log is append-only: DELETE refused'); END;
