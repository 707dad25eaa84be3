//! Reading the ledger: balances, history, day reports and the hash-chain check.

use ewarong_core::i18n::TextKey;
use ewarong_core::key;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Ledger, LedgerError, SavedSale};
use ewarong_core::domain::{AcceptedLine, Quantity, Unit};
use ewarong_core::domain::{Balance, CardNumber, Period, Rupiah};
use ewarong_core::seal::{self, Frontier, GENESIS, hex};

fn rp(v: i64, what: &str) -> Result<Rupiah, LedgerError> {
    Rupiah::new(v).map_err(|_| LedgerError::Corrupt(what.to_owned()))
}

/// The net amount sold in one food group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupTotal {
    pub group_id: String,
    #[serde(rename = "amount_rupiah")]
    pub amount: Rupiah,
}

/// A day report (X while the day is open, Z once closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayReport {
    pub day: String,
    /// The entries covered: everything after the previous close.
    pub first_seq: u64,
    pub last_seq: u64,
    pub sale_count: u64,
    pub kpm_count: u64,
    pub void_count: u64,
    #[serde(rename = "gross_total_rupiah")]
    pub gross_total: Rupiah,
    #[serde(rename = "void_total_rupiah")]
    pub void_total: Rupiah,
    #[serde(rename = "net_total_rupiah")]
    pub net_total: Rupiah,
    /// Net total per food group, sorted by group id.
    pub totals: Vec<GroupTotal>,
    /// The day-close entry's seq, for a Z report.
    pub close_seq: Option<u64>,
}

pub(super) fn day_report_in(conn: &Connection, day: &str) -> Result<DayReport, LedgerError> {
    let after: u64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM day_close", [], |r| {
        r.get(0)
    })?;
    let last: u64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM entry", [], |r| r.get(0))?;
    let first = after.saturating_add(1);
    let mut groups: BTreeMap<String, i64> = BTreeMap::new();
    let mut gross = 0i64;
    let mut sale_count = 0u64;
    let mut cards = BTreeSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT s.seq, s.card, i.group_id, i.line_total FROM sale s JOIN sale_item i ON i.seq = s.seq
         WHERE s.seq BETWEEN ?1 AND ?2 ORDER BY s.seq",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    let mut last_sale = 0u64;
    while let Some(r) = rows.next()? {
        let seq: u64 = r.get(0)?;
        if seq != last_sale {
            sale_count = sale_count.saturating_add(1);
            last_sale = seq;
        }
        cards.insert(r.get::<_, String>(1)?);
        let amount: i64 = r.get(3)?;
        let g = groups.entry(r.get(2)?).or_default();
        *g = g
            .checked_add(amount)
            .ok_or(ewarong_core::domain::MoneyError::Overflow)?;
        gross = gross
            .checked_add(amount)
            .ok_or(ewarong_core::domain::MoneyError::Overflow)?;
    }
    let mut void_count = 0u64;
    let mut void_total = 0i64;
    let mut stmt = conn.prepare_cached(
        "SELECT v.seq, v.amount, i.group_id, i.line_total FROM void v JOIN sale_item i ON i.seq = v.sale_seq
         WHERE v.seq BETWEEN ?1 AND ?2 ORDER BY v.seq",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    let mut last_void = 0u64;
    while let Some(r) = rows.next()? {
        let seq: u64 = r.get(0)?;
        if seq != last_void {
            void_count = void_count.saturating_add(1);
            void_total = void_total
                .checked_add(r.get(1)?)
                .ok_or(ewarong_core::domain::MoneyError::Overflow)?;
            last_void = seq;
        }
        let amount: i64 = r.get(3)?;
        let g = groups.entry(r.get(2)?).or_default();
        *g = g
            .checked_sub(amount)
            .ok_or(ewarong_core::domain::MoneyError::Overflow)?;
    }
    let net = gross
        .checked_sub(void_total)
        .ok_or(ewarong_core::domain::MoneyError::Overflow)?;
    // A void of an earlier day's sale can make today's net negative; report it as zero and keep
    // the void total, which the Z report shows apart.
    let totals = groups
        .into_iter()
        .map(|(group_id, a)| {
            Ok(GroupTotal {
                group_id,
                amount: Rupiah::new(a.max(0))?,
            })
        })
        .collect::<Result<Vec<_>, LedgerError>>()?;
    Ok(DayReport {
        day: day.to_owned(),
        first_seq: first,
        last_seq: last,
        sale_count,
        kpm_count: u64::try_from(cards.len()).unwrap_or(u64::MAX),
        void_count,
        gross_total: rp(gross, "gross")?,
        void_total: rp(void_total, "void_total")?,
        net_total: Rupiah::new(net.max(0))?,
        totals,
        close_seq: None,
    })
}

