//! The terminal's append-only SQLite ledger: the only module on the terminal that speaks SQL.
//!
//! Durability: WAL, `synchronous=FULL`, foreign keys on; one transaction per entry.
//! Every entry gets the next seq (no gaps) and a SHA-256 hash chained to the previous one.

// Tests compute expected values with plain arithmetic; shipped code stays checked.
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::type_complexity,
        clippy::cast_possible_truncation
    )
)]

pub mod data_dir;
pub mod demo;

mod audit_rows;
mod batches;
mod downloads;
mod entries;
mod error;
mod hub_state;
mod moves;
mod proofs;
mod query;
mod reference;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};

use ewarong_core::domain::policy::is_slug;
use ewarong_core::domain::{Catalogue, Policy};
use ewarong_core::seal::sign::PublicKey;
use ewarong_core::seal::{self, EntryKind, Frontier, GENESIS, Hash32};
use ewarong_keys::TerminalKey;

pub use audit_rows::{AuditCopy, audit_file};
pub use batches::{BatchInfo, SealReason};
pub use entries::{ComplaintCategory, Operator, Presence, Role, SavedSale, SavedVoid};
pub use error::LedgerError;
pub use hub_state::{AckVia, Acked, Enrolment, Outgoing};
pub use moves::{ReleaseRecord, Standing};
pub use proofs::ReceiptCodeCheck;
pub use query::{ChainReport, DayReport, GroupTotal, HistoryFilter, HistoryRow, SaleLine};
pub use reference::{KpmSummary, Versions, sha256};

/// The file name of the ledger inside the data directory.
pub const LEDGER_FILE: &str = "ledger.sqlite3";

/// The ledger's migrations, in order; never edited once released, only added.
const MIGRATION_SQL: [&str; 10] = [
    include_str!("../../../migrations/0001_ledger.sql"),
    include_str!("../../../migrations/0002_tree_state.sql"),
    include_str!("../../../migrations/0003_terminal_key.sql"),
    include_str!("../../../migrations/0004_batches.sql"),
    include_str!("../../../migrations/0005_sync.sql"),
    include_str!("../../../migrations/0006_moves.sql"),
    include_str!("../../../migrations/0007_hub_tls.sql"),
    include_str!("../../../migrations/0008_hub_change.sql"),
    include_str!("../../../migrations/0009_batch_program.sql"),
    include_str!("../../../migrations/0010_hub_documents.sql"),
];

/// Migrations embedded at build time, applied in order on open. 0002 also backfills the tree
/// state of entries written before it.
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(
        MIGRATION_SQL
            .iter()
            .enumerate()
            .map(|(i, sql)| match i {
                1 => M::up_with_hook(sql, backfill_tree_state),
                _ => M::up(sql),
            })
            .collect(),
    )
});

/// The newest schema version this build understands: the number of migrations
/// (rusqlite_migration keeps it in `user_version`).
pub fn supported_schema_version() -> i64 {
    i64::try_from(MIGRATION_SQL.len()).unwrap_or(i64::MAX)
}

/// Fills `tree_state` for entries written before migration 0002, from their stored leaf hashes.
fn backfill_tree_state(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let mut frontier = Frontier::default();
    let mut read = tx.prepare("SELECT seq, leaf_hash FROM entry ORDER BY seq")?;
    let mut insert =
        tx.prepare("INSERT INTO tree_state (seq, root, frontier) VALUES (?1, ?2, ?3)")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let seq: u64 = r.get(0)?;
        let leaf: Vec<u8> = r.get(1)?;
        let leaf = seal::hash::to_hash32(&leaf).ok_or_else(|| {
            rusqlite_migration::HookError::Hook(format!("entry {seq}: leaf_hash"))
        })?;
        frontier.append(leaf);
        insert.execute(params![seq, frontier.root(), frontier.encode()])?;
    }
    Ok(())
}

/// Who this terminal is and what time zone its days follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalInfo {
    pub terminal_id: String,
    pub utc_offset: FixedOffset,
}

