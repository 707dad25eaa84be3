//! The hub on PostgreSQL, for more terminals than one SQLite file should take: a connection
//! pool, row locks on each terminal's head, entries partitioned by month and written with one
//! array insert per batch.

use chrono::{DateTime, FixedOffset, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::ingest::{Prepared, StoredHead};
use super::plan::{self, StoredBatch, Write};
use super::store::{
    CardSpend, ForkRecord, Ingested, MoveRecord, Publication, Redeemed, Store, StoreError,
    TerminalRecord, TerminalSeen, sorted_list, stored_hash,
};
use ewarong_core::protocol::{HubReceipt, Released};
use ewarong_core::seal::Frontier;

use crate::rules::{self, CodeStep, RedeemFacts, TerminalState};

/// A handle to the hub's PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    // The pool's configuration holds the connection password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("max_size", &self.pool.status().max_size)
            .finish_non_exhaustive()
    }
}

fn pool_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Pool(e.to_string())
}

fn big(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("sequence number {v}")))
}

fn small(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("sequence number {v}")))
}

fn at(text: &str) -> Result<DateTime<FixedOffset>, StoreError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| StoreError::Corrupt(format!("time {text}")))
}

/// The partition of `entry` for one month, e.g. `entry_p2026_11`. `None` unless `month` is
/// exactly `YYYY-MM`: the name is built into SQL, so nothing else may reach it.
fn partition_name(month: &str) -> Option<String> {
    let b = month.as_bytes();
    let ok = b.len() == 7
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    ok.then(|| format!("entry_p{}", month.replace('-', "_")))
}

async fn read_head(
    tx: &tokio_postgres::Transaction<'_>,
    terminal_id: &str,
    lock: bool,
) -> Result<StoredHead, StoreError> {
    let sql = if lock {
        "SELECT last_seq, last_batch_seq, last_header_hash, frontier FROM head WHERE terminal_id = $1 FOR UPDATE"
    } else {
        "SELECT last_seq, last_batch_seq, last_header_hash, frontier FROM head WHERE terminal_id = $1"
    };
    let Some(row) = tx.query_opt(sql, &[&terminal_id]).await? else {
        return Ok(StoredHead::default());
    };
    Ok(StoredHead {
        last_seq: small(row.try_get(0)?)?,
        last_batch_seq: small(row.try_get(1)?)?,
        last_header_hash: stored_hash("head.last_header_hash", row.try_get::<_, &[u8]>(2)?)?,
        frontier: Frontier::decode(row.try_get::<_, &[u8]>(3)?)
            .map_err(|_| StoreError::Corrupt("head.frontier".into()))?,
    })
}

