//! The ledger's side of sync: the hub it is enrolled with, the sealed batches still waiting for a
//! receipt, and receipts recorded only after the hub's countersignature checks out.

use chrono::{DateTime, FixedOffset};
use ewarong_core::key;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, timestamp};
use ewarong_core::protocol::{BatchUpload, Certificate, HubReceipt, b64};
use ewarong_core::seal::sign::PublicKey;
use ewarong_core::seal::{Hash32, hex};

/// The hub this terminal is enrolled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The row in `hub_enrolment`: receipts and update versions are kept per enrolment.
    pub id: i64,
    pub hub_url: String,
    pub hub_key: PublicKey,
    pub region: String,
    pub certificate: Certificate,
    pub enrolled_at: String,
    /// The hub's TLS certificate (PEM) pinned at enrolment, if it serves TLS itself.
    pub tls_certificate: Option<String>,
}

/// A sealed batch ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub batch_seq: u64,
    pub header_hash: Hash32,
    pub upload: BatchUpload,
}

/// How a receipt arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckVia {
    Network,
    File,
}

impl AckVia {
    fn as_str(self) -> &'static str {
        match self {
            AckVia::Network => "network",
            AckVia::File => "file",
        }
    }
}

/// What recording a receipt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acked {
    New,
    AlreadyAcked,
}