/// What to show in the history.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub card: Option<CardNumber>,
    /// Local date `YYYY-MM-DD`.
    pub day: Option<String>,
}

/// One line of a sale as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleLine {
    pub product_id: String,
    pub name: String,
    pub group_id: String,
    pub unit: String,
    pub quantity_milli: i64,
    #[serde(rename = "unit_price_rupiah")]
    pub unit_price: Rupiah,
    #[serde(rename = "reference_price_rupiah")]
    pub reference_price: Rupiah,
    #[serde(rename = "line_total_rupiah")]
    pub line_total: Rupiah,
}

/// One entry in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    pub seq: u64,
    pub kind: String,
    pub recorded_at: String,
    pub card: Option<String>,
    #[serde(rename = "amount_rupiah")]
    pub amount: Option<Rupiah>,
    /// For a sale: the void entry that reversed it.
    pub voided_by: Option<u64>,
    /// For a void or complaint: the sale it refers to.
    pub refers_to: Option<u64>,
    /// Complaint category, void reason or day.
    pub note: Option<String>,
    pub operator: Option<String>,
    pub lines: Vec<SaleLine>,
    pub chain_hash: String,
}

/// Result of re-computing the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub entries: u64,
    pub last_seq: u64,
    /// The first seq whose stored hashes do not match, and the reason key.
    pub first_broken: Option<(u64, TextKey)>,
}

impl Ledger {
    /// A card's balance now, with carry-over and this period shown apart, and the visitor cap
    /// applied where this terminal is not the KPM's home.
    pub fn balance(
        &mut self,
        card: &CardNumber,
        now: DateTime<FixedOffset>,
    ) -> Result<Balance, LedgerError> {
        Ok(self.balance_and_standing(card, now)?.0)
    }

    /// The balance as [`Ledger::balance`], and where it lives, from one read.
    pub fn balance_and_standing(
        &mut self,
        card: &CardNumber,
        now: DateTime<FixedOffset>,
    ) -> Result<(Balance, super::Standing), LedgerError> {
        self.refs()?;
        let Some(refs) = self.cache.as_ref() else {
            return Err(LedgerError::NoPolicy);
        };
        super::moves::balance_in(
            &self.conn,
            &self.terminal.terminal_id,
            card,
            Period::of(now.date_naive()),
            &refs.policy,
        )
    }

    /// The running X report of everything since the last day close.
    pub fn x_report(&self, now: DateTime<FixedOffset>) -> Result<DayReport, LedgerError> {
        day_report_in(&self.conn, &now.date_naive().format("%Y-%m-%d").to_string())
    }

