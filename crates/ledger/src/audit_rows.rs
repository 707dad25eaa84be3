//! Reading everything the audit checks, as plain rows, from a ledger opened read-only, in one
//! consistent snapshot, writing nothing beside the file.

use std::collections::BTreeMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::{Ledger, LedgerError};
use ewarong_core::audit::{
    AckRow, AuditInput, AuditOptions, AuditReport, BatchRow, EnrolmentRow, EntryRow, Table, Value,
};
use ewarong_core::domain::Policy;

/// A projection table and the column that orders its child rows (`None`: one row per seq).
type Projection = (&'static str, Option<&'static str>);

/// The largest projections, one row or more per sale, load on a thread of its own.
const BIG_PROJECTIONS: [Projection; 2] = [("sale_item", Some("line_no")), ("sale", None)];

/// The other projections, loaded after the entries on the calling thread.
const PROJECTIONS: [Projection; 7] = [
    ("void", None),
    ("day_close", None),
    ("day_close_total", Some("group_id")),
    ("complaint", None),
    ("lockout", None),
    ("release", None),
    ("hub_change", None),
];

/// Texts already read from one table, so a text repeated on many rows is stored once.
type Texts = std::collections::HashMap<Box<[u8]>, std::sync::Arc<str>>;

fn value(v: ValueRef<'_>, texts: &mut Texts) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // The ledger's tables are STRICT and hold no floats; keep one as text if it ever appears.
        ValueRef::Real(f) => Value::Text(f.to_string().into()),
        ValueRef::Text(t) => match texts.get(t) {
            Some(shared) => Value::Text(shared.clone()),
            None => {
                let shared: std::sync::Arc<str> = String::from_utf8_lossy(t).into();
                texts.insert(t.into(), shared.clone());
                Value::Text(shared)
            }
        },
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// A blob of exactly `N` bytes; anything else (NULL, the wrong length, another type) is `None`.
fn fixed<const N: usize>(v: ValueRef<'_>) -> Option<[u8; N]> {
    match v {
        ValueRef::Blob(b) => b.try_into().ok(),
        _ => None,
    }
}

/// Audits a ledger file without writing to it or beside it: a copy from a USB stick, or a
/// terminal's own, live or not. What the signatures are checked against is in `options` (see
/// [`AuditOptions`]). `LedgerError` means the file cannot be read as a ledger.
pub fn audit_file(
    path: &std::path::Path,
    options: &AuditOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<AuditReport, LedgerError> {
    Ledger::open_for_audit(path)?.audit(options, progress)
}

/// `path` as an SQLite URI that opens it read-only and `immutable`: no lock, no `-wal` or
/// `-shm` file made beside it.
fn immutable_uri(path: &std::path::Path) -> Result<String, LedgerError> {
    let absolute = std::path::absolute(path).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    let text = absolute
        .to_str()
        .ok_or_else(|| LedgerError::Corrupt("the path is not UTF-8".into()))?
        .replace('\\', "/");
    let mut uri = String::from("file:");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Ok(uri)
}

/// A read-only connection for the audit: `immutable` (no lock, nothing written beside the
/// file) or through the file's WAL.
fn audit_connection(path: &std::path::Path, immutable: bool) -> Result<Connection, LedgerError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(immutable_uri(path)?, flags | OpenFlags::SQLITE_OPEN_URI)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

/// Runs `read` inside one read transaction on `conn`: every read sees the same moment.
fn in_snapshot<T>(
    conn: &Connection,
    read: impl FnOnce() -> Result<T, LedgerError>,
) -> Result<T, LedgerError> {
    conn.execute_batch("BEGIN DEFERRED")?;
    let result = read();
    // A read transaction: ending it changes nothing, whatever was read.
    let _ = conn.execute_batch("COMMIT");
    result
}

/// The newest entry's seq, 0 when there is none.
fn newest_seq(conn: &Connection) -> Result<u64, LedgerError> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM entry", [], |r| r.get(0))?)
}

impl Ledger {
    /// Opens a ledger for the audit. A file with no `-wal` beside it (a copy, or a ledger whose
    /// last writer closed cleanly) opens `immutable`, which writes nothing anywhere. A file with
    /// a `-wal` beside it may be live: it opens read-only through its WAL, and
    /// [`Ledger::audit_input`] reads it in one transaction.
    pub fn open_for_audit(path: &std::path::Path) -> Result<Self, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::NotInitialized(path.to_owned()));
        }
        if super::wal_path(path).exists() {
            return Self::open_read_only_or_immutable(path);
        }
        Self::open_immutable(path)
    }

    /// Opens `path` read-only and `immutable`: no lock taken, nothing written anywhere.
    pub(crate) fn open_immutable(path: &std::path::Path) -> Result<Self, LedgerError> {
        let mut l = Self::checked(audit_connection(path, true)?, path)?;
        l.immutable = true;
        Ok(l)
    }

    /// Audits this ledger (opened with [`Ledger::open_for_audit`]): reads it in one snapshot,
    /// runs every check, and frees the rows read on another thread once the report exists.
    pub fn audit(
        &self,
        options: &AuditOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<AuditReport, LedgerError> {
        let input = self.audit_input()?;
        let report = ewarong_core::audit::audit(&input, options, progress);
        input.release();
        Ok(report)
    }

    /// Everything the audit needs, read in one pass per table, all from one snapshot: a ledger
    /// written to meanwhile shows the state of one moment, never half of a sale or a seal.
    pub fn audit_input(&self) -> Result<AuditInput, LedgerError> {
        in_snapshot(&self.conn, || self.audit_input_in_snapshot())
    }

    fn audit_input_in_snapshot(&self) -> Result<AuditInput, LedgerError> {
        let conn = &self.conn;
        // This first read fixes the snapshot every later read of this transaction sees.
        let top = newest_seq(conn)?;
        // The largest projections load on a second connection alongside the rest. Its snapshot
        // starts later; it is used only when it holds the same entries (every row of `sale` and `sale_item`
        // is written with its entry), else it is read again here. See `second_snapshot`.
        let (path, immutable) = (self.path.clone(), self.immutable);
        let big = std::thread::spawn(move || second_snapshot(&path, immutable, top));
        let entries = read_entries(conn)?;
        let mut batches = Vec::new();
        // A copy from before 0009 has no `batch.program`.
        // A copy from an older terminal lacks what later migrations added; read what it has.
        let schema = super::schema_version(conn)?;
        let program = if schema >= 9 { "program" } else { "NULL" };
        let mut stmt = conn.prepare(&format!(
            "SELECT batch_seq, first_seq, last_seq, root, prev_header_hash, sealed_at, header, header_hash, signature,
                    public_key, checkpoint, {program}
             FROM batch ORDER BY batch_seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            batches.push(BatchRow {
                batch_seq: r.get(0)?,
                first_seq: r.get(1)?,
                last_seq: r.get(2)?,
                root: r.get(3)?,
                prev_header_hash: r.get(4)?,
                sealed_at: r.get(5)?,
                header: r.get(6)?,
                header_hash: r.get(7)?,
                signature: r.get(8)?,
                public_key: r.get(9)?,
                checkpoint: r.get(10)?,
                program: r.get(11)?,
            });
        }
        let recorded_keys: Vec<[u8; 32]> = conn
            .prepare("SELECT public_key FROM terminal_key ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut policies = BTreeMap::new();
        let mut stmt =
            conn.prepare("SELECT version, document FROM reference_import WHERE kind = 'policy'")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let version: u64 = r.get(0)?;
            let doc: Option<String> = r.get(1)?;
            if let Some(p) = doc.and_then(|d| Policy::from_json(&d).ok()) {
                policies.insert(version, p);
            }
        }
        let supervisors = conn
            .prepare("SELECT DISTINCT name FROM operator WHERE role = 'supervisor'")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let enrolments = conn
            .prepare("SELECT id, hub_public_key, certificate FROM hub_enrolment ORDER BY id")?
            .query_map([], |r| {
                Ok(EnrolmentRow {
                    id: r.get(0)?,
                    hub_public_key: r.get(1)?,
                    certificate: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let acks = conn
            .prepare(if schema >= 8 {
                "SELECT enrolment, batch_seq, receipt FROM batch_ack ORDER BY enrolment, batch_seq"
            } else {
                // Before 0008 every receipt was the newest enrolment's.
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), batch_seq, receipt
                 FROM batch_ack ORDER BY batch_seq"
            })?
            .query_map([], |r| {
                Ok(AckRow {
                    enrolment: r.get(0)?,
                    batch_seq: r.get(1)?,
                    receipt: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let outbox = conn
            .prepare("SELECT batch_seq FROM outbox ORDER BY batch_seq")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let seal_every = Some(self.seal_every()?);
        let mut projections = load_projections(conn, &PROJECTIONS)?;
        // The loader thread only fails by returning an error; a panic there is a bug, re-raised.
        match big.join().unwrap_or_else(|p| std::panic::resume_unwind(p)) {
            Ok(Some(rows)) => projections.extend(rows),
            // A sale landed between the two snapshots, or the second could not be opened:
            // read it in this one.
            Ok(None) | Err(_) => projections.extend(load_projections(conn, &BIG_PROJECTIONS)?),
        }
        Ok(AuditInput {
            terminal_id: self.terminal.terminal_id.clone(),
            recorded_keys,
            enrolments,
            acks,
            outbox,
            seal_every,
            entries,
            batches,
            projections,
            policies,
            supervisors,
        })
    }
}

/// Every `entry` row with its `tree_state` and `entry_signature` rows, in seq order. Three
/// sequential scans merged by seq (all three tables are keyed by it), not a lookup per entry; an
/// entry with no tree state or signature row gets `None` there, as a left join would.
fn read_entries(conn: &Connection) -> Result<Vec<EntryRow>, LedgerError> {
    let mut entries = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT seq, kind, recorded_at, canonical, leaf_hash, prev_hash, chain_hash FROM entry ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        entries.push(EntryRow {
            seq: r.get(0)?,
            kind: r.get(1)?,
            recorded_at: r.get(2)?,
            canonical: r.get(3)?,
            leaf_hash: fixed(r.get_ref(4)?),
            prev_hash: fixed(r.get_ref(5)?),
            chain_hash: fixed(r.get_ref(6)?),
            tree_root: None,
            signature: None,
            frontier: None,
        });
    }
    merge_by_seq(
        conn,
        "SELECT seq, root, frontier FROM tree_state ORDER BY seq",
        &mut entries,
        |e, r| {
            e.tree_root = fixed(r.get_ref(1)?);
            e.frontier = match r.get_ref(2)? {
                ValueRef::Blob(b) => Some(b.to_vec()),
                _ => None,
            };
            Ok(())
        },
    )?;
    merge_by_seq(
        conn,
        "SELECT seq, signature FROM entry_signature ORDER BY seq",
        &mut entries,
        |e, r| {
            e.signature = fixed(r.get_ref(1)?);
            Ok(())
        },
    )?;
    Ok(entries)
}

/// Runs `sql` (seq first, ascending) and hands each row to `fill` with the entry of the same
/// seq. `seq` is the primary key of every table merged, so rows and entries both ascend without
/// repeats; a row with no entry is skipped (the audit finds those by other means).
fn merge_by_seq(
    conn: &Connection,
    sql: &str,
    entries: &mut [EntryRow],
    mut fill: impl FnMut(&mut EntryRow, &rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<(), LedgerError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut at = 0usize;
    while let Some(r) = rows.next()? {
        let seq: u64 = r.get(0)?;
        while entries.get(at).is_some_and(|e| e.seq < seq) {
            at = at.saturating_add(1);
        }
        if let Some(e) = entries.get_mut(at).filter(|e| e.seq == seq) {
            fill(e, r)?;
        }
    }
    Ok(())
}

/// The largest projections, read on a connection of its own, if that connection's snapshot holds
/// exactly the entries up to `top` (then its rows are those of the caller's snapshot: the ledger
/// only appends, and a sale's rows are written in its entry's transaction). `None` when a newer
/// entry is there already.
fn second_snapshot(
    path: &std::path::Path,
    immutable: bool,
    top: u64,
) -> Result<Option<BTreeMap<String, Table>>, LedgerError> {
    let conn = audit_connection(path, immutable)?;
    in_snapshot(&conn, || {
        if newest_seq(&conn)? == top {
            Ok(Some(load_projections(&conn, &BIG_PROJECTIONS)?))
        } else {
            Ok(None)
        }
    })
}

/// Reads the projection tables into typed rows.
fn load_projections(
    conn: &Connection,
    tables: &[Projection],
) -> Result<BTreeMap<String, Table>, LedgerError> {
    let mut projections = BTreeMap::new();
    for &(table, order) in tables {
        // A copy from a terminal older than the table (e.g. `hub_change`, from 0008) has none.
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
            [table],
            |r| r.get(0),
        )?;
        if !exists {
            continue;
        }
        let sql = match order {
            None => format!("SELECT * FROM {table} ORDER BY seq"),
            Some(col) => format!("SELECT * FROM {table} ORDER BY seq, {col}"),
        };
        let mut stmt = conn.prepare(&sql)?;
        let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let seq_col = columns.iter().position(|c| c == "seq").unwrap_or(0);
        let mut rows = stmt.query([])?;
        let mut t = Table {
            columns: columns.clone(),
            ..Table::default()
        };
        let mut last_seq = 0u64;
        let mut sub = 0u64;
        let mut texts = Texts::new();
        while let Some(r) = rows.next()? {
            let seq = match r.get_ref(seq_col)? {
                ValueRef::Integer(s) => u64::try_from(s).unwrap_or(0),
                _ => 0,
            };
            sub = if seq == last_seq {
                sub.saturating_add(1)
            } else {
                0
            };
            last_seq = seq;
            let key = (seq, if order.is_some() { sub } else { 0 });
            t.keys.push(key);
            for i in 0..columns.len() {
                t.cells.push(value(r.get_ref(i)?, &mut texts));
            }
        }
        projections.insert(table.to_owned(), t);
    }
    Ok(projections)
}

/// What [`Ledger::write_audit_copy`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditCopy {
    pub path: std::path::PathBuf,
    pub entries: u64,
    /// KPM and operator PIN verifiers left out of the copy.
    pub verifiers_removed: u64,
}

impl Ledger {
    /// Writes a copy of this ledger for a supervisor to take away: every signed table as it is,
    /// so `ewarong audit` checks it like the original, but with every KPM and operator PIN
    /// verifier replaced by `removed`, and no deleted page keeping the old bytes. A copy that
    /// leaves the shop then holds nothing a PIN can be searched against. `target` must not exist.
    pub fn write_audit_copy(&self, target: &std::path::Path) -> Result<AuditCopy, LedgerError> {
        if target.exists() {
            return Err(LedgerError::TargetExists(target.to_owned()));
        }
        let text = target
            .to_str()
            .ok_or_else(|| LedgerError::Corrupt("the path is not UTF-8".into()))?;
        // One consistent snapshot, compacted: no free page of the original comes along.
        self.conn.execute("VACUUM INTO ?1", [text])?;
        let written = (|| -> Result<AuditCopy, LedgerError> {
            let copy = Connection::open(target)?;
            copy.pragma_update(None, "secure_delete", "ON")?;
            let trigger: Option<String> = copy
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'operator_no_update'",
                    [],
                    |r| r.get(0),
                )
                .ok();
            copy.execute_batch("BEGIN; DROP TRIGGER IF EXISTS operator_no_update;")?;
            let kpm = copy.execute("UPDATE kpm SET pin_verifier = 'removed'", [])?;
            let ops = copy.execute("UPDATE operator SET pin_verifier = 'removed'", [])?;
            // The caches of hub documents hold the roster as sent, verifiers and all.
            copy.execute_batch("DELETE FROM hub_document; DELETE FROM download_page;")?;
            if let Some(sql) = trigger {
                copy.execute_batch(&sql)?;
            }
            copy.execute_batch("COMMIT")?;
            // Rewrite the file so not even the journal's or a freed page's bytes remain.
            copy.execute_batch("VACUUM")?;
            let entries = copy.query_row("SELECT COUNT(*) FROM entry", [], |r| r.get(0))?;
            Ok(AuditCopy {
                path: target.to_owned(),
                entries,
                verifiers_removed: u64::try_from(kpm.saturating_add(ops)).unwrap_or(u64::MAX),
            })
        })();
        if written.is_err() {
            // A half-made copy would still hold verifiers: never leave it behind.
            let _ = std::fs::remove_file(target);
        }
        written
    }
}
