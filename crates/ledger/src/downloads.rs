//! The terminal's caches for sync over weak links (migration 0010): the last document of each
//! kind the hub sent, the base of the next delta; and the pages of a large download received
//! so far. Neither is evidence: emptying them only makes the next update come whole.

use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError};
use ewarong_core::seal::Hash32;

/// The enrolment in force, as SQL.
const IN_FORCE: &str = "(SELECT COALESCE(MAX(id), 0) FROM hub_enrolment)";

impl Ledger {
    /// The last document of `kind` the hub in force sent, with its version: the base a delta
    /// is applied to. `None` if none is kept (a terminal from before 0010, or another hub's).
    pub fn hub_document(&self, kind: &str) -> Result<Option<(u64, String)>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT version, document FROM hub_document
                     WHERE kind = ?1 AND enrolment = {IN_FORCE}"
                ),
                [kind],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Keeps `document` as the last of `kind` (replacing the one before), once it is applied.
    pub fn keep_hub_document(
        &self,
        kind: &str,
        version: u64,
        document: &str,
    ) -> Result<(), LedgerError> {
        let sha = super::sha256(document.as_bytes());
        self.conn.execute(
            &format!(
                "INSERT OR REPLACE INTO hub_document (kind, enrolment, version, sha256, document)
                 VALUES (?1, {IN_FORCE}, ?2, ?3, ?4)"
            ),
            params![kind, version, sha.as_slice(), document],
        )?;
        Ok(())
    }

    /// The pages of the download `(kind, version, sha256)` already received, by number.
    pub fn download_pages(
        &self,
        kind: &str,
        version: u64,
        sha256: &Hash32,
    ) -> Result<Vec<u64>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT page FROM download_page WHERE kind = ?1 AND version = ?2 AND sha256 = ?3
             ORDER BY page",
        )?;
        let rows = stmt.query_map(params![kind, version, sha256.as_slice()], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<u64>, _>>()?)
    }

    /// Stores one page whose hash the caller checked; durable before the next is asked for.
    /// Pages of any other download of the same kind are dropped: only the newest is wanted.
    pub fn store_download_page(
        &mut self,
        kind: &str,
        version: u64,
        sha256: &Hash32,
        page: u64,
        bytes: &[u8],
    ) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM download_page WHERE kind = ?1 AND (version <> ?2 OR sha256 <> ?3)",
            params![kind, version, sha256.as_slice()],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO download_page (kind, version, sha256, page, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, version, sha256.as_slice(), page, bytes],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The pages received, joined in order.
    pub fn downloaded(
        &self,
        kind: &str,
        version: u64,
        sha256: &Hash32,
    ) -> Result<Vec<u8>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT bytes FROM download_page WHERE kind = ?1 AND version = ?2 AND sha256 = ?3
             ORDER BY page",
        )?;
        let mut out = Vec::new();
        let mut rows = stmt.query(params![kind, version, sha256.as_slice()])?;
        while let Some(r) = rows.next()? {
            out.extend_from_slice(&r.get::<_, Vec<u8>>(0)?);
        }
        Ok(out)
    }

    /// Drops every page of `kind`: the download was applied, or failed its final check.
    pub fn clear_download(&self, kind: &str) -> Result<(), LedgerError> {
        self.conn
            .execute("DELETE FROM download_page WHERE kind = ?1", [kind])?;
        Ok(())
    }

    /// Bytes received so far of unfinished downloads: for the status bar.
    pub fn download_bytes(&self) -> Result<u64, LedgerError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(SUM(length(bytes)), 0) FROM download_page",
            [],
            |r| r.get(0),
        )?)
    }
}
