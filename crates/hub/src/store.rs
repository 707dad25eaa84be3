//! What the hub needs from its database, as one trait with an embedded SQLite and a PostgreSQL
//! implementation. Every check that does not need the database lives in `ingest`; a store only
//! reads the head and writes everything of one batch in one transaction.

use std::future::Future;

use chrono::{DateTime, FixedOffset};

use super::ingest::{Prepared, StoredHead};
use ewarong_core::protocol::HubReceipt;
pub use ewarong_core::protocol::MoveRecord;

/// A database failure. The message is for the hub operator's log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the hub database is at schema {database}, newer than this hub ({known}); run the newer hub"
    )]
    NewerSchema { database: u32, known: u32 },
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("PostgreSQL connection pool: {0}")]
    Pool(String),
    #[error("the hub database holds a malformed {0}")]
    Corrupt(String),
    #[error("a database worker stopped: {0}")]
    Worker(String),
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// A terminal as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalRecord {
    pub terminal_id: String,
    pub region: String,
    /// Set once the terminal enrolled.
    pub public_key: Option<[u8; 32]>,
    pub revoked: bool,
}

/// What happened to an uploaded batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Stored now; this is its receipt.
    Stored(HubReceipt),
    /// Stored before; this is the receipt given then.
    Duplicate(HubReceipt),
    /// Kept as fork evidence and flagged; nothing else changed.
    Fork { reason: String, head: StoredHead },
    /// Batches are missing between the head and this one.
    OutOfOrder(StoredHead),
    /// The entries do not produce the signed root.
    RootMismatch,
}

/// The result of redeeming a one-time enrolment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The key is now the terminal's; the certificate was stored.
    Enrolled,
    /// No unused, unexpired code for this terminal matches.
    BadCode,
    /// The terminal was revoked.
    Revoked,
    /// Another terminal already enrolled this key.
    KeyTaken,
}

/// A fork kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ForkRecord {
    pub terminal_id: String,
    pub batch_seq: u64,
    pub reason: String,
    pub received_at: String,
}

