//! The hub on embedded SQLite: one file, one writer, for a district. Calls run on tokio's
//! blocking pool so the server's tasks never wait on disk.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::ingest::{Prepared, StoredHead};
use super::plan::{self, StoredBatch, Write};
use super::rfc3339;
use super::store::{
    CardSpend, ForkRecord, Ingested, MoveRecord, Publication, Redeemed, Store, StoreError,
    TerminalRecord, TerminalSeen, sorted_list, stored_hash,
};
use ewarong_core::protocol::HubReceipt;
use ewarong_core::protocol::Released;
use ewarong_core::seal::Frontier;

use crate::rules::{self, CodeStep, RedeemFacts, TerminalState};

/// A handle to the hub's SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (or creates) the database file. WAL with `synchronous=FULL`: a receipt is only
    /// signed for a batch that is on disk.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        // Owner-only before anything is written: the file holds the rosters (names, NIK, KK,
        // PIN verifiers), and SQLite gives its -wal and -shm files the database file's mode.
        ewarong_keys::fs::owner_only(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves SQLite itself consistent (the transaction
            // rolls back when dropped), so the connection is still usable.
            let mut guard = conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

fn read_head(tx: &Connection, terminal_id: &str) -> Result<StoredHead, StoreError> {
    let row: Option<(u64, u64, Vec<u8>, Vec<u8>)> = tx
        .query_row(
            "SELECT last_seq, last_batch_seq, last_header_hash, frontier FROM head WHERE terminal_id = ?1",
            [terminal_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((last_seq, last_batch_seq, hash, frontier)) = row else {
        return Ok(StoredHead::default());
    };
    Ok(StoredHead {
        last_seq,
        last_batch_seq,
        last_header_hash: stored_hash("head.last_header_hash", hash)?,
        frontier: Frontier::decode(&frontier)
            .map_err(|_| StoreError::Corrupt("head.frontier".into()))?,
    })
}

/// The terminal's row as enrolment sees it (see [`rules::TerminalState`]).
fn terminal_state(tx: &Transaction<'_>, id: &str) -> Result<TerminalState, StoreError> {
    let row: Option<(bool, bool)> = tx
        .query_row(
            "SELECT public_key IS NOT NULL, revoked_at IS NOT NULL FROM terminal WHERE terminal_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(TerminalState::of(row))
}

/// One step of [`plan::plan`] in SQLite's dialect.
fn write(tx: &Transaction<'_>, w: &Write<'_>) -> Result<(), StoreError> {
    match w {
        Write::Fork {
            terminal_id,
            batch_seq,
            header_hash,
            reason,
            upload,
            received_at,
        } => {
            let kept = tx.execute(
                "INSERT INTO fork (terminal_id, batch_seq, header_hash, reason, upload, received_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6
                 WHERE NOT EXISTS (SELECT 1 FROM fork WHERE terminal_id = ?1 AND header_hash = ?3)
                   AND (SELECT COUNT(*) FROM fork WHERE terminal_id = ?1) < ?7",
                params![
                    terminal_id,
                    batch_seq,
                    header_hash,
                    reason,
                    upload,
                    received_at,
                    crate::plan::MAX_FORKS_PER_TERMINAL
                ],
            )?;
            if kept == 0 {
                tracing::warn!(terminal = %terminal_id, batch_seq, "fork already kept, or the bound reached: not stored again");
            }
        }
        Write::Entries {
            terminal_id,
            batch_seq,
            entries,
        } => {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO entry (terminal_id, seq, month, kind, recorded_at, batch_seq, canonical, leaf_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for e in *entries {
                stmt.execute(params![
                    terminal_id,
                    e.seq,
                    e.month,
                    e.kind,
                    e.recorded_at,
                    batch_seq,
                    e.canonical,
                    e.leaf
                ])?;
            }
        }
        Write::Spends {
            terminal_id,
            entries,
        } => {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO spend (terminal_id, seq, card, period, amount, balance_before)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in *entries {
                if let Some(s) = &e.spend {
                    stmt.execute(params![
                        terminal_id,
                        e.seq,
                        s.card,
                        s.period,
                        s.amount,
                        s.balance_before
                    ])?;
                }
            }
        }
        Write::Release {
            terminal_id,
            seq,
            fact,
            received_at,
        } => {
            let rows = tx.execute(
                "UPDATE kpm_move SET release_seq = ?1, released_period = ?2,
                                     released_amount = ?3, released_at = ?4
                 WHERE id = ?5 AND card = ?6 AND from_terminal = ?7
                   AND to_terminal = ?8 AND released_amount IS NULL",
                params![
                    seq,
                    fact.period,
                    fact.amount,
                    received_at,
                    fact.move_id,
                    fact.card,
                    terminal_id,
                    fact.to_terminal
                ],
            )?;
            plan::released(terminal_id, fact, rows as u64);
        }
        Write::Batch {
            prepared: p,
            receipt,
            received_at,
        } => {
            tx.execute(
                "INSERT INTO batch (terminal_id, batch_seq, first_seq, last_seq, header, header_hash, signature,
                                    checkpoint, receipt, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    p.header.terminal_id,
                    p.header.batch_seq,
                    p.header.first_seq,
                    p.header.last_seq,
                    p.header_bytes,
                    p.header_hash,
                    p.signature,
                    p.checkpoint,
                    receipt,
                    received_at
                ],
            )?;
        }
        Write::Head {
            terminal_id,
            next,
            received_at,
        } => {
            tx.execute(
                "UPDATE head SET last_seq = ?1, last_batch_seq = ?2, last_header_hash = ?3, frontier = ?4,
                                 updated_at = ?5
                 WHERE terminal_id = ?6",
                params![
                    next.last_seq,
                    next.last_batch_seq,
                    next.last_header_hash,
                    next.frontier.encode(),
                    received_at,
                    terminal_id
                ],
            )?;
        }
    }
    Ok(())
}

/// The publications `filter` (SQL after `FROM publication p`) selects, with their hashes and
/// signatures checked for size.
fn publications(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Publication>, StoreError> {
    let mut stmt = c.prepare(&format!(
        "SELECT kind, version, document, sha256, signature, published_at FROM publication p {filter}"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Vec<u8>>(3)?,
            r.get::<_, Vec<u8>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, version, document, sha, sig, published_at) = row?;
        Ok(Publication {
            kind,
            version,
            document,
            sha256: stored_hash("publication.sha256", sha)?,
            signature: sig
                .try_into()
                .map_err(|_| StoreError::Corrupt("publication.signature".into()))?,
            published_at,
        })
    })
    .collect()
}

impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        self.run(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let applied: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            for m in crate::schema::pending(applied)? {
                tx.execute_batch(m.sqlite)?;
                tx.pragma_update(None, "user_version", m.version)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn add_enrolment(
        &self,
        terminal_id: &str,
        region: &str,
        code_hash: [u8; 32],
        now: DateTime<FixedOffset>,
        expires: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let (id, region) = (terminal_id.to_owned(), region.to_owned());
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match rules::issue_code(terminal_state(&tx, &id)?) {
                CodeStep::Refuse => return Ok(false),
                CodeStep::AddCode => {}
                CodeStep::CreateTerminal => {
                    tx.execute(
                        "INSERT INTO terminal (terminal_id, region, created_at) VALUES (?1, ?2, ?3)",
                        params![id, region, rfc3339(now)],
                    )?;
                }
            }
            tx.execute(
                "INSERT INTO enrolment_code (code_hash, terminal_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![code_hash, id, rfc3339(now), rfc3339(expires)],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn open_codes(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<[u8; 32]>, StoreError> {
        let id = terminal_id.to_owned();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT code_hash, expires_at FROM enrolment_code
                 WHERE terminal_id = ?1 AND used_at IS NULL",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut open = Vec::new();
            for row in rows {
                let (hash, expires) = row?;
                // Expiry is compared as a time, as `redeem` does, not as text.
                if DateTime::parse_from_rfc3339(&expires).is_ok_and(|e| e > now) {
                    open.push(
                        hash.try_into()
                            .map_err(|_| StoreError::Corrupt("enrolment_code.code_hash".into()))?,
                    );
                }
            }
            Ok(open)
        })
        .await
    }

    async fn redeem(
        &self,
        terminal_id: &str,
        code_hash: [u8; 32],
        public_key: [u8; 32],
        certificate: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Redeemed, StoreError> {
        let (id, cert) = (terminal_id.to_owned(), certificate.to_owned());
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let terminal = terminal_state(&tx, &id)?;
            let key_taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM terminal WHERE public_key = ?1)",
                [public_key],
                |r| r.get(0),
            )?;
            let expires: Option<String> = tx
                .query_row(
                    "SELECT expires_at FROM enrolment_code WHERE code_hash = ?1 AND terminal_id = ?2 AND used_at IS NULL",
                    params![code_hash, id],
                    |r| r.get(0),
                )
                .optional()?;
            let code_valid = expires
                .and_then(|e| DateTime::parse_from_rfc3339(&e).ok())
                .is_some_and(|e| e > now);
            let decided = rules::redeem(RedeemFacts {
                terminal,
                key_taken,
                code_valid,
            });
            if decided != Redeemed::Enrolled {
                return Ok(decided);
            }
            tx.execute(
                "UPDATE enrolment_code SET used_at = ?1 WHERE code_hash = ?2",
                params![rfc3339(now), code_hash],
            )?;
            tx.execute(
                "UPDATE terminal SET public_key = ?1, certificate = ?2, enrolled_at = ?3 WHERE terminal_id = ?4",
                params![public_key, cert, rfc3339(now), id],
            )?;
            tx.execute(
                "INSERT INTO head (terminal_id, last_seq, last_batch_seq, last_header_hash, frontier, updated_at)
                 VALUES (?1, 0, 0, ?2, ?3, ?4)",
                params![id, [0u8; 32], Frontier::default().encode(), rfc3339(now)],
            )?;
            tx.commit()?;
            Ok(Redeemed::Enrolled)
        })
        .await
    }

    async fn revoke(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let id = terminal_id.to_owned();
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE terminal SET revoked_at = COALESCE(revoked_at, ?1) WHERE terminal_id = ?2",
                params![rfc3339(now), id],
            )? > 0)
        })
        .await
    }

    async fn terminal(&self, terminal_id: &str) -> Result<Option<TerminalRecord>, StoreError> {
        let id = terminal_id.to_owned();
        self.run(move |c| {
            let row = c
                .query_row(
                    "SELECT terminal_id, region, public_key, revoked_at IS NOT NULL FROM terminal WHERE terminal_id = ?1",
                    [&id],
                    |r| {
                        Ok((
                            TerminalRecord {
                                terminal_id: r.get(0)?,
                                region: r.get(1)?,
                                public_key: None,
                                revoked: r.get(3)?,
                            },
                            r.get::<_, Option<Vec<u8>>>(2)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(mut t, key)| {
                t.public_key = key.map(|k| stored_hash("terminal.public_key", k)).transpose()?;
                Ok(t)
            })
            .transpose()
        })
        .await
    }

    async fn head(&self, terminal_id: &str) -> Result<StoredHead, StoreError> {
        let id = terminal_id.to_owned();
        self.run(move |c| read_head(c, &id)).await
    }

    async fn ingest(&self, p: Prepared, receipt: HubReceipt) -> Result<Ingested, StoreError> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let head = read_head(&tx, &p.header.terminal_id)?;
            let stored: Option<(Vec<u8>, String)> = tx
                .query_row(
                    "SELECT header_hash, receipt FROM batch WHERE terminal_id = ?1 AND batch_seq = ?2",
                    params![p.header.terminal_id, p.header.batch_seq],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let stored = stored
                .map(|(hash, receipt)| {
                    Ok::<_, StoreError>(StoredBatch {
                        header_hash: stored_hash("batch.header_hash", hash)?,
                        receipt,
                    })
                })
                .transpose()?;
            let plan = plan::plan(head, stored, &p, &receipt)?;
            if !plan.writes.is_empty() {
                for w in &plan.writes {
                    write(&tx, w)?;
                }
                tx.commit()?;
            }
            Ok(plan.outcome)
        })
        .await
    }

    async fn forks(&self) -> Result<Vec<ForkRecord>, StoreError> {
        self.run(|c| {
            let mut stmt = c.prepare(
                "SELECT terminal_id, batch_seq, reason, received_at FROM fork ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(ForkRecord {
                    terminal_id: r.get(0)?,
                    batch_seq: r.get(1)?,
                    reason: r.get(2)?,
                    received_at: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn spend_by_card(&self, period: &str) -> Result<Vec<CardSpend>, StoreError> {
        let period = period.to_owned();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT s.card, SUM(s.amount), COUNT(DISTINCT s.terminal_id), COALESCE(MAX(s.balance_before), 0),
                        group_concat(DISTINCT s.terminal_id),
                        group_concat(DISTINCT s.terminal_id || '#' || e.batch_seq)
                 FROM spend s JOIN entry e ON e.terminal_id = s.terminal_id AND e.seq = s.seq
                 WHERE s.period = ?1 GROUP BY s.card ORDER BY s.card",
            )?;
            let rows = stmt.query_map([period], |r| {
                let terminals: String = r.get(4)?;
                let batches: String = r.get(5)?;
                Ok(CardSpend {
                    card: r.get(0)?,
                    spent: r.get(1)?,
                    terminal_count: r.get(2)?,
                    most_seen_balance: r.get(3)?,
                    terminals: sorted_list(&terminals),
                    batches: sorted_list(&batches),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn publish(&self, p: Publication) -> Result<bool, StoreError> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let top: u64 = tx.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM publication WHERE kind = ?1",
                [&p.kind],
                |r| r.get(0),
            )?;
            if p.version != top.saturating_add(1) {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO publication (kind, version, document, sha256, signature, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    p.kind,
                    p.version,
                    p.document,
                    p.sha256,
                    p.signature,
                    p.published_at
                ],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn publication(
        &self,
        kind: &str,
        version: u64,
    ) -> Result<Option<Publication>, StoreError> {
        let kind = kind.to_owned();
        self.run(move |c| {
            Ok(publications(
                c,
                "WHERE kind = ?1 AND version = ?2",
                params![kind, version],
            )?
            .pop())
        })
        .await
    }

    async fn receipts(
        &self,
        terminal: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let terminal = terminal.to_owned();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT receipt FROM batch WHERE terminal_id = ?1 AND batch_seq >= ?2
                 ORDER BY batch_seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![terminal, from, limit as i64], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .await
    }

    async fn latest_publications(&self) -> Result<Vec<Publication>, StoreError> {
        self.run(|c| {
            publications(
                c,
                "WHERE version = (SELECT MAX(version) FROM publication q WHERE q.kind = p.kind)
                 ORDER BY kind",
                [],
            )
        })
        .await
    }

    async fn add_move(
        &self,
        card: &str,
        from: &str,
        to: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<u64>, StoreError> {
        let (card, from, to) = (card.to_owned(), from.to_owned(), to.to_owned());
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let waiting: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM kpm_move WHERE card = ?1 AND released_amount IS NULL)",
                [&card],
                |r| r.get(0),
            )?;
            if waiting {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO kpm_move (card, from_terminal, to_terminal, requested_at) VALUES (?1, ?2, ?3, ?4)",
                params![card, from, to, rfc3339(now)],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(Some(u64::try_from(id).map_err(|_| StoreError::Corrupt("kpm_move.id".into()))?))
        })
        .await
    }

    async fn last_op(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.run(|c| {
            let row: Option<(i64, Vec<u8>)> = c
                .query_row(
                    "SELECT seq, hash FROM ops_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            row.map(|(seq, hash)| {
                Ok((
                    u64::try_from(seq).map_err(|_| StoreError::Corrupt("ops_log.seq".into()))?,
                    stored_hash("ops_log.hash", hash)?,
                ))
            })
            .transpose()
        })
        .await
    }

    async fn append_op(&self, op: crate::store::Op) -> Result<bool, StoreError> {
        self.run(move |c| {
            let seq =
                i64::try_from(op.seq).map_err(|_| StoreError::Corrupt("ops_log.seq".into()))?;
            let n = c.execute(
                "INSERT INTO ops_log (seq, at, op, detail, prev_hash, hash, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (seq) DO NOTHING",
                params![
                    seq,
                    op.at,
                    op.op,
                    op.detail,
                    op.prev_hash,
                    op.hash,
                    op.signature.as_slice()
                ],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn ops(&self) -> Result<Vec<crate::store::Op>, StoreError> {
        self.run(|c| {
            let mut stmt = c.prepare(
                "SELECT seq, at, op, detail, prev_hash, hash, signature FROM ops_log ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, at, op, detail, prev, hash, sig) = row?;
                out.push(crate::store::Op {
                    seq: u64::try_from(seq)
                        .map_err(|_| StoreError::Corrupt("ops_log.seq".into()))?,
                    at,
                    op,
                    detail,
                    prev_hash: stored_hash("ops_log.prev_hash", prev)?,
                    hash: stored_hash("ops_log.hash", hash)?,
                    signature: sig
                        .try_into()
                        .map_err(|_| StoreError::Corrupt("ops_log.signature".into()))?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn moves(&self) -> Result<Vec<MoveRecord>, StoreError> {
        self.run(|c| {
            let mut stmt = c.prepare(
                "SELECT id, card, from_terminal, to_terminal, released_period, released_amount
                 FROM kpm_move ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                let period: Option<String> = r.get(4)?;
                let amount: Option<i64> = r.get(5)?;
                Ok(MoveRecord {
                    id: r.get(0)?,
                    card: r.get(1)?,
                    from: r.get(2)?,
                    to: r.get(3)?,
                    released: period.zip(amount).map(|(period, amount_rupiah)| Released {
                        period,
                        amount_rupiah,
                    }),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn terminals(&self) -> Result<Vec<TerminalSeen>, StoreError> {
        self.run(|c| {
            let mut stmt = c.prepare(
                "SELECT t.terminal_id, t.region, t.enrolled_at, h.updated_at, h.last_seq, t.revoked_at
                 FROM terminal t LEFT JOIN head h ON h.terminal_id = t.terminal_id ORDER BY t.terminal_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(TerminalSeen {
                    terminal_id: r.get(0)?,
                    region: r.get(1)?,
                    enrolled: r.get::<_, Option<String>>(2)?.is_some(),
                    last_seen: r.get(3)?,
                    last_seq: r.get::<_, Option<u64>>(4)?.unwrap_or(0),
                    revoked_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
