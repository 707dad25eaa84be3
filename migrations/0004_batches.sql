-- 0004: sealed batches, the outbox they wait in, a signed checkpoint per entry, and
-- terminal settings. All append-only.

-- A batch seals every entry after the previous batch: its header (canonical bytes, see
-- docs/ledger-format.md) is signed with the terminal key, and the same tree state is kept as a
-- C2SP signed-note checkpoint.
CREATE TABLE batch (
    batch_seq        INTEGER PRIMARY KEY CHECK (batch_seq > 0),
    first_seq        INTEGER NOT NULL,
    last_seq         INTEGER NOT NULL,
    root             BLOB    NOT NULL CHECK (length(root) = 32),
    prev_header_hash BLOB    NOT NULL CHECK (length(prev_header_hash) = 32),
    sealed_at        TEXT    NOT NULL,
    reason           TEXT    NOT NULL CHECK (reason IN ('count', 'day_close', 'upload', 'manual')),
    header           BLOB    NOT NULL,
    header_hash      BLOB    NOT NULL CHECK (length(header_hash) = 32),
    signature        BLOB    NOT NULL CHECK (length(signature) = 64),
    public_key       BLOB    NOT NULL CHECK (length(public_key) = 32),
    checkpoint       TEXT    NOT NULL,
    CHECK (last_seq >= first_seq)
) STRICT;

-- Batches follow each other with no gap and no overlap.
CREATE TRIGGER batch_continuity BEFORE INSERT ON batch
WHEN NEW.batch_seq <> (SELECT COALESCE(MAX(batch_seq), 0) + 1 FROM batch)
  OR NEW.first_seq <> (SELECT COALESCE(MAX(last_seq), 0) + 1 FROM batch)
BEGIN SELECT RAISE(ABORT, 'ewarong: a batch must start right after the previous one'); END;

-- Sealed batches waiting for the hub (acknowledgements arrive with sync).
CREATE TABLE outbox (
    batch_seq INTEGER PRIMARY KEY REFERENCES batch (batch_seq),
    queued_at TEXT NOT NULL
) STRICT;

-- The terminal's signature over the checkpoint (origin, tree size = seq, root) after each entry:
-- what a receipt carries.
CREATE TABLE entry_signature (
    seq       INTEGER PRIMARY KEY REFERENCES entry (seq),
    signature BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;

-- Terminal settings; the newest row for a name wins.
CREATE TABLE setting (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    set_at TEXT NOT NULL
) STRICT;
CREATE INDEX setting_name ON setting (name, id);

CREATE TRIGGER batch_no_update BEFORE UPDATE ON batch
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on batch refused'); END;
CREATE TRIGGER batch_no_delete BEFORE DELETE ON batch
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on batch refused'); END;
CREATE TRIGGER outbox_no_update BEFORE UPDATE ON outbox
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on outbox refused'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on outbox refused'); END;
CREATE TRIGGER entry_signature_no_update BEFORE UPDATE ON entry_signature
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on entry_signature refused'); END;
CREATE TRIGGER entry_signature_no_delete BEFORE DELETE ON entry_signature
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on entry_signature refused'); END;
CREATE TRIGGER setting_no_update BEFORE UPDATE ON setting
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on setting refused'); END;
CREATE TRIGGER setting_no_delete BEFORE DELETE ON setting
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on setting refused'); END;
