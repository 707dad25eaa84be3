-- 0010: two caches for sync over weak links (docs/sync.md, "Weak links"). Neither is a record
-- and neither is signed: what the ledger proves stays in the chained entries and in
-- reference_import. Both may be emptied at any time; the next update then comes whole.
--
-- hub_document: the last document of each kind the hub sent, exactly as received, so the next
-- update of that kind can come as the lines that changed (a delta) and be checked against the
-- hash the hub signed. Holds the roster with its PIN verifiers: an audit copy leaves it empty.
CREATE TABLE hub_document (
    kind      TEXT PRIMARY KEY,
    enrolment INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    sha256    BLOB NOT NULL CHECK (length(sha256) = 32),
    document  TEXT NOT NULL
);

-- download_page: the pages of a large document received so far, each checked against its own
-- hash as it arrived, so a download cut off continues from the first page missing. Emptied when
-- the document is applied.
CREATE TABLE download_page (
    kind    TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256  BLOB NOT NULL CHECK (length(sha256) = 32),
    page    INTEGER NOT NULL CHECK (page >= 0),
    bytes   BLOB NOT NULL,
    PRIMARY KEY (kind, version, sha256, page)
);
