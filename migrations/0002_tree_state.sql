-- 0002: the Merkle tree's running state after each entry (RFC 6962 over the entries' leaf
-- hashes, leaf index = seq - 1). Written in the same transaction as its entry. For ledgers that
-- already had entries, the migration's hook fills it in from the stored leaf hashes.

CREATE TABLE tree_state (
    seq      INTEGER PRIMARY KEY REFERENCES entry (seq),
    root     BLOB NOT NULL CHECK (length(root) = 32),
    frontier BLOB NOT NULL
) STRICT;

CREATE TRIGGER tree_state_no_update BEFORE UPDATE ON tree_state
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on tree_state refused'); END;
CREATE TRIGGER tree_state_no_delete BEFORE DELETE ON tree_state
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on tree_state refused'); END;