    /// Entries, newest first, filtered by card and local date.
    pub fn history(&self, filter: &HistoryFilter) -> Result<Vec<HistoryRow>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.seq, e.kind, e.recorded_at,
                    COALESCE(s.card, v.card, c.card, l.card, rl.card),
                    COALESCE(s.total, v.amount, d.net_total, rl.amount),
                    (SELECT vv.seq FROM void vv WHERE vv.sale_seq = s.seq),
                    COALESCE(v.sale_seq, c.sale_seq),
                    COALESCE(v.reason, c.category || ': ' || c.text, d.day, l.day,
                             '→ ' || rl.to_terminal),
                    COALESCE(s.operator, v.supervisor, d.operator),
                    e.chain_hash
             FROM entry e
             LEFT JOIN sale s ON s.seq = e.seq
             LEFT JOIN void v ON v.seq = e.seq
             LEFT JOIN complaint c ON c.seq = e.seq
             LEFT JOIN lockout l ON l.seq = e.seq
             LEFT JOIN day_close d ON d.seq = e.seq
             LEFT JOIN release rl ON rl.seq = e.seq
             WHERE (?1 IS NULL OR COALESCE(s.card, v.card, c.card, l.card, rl.card) = ?1)
               AND (?2 IS NULL OR substr(e.recorded_at, 1, 10) = ?2)
             ORDER BY e.seq DESC",
        )?;
        let card = filter.card.as_ref().map(CardNumber::as_str);
        let rows = stmt.query_map(params![card, filter.day], |r| {
            let amount: Option<i64> = r.get(4)?;
            let hash: Vec<u8> = r.get(9)?;
            Ok(HistoryRow {
                seq: r.get(0)?,
                kind: r.get(1)?,
                recorded_at: r.get(2)?,
                card: r.get(3)?,
                amount: amount.and_then(|a| Rupiah::new(a).ok()),
                voided_by: r.get(5)?,
                refers_to: r.get(6)?,
                note: r.get(7)?,
                operator: r.get(8)?,
                lines: Vec::new(),
                chain_hash: hex(&hash),
            })
        })?;
        let mut out = rows.collect::<Result<Vec<_>, _>>()?;
        for row in out.iter_mut().filter(|r| r.kind == "sale") {
            row.lines = self.sale_lines(row.seq)?;
        }
        Ok(out)
    }

    /// The stored lines of one sale, in canonical order.
    pub fn sale_lines(&self, seq: u64) -> Result<Vec<SaleLine>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT product_id, name, group_id, unit, quantity_milli, unit_price, line_total,
                    reference_price
             FROM sale_item WHERE seq = ?1 ORDER BY line_no",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (product_id, name, group_id, unit, quantity_milli, price, total, reference) = row?;
            Ok(SaleLine {
                product_id,
                name,
                group_id,
                unit,
                quantity_milli,
                unit_price: rp(price, "unit_price")?,
                reference_price: rp(reference, "reference_price")?,
                line_total: rp(total, "line_total")?,
            })
        })
        .collect()
    }

    /// Recomputes every leaf and chain hash from the stored canonical bytes.
    /// Recomputes every leaf hash, chain hash and Merkle root from the stored canonical bytes.
    pub fn check_chain(&self) -> Result<ChainReport, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.seq, e.canonical, e.leaf_hash, e.prev_hash, e.chain_hash, t.root
             FROM entry e LEFT JOIN tree_state t ON t.seq = e.seq ORDER BY e.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS;
        let mut tree = Frontier::default();
        let mut expected_seq = 1u64;
        let mut entries = 0u64;
        let mut last_seq = 0u64;
        let mut first_broken = None;
        while let Some(r) = rows.next()? {
            let seq: u64 = r.get(0)?;
            let canonical: Vec<u8> = r.get(1)?;
            let leaf: Vec<u8> = r.get(2)?;
            let stored_prev: Vec<u8> = r.get(3)?;
            let chain: Vec<u8> = r.get(4)?;
            let tree_root: Option<Vec<u8>> = r.get(5)?;
            entries = entries.saturating_add(1);
            last_seq = seq;
            if first_broken.is_some() {
                continue;
            }
            let computed_leaf = seal::leaf_hash(&canonical);
            let computed_chain = seal::chain_hash(&prev, &computed_leaf);
            tree.append(computed_leaf);
            let problem = if seq != expected_seq {
                Some((expected_seq.min(seq), key!("check.gap")))
            } else if leaf != computed_leaf {
                Some((seq, key!("check.leaf")))
            } else if stored_prev != prev {
                Some((seq, key!("check.prev")))
            } else if chain != computed_chain {
                Some((seq, key!("check.chain")))
            } else if tree_root.as_deref() != Some(tree.root().as_slice()) {
                Some((seq, key!("check.tree")))
            } else {
                None
            };
            first_broken = problem;
            prev = computed_chain;
            expected_seq = seq.saturating_add(1);
        }
        Ok(ChainReport {
            entries,
            last_seq,
            first_broken,
        })
    }

    /// A saved sale rebuilt from the ledger, for a reprint (SALINAN) or a receipt on another screen.
    pub fn sale_receipt(&self, seq: u64) -> Result<SavedSale, LedgerError> {
        type Row = (
            String,
            String,
            i64,
            i64,
            Option<String>,
            String,
            Vec<u8>,
            Vec<u8>,
            Vec<u8>,
        );
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT s.card, s.operator, s.total, s.balance_before, s.override_reason,
                        e.recorded_at, e.leaf_hash, e.chain_hash, e.canonical
                 FROM sale s JOIN entry e ON e.seq = s.seq WHERE s.seq = ?1",
                [seq],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                },
            )
            .optional()?;
        let (card, operator, total, before, override_reason, recorded_at, leaf, chain, canonical) =
            row.ok_or(LedgerError::SaleNotFound(seq))?;
        let (name, desa): (String, String) = self
            .conn
            .query_row("SELECT name, desa FROM kpm WHERE card = ?1", [&card], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or_default();
        let root: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT root FROM tree_state WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?;
        let signature: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT signature FROM entry_signature WHERE seq = ?1",
                [seq],
                |r| r.get(0),
            )
            .optional()?;
        let mut lines = Vec::new();
        for l in self.sale_lines(seq)? {
            let unit: Unit = l
                .unit
                .parse()
                .map_err(|_| LedgerError::Corrupt("sale_item.unit".into()))?;
            lines.push(AcceptedLine {
                quantity: Quantity::from_milli(l.quantity_milli)
                    .map_err(|_| LedgerError::Corrupt("sale_item.quantity_milli".into()))?,
                product_id: l.product_id,
                name: l.name,
                group_id: l.group_id,
                unit,
                unit_price: l.unit_price,
                reference_price: l.reference_price,
                line_total: l.line_total,
            });
        }
        let leaf = seal::hash::to_hash32(&leaf)
            .ok_or_else(|| LedgerError::Corrupt("entry.leaf_hash".into()))?;
        let root = root.as_deref().and_then(seal::hash::to_hash32);
        let signature: Option<[u8; 64]> = signature.and_then(|s| s.try_into().ok());
        // With the key at hand, the code that carries the sale (the same one printed at the
        // sale: the signature is deterministic); without it, the older code from the stored
        // checkpoint signature.
        let signed_sale = self
            .signer
            .as_ref()
            .and_then(|key| crate::proofs::sale_receipt_code(key, &canonical));
        let receipt_code = match (signed_sale, root, signature) {
            (Some(code), _, _) => Some(code),
            (None, Some(root), Some(signature)) => Some(
                seal::receipt_code::ReceiptProof {
                    terminal_id: self.terminal.terminal_id.clone(),
                    seq,
                    leaf,
                    tree_size: seq,
                    root,
                    signature,
                }
                .to_string(),
            ),
            _ => None,
        };
        let total = rp(total, "sale.total")?;
        let balance_before = rp(before, "sale.balance_before")?;
        Ok(SavedSale {
            terminal_id: self.terminal.terminal_id.clone(),
            seq,
            recorded_at,
            card,
            name,
            desa,
            operator,
            lines,
            total,
            balance_before,
            balance_after: balance_before.checked_sub(total).unwrap_or(Rupiah::ZERO),
            override_reason,
            leaf_hash: hex(&leaf),
            chain_hash: hex(&chain),
            tree_size: seq,
            tree_root: root.map(|r| hex(&r)).unwrap_or_default(),
            signature: signature
                .map(|s| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s)),
            receipt_code,
        })
    }
}