/// The terminal's row as enrolment sees it (see [`rules::TerminalState`]), locked for the
/// rest of the transaction.
async fn terminal_state(
    tx: &tokio_postgres::Transaction<'_>,
    id: &str,
) -> Result<TerminalState, StoreError> {
    let row = tx
        .query_opt(
            "SELECT public_key IS NOT NULL, revoked_at IS NOT NULL FROM terminal WHERE terminal_id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    let row = row
        .map(|r| Ok::<_, StoreError>((r.try_get::<_, bool>(0)?, r.try_get::<_, bool>(1)?)))
        .transpose()?;
    Ok(TerminalState::of(row))
}

impl PgStore {
    /// Connects a pool to `url` (`postgres://user:password@host:port/db`).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(pool_err)?;
        Ok(Self { pool })
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(pool_err)
    }

    /// Creates the month partitions a batch needs. Two hubs racing to create the same one is
    /// fine: whoever loses finds it there.
    async fn ensure_partitions(&self, months: &[&str]) -> Result<(), StoreError> {
        let client = self.client().await?;
        for month in months {
            let name = partition_name(month)
                .ok_or_else(|| StoreError::Corrupt(format!("entry month {month}")))?;
            let exists = client
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
                .await?
                .try_get::<_, bool>(0)?;
            if exists {
                continue;
            }
            let sql = format!(
                "CREATE TABLE IF NOT EXISTS {name} PARTITION OF entry (PRIMARY KEY (terminal_id, seq)) FOR VALUES IN ('{month}')"
            );
            if let Err(e) = client.batch_execute(&sql).await {
                let now_exists = client
                    .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
                    .await?
                    .try_get::<_, bool>(0)?;
                if !now_exists {
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }
}

/// One step of [`plan::plan`] in PostgreSQL's dialect: the entries and spends of a batch go
/// in as one array insert each.
async fn write(tx: &tokio_postgres::Transaction<'_>, w: &Write<'_>) -> Result<(), StoreError> {
    match w {
        Write::Fork {
            terminal_id,
            batch_seq,
            header_hash,
            reason,
            upload,
            received_at,
        } => {
            let kept = tx
                .execute(
                    "INSERT INTO fork (terminal_id, batch_seq, header_hash, reason, upload, received_at)
                     SELECT $1, $2, $3, $4, $5, $6
                     WHERE NOT EXISTS (SELECT 1 FROM fork WHERE terminal_id = $1 AND header_hash = $3)
                       AND (SELECT COUNT(*) FROM fork WHERE terminal_id = $1) < $7",
                    &[
                        terminal_id,
                        &big(*batch_seq)?,
                        &header_hash.as_slice(),
                        reason,
                        upload,
                        &at(received_at)?,
                        &crate::plan::MAX_FORKS_PER_TERMINAL,
                    ],
                )
                .await?;
            if kept == 0 {
                tracing::warn!(terminal = %terminal_id, batch_seq, "fork already kept, or the bound reached: not stored again");
            }
        }
        Write::Entries {
            terminal_id,
            batch_seq,
            entries,
        } => {
            let n = entries.len();
            let ids = vec![*terminal_id; n];
            let seqs = entries
                .iter()
                .map(|e| big(e.seq))
                .collect::<Result<Vec<_>, _>>()?;
            let months: Vec<&str> = entries.iter().map(|e| e.month.as_str()).collect();
            let kinds: Vec<&str> = entries.iter().map(|e| e.kind).collect();
            let ats: Vec<&str> = entries.iter().map(|e| e.recorded_at.as_str()).collect();
            let canon: Vec<&[u8]> = entries.iter().map(|e| e.canonical.as_slice()).collect();
            let leaves: Vec<&[u8]> = entries.iter().map(|e| e.leaf.as_slice()).collect();
            tx.execute(
                "INSERT INTO entry (terminal_id, seq, month, kind, recorded_at, batch_seq, canonical, leaf_hash)
                 SELECT t, s, m, k, r, $8, c, l
                 FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::bytea[])
                      AS u(t, s, m, k, r, c, l)",
                &[&ids, &seqs, &months, &kinds, &ats, &canon, &leaves, &big(*batch_seq)?],
            )
            .await?;
        }
        Write::Spends {
            terminal_id,
            entries,
        } => {
            let (mut seq, mut card, mut period, mut amount, mut before) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for e in *entries {
                if let Some(s) = &e.spend {
                    seq.push(big(e.seq)?);
                    card.push(s.card.as_str());
                    period.push(s.period.as_str());
                    amount.push(s.amount);
                    before.push(s.balance_before);
                }
            }
            tx.execute(
                "INSERT INTO spend (terminal_id, seq, card, period, amount, balance_before)
                 SELECT $1, s, c, p, a, b
                 FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS u(s, c, p, a, b)",
                &[terminal_id, &seq, &card, &period, &amount, &before],
            )
            .await?;
        }
        Write::Release {
            terminal_id,
            seq,
            fact,
            received_at,
        } => {
            let rows = tx
                .execute(
                    "UPDATE kpm_move SET release_seq = $1, released_period = $2,
                                         released_amount = $3, released_at = $4
                     WHERE id = $5 AND card = $6 AND from_terminal = $7
                       AND to_terminal = $8 AND released_amount IS NULL",
                    &[
                        &big(*seq)?,
                        &fact.period,
                        &fact.amount,
                        received_at,
                        &big(fact.move_id)?,
                        &fact.card,
                        terminal_id,
                        &fact.to_terminal,
                    ],
                )
                .await?;
            plan::released(terminal_id, fact, rows);
        }
        Write::Batch {
            prepared: p,
            receipt,
            received_at,
        } => {
            tx.execute(
                "INSERT INTO batch (terminal_id, batch_seq, first_seq, last_seq, header, header_hash, signature,
                                    checkpoint, receipt, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &p.header.terminal_id,
                    &big(p.header.batch_seq)?,
                    &big(p.header.first_seq)?,
                    &big(p.header.last_seq)?,
                    &p.header_bytes,
                    &p.header_hash.as_slice(),
                    &p.signature.as_slice(),
                    &p.checkpoint,
                    receipt,
                    &at(received_at)?,
                ],
            )
            .await?;
        }
        Write::Head {
            terminal_id,
            next,
            received_at,
        } => {
            tx.execute(
                "UPDATE head SET last_seq = $1, last_batch_seq = $2, last_header_hash = $3, frontier = $4,
                                 updated_at = $5
                 WHERE terminal_id = $6",
                &[
                    &big(next.last_seq)?,
                    &big(next.last_batch_seq)?,
                    &next.last_header_hash.as_slice(),
                    &next.frontier.encode(),
                    &at(received_at)?,
                    terminal_id,
                ],
            )
            .await?;
        }
    }
    Ok(())
}

/// A row of (kind, version, document, sha256, signature, published_at) from `publication`.
fn publication_of(r: &tokio_postgres::Row) -> Result<Publication, StoreError> {
    Ok(Publication {
        kind: r.try_get(0)?,
        version: small(r.try_get(1)?)?,
        document: r.try_get(2)?,
        sha256: stored_hash("publication.sha256", r.try_get::<_, &[u8]>(3)?)?,
        signature: r
            .try_get::<_, Vec<u8>>(4)?
            .try_into()
            .map_err(|_| StoreError::Corrupt("publication.signature".into()))?,
        published_at: r.try_get(5)?,
    })
}

impl Store for PgStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One migrator at a time, even with several hub processes starting together.
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(7206411);
             CREATE TABLE IF NOT EXISTS hub_schema (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
        )
        .await?;
        let applied: i32 = tx
            .query_one("SELECT COALESCE(MAX(version), 0) FROM hub_schema", &[])
            .await?
            .try_get(0)?;
        let applied =
            u32::try_from(applied).map_err(|_| StoreError::Corrupt("hub_schema".into()))?;
        for m in crate::schema::pending(applied)? {
            tx.batch_execute(m.postgres).await?;
            let version =
                i32::try_from(m.version).map_err(|_| StoreError::Corrupt("hub_schema".into()))?;
            tx.execute(
                "INSERT INTO hub_schema (version, applied_at) VALUES ($1, now())",
                &[&version],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_enrolment(
        &self,
        terminal_id: &str,
        region: &str,
        code_hash: [u8; 32],
        now: DateTime<FixedOffset>,
        expires: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        match rules::issue_code(terminal_state(&tx, terminal_id).await?) {
            CodeStep::Refuse => return Ok(false),
            CodeStep::AddCode => {}
            CodeStep::CreateTerminal => {
                tx.execute(
                    "INSERT INTO terminal (terminal_id, region, created_at) VALUES ($1, $2, $3)",
                    &[&terminal_id, &region, &now],
                )
                .await?;
            }
        }
        tx.execute(
            "INSERT INTO enrolment_code (code_hash, terminal_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&code_hash.as_slice(), &terminal_id, &now, &expires],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn open_codes(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<[u8; 32]>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT code_hash FROM enrolment_code
                 WHERE terminal_id = $1 AND used_at IS NULL AND expires_at > $2",
                &[&terminal_id, &now],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let bytes: Vec<u8> = r.try_get(0)?;
                bytes
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("enrolment_code.code_hash".into()))
            })
            .collect()
    }

    async fn redeem(
        &self,
        terminal_id: &str,
        code_hash: [u8; 32],
        public_key: [u8; 32],
        certificate: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Redeemed, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let terminal = terminal_state(&tx, terminal_id).await?;
        let key_taken = tx
            .query_opt(
                "SELECT 1 FROM terminal WHERE public_key = $1",
                &[&public_key.as_slice()],
            )
            .await?
            .is_some();
        let code_valid = tx
            .query_opt(
                "SELECT 1 FROM enrolment_code
                 WHERE code_hash = $1 AND terminal_id = $2 AND used_at IS NULL AND expires_at > $3
                 FOR UPDATE",
                &[&code_hash.as_slice(), &terminal_id, &now],
            )
            .await?
            .is_some();
        let decided = rules::redeem(RedeemFacts {
            terminal,
            key_taken,
            code_valid,
        });
        if decided != Redeemed::Enrolled {
            return Ok(decided);
        }
        tx.execute(
            "UPDATE enrolment_code SET used_at = $1 WHERE code_hash = $2",
            &[&now, &code_hash.as_slice()],
        )
        .await?;
        tx.execute(
            "UPDATE terminal SET public_key = $1, certificate = $2, enrolled_at = $3 WHERE terminal_id = $4",
            &[&public_key.as_slice(), &certificate, &now, &terminal_id],
        )
        .await?;
        tx.execute(
            "INSERT INTO head (terminal_id, last_seq, last_batch_seq, last_header_hash, frontier, updated_at)
             VALUES ($1, 0, 0, $2, $3, $4)",
            &[
                &terminal_id,
                &[0u8; 32].as_slice(),
                &Frontier::default().encode(),
                &now,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Redeemed::Enrolled)
    }

    async fn revoke(
        &self,
        terminal_id: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE terminal SET revoked_at = COALESCE(revoked_at, $1) WHERE terminal_id = $2",
                &[&now, &terminal_id],
            )
            .await?;
        Ok(n > 0)
    }

    async fn terminal(&self, terminal_id: &str) -> Result<Option<TerminalRecord>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT terminal_id, region, public_key, revoked_at IS NOT NULL FROM terminal WHERE terminal_id = $1",
                &[&terminal_id],
            )
            .await?;
        row.map(|r| {
            Ok(TerminalRecord {
                terminal_id: r.try_get(0)?,
                region: r.try_get(1)?,
                public_key: r
                    .try_get::<_, Option<Vec<u8>>>(2)?
                    .map(|k| stored_hash("terminal.public_key", k))
                    .transpose()?,
                revoked: r.try_get(3)?,
            })
        })
        .transpose()
    }

    async fn head(&self, terminal_id: &str) -> Result<StoredHead, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let head = read_head(&tx, terminal_id, false).await?;
        tx.commit().await?;
        Ok(head)
    }

    async fn ingest(&self, p: Prepared, receipt: HubReceipt) -> Result<Ingested, StoreError> {
        let mut months: Vec<&str> = p.entries.iter().map(|e| e.month.as_str()).collect();
        months.sort_unstable();
        months.dedup();
        self.ensure_partitions(&months).await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The row lock serialises uploads from one terminal; other terminals go in parallel.
        let head = read_head(&tx, &p.header.terminal_id, true).await?;
        let stored = tx
            .query_opt(
                "SELECT header_hash, receipt FROM batch WHERE terminal_id = $1 AND batch_seq = $2",
                &[&p.header.terminal_id, &big(p.header.batch_seq)?],
            )
            .await?
            .map(|r| {
                Ok::<_, StoreError>(StoredBatch {
                    header_hash: stored_hash("batch.header_hash", r.try_get::<_, &[u8]>(0)?)?,
                    receipt: r.try_get(1)?,
                })
            })
            .transpose()?;
        let plan = plan::plan(head, stored, &p, &receipt)?;
        if !plan.writes.is_empty() {
            for w in &plan.writes {
                write(&tx, w).await?;
            }
            tx.commit().await?;
        }
        Ok(plan.outcome)
    }

    async fn forks(&self) -> Result<Vec<ForkRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT terminal_id, batch_seq, reason, received_at FROM fork ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ForkRecord {
                    terminal_id: r.try_get(0)?,
                    batch_seq: small(r.try_get(1)?)?,
                    reason: r.try_get(2)?,
                    received_at: super::rfc3339(r.try_get::<_, DateTime<Utc>>(3)?.fixed_offset()),
                })
            })
            .collect()
    }

    async fn spend_by_card(&self, period: &str) -> Result<Vec<CardSpend>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT s.card, SUM(s.amount)::BIGINT, COUNT(DISTINCT s.terminal_id),
                        COALESCE(MAX(s.balance_before), 0), string_agg(DISTINCT s.terminal_id, ','),
                        string_agg(DISTINCT s.terminal_id || '#' || e.batch_seq::TEXT, ',')
                 FROM spend s JOIN entry e ON e.terminal_id = s.terminal_id AND e.seq = s.seq
                 WHERE s.period = $1 GROUP BY s.card ORDER BY s.card",
                &[&period],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CardSpend {
                    card: r.try_get(0)?,
                    spent: r.try_get(1)?,
                    terminal_count: small(r.try_get(2)?)?,
                    most_seen_balance: r.try_get(3)?,
                    terminals: sorted_list(r.try_get(4)?),
                    batches: sorted_list(r.try_get(5)?),
                })
            })
            .collect()
    }

    async fn add_move(
        &self,
        card: &str,
        from: &str,
        to: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<u64>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The partial unique index refuses a second waiting move for the card.
        let row = tx
            .query_opt(
                "INSERT INTO kpm_move (card, from_terminal, to_terminal, requested_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (card) WHERE released_amount IS NULL DO NOTHING
                 RETURNING id",
                &[&card, &from, &to, &super::rfc3339(now)],
            )
            .await?;
        tx.commit().await?;
        row.map(|r| small(r.try_get(0)?)).transpose()
    }

    async fn last_op(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT seq, hash FROM ops_log ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .await?;
        row.map(|r| {
            let hash: Vec<u8> = r.try_get(1)?;
            Ok((small(r.try_get(0)?)?, stored_hash("ops_log.hash", hash)?))
        })
        .transpose()
    }

    async fn append_op(&self, op: crate::store::Op) -> Result<bool, StoreError> {
        let seq = i64::try_from(op.seq).map_err(|_| StoreError::Corrupt("ops_log.seq".into()))?;
        let n = self
            .client()
            .await?
            .execute(
                "INSERT INTO ops_log (seq, at, op, detail, prev_hash, hash, signature)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (seq) DO NOTHING",
                &[
                    &seq,
                    &op.at,
                    &op.op,
                    &op.detail,
                    &op.prev_hash.as_slice(),
                    &op.hash.as_slice(),
                    &op.signature.as_slice(),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    async fn ops(&self) -> Result<Vec<crate::store::Op>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, at, op, detail, prev_hash, hash, signature FROM ops_log ORDER BY seq",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let prev: Vec<u8> = r.try_get(4)?;
                let hash: Vec<u8> = r.try_get(5)?;
                let sig: Vec<u8> = r.try_get(6)?;
                Ok(crate::store::Op {
                    seq: small(r.try_get(0)?)?,
                    at: r.try_get(1)?,
                    op: r.try_get(2)?,
                    detail: r.try_get(3)?,
                    prev_hash: stored_hash("ops_log.prev_hash", prev)?,
                    hash: stored_hash("ops_log.hash", hash)?,
                    signature: sig
                        .try_into()
                        .map_err(|_| StoreError::Corrupt("ops_log.signature".into()))?,
                })
            })
            .collect()
    }

    async fn moves(&self) -> Result<Vec<MoveRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, card, from_terminal, to_terminal, released_period, released_amount
                 FROM kpm_move ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let period: Option<String> = r.try_get(4)?;
                let amount: Option<i64> = r.try_get(5)?;
                Ok(MoveRecord {
                    id: small(r.try_get(0)?)?,
                    card: r.try_get(1)?,
                    from: r.try_get(2)?,
                    to: r.try_get(3)?,
                    released: period.zip(amount).map(|(period, amount_rupiah)| Released {
                        period,
                        amount_rupiah,
                    }),
                })
            })
            .collect()
    }

    async fn publish(&self, p: Publication) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One publisher per kind at a time.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            &[&format!("publication:{}", p.kind)],
        )
        .await?;
        let top: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM publication WHERE kind = $1",
                &[&p.kind],
            )
            .await?
            .try_get(0)?;
        if p.version != small(top)?.saturating_add(1) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO publication (kind, version, document, sha256, signature, published_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &p.kind,
                &big(p.version)?,
                &p.document,
                &p.sha256.as_slice(),
                &p.signature.as_slice(),
                &p.published_at,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn publication(
        &self,
        kind: &str,
        version: u64,
    ) -> Result<Option<Publication>, StoreError> {
        self.client()
            .await?
            .query_opt(
                "SELECT kind, version, document, sha256, signature, published_at FROM publication
                 WHERE kind = $1 AND version = $2",
                &[&kind, &big(version)?],
            )
            .await?
            .as_ref()
            .map(publication_of)
            .transpose()
    }

    async fn receipts(
        &self,
        terminal: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT receipt FROM batch WHERE terminal_id = $1 AND batch_seq >= $2
                 ORDER BY batch_seq LIMIT $3",
                &[&terminal, &big(from)?, &limit],
            )
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<_, String>(0)?))
            .collect()
    }

    async fn latest_publications(&self) -> Result<Vec<Publication>, StoreError> {
        self.client()
            .await?
            .query(
                "SELECT DISTINCT ON (kind) kind, version, document, sha256, signature, published_at
                 FROM publication ORDER BY kind, version DESC",
                &[],
            )
            .await?
            .iter()
            .map(publication_of)
            .collect()
    }

    async fn terminals(&self) -> Result<Vec<TerminalSeen>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT t.terminal_id, t.region, t.enrolled_at IS NOT NULL, h.updated_at, h.last_seq,
                        t.revoked_at
                 FROM terminal t LEFT JOIN head h ON h.terminal_id = t.terminal_id ORDER BY t.terminal_id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TerminalSeen {
                    terminal_id: r.try_get(0)?,
                    region: r.try_get(1)?,
                    enrolled: r.try_get(2)?,
                    last_seen: r
                        .try_get::<_, Option<DateTime<Utc>>>(3)?
                        .map(|t| super::rfc3339(t.fixed_offset())),
                    last_seq: r
                        .try_get::<_, Option<i64>>(4)?
                        .map(small)
                        .transpose()?
                        .unwrap_or(0),
                    revoked_at: r
                        .try_get::<_, Option<DateTime<Utc>>>(5)?
                        .map(|t| super::rfc3339(t.fixed_offset())),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::partition_name;

    #[test]
    fn only_a_well_formed_month_becomes_a_table_name() {
        assert_eq!(partition_name("2026-11").as_deref(), Some("entry_p2026_11"));
        for bad in [
            "2026-1",
            "2026_11",
            "2026-11'; DROP TABLE x; --",
            "abcd-ef",
            "",
        ] {
            assert_eq!(partition_name(bad), None, "{bad}");
        }
    }
}
