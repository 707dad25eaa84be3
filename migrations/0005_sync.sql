-- 0005: the link to a hub and what it acknowledged. Append-only like the rest of the ledger.

-- Each enrolment with a hub; the newest row is the one in force.
CREATE TABLE hub_enrolment (
    id             INTEGER PRIMARY KEY,
    hub_url        TEXT NOT NULL,
    hub_public_key BLOB NOT NULL CHECK (length(hub_public_key) = 32),
    region         TEXT NOT NULL,
    certificate    TEXT NOT NULL,
    enrolled_at    TEXT NOT NULL
) STRICT;

-- The hub's countersigned receipt for a batch: written only after the signature verified.
-- A batch in the outbox without a row here is still pending.
CREATE TABLE batch_ack (
    batch_seq   INTEGER PRIMARY KEY REFERENCES batch (batch_seq),
    receipt     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    acked_at    TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('network', 'file'))
) STRICT;

CREATE TRIGGER hub_enrolment_no_update BEFORE UPDATE ON hub_enrolment
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on hub_enrolment refused'); END;
CREATE TRIGGER hub_enrolment_no_delete BEFORE DELETE ON hub_enrolment
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on hub_enrolment refused'); END;
CREATE TRIGGER batch_ack_no_update BEFORE UPDATE ON batch_ack
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: UPDATE on batch_ack refused'); END;
CREATE TRIGGER batch_ack_no_delete BEFORE DELETE ON batch_ack
BEGIN SELECT RAISE(ABORT, 'ewarong: ledger is append-only: DELETE on batch_ack refused'); END;
