//! Sealing: signed batch headers and checkpoints into the outbox, every N entries, at day close
//! and on demand. Needs the terminal key attached to the ledger.

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Ledger, LedgerError, timestamp};
use ewarong_core::seal::batch::{self, BatchHeader};
use ewarong_core::seal::{Hash32, hex};
use ewarong_keys::TerminalKey;

/// Unsealed entries that trigger a seal when no setting says otherwise.
pub const DEFAULT_SEAL_EVERY: u64 = 50;
const SEAL_EVERY_SETTING: &str = "seal_every_entries";

/// Why a batch was sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SealReason {
    /// The configured number of entries was reached.
    Count,
    DayClose,
    /// Before an upload to the hub.
    Upload,
    /// On demand (`ewarong seal`).
    Manual,
}

impl SealReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::DayClose => "day_close",
            Self::Upload => "upload",
            Self::Manual => "manual",
        }
    }
}

/// A sealed batch, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchInfo {
    pub batch_seq: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    pub tree_size: u64,
    pub root: String,
    pub header_hash: String,
    pub sealed_at: String,
    pub reason: String,
    /// The C2SP signed-note checkpoint.
    pub checkpoint: String,
    /// The program that sealed it (`ewarong --version`); `None` before migration 0009.
    pub program: Option<String>,
}

impl Ledger {
    /// Attaches the terminal key: from now on every entry's checkpoint is signed and batches are
    /// sealed. The key must be the one this ledger recorded.
    pub fn attach_key(&mut self, key: TerminalKey) -> Result<(), LedgerError> {
        match self.public_key()? {
            Some(recorded) if recorded == key.public() => {
                self.signer = Some(key);
                Ok(())
            }
            Some(_) => Err(LedgerError::KeyMismatch),
            None => Err(LedgerError::NoKey),
        }
    }

