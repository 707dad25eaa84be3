-- Hub 0004 (PostgreSQL): the operations log. Every enrolment code issued, terminal enrolled
-- or revoked, document published and KPM move ordered, in order, each row chained to the one
-- before by SHA-256 and signed by the hub key (`ewarong-hub ops` prints and verifies it).
-- Append-only: the trigger refuses any change.
CREATE TABLE ops_log (
    seq        BIGINT PRIMARY KEY CHECK (seq >= 1),
    at         TEXT   NOT NULL,
    op         TEXT   NOT NULL,
    detail     TEXT   NOT NULL,
    prev_hash  BYTEA  NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash       BYTEA  NOT NULL CHECK (octet_length(hash) = 32),
    signature  BYTEA  NOT NULL CHECK (octet_length(signature) = 64)
);
CREATE FUNCTION ops_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ewarong-hub: the operations log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER ops_log_no_change BEFORE UPDATE OR DELETE ON ops_log
    FOR EACH ROW EXECUTE FUNCTION ops_log_append_only();
