-- Hub 0002 (PostgreSQL): signed updates for terminals, one row per kind and version.
CREATE TABLE publication (
    kind         TEXT   NOT NULL CHECK (kind IN ('policy', 'catalogue', 'prices', 'roster')),
    version      BIGINT NOT NULL CHECK (version > 0),
    document     TEXT   NOT NULL,
    sha256       BYTEA  NOT NULL CHECK (length(sha256) = 32),
    signature    BYTEA  NOT NULL CHECK (length(signature) = 64),
    published_at TEXT   NOT NULL,
    PRIMARY KEY (kind, version)
);