/// The hub's storage. Implementations are cheap to clone (a handle to a connection or pool).
pub trait Store: Clone + Send + Sync + 'static {
    /// Creates or upgrades the schema.
    fn migrate(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Registers `terminal_id` in `region` (if new) with a one-time code, by its hash.
    /// Returns `false` when the terminal is already enrolled or revoked.
    fn add_enrolment(
        &self,
        terminal_id: &str,
        region: &str,
        code_hash: [u8; 32],
        now: DateTime<FixedOffset>,
        expires: DateTime<FixedOffset>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The hashes of `terminal_id`'s codes that are unused and unexpired at `now`: what an
    /// enrolment proof is checked against, since the code itself never travels.
    fn open_codes(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> impl Future<Output = Result<Vec<[u8; 32]>, StoreError>> + Send;

    /// Uses a one-time code: binds `public_key` to the terminal and stores its certificate.
    fn redeem(
        &self,
        terminal_id: &str,
        code_hash: [u8; 32],
        public_key: [u8; 32],
        certificate: &str,
        now: DateTime<FixedOffset>,
    ) -> impl Future<Output = Result<Redeemed, StoreError>> + Send;

    /// Marks a terminal revoked; `false` if it is unknown.
    fn revoke(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn terminal(
        &self,
        terminal_id: &str,
    ) -> impl Future<Output = Result<Option<TerminalRecord>, StoreError>> + Send;

    /// The stored head of an enrolled terminal (all zeros before its first batch).
    fn head(
        &self,
        terminal_id: &str,
    ) -> impl Future<Output = Result<StoredHead, StoreError>> + Send;

    /// In one transaction: reads the head and the batch stored at this number, and executes
    /// the writes the plan module lists: the batch, its entries, its spending and `receipt`
    /// and the new head, or the upload kept as a fork (`Prepared::evidence`).
    fn ingest(
        &self,
        prepared: Prepared,
        receipt: HubReceipt,
    ) -> impl Future<Output = Result<Ingested, StoreError>> + Send;

    /// Forks kept as evidence, oldest first.
    fn forks(&self) -> impl Future<Output = Result<Vec<ForkRecord>, StoreError>> + Send;

    /// Spending per KPM card in a programme period, across all terminals, by card.
    fn spend_by_card(
        &self,
        period: &str,
    ) -> impl Future<Output = Result<Vec<CardSpend>, StoreError>> + Send;

    /// Every terminal the hub knows, with when it was last heard from.
    fn terminals(&self) -> impl Future<Output = Result<Vec<TerminalSeen>, StoreError>> + Send;

    /// Stores a signed update. Its version must be the kind's next; `false` if another
    /// publisher took that version first.
    fn publish(&self, p: Publication) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The newest update of each kind.
    fn latest_publications(
        &self,
    ) -> impl Future<Output = Result<Vec<Publication>, StoreError>> + Send;

    /// The update of `kind` at `version`, if it was published: the base of a delta.
    fn publication(
        &self,
        kind: &str,
        version: u64,
    ) -> impl Future<Output = Result<Option<Publication>, StoreError>> + Send;

    /// The receipts (as stored, JSON) of `terminal`'s batches from `from` on, oldest first, at
    /// most `limit`: what a terminal whose receipts were lost asks for instead of re-sending.
    fn receipts(
        &self,
        terminal: &str,
        from: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Orders a KPM moved from `from` to `to`. `None` when a move of this card still waits for
    /// its release (nothing is stored then).
    fn add_move(
        &self,
        card: &str,
        from: &str,
        to: &str,
        now: DateTime<FixedOffset>,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// Every move, oldest first; released ones with what was handed over.
    fn moves(&self) -> impl Future<Output = Result<Vec<MoveRecord>, StoreError>> + Send;

    /// The operations log's last seq and hash, if it has any entry.
    fn last_op(&self) -> impl Future<Output = Result<Option<(u64, [u8; 32])>, StoreError>> + Send;

    /// Appends an entry; `false` when its seq is taken already (another command was first).
    fn append_op(&self, op: Op) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The whole operations log, in order.
    fn ops(&self) -> impl Future<Output = Result<Vec<Op>, StoreError>> + Send;
}

/// The version of the moves update: it grows with every move ordered and every release.
pub fn moves_version(moves: &[MoveRecord]) -> u64 {
    let released = moves.iter().filter(|m| m.released.is_some()).count();
    (moves.len() as u64).saturating_add(released as u64)
}

/// A signed update as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub kind: String,
    pub version: u64,
    pub document: String,
    pub sha256: [u8; 32],
    pub signature: [u8; 64],
    pub published_at: String,
}

/// One KPM's spending in a period, across terminals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CardSpend {
    pub card: String,
    /// Sales minus voids, rupiah.
    pub spent: i64,
    pub terminal_count: u64,
    /// The largest balance any terminal saw before a sale to this KPM in the period.
    pub most_seen_balance: i64,
    pub terminals: Vec<String>,
    /// The batches holding this KPM's sales and voids in the period, `terminal#batch`.
    pub batches: Vec<String>,
}

impl CardSpend {
    /// Rupiah spent beyond the most any terminal saw available; 0 when within it.
    pub fn overspend(&self) -> i64 {
        self.spent.saturating_sub(self.most_seen_balance).max(0)
    }
}

/// A terminal and when its last batch arrived.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TerminalSeen {
    pub terminal_id: String,
    pub region: String,
    pub enrolled: bool,
    /// RFC 3339 of the last accepted batch (or of enrolment); `None` before enrolment.
    pub last_seen: Option<String>,
    pub last_seq: u64,
    /// RFC 3339 of the revocation; `None` while the terminal is in good standing.
    pub revoked_at: Option<String>,
}

/// A stored 32-byte digest or key back from its column; `what` names the column when it has
/// the wrong length.
pub fn stored_hash(what: &str, bytes: impl AsRef<[u8]>) -> Result<[u8; 32], StoreError> {
    ewarong_core::seal::hash::to_hash32(bytes.as_ref())
        .ok_or_else(|| StoreError::Corrupt(what.to_owned()))
}

/// A comma-separated list from SQL, sorted.
pub fn sorted_list(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// One entry of the operations log (`ops`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Op {
    pub seq: u64,
    /// RFC 3339.
    pub at: String,
    /// `code_issued`, `enrolled`, `revoked`, `published`, `move_ordered`.
    pub op: String,
    /// JSON: what the operation was about.
    pub detail: String,
    #[serde(serialize_with = "as_hex")]
    pub prev_hash: [u8; 32],
    #[serde(serialize_with = "as_hex")]
    pub hash: [u8; 32],
    #[serde(serialize_with = "as_hex")]
    pub signature: [u8; 64],
}

fn as_hex<S: serde::Serializer, const N: usize>(b: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ewarong_core::seal::hex(b))
}