    /// How many unsealed entries trigger a seal.
    pub fn seal_every(&self) -> Result<u64, LedgerError> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM setting WHERE name = ?1 ORDER BY id DESC LIMIT 1",
                [SEAL_EVERY_SETTING],
                |r| r.get(0),
            )
            .optional()?;
        Ok(value
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_SEAL_EVERY))
    }

    /// Changes how many unsealed entries trigger a seal.
    pub fn set_seal_every(
        &mut self,
        entries: u64,
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        if entries == 0 {
            return Err(LedgerError::EmptyField("--every"));
        }
        self.conn.execute(
            "INSERT INTO setting (name, value, set_at) VALUES (?1, ?2, ?3)",
            params![SEAL_EVERY_SETTING, entries.to_string(), timestamp(&now)],
        )?;
        Ok(())
    }

    /// Seals every entry after the last batch into a signed batch in the outbox.
    /// Returns `None` when there is nothing new to seal.
    pub fn seal(
        &mut self,
        reason: SealReason,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<BatchInfo>, LedgerError> {
        if self.signer.is_none() {
            return Err(LedgerError::NoKey);
        }
        let versions = self.refs()?.versions;
        let terminal_id = self.terminal.terminal_id.clone();
        let Some(key) = self.signer.as_ref() else {
            return Err(LedgerError::NoKey);
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<(u64, u64, Vec<u8>)> = tx
            .query_row("SELECT batch_seq, last_seq, header_hash FROM batch ORDER BY batch_seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (prev_batch, prev_last, prev_hash) = match last {
            Some((b, l, h)) => (
                b,
                l,
                ewarong_core::seal::hash::to_hash32(&h)
                    .ok_or_else(|| LedgerError::Corrupt("batch.header_hash".into()))?,
            ),
            None => (0, 0, [0u8; 32]),
        };
        let top: Option<(u64, Vec<u8>)> = tx
            .query_row(
                "SELECT seq, root FROM tree_state ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((last_seq, root)) = top else {
            return Ok(None);
        };
        if last_seq <= prev_last {
            return Ok(None);
        }
        let root: Hash32 = ewarong_core::seal::hash::to_hash32(&root)
            .ok_or_else(|| LedgerError::Corrupt("tree_state.root".into()))?;
        let header = BatchHeader {
            terminal_id: terminal_id.clone(),
            batch_seq: prev_batch.saturating_add(1),
            first_seq: prev_last.saturating_add(1),
            last_seq,
            tree_size: last_seq,
            root,
            prev_header_hash: prev_hash,
            sealed_at: timestamp(&now),
            policy_version: versions.policy.unsigned_abs(),
            catalogue_version: versions.catalogue.unsigned_abs(),
            roster_version: versions.roster.unsigned_abs(),
        };
        let bytes = header.canonical();
        let header_hash = header.hash();
        let signature = key.sign(&bytes);
        let public = key.public();
        let text = batch::checkpoint_text(&terminal_id, last_seq, &root);
        let note = batch::signed_note(
            &text,
            &batch::origin(&terminal_id),
            &public,
            &key.sign(text.as_bytes()),
        );
        tx.execute(
            "INSERT INTO batch (batch_seq, first_seq, last_seq, root, prev_header_hash, sealed_at, reason, header,
                                header_hash, signature, public_key, checkpoint, program)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                header.batch_seq,
                header.first_seq,
                header.last_seq,
                root,
                prev_hash,
                header.sealed_at,
                reason.as_str(),
                bytes,
                header_hash,
                signature,
                public.to_bytes(),
                note,
                ewarong_core::PROGRAM_VERSION
            ],
        )?;
        tx.execute(
            "INSERT INTO outbox (batch_seq, queued_at) VALUES (?1, ?2)",
            params![header.batch_seq, timestamp(&now)],
        )?;
        tx.commit()?;
        tracing::info!(
            batch = header.batch_seq,
            first = header.first_seq,
            last = last_seq,
            "batch sealed"
        );
        Ok(Some(BatchInfo {
            batch_seq: header.batch_seq,
            first_seq: header.first_seq,
            last_seq,
            tree_size: last_seq,
            root: hex(&root),
            header_hash: hex(&header_hash),
            sealed_at: header.sealed_at,
            reason: reason.as_str().to_owned(),
            checkpoint: note,
            program: Some(ewarong_core::PROGRAM_VERSION.to_owned()),
        }))
    }

    /// Seals when enough entries are waiting. The entry that got us here is already committed, so
    /// a failure here is logged, not returned: the next entry tries again.
    pub(super) fn seal_if_due(&mut self, now: DateTime<FixedOffset>) {
        if self.signer.is_none() {
            return;
        }
        let due = (|| -> Result<bool, LedgerError> {
            let every = self.seal_every()?;
            let sealed: u64 =
                self.conn
                    .query_row("SELECT COALESCE(MAX(last_seq), 0) FROM batch", [], |r| {
                        r.get(0)
                    })?;
            let top: u64 =
                self.conn
                    .query_row("SELECT COALESCE(MAX(seq), 0) FROM entry", [], |r| r.get(0))?;
            Ok(top.saturating_sub(sealed) >= every)
        })();
        match due.and_then(|due| {
            if due {
                self.seal(SealReason::Count, now).map(drop)
            } else {
                Ok(())
            }
        }) {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(error = %e, "automatic seal failed; it is retried after the next entry")
            }
        }
    }

    /// Sealed batches with no hub receipt yet, and the entries not yet sealed.
    pub fn pending(&self) -> Result<(u64, u64), LedgerError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM outbox o
                     WHERE NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = o.batch_seq
                                         AND a.enrolment = (SELECT MAX(id) FROM hub_enrolment))),
                    (SELECT COALESCE(MAX(seq), 0) FROM entry)
                    - (SELECT COALESCE(MAX(last_seq), 0) FROM batch)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Entries not yet acknowledged by the hub in force: those of pending batches and the open
    /// tail. What is left to send.
    pub fn pending_entries(&self) -> Result<u64, LedgerError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COALESCE(SUM(b.last_seq - b.first_seq + 1), 0) FROM batch b
                     WHERE NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = b.batch_seq
                                         AND a.enrolment = (SELECT MAX(id) FROM hub_enrolment)))
                  + (SELECT COALESCE(MAX(seq), 0) FROM entry)
                  - (SELECT COALESCE(MAX(last_seq), 0) FROM batch)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The sealed batches, oldest first.
    pub fn batches(&self) -> Result<Vec<BatchInfo>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT batch_seq, first_seq, last_seq, root, header_hash, sealed_at, reason, checkpoint, program
             FROM batch ORDER BY batch_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            let root: Vec<u8> = r.get(3)?;
            let hash: Vec<u8> = r.get(4)?;
            let last: u64 = r.get(2)?;
            Ok(BatchInfo {
                batch_seq: r.get(0)?,
                first_seq: r.get(1)?,
                last_seq: last,
                tree_size: last,
                root: hex(&root),
                header_hash: hex(&hash),
                sealed_at: r.get(5)?,
                reason: r.get(6)?,
                checkpoint: r.get(7)?,
                program: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
