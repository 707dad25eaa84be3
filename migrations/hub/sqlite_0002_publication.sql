-- Hub 0002 (embedded SQLite): signed updates for terminals, one row per kind and version.
CREATE TABLE publication (
    kind         TEXT    NOT NULL CHECK (kind IN ('policy', 'catalogue', 'prices', 'roster')),
    version      INTEGER NOT NULL CHECK (version > 0),
    document     TEXT    NOT NULL,
    sha256       BLOB    NOT NULL CHECK (length(sha256) = 32),
    signature    BLOB    NOT NULL CHECK (length(signature) = 64),
    published_at TEXT    NOT NULL,
    PRIMARY KEY (kind, version)
) STRICT;