impl TerminalInfo {
    /// The current time in the terminal's zone.
    pub fn now(&self) -> DateTime<FixedOffset> {
        Utc::now().with_timezone(&self.utc_offset)
    }

    /// WIB, WITA or WIT for the Indonesian zones; otherwise the offset.
    pub fn zone_name(&self) -> String {
        zone_name(self.utc_offset)
    }
}

/// WIB, WITA or WIT for the Indonesian zones; otherwise the offset (`+05:30`).
pub fn zone_name(offset: FixedOffset) -> String {
    match offset.local_minus_utc() {
        25_200 => "WIB".into(),
        28_800 => "WITA".into(),
        32_400 => "WIT".into(),
        _ => offset.to_string(),
    }
}

/// An open ledger.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    terminal: TerminalInfo,
    /// Policy and catalogue in force, reloaded when an import changes their versions.
    cache: Option<reference::Cached>,
    /// The terminal key, when attached: entries are then signed and batches can be sealed.
    signer: Option<TerminalKey>,
    /// Opened `immutable` for the audit: the file cannot change while it is open.
    immutable: bool,
}

/// True for the errors of a read-only open that come from being unable to write the `-shm`
/// (and `-wal`) files beside the ledger, rather than from the ledger itself.
fn cannot_write_beside(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::DiskFull
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
        )
    )
}

/// The ledger's write-ahead log: `path` with `-wal` after it.
fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal.into()
}

/// True when the ledger's `-wal` file is absent or holds nothing: every committed entry is
/// then in the file itself.
fn wal_is_empty(path: &Path) -> bool {
    std::fs::metadata(wal_path(path)).map_or(true, |m| m.len() == 0)
}

