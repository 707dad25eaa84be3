//! Writing entries: sales, voids, day closes, complaints, lockouts; PIN presence and operators.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::query::{DayReport, day_report_in};
use super::{Appended, Ledger, LedgerError, append_entry, timestamp};
use ewarong_core::domain::pin::presence_rule;
use ewarong_core::domain::{
    AcceptedLine, CardNumber, LineInput, Period, Pin, PinOutcome, PinVerifier, Rupiah,
};
use ewarong_core::seal::{EntryKind, Hash32, hex};

/// Longest reason or complaint text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Proof that the KPM typed the right PIN at this terminal. Only `verify_kpm_pin` makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    card: CardNumber,
}

impl Presence {
    pub fn card(&self) -> &CardNumber {
        &self.card
    }
}

/// What an operator may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sells, prints and records complaints.
    Kasir,
    /// Also voids and changes settings.
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Kasir => "kasir",
            Role::Supervisor => "supervisor",
        }
    }
}

/// An operator who proved their PIN. Only the ledger's authentication makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    name: String,
    role: Role,
}

impl Operator {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// Complaint categories (pengaduan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ComplaintCategory {
    Harga,
    Kualitas,
    Jumlah,
    Pemaketan,
    Lainnya,
}

impl ComplaintCategory {
    pub const ALL: [Self; 5] = [
        Self::Harga,
        Self::Kualitas,
        Self::Jumlah,
        Self::Pemaketan,
        Self::Lainnya,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Harga => "harga",
            Self::Kualitas => "kualitas",
            Self::Jumlah => "jumlah",
            Self::Pemaketan => "pemaketan",
            Self::Lainnya => "lainnya",
        }
    }
}

impl FromStr for ComplaintCategory {
    type Err = LedgerError;
    fn from_str(s: &str) -> Result<Self, LedgerError> {
        let t = s.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == t)
            .ok_or_else(|| LedgerError::ComplaintCategory(s.to_owned()))
    }
}

impl fmt::Display for ComplaintCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A saved sale, as printed on the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedSale {
    pub terminal_id: String,
    pub seq: u64,
    pub recorded_at: String,
    pub card: String,
    pub name: String,
    pub desa: String,
    pub operator: String,
    pub lines: Vec<AcceptedLine>,
    #[serde(rename = "total_rupiah")]
    pub total: Rupiah,
    #[serde(rename = "balance_before_rupiah")]
    pub balance_before: Rupiah,
    #[serde(rename = "balance_after_rupiah")]
    pub balance_after: Rupiah,
    pub override_reason: Option<String>,
    pub leaf_hash: String,
    pub chain_hash: String,
    /// The tree after this sale: its size (= seq) and root, hex.
    pub tree_size: u64,
    pub tree_root: String,
    /// The terminal's Ed25519 signature over that checkpoint (base64), when a key is attached.
    pub signature: Option<String>,
    /// The receipt's verification code (its QR content), when signed: see `seal::receipt_code`.
    pub receipt_code: Option<String>,
}

/// A saved void.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedVoid {
    pub seq: u64,
    pub sale_seq: u64,
    pub card: String,
    #[serde(rename = "amount_rupiah")]
    pub amount: Rupiah,
    pub supervisor: String,
    pub reason: String,
}

