-- Hub 0003 (embedded SQLite): KPM moved between home e-warong. A move waits until the old
-- home's release entry arrives; that entry's batch fills the release columns in the same
-- transaction that stores it.
CREATE TABLE kpm_move (
    id               INTEGER PRIMARY KEY,
    card             TEXT    NOT NULL,
    from_terminal    TEXT    NOT NULL REFERENCES terminal (terminal_id),
    to_terminal      TEXT    NOT NULL REFERENCES terminal (terminal_id),
    requested_at     TEXT    NOT NULL,
    release_seq      INTEGER,
    released_period  TEXT,
    released_amount  INTEGER CHECK (released_amount IS NULL OR released_amount >= 0),
    released_at      TEXT,
    CHECK (from_terminal <> to_terminal)
) STRICT;
-- At most one move per KPM waits for its release.
CREATE UNIQUE INDEX kpm_move_one_pending ON kpm_move (card) WHERE released_amount IS NULL;
CREATE INDEX kpm_move_card ON kpm_move (card, id);