/// RFC 3339 with seconds and the terminal's offset: `2026-11-28T14:05:00+07:00`.
pub(crate) fn timestamp(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn configure(conn: &Connection) -> Result<(), LedgerError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A year of sales is tens of MB: keep the hot pages in memory and read the rest through
    // mmap instead of one syscall per page. Both are read-side only; durability is unchanged.
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn schema_version(conn: &Connection) -> Result<i64, LedgerError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

fn migrate(conn: &mut Connection) -> Result<(), LedgerError> {
    let found = schema_version(conn)?;
    if found > supported_schema_version() {
        return Err(LedgerError::NewerSchema {
            found,
            supported: supported_schema_version(),
        });
    }
    MIGRATIONS
        .to_latest(conn)
        .map_err(|e| LedgerError::Migration(e.to_string()))
}

impl Ledger {
    /// Creates a new ledger file for a terminal. Refuses to touch an existing one.
    pub fn create(
        path: &Path,
        terminal_id: &str,
        utc_offset: FixedOffset,
        now: DateTime<FixedOffset>,
    ) -> Result<Self, LedgerError> {
        if !is_slug(terminal_id) {
            return Err(LedgerError::TerminalId(terminal_id.to_owned()));
        }
        if path.exists() {
            return Err(LedgerError::AlreadyInitialized(path.to_owned()));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Owner-only before anything is written: the ledger holds the KPM's PIN verifiers, and
        // SQLite gives its -wal and -shm files the database file's mode.
        ewarong_keys::fs::owner_only(path).map_err(|e| LedgerError::Permissions {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        configure(&conn)?;
        migrate(&mut conn)?;
        conn.execute(
            "INSERT INTO terminal (id, terminal_id, utc_offset_minutes, created_at) VALUES (1, ?1, ?2, ?3)",
            params![terminal_id, utc_offset.local_minus_utc() / 60, timestamp(&now)],
        )?;
        tracing::info!(terminal_id, path = %path.display(), "ledger created");
        Self::from_conn(conn, path)
    }

    /// Opens an existing ledger for writing, applying any pending migrations.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::NotInitialized(path.to_owned()));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Self::from_conn(conn, path)
    }

    /// Opens a ledger for reading only; nothing can be written through it.
    pub fn open_read_only(path: &Path) -> Result<Self, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::NotInitialized(path.to_owned()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "query_only", "ON")?;
        Self::checked(conn, path)
    }

    /// Opens a ledger for a command that only reads (check, history, balance, reports).
    ///
    /// Nothing is written: no migration runs and the journal mode is left as it is. When the
    /// usual read-only open fails because nothing can be written beside the file (a full disk
    /// cannot hold the `-shm` index, a write-protected stick cannot take it) and no writer has
    /// left pages in the `-wal`, the file is read `immutable`, which needs no file beside it.
    /// A ledger written by an older ewarong is migrated first, through [`Ledger::open`].
    pub fn open_for_reading(path: &Path) -> Result<Self, LedgerError> {
        match Self::open_read_only_or_immutable(path) {
            Ok(l) if l.schema_is_current()? => Ok(l),
            Ok(older) => {
                drop(older);
                Self::open(path)
            }
            Err(e) => Err(e),
        }
    }

    /// [`Ledger::open_read_only`], or `immutable` when that fails for want of space or write
    /// access and the `-wal` holds no pages (so the file alone is the whole ledger).
    pub(crate) fn open_read_only_or_immutable(path: &Path) -> Result<Self, LedgerError> {
        match Self::open_read_only(path) {
            Err(LedgerError::Sqlite(e)) if cannot_write_beside(&e) && wal_is_empty(path) => {
                tracing::info!(error = %e, path = %path.display(), "ledger read immutable");
                Self::open_immutable(path)
            }
            other => other,
        }
    }

    fn schema_is_current(&self) -> Result<bool, LedgerError> {
        Ok(schema_version(&self.conn)? == supported_schema_version())
    }

    /// A read-only connection, refused when a newer ewarong wrote the file.
    fn checked(conn: Connection, path: &Path) -> Result<Self, LedgerError> {
        let found = schema_version(&conn)?;
        if found > supported_schema_version() {
            return Err(LedgerError::NewerSchema {
                found,
                supported: supported_schema_version(),
            });
        }
        Self::from_conn(conn, path)
    }

    fn from_conn(conn: Connection, path: &Path) -> Result<Self, LedgerError> {
        let terminal = conn
            .query_row(
                "SELECT terminal_id, utc_offset_minutes FROM terminal WHERE id = 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i32>(1)?)),
            )
            .optional()
            .map_err(|e| match e.sqlite_error_code() {
                Some(_) => LedgerError::Sqlite(e),
                None => LedgerError::Corrupt(e.to_string()),
            })?;
        let Some((terminal_id, offset_minutes)) = terminal else {
            return Err(LedgerError::Corrupt("terminal".into()));
        };
        let utc_offset = FixedOffset::east_opt(offset_minutes.saturating_mul(60))
            .ok_or_else(|| LedgerError::Corrupt("terminal.utc_offset_minutes".into()))?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            terminal: TerminalInfo {
                terminal_id,
                utc_offset,
            },
            cache: None,
            signer: None,
            immutable: false,
        })
    }

    pub fn terminal(&self) -> &TerminalInfo {
        &self.terminal
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for tests and the audit of raw tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Records the terminal's public key (a new key is a new row; the newest signs from now on).
    pub fn record_public_key(
        &mut self,
        key: &PublicKey,
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO terminal_key (public_key, created_at) VALUES (?1, ?2)",
            params![key.to_bytes(), timestamp(&now)],
        )?;
        Ok(())
    }

    /// Signs the signature base of a request to the hub (`ewarong_core::hub_auth`) with the
    /// terminal key. Anything that is not such a base is refused, so this door signs no
    /// entry, batch or receipt.
    pub fn sign_hub_request(&self, base: &str) -> Result<[u8; 64], LedgerError> {
        if !ewarong_core::hub_auth::is_signature_base(base) {
            return Err(LedgerError::Corrupt(
                "not a hub request signature base".into(),
            ));
        }
        let key = self.signer.as_ref().ok_or(LedgerError::NoKey)?;
        Ok(key.sign(base.as_bytes()))
    }

    /// The public key that signs for this terminal now, if one was recorded.
    pub fn public_key(&self) -> Result<Option<PublicKey>, LedgerError> {
        let bytes: Option<[u8; 32]> = self
            .conn
            .query_row(
                "SELECT public_key FROM terminal_key ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        bytes
            .map(|b| PublicKey::from_bytes(&b).map_err(|e| LedgerError::Corrupt(e.to_string())))
            .transpose()
    }

    /// The policy in force.
    pub fn policy(&mut self) -> Result<Policy, LedgerError> {
        Ok(self.refs()?.policy.clone())
    }

    /// The catalogue in force.
    pub fn catalogue(&mut self) -> Result<Catalogue, LedgerError> {
        Ok(self.refs()?.catalogue.clone())
    }
}

/// What appending an entry produced.
#[derive(Debug, Clone)]
pub(crate) struct Appended {
    pub seq: u64,
    pub leaf: Hash32,
    pub chain: Hash32,
    /// The tree root after this entry (tree size = seq).
    pub root: Hash32,
    /// The terminal's signature over that checkpoint, when a key is attached.
    pub signature: Option<[u8; 64]>,
    /// The entry's canonical bytes, as written.
    pub canonical: Vec<u8>,
}

/// Appends one entry to the chain and the Merkle tree inside `tx`, and signs the new checkpoint
/// when a key is given.
pub(crate) fn append_entry(
    tx: &Transaction<'_>,
    terminal_id: &str,
    signer: Option<&TerminalKey>,
    kind: EntryKind,
    now: &DateTime<FixedOffset>,
    body: impl FnOnce(&mut seal::Writer),
) -> Result<Appended, LedgerError> {
    let last: Option<(i64, Vec<u8>)> = tx
        .prepare_cached("SELECT seq, chain_hash FROM entry ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (last_seq, prev) = match last {
        Some((seq, hash)) => (
            u64::try_from(seq).map_err(|_| LedgerError::Corrupt("entry.seq".into()))?,
            seal::hash::to_hash32(&hash)
                .ok_or_else(|| LedgerError::Corrupt("entry.chain_hash".into()))?,
        ),
        None => (0, GENESIS),
    };
    let seq = last_seq
        .checked_add(1)
        .ok_or_else(|| LedgerError::Corrupt("entry.seq".into()))?;
    let recorded_at = timestamp(now);
    let mut w = seal::Writer::entry(kind, terminal_id, seq, &recorded_at);
    body(&mut w);
    let canonical = w.finish();
    let leaf = seal::leaf_hash(&canonical);
    let chain = seal::chain_hash(&prev, &leaf);
    tx.prepare_cached(
        "INSERT INTO entry (seq, kind, recorded_at, canonical, leaf_hash, prev_hash, chain_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        kind.as_str(),
        recorded_at,
        canonical,
        leaf,
        prev,
        chain
    ])?;
    let mut frontier = match tx
        .prepare_cached("SELECT frontier FROM tree_state WHERE seq = ?1")?
        .query_row([last_seq], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
    {
        Some(bytes) => Frontier::decode(&bytes)
            .map_err(|e| LedgerError::Corrupt(format!("tree_state: {e}")))?,
        None if last_seq == 0 => Frontier::default(),
        None => return Err(LedgerError::Corrupt(format!("tree_state {last_seq}"))),
    };
    frontier.append(leaf);
    let root = frontier.root();
    tx.prepare_cached("INSERT INTO tree_state (seq, root, frontier) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, root, frontier.encode()])?;
    let signature = match signer {
        Some(key) => {
            let sig = key.sign(seal::batch::checkpoint_text(terminal_id, seq, &root).as_bytes());
            tx.prepare_cached("INSERT INTO entry_signature (seq, signature) VALUES (?1, ?2)")?
                .execute(params![seq, sig])?;
            Some(sig)
        }
        None => None,
    };
    Ok(Appended {
        seq,
        leaf,
        chain,
        root,
        signature,
        canonical,
    })
}