impl Ledger {
    /// Records a terminal's first enrolment after checking the certificate: signed by the hub
    /// key it names, for this terminal's id and this ledger's key. A terminal already enrolled
    /// is refused: moving it is [`Ledger::record_hub_change`].
    pub fn record_enrolment(
        &mut self,
        hub_url: &str,
        cert: &Certificate,
        tls_certificate: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<Enrolment, LedgerError> {
        if let Some(e) = self.enrolment()? {
            return Err(LedgerError::AlreadyEnrolled {
                hub: e.hub_url,
                fingerprint: e.hub_key.fingerprint(),
            });
        }
        let hub_key = self.checked_certificate(cert)?;
        let json = serde_json::to_string(cert).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        insert_enrolment(
            &self.conn,
            hub_url,
            &hub_key,
            cert,
            &json,
            tls_certificate,
            &now,
        )?;
        tracing::info!(hub = hub_url, hub_key = %hub_key.fingerprint(), "enrolled with hub");
        self.enrolment()?.ok_or(LedgerError::NotEnrolled)
    }

    /// Moves this terminal to another hub: a `hub_change` entry naming the hub key left and the
    /// one taken, approved by `supervisor`, and the new hub's certificate as the enrolment in
    /// force, in one transaction. From then on receipts and updates are the new hub's; the old
    /// hub's receipts stay. Refused unless the terminal is enrolled, the approver is a
    /// supervisor, the reason is given and the new hub's key is another one.
    pub fn record_hub_change(
        &mut self,
        hub_url: &str,
        cert: &Certificate,
        tls_certificate: Option<&str>,
        supervisor: &super::Operator,
        reason: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Enrolment, LedgerError> {
        if supervisor.role() != super::Role::Supervisor {
            return Err(LedgerError::NotSupervisor);
        }
        let reason = super::entries::checked_text("--reason", reason)?;
        let hub_url = super::entries::checked_text("--hub", hub_url)?;
        let hub_url = hub_url.as_str();
        let old = self.enrolment()?.ok_or(LedgerError::NotEnrolled)?;
        let hub_key = self.checked_certificate(cert)?;
        if hub_key == old.hub_key {
            return Err(LedgerError::SameHub(hub_key.fingerprint()));
        }
        let json = serde_json::to_string(cert).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        let terminal_id = self.terminal.terminal_id.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_enrolment(&tx, hub_url, &hub_key, cert, &json, tls_certificate, &now)?;
        let (from, to) = (old.hub_key.to_bytes(), hub_key.to_bytes());
        let super::Appended { seq, .. } = super::append_entry(
            &tx,
            &terminal_id,
            self.signer.as_ref(),
            ewarong_core::seal::EntryKind::HubChange,
            &now,
            |w| {
                w.bytes32(&from)
                    .bytes32(&to)
                    .str(hub_url)
                    .str(supervisor.name())
                    .str(&reason);
            },
        )?;
        tx.execute(
            "INSERT INTO hub_change (seq, from_hub_key, to_hub_key, hub_url, supervisor, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![seq, from, to, hub_url, supervisor.name(), reason],
        )?;
        tx.commit()?;
        tracing::info!(
            seq,
            from = %old.hub_key.fingerprint(),
            to = %hub_key.fingerprint(),
            supervisor = supervisor.name(),
            "moved to another hub"
        );
        self.seal_if_due(now);
        self.enrolment()?.ok_or(LedgerError::NotEnrolled)
    }

    /// The hub key of a certificate for this terminal: signed by the hub key it names, for this
    /// terminal's id and this ledger's key.
    fn checked_certificate(&self, cert: &Certificate) -> Result<PublicKey, LedgerError> {
        let (terminal_key, hub_key) = cert
            .verify()
            .map_err(|e| LedgerError::Certificate(e.to_string()))?;
        if cert.terminal_id != self.terminal.terminal_id {
            return Err(LedgerError::Certificate(format!(
                "terminal_id {} != {}",
                cert.terminal_id, self.terminal.terminal_id
            )));
        }
        if self.public_key()? != Some(terminal_key) {
            return Err(LedgerError::Certificate(format!(
                "public_key {}",
                terminal_key.fingerprint()
            )));
        }
        Ok(hub_key)
    }

    /// The enrolment in force, if any.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, LedgerError> {
        type Row = (i64, String, Vec<u8>, String, String, String, Option<String>);
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT id, hub_url, hub_public_key, region, certificate, enrolled_at, tls_certificate
                 FROM hub_enrolment ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, hub_url, key, region, cert, enrolled_at, tls_certificate)) = row else {
            return Ok(None);
        };
        let corrupt = |what: &str| LedgerError::Corrupt(format!("hub_enrolment.{what}"));
        let key: [u8; 32] = key.try_into().map_err(|_| corrupt("hub_public_key"))?;
        Ok(Some(Enrolment {
            id,
            hub_url,
            hub_key: PublicKey::from_bytes(&key).map_err(|_| corrupt("hub_public_key"))?,
            region,
            certificate: serde_json::from_str(&cert).map_err(|_| corrupt("certificate"))?,
            enrolled_at,
            tls_certificate,
        }))
    }

    /// Up to `limit` sealed batches after `after` with no receipt yet, oldest first.
    pub fn unacked_batches(&self, after: u64, limit: usize) -> Result<Vec<Outgoing>, LedgerError> {
        let seqs: Vec<u64> = self
            .conn
            .prepare_cached(
                "SELECT o.batch_seq FROM outbox o
                 WHERE o.batch_seq > ?1
                   AND NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = o.batch_seq
                                     AND a.enrolment = (SELECT MAX(id) FROM hub_enrolment))
                 ORDER BY o.batch_seq LIMIT ?2",
            )?
            .query_map(
                params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        seqs.into_iter().map(|s| self.outgoing(s)).collect()
    }

    /// Any sealed batch, as it would be sent: the hub may ask again for one it lost.
    pub fn outgoing(&self, batch_seq: u64) -> Result<Outgoing, LedgerError> {
        let corrupt = |what: &str| LedgerError::Corrupt(format!("batch.{what}"));
        let (first, last, header, hash, signature, checkpoint): (
            u64,
            u64,
            Vec<u8>,
            Vec<u8>,
            Vec<u8>,
            String,
        ) = self.conn.query_row(
            "SELECT first_seq, last_seq, header, header_hash, signature, checkpoint FROM batch WHERE batch_seq = ?1",
            [batch_seq],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        let entries = self
            .conn
            .prepare_cached("SELECT canonical FROM entry WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?
            .query_map([first, last], |r| r.get::<_, Vec<u8>>(0))?
            .map(|c| c.map(|c| b64(&c)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Outgoing {
            batch_seq,
            header_hash: hash.try_into().map_err(|_| corrupt("header_hash"))?,
            upload: BatchUpload {
                header: b64(&header),
                signature: b64(&signature),
                checkpoint,
                entries,
            },
        })
    }

    /// Records the hub's receipt for a batch, after checking it names this terminal, the batch's
    /// range and header hash, and carries the enrolled hub's signature.
    pub fn record_ack(
        &mut self,
        receipt: &HubReceipt,
        via: AckVia,
        now: DateTime<FixedOffset>,
    ) -> Result<Acked, LedgerError> {
        let enrolment = self.enrolment()?.ok_or(LedgerError::NotEnrolled)?;
        let refuse = |reason| LedgerError::HubReceipt {
            batch_seq: receipt.batch_seq,
            reason,
        };
        if receipt.terminal_id != self.terminal.terminal_id {
            return Err(refuse(key!("sync.receipt.terminal")));
        }
        let batch: Option<(u64, u64, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT first_seq, last_seq, header_hash FROM batch WHERE batch_seq = ?1",
                [receipt.batch_seq],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((first, last, hash)) = batch else {
            return Err(refuse(key!("sync.receipt.unknown_batch")));
        };
        if (first, last) != (receipt.first_seq, receipt.last_seq) {
            return Err(refuse(key!("sync.receipt.range")));
        }
        let hash: Hash32 = hash
            .try_into()
            .map_err(|_| LedgerError::Corrupt("batch.header_hash".into()))?;
        if !receipt.verify(&enrolment.hub_key, &hash) {
            return Err(refuse(key!("sync.receipt.signature")));
        }
        let json =
            serde_json::to_string(receipt).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO batch_ack (enrolment, batch_seq, receipt, received_at, acked_at, via)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                enrolment.id,
                receipt.batch_seq,
                json,
                receipt.received_at,
                timestamp(&now),
                via.as_str()
            ],
        )?;
        if n == 0 {
            return Ok(Acked::AlreadyAcked);
        }
        tracing::info!(batch = receipt.batch_seq, header = %hex(&hash), via = via.as_str(), "hub receipt recorded");
        Ok(Acked::New)
    }

    /// The hub versions applied here, by kind (`policy`, `catalogue`, `prices`, `roster`):
    /// read from the import records, so an update and its record are one transaction.
    pub fn hub_versions(&self) -> Result<std::collections::BTreeMap<String, u64>, LedgerError> {
        let mut out = std::collections::BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT source FROM reference_import WHERE source LIKE 'hub:%'
                   AND enrolment = (SELECT MAX(id) FROM hub_enrolment)",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let source: String = r.get(0)?;
            let mut parts = source.splitn(3, ':');
            let (Some(_), Some(kind), Some(v)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if let Some(v) = v.strip_prefix('v').and_then(|v| v.parse::<u64>().ok()) {
                let e = out.entry(kind.to_owned()).or_insert(0);
                *e = (*e).max(v);
            }
        }
        let moves = self.moves_version()?;
        if moves > 0 {
            out.insert("moves".to_owned(), moves);
        }
        let revoked: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM hub_revoked_import
             WHERE enrolment = (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment)",
            [],
            |r| r.get(0),
        )?;
        if revoked > 0 {
            out.insert("revoked".to_owned(), revoked.unsigned_abs());
        }
        Ok(out)
    }

    /// Replaces the hub's revoked list with a signed revoked update (already verified and
    /// checked), in one transaction.
    pub fn apply_revoked(
        &mut self,
        doc: &ewarong_core::protocol::RevokedDocument,
        version: u64,
        sha256: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM hub_revoked", [])?;
        {
            let mut ins =
                tx.prepare("INSERT INTO hub_revoked (terminal_id, revoked_at) VALUES (?1, ?2)")?;
            for t in &doc.terminals {
                ins.execute(params![t.terminal_id, t.revoked_at])?;
            }
        }
        tx.execute(
            "INSERT INTO hub_revoked_import (enrolment, version, sha256, imported_at)
             VALUES ((SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), ?1, ?2, ?3)",
            params![version, sha256.as_slice(), timestamp(&now)],
        )?;
        tx.commit()?;
        tracing::info!(
            version,
            terminals = doc.terminals.len(),
            "revoked list applied"
        );
        Ok(())
    }

    /// When the hub revoked `terminal_id`, as far as this ledger has heard (RFC 3339).
    pub fn revoked_at(&self, terminal_id: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .prepare_cached("SELECT revoked_at FROM hub_revoked WHERE terminal_id = ?1")?
            .query_row([terminal_id], |r| r.get(0))
            .optional()?)
    }

    /// The highest batch the hub acknowledged, and when the last receipt was recorded.
    pub fn last_ack(&self) -> Result<Option<(u64, String)>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT batch_seq, acked_at FROM batch_ack
                 WHERE enrolment = (SELECT MAX(id) FROM hub_enrolment)
                 ORDER BY acked_at DESC, batch_seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}

/// One `hub_enrolment` row.
fn insert_enrolment(
    conn: &rusqlite::Connection,
    hub_url: &str,
    hub_key: &PublicKey,
    cert: &Certificate,
    json: &str,
    tls_certificate: Option<&str>,
    now: &DateTime<FixedOffset>,
) -> Result<(), LedgerError> {
    conn.execute(
        "INSERT INTO hub_enrolment (hub_url, hub_public_key, region, certificate, enrolled_at, tls_certificate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            hub_url,
            hub_key.to_bytes(),
            cert.region,
            json,
            timestamp(now),
            tls_certificate
        ],
    )?;
    Ok(())
}
