-- 0003: the terminal's Ed25519 public keys. The private key lives in a separate owner-only file
-- (terminal.key); the ledger only records which public key signs for this terminal, from when.

CREATE TABLE terminal_key (
    id         INTEGER PRIMARY KEY,
    public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    created_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER terminal_key_no_update BEFORE UPDATE ON terminal_key
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on terminal_key refused'); END;
CREATE TRIGGER terminal_key_no_delete BEFORE DELETE ON terminal_key
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on terminal_key refused'); END;