pub(crate) fn checked_text(field: &'static str, text: &str) -> Result<String, LedgerError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(LedgerError::EmptyField(field));
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(LedgerError::TooLong {
            field,
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(t.to_owned())
}

fn local_day(now: &DateTime<FixedOffset>) -> String {
    now.date_naive().format("%Y-%m-%d").to_string()
}

impl Ledger {
    /// Checks a KPM's PIN. Wrong tries are recorded; at the policy's limit the card is locked
    /// on this terminal for the rest of the local day, and the lockout becomes a ledger entry.
    ///
    /// The failures are counted, the PIN checked and a failure recorded inside one write
    /// transaction, so tries made at once (two counters, a script) are taken one after another:
    /// however many arrive together, exactly the policy's limit is checked and one lockout is
    /// written. A right PIN writes nothing.
    pub fn verify_kpm_pin(
        &mut self,
        card: &CardNumber,
        pin: &Pin,
        now: DateTime<FixedOffset>,
    ) -> Result<Presence, LedgerError> {
        let max = self.refs()?.policy.max_pin_attempts;
        let kpm = self
            .kpm(card)?
            .ok_or_else(|| LedgerError::UnknownCard(card.to_string()))?;
        let day = local_day(&now);
        // A ledger opened read-only can still check a right PIN; a wrong one then fails to be
        // recorded, with the storage's own read-only error.
        let behavior = if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        };
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let failures: u32 = tx.query_row(
            "SELECT COUNT(*) FROM pin_failure WHERE card = ?1 AND day = ?2",
            params![card.as_str(), day],
            |r| r.get(0),
        )?;
        // Dropping `tx` without a commit ends it and writes nothing.
        match presence_rule(failures, max, || kpm.pin_verifier.verify(pin)) {
            None => Err(LedgerError::PinLocked {
                card: card.to_string(),
                max,
            }),
            Some(PinOutcome::Accepted) => Ok(Presence { card: card.clone() }),
            Some(wrong) => {
                tx.execute(
                    "INSERT INTO pin_failure (card, day, at) VALUES (?1, ?2, ?3)",
                    params![card.as_str(), day, timestamp(&now)],
                )?;
                let err = if let PinOutcome::Wrong { remaining } = wrong {
                    LedgerError::PinWrong { remaining }
                } else {
                    let Appended { seq, .. } = append_entry(
                        &tx,
                        &self.terminal.terminal_id,
                        self.signer.as_ref(),
                        EntryKind::Lockout,
                        &now,
                        |w| {
                            w.str(card.as_str()).str(&day).u32(max);
                        },
                    )?;
                    tx.execute(
                        "INSERT INTO lockout (seq, card, day, attempts) VALUES (?1, ?2, ?3, ?4)",
                        params![seq, card.as_str(), day, max],
                    )?;
                    tracing::warn!(seq, "KPM card locked for the day after wrong PINs");
                    LedgerError::PinLockedNow {
                        card: card.to_string(),
                        max,
                    }
                };
                tx.commit()?;
                self.seal_if_due(now);
                Err(err)
            }
        }
    }

    /// Adds an operator. A name is taken once; use a new name to replace someone.
    pub fn add_operator(
        &mut self,
        name: &str,
        role: Role,
        verifier: &PinVerifier,
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        let name = checked_text("--name", name)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM operator WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(LedgerError::OperatorExists(name));
        }
        tx.execute(
            "INSERT INTO operator (name, role, pin_verifier, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), verifier.as_phc(), timestamp(&now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn operators(&self) -> Result<Vec<(String, Role, PinVerifier)>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, pin_verifier FROM operator o
             WHERE id = (SELECT MAX(id) FROM operator WHERE name = o.name) ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, verifier) = row?;
            let role = if role == "supervisor" {
                Role::Supervisor
            } else {
                Role::Kasir
            };
            let verifier = PinVerifier::parse(&verifier)
                .map_err(|_| LedgerError::Corrupt("operator.pin_verifier".into()))?;
            out.push((name, role, verifier));
        }
        Ok(out)
    }

    /// True once the terminal has a supervisor (the first operator must be one).
    pub fn has_supervisor(&self) -> Result<bool, LedgerError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM operator WHERE role = 'supervisor')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Logs an operator in by name and PIN.
    pub fn authenticate_operator(&self, name: &str, pin: &Pin) -> Result<Operator, LedgerError> {
        let ops = self.operators()?;
        let (name, role, verifier) = ops
            .iter()
            .find(|(n, _, _)| n == name.trim())
            .ok_or_else(|| LedgerError::OperatorUnknown(name.to_owned()))?;
        if verifier.verify(pin) {
            Ok(Operator {
                name: name.clone(),
                role: *role,
            })
        } else {
            Err(LedgerError::OperatorPin(name.clone()))
        }
    }

    /// Finds the supervisor whose PIN this is. A kasir's PIN is refused.
    pub fn authenticate_supervisor(&self, pin: &Pin) -> Result<Operator, LedgerError> {
        self.operators()?
            .into_iter()
            .filter(|(_, role, _)| *role == Role::Supervisor)
            .find(|(_, _, v)| v.verify(pin))
            .map(|(name, role, _)| Operator { name, role })
            .ok_or(LedgerError::NotSupervisor)
    }

    /// Checks a basket without saving anything: the same rules `record_sale` applies.
    pub fn check_sale(
        &mut self,
        card: &CardNumber,
        lines: &[LineInput],
        override_reason: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<ewarong_core::domain::AcceptedBasket, LedgerError> {
        if self.kpm(card)?.is_none() {
            return Err(LedgerError::UnknownCard(card.to_string()));
        }
        self.refs()?;
        let Some(refs) = self.cache.as_ref() else {
            return Err(LedgerError::NoPolicy);
        };
        super::moves::check_in(
            &self.conn,
            &self.terminal.terminal_id,
            card,
            Period::of(now.date_naive()),
            refs,
            lines,
            override_reason,
        )
    }

    /// Records a sale in one transaction: checks the basket against the balance, appends the
    /// chained entry, header and items, then commits with `synchronous=FULL`. When this returns
    /// `Ok`, the sale is on disk. When it returns `Err`, nothing was written.
    pub fn record_sale(
        &mut self,
        presence: &Presence,
        operator: &Operator,
        lines: &[LineInput],
        override_reason: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<SavedSale, LedgerError> {
        let override_reason = override_reason
            .map(|r| checked_text("--override-reason", r))
            .transpose()?;
        self.refs()?;
        let terminal_id = self.terminal.terminal_id.clone();
        let Some(refs) = self.cache.as_ref() else {
            return Err(LedgerError::NoPolicy);
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let card = &presence.card;
        let (name, desa): (String, String) = tx
            .prepare_cached("SELECT name, desa FROM kpm WHERE card = ?1")?
            .query_row([card.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| LedgerError::UnknownCard(card.to_string()))?;
        let period = Period::of(now.date_naive());
        let basket = super::moves::check_in(
            &tx,
            &terminal_id,
            card,
            period,
            refs,
            lines,
            override_reason.as_deref(),
        )?;
        let versions = refs.versions;
        let period_s = period.to_string();
        let Appended {
            seq,
            leaf,
            chain,
            root,
            signature,
            canonical,
        } = append_entry(
            &tx,
            &terminal_id,
            self.signer.as_ref(),
            EntryKind::Sale,
            &now,
            |w| {
                w.str(&period_s)
                    .str(card.as_str())
                    .str(operator.name())
                    .u64(versions.policy.unsigned_abs())
                    .u64(versions.catalogue.unsigned_abs())
                    .u64(versions.roster.unsigned_abs())
                    .list(&basket.lines, |w, l| {
                        w.str(&l.product_id)
                            .str(&l.name)
                            .str(&l.group_id)
                            .str(l.unit.as_str())
                            .i64(l.quantity.milli())
                            .i64(l.unit_price.as_i64())
                            .i64(l.reference_price.as_i64())
                            .i64(l.line_total.as_i64());
                    })
                    .i64(basket.total.as_i64())
                    .i64(basket.balance_before.as_i64())
                    .opt_str(basket.override_reason.as_deref());
            },
        )?;
        tx.prepare_cached(
            "INSERT INTO sale (seq, card, period, operator, total, balance_before, override_reason,
                               policy_version, catalogue_version, roster_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            seq,
            card.as_str(),
            period_s,
            operator.name(),
            basket.total.as_i64(),
            basket.balance_before.as_i64(),
            basket.override_reason,
            versions.policy,
            versions.catalogue,
            versions.roster
        ])?;
        {
            let mut item = tx.prepare_cached(
                "INSERT INTO sale_item (seq, line_no, product_id, name, group_id, unit, quantity_milli, unit_price,
                                        reference_price, line_total)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for (line_no, l) in basket.lines.iter().enumerate() {
                item.execute(params![
                    seq,
                    line_no,
                    l.product_id,
                    l.name,
                    l.group_id,
                    l.unit.as_str(),
                    l.quantity.milli(),
                    l.unit_price.as_i64(),
                    l.reference_price.as_i64(),
                    l.line_total.as_i64()
                ])?;
            }
        }
        tx.commit()?;
        tracing::info!(seq, total = basket.total.as_i64(), "sale recorded");
        self.seal_if_due(now);
        let receipt_code = self
            .signer
            .as_ref()
            .and_then(|key| crate::proofs::sale_receipt_code(key, &canonical));
        Ok(SavedSale {
            terminal_id,
            seq,
            recorded_at: timestamp(&now),
            card: card.to_string(),
            name,
            desa,
            operator: operator.name().to_owned(),
            total: basket.total,
            balance_before: basket.balance_before,
            balance_after: basket.balance_after,
            override_reason: basket.override_reason,
            lines: basket.lines,
            leaf_hash: hex(&leaf),
            chain_hash: hex(&chain),
            tree_size: seq,
            tree_root: hex(&root),
            signature: signature
                .map(|s| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s)),
            receipt_code,
        })
    }

    /// Voids a sale with a new entry that references it. Needs a supervisor and a reason.
    pub fn void_sale(
        &mut self,
        sale_seq: u64,
        reason: &str,
        supervisor: &Operator,
        now: DateTime<FixedOffset>,
    ) -> Result<SavedVoid, LedgerError> {
        if supervisor.role != Role::Supervisor {
            return Err(LedgerError::NotSupervisor);
        }
        let reason = checked_text("--reason", reason)?;
        let terminal_id = self.terminal.terminal_id.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sale: Option<(String, String, i64, Vec<u8>)> = tx
            .query_row(
                "SELECT s.card, s.period, s.total, e.leaf_hash FROM sale s JOIN entry e ON e.seq = s.seq WHERE s.seq = ?1",
                [sale_seq],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (card, period, total, sale_leaf) = sale.ok_or(LedgerError::SaleNotFound(sale_seq))?;
        if let Some(by) = tx
            .query_row(
                "SELECT seq FROM void WHERE sale_seq = ?1",
                [sale_seq],
                |r| r.get::<_, u64>(0),
            )
            .optional()?
        {
            return Err(LedgerError::AlreadyVoided { seq: sale_seq, by });
        }
        let sale_leaf: Hash32 = ewarong_core::seal::hash::to_hash32(&sale_leaf)
            .ok_or_else(|| LedgerError::Corrupt("entry.leaf_hash".into()))?;
        let Appended { seq, .. } = append_entry(
            &tx,
            &terminal_id,
            self.signer.as_ref(),
            EntryKind::Void,
            &now,
            |w| {
                w.u64(sale_seq)
                    .bytes32(&sale_leaf)
                    .str(&card)
                    .str(&period)
                    .i64(total)
                    .str(&reason)
                    .str(supervisor.name());
            },
        )?;
        tx.execute(
            "INSERT INTO void (seq, sale_seq, card, period, amount, reason, supervisor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![seq, sale_seq, card, period, total, reason, supervisor.name()],
        )?;
        tx.commit()?;
        tracing::info!(seq, sale_seq, "sale voided");
        self.seal_if_due(now);
        Ok(SavedVoid {
            seq,
            sale_seq,
            card,
            amount: Rupiah::new(total)?,
            supervisor: supervisor.name().to_owned(),
            reason,
        })
    }

    /// Closes the day (Z report): totals of the entries since the previous close become a ledger entry.
    pub fn close_day(
        &mut self,
        operator: &Operator,
        now: DateTime<FixedOffset>,
    ) -> Result<DayReport, LedgerError> {
        let terminal_id = self.terminal.terminal_id.clone();
        let day = local_day(&now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = day_report_in(&tx, &day)?;
        let closed_today: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM day_close WHERE day = ?1)",
            [&day],
            |r| r.get(0),
        )?;
        if closed_today && report.first_seq > report.last_seq {
            return Err(LedgerError::NothingToClose(day));
        }
        let Appended { seq, .. } = append_entry(
            &tx,
            &terminal_id,
            self.signer.as_ref(),
            EntryKind::DayClose,
            &now,
            |w| {
                w.str(&report.day)
                    .u64(report.first_seq)
                    .u64(report.last_seq)
                    .u64(report.sale_count)
                    .u64(report.kpm_count)
                    .u64(report.void_count)
                    .i64(report.void_total.as_i64())
                    .i64(report.net_total.as_i64())
                    .list(&report.totals, |w, t| {
                        w.str(&t.group_id).i64(t.amount.as_i64());
                    })
                    .str(operator.name());
            },
        )?;
        tx.execute(
            "INSERT INTO day_close (seq, day, first_seq, last_seq, sale_count, kpm_count, void_count, void_total,
                                    net_total, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                seq,
                report.day,
                report.first_seq,
                report.last_seq,
                report.sale_count,
                report.kpm_count,
                report.void_count,
                report.void_total.as_i64(),
                report.net_total.as_i64(),
                operator.name()
            ],
        )?;
        for t in &report.totals {
            tx.execute(
                "INSERT INTO day_close_total (seq, group_id, amount) VALUES (?1, ?2, ?3)",
                params![seq, t.group_id, t.amount.as_i64()],
            )?;
        }
        tx.commit()?;
        report.close_seq = Some(seq);
        tracing::info!(seq, day = report.day, "day closed");
        if self.signer.is_some()
            && let Err(e) = self.seal(super::SealReason::DayClose, now)
        {
            tracing::warn!(error = %e, "sealing at day close failed; the next entry or 'ewarong seal' retries");
        }
        Ok(report)
    }

    /// Records a KPM complaint (pengaduan), optionally about one of their sales.
    pub fn record_complaint(
        &mut self,
        card: &CardNumber,
        sale_seq: Option<u64>,
        category: ComplaintCategory,
        text: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<u64, LedgerError> {
        let text = checked_text("--text", text)?;
        let terminal_id = self.terminal.terminal_id.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(s) = sale_seq {
            let owner: Option<String> = tx
                .query_row("SELECT card FROM sale WHERE seq = ?1", [s], |r| r.get(0))
                .optional()?;
            match owner {
                None => return Err(LedgerError::SaleNotFound(s)),
                Some(c) if c != card.as_str() => {
                    return Err(LedgerError::ComplaintSale {
                        seq: s,
                        card: card.to_string(),
                    });
                }
                Some(_) => {}
            }
        }
        let Appended { seq, .. } = append_entry(
            &tx,
            &terminal_id,
            self.signer.as_ref(),
            EntryKind::Complaint,
            &now,
            |w| {
                w.str(card.as_str())
                    .opt_u64(sale_seq)
                    .str(category.as_str())
                    .str(&text);
            },
        )?;
        tx.execute(
            "INSERT INTO complaint (seq, card, sale_seq, category, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![seq, card.as_str(), sale_seq, category.as_str(), text],
        )?;
        tx.commit()?;
        self.seal_if_due(now);
        Ok(seq)
    }
}

#[cfg(test)]
mod key_families {
    use super::{ComplaintCategory, Role};
    use ewarong_core::i18n::TextKey;

    /// The screens name roles and complaint categories by keys put together at run time
    /// (`role.kasir`, `complaint.harga`); every member of both has its translation.
    #[test]
    fn every_role_and_complaint_category_has_a_name() {
        for role in [Role::Kasir, Role::Supervisor] {
            let key = format!("role.{}", role.as_str());
            assert!(TextKey::runtime(&key).is_some(), "{key}");
        }
        for c in ComplaintCategory::ALL {
            let key = format!("complaint.{}", c.as_str());
            assert!(TextKey::runtime(&key).is_some(), "{key}");
        }
    }
}
