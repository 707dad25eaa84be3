//! Bounded offline spending at the terminal: the KPM's home e-warong, the hub's moves, the
//! release entries that hand a balance over, and the visitor cap everywhere else.
//!
//! A KPM's balance lives at one terminal at a time: the roster's `home`, or the `to` of the
//! newest finished move. Every other terminal, and both ends of an unfinished move, serve the
//! KPM only up to the policy's visitor cap per period. See docs/sync.md.

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Appended, Ledger, LedgerError, append_entry, timestamp};
use ewarong_core::domain::{
    Balance, CardNumber, Period, PeriodFlow, Policy, Rupiah, compute_balance,
};
use ewarong_core::protocol::MovesDocument;
use ewarong_core::seal::EntryKind;

/// Where a KPM's balance lives, as this terminal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// This terminal holds the balance (or the roster names no home at all).
    Home,
    /// Another e-warong holds it, or a move is under way: the visitor cap applies here.
    Visitor { home: String },
}

impl Standing {
    /// The e-warong that holds the balance when it is not this one.
    pub fn visiting(&self) -> Option<&str> {
        match self {
            Standing::Home => None,
            Standing::Visitor { home } => Some(home),
        }
    }
}

/// A balance handed to this terminal by a finished move.
struct Opening {
    period: String,
    amount: i64,
    /// This terminal's own entries up to here were already inside the amount handed over.
    after_seq: u64,
}

fn corrupt(what: &str) -> LedgerError {
    LedgerError::Corrupt(what.to_owned())
}

fn rp(v: i64, what: &str) -> Result<Rupiah, LedgerError> {
    Rupiah::new(v).map_err(|_| corrupt(what))
}

/// The KPM's standing here and the opening balance this terminal received, if any.
fn place_in(
    conn: &Connection,
    me: &str,
    card: &CardNumber,
) -> Result<(Standing, Option<Opening>), LedgerError> {
    type MoveRow = (i64, String, String, Option<i64>);
    let latest: Option<MoveRow> = conn
        .prepare_cached(
            "SELECT id, from_terminal, to_terminal, released_amount FROM hub_move
             WHERE card = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([card.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let standing = match &latest {
        Some((_, _, to, Some(_))) if to == me => Standing::Home,
        Some((_, _, to, Some(_))) => Standing::Visitor { home: to.clone() },
        // Under way: the old home is releasing to the new one, which has nothing yet.
        Some((_, from, to, None)) if from == me => Standing::Visitor { home: to.clone() },
        Some((_, from, _, None)) => Standing::Visitor { home: from.clone() },
        None => {
            let home: Option<String> = conn
                .prepare_cached("SELECT home FROM kpm WHERE card = ?1")?
                .query_row([card.as_str()], |r| r.get(0))
                .optional()?
                .flatten();
            match home {
                Some(h) if h != me => Standing::Visitor { home: h },
                _ => Standing::Home,
            }
        }
    };
    let to_me: Option<(i64, String, i64)> = conn
        .prepare_cached(
            "SELECT id, released_period, released_amount FROM hub_move
             WHERE card = ?1 AND to_terminal = ?2 AND released_amount IS NOT NULL
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![card.as_str(), me], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let opening = match to_me {
        None => None,
        Some((id, period, amount)) => {
            let after_seq: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(MAX(seq), 0) FROM release WHERE card = ?1 AND move_id < ?2",
                )?
                .query_row(params![card.as_str(), id], |r| r.get(0))?;
            Some(Opening {
                period,
                amount,
                after_seq: u64::try_from(after_seq).map_err(|_| corrupt("release.seq"))?,
            })
        }
    };
    Ok((standing, opening))
}

/// The balance held here before any visitor cap, and the net spent here this period.
fn held_in(
    conn: &Connection,
    card: &CardNumber,
    current: Period,
    carry_over: bool,
    opening: Option<&Opening>,
) -> Result<(Balance, Rupiah), LedgerError> {
    // Earlier periods are pooled by `compute_balance`, so index-only sums suffice: entitled,
    // spent, voided and released before this period and in it, then everything sold and voided
    // here this period (for the visitor cap). With an opening balance, the roster's entitlements
    // up to its period and this terminal's entries already inside it are left out.
    let (floor, after_seq) = opening.map_or(("", 0), |o| (o.period.as_str(), o.after_seq));
    let sums: [i64; 10] = conn
        .prepare_cached(
            "SELECT
               (SELECT COALESCE(SUM(amount), 0) FROM entitlement WHERE card = ?1 AND period < ?2 AND period > ?3),
               (SELECT COALESCE(SUM(total), 0)  FROM sale    WHERE card = ?1 AND period < ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(amount), 0) FROM void    WHERE card = ?1 AND period < ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(amount), 0) FROM release WHERE card = ?1 AND period < ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(amount), 0) FROM entitlement WHERE card = ?1 AND period = ?2 AND period > ?3),
               (SELECT COALESCE(SUM(total), 0)  FROM sale    WHERE card = ?1 AND period = ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(amount), 0) FROM void    WHERE card = ?1 AND period = ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(amount), 0) FROM release WHERE card = ?1 AND period = ?2 AND seq > ?4),
               (SELECT COALESCE(SUM(total), 0)  FROM sale    WHERE card = ?1 AND period = ?2),
               (SELECT COALESCE(SUM(amount), 0) FROM void    WHERE card = ?1 AND period = ?2)",
        )?
        .query_row(
            params![card.as_str(), current.to_string(), floor, after_seq],
            |r| {
                let mut out = [0i64; 10];
                for (i, v) in out.iter_mut().enumerate() {
                    *v = r.get(i)?;
                }
                Ok(out)
            },
        )?;
    let [e0, s0, v0, r0, e1, s1, v1, r1, sold_here, voided_here] = sums;
    let mut earlier = (e0, s0.checked_add(r0), v0);
    let mut now = (e1, s1.checked_add(r1), v1);
    if let Some(o) = opening {
        let period: Period = o.period.parse().map_err(|_| corrupt("hub_move.period"))?;
        let add = |e: i64| e.checked_add(o.amount);
        if period < current {
            earlier.0 = add(earlier.0).ok_or_else(|| corrupt("hub_move.amount"))?;
        } else if period == current {
            now.0 = add(now.0).ok_or_else(|| corrupt("hub_move.amount"))?;
        }
    }
    let flow = |(e, s, v): (i64, Option<i64>, i64)| -> Result<PeriodFlow, LedgerError> {
        Ok(PeriodFlow {
            entitled: rp(e, "entitlement")?,
            spent: rp(s.ok_or_else(|| corrupt("sale.total"))?, "sale.total")?,
            voided: rp(v, "void.amount")?,
        })
    };
    let flows = [(current.previous(), flow(earlier)?), (current, flow(now)?)];
    let balance = compute_balance(current, carry_over, &flows)?;
    let here = rp(sold_here, "sale.total")?.saturating_sub(rp(voided_here, "void.amount")?);
    Ok((balance, here))
}

/// A card's balance at this terminal (`me`) for period `current`, with the visitor cap
/// applied where this is not the KPM's home, and the standing that decided it.
pub(super) fn balance_in(
    conn: &Connection,
    me: &str,
    card: &CardNumber,
    current: Period,
    policy: &Policy,
) -> Result<(Balance, Standing), LedgerError> {
    let (standing, opening) = place_in(conn, me, card)?;
    let (mut balance, here) = held_in(conn, card, current, policy.carry_over, opening.as_ref())?;
    if let Standing::Visitor { .. } = standing {
        // What the counter will allow: the cap left, but never more than the balance held
        // here (an old home that released the balance holds nothing, whatever the cap says).
        let left = policy.visitor_cap_per_period_rupiah.saturating_sub(here);
        let allowed = balance.available.min(left);
        balance.available = allowed;
        balance.visitor_cap_left = Some(allowed);
    }
    Ok((balance, standing))
}

/// Checks a basket for `card` at this terminal against the balance it may spend here (the
/// visitor cap included), naming the cap when it is what refuses the basket. The one check
/// behind `Ledger::check_sale` and `Ledger::record_sale`.
pub(super) fn check_in(
    conn: &Connection,
    me: &str,
    card: &CardNumber,
    period: Period,
    refs: &super::reference::Cached,
    lines: &[ewarong_core::domain::LineInput],
    override_reason: Option<&str>,
) -> Result<ewarong_core::domain::AcceptedBasket, LedgerError> {
    let (policy, catalogue) = (&refs.policy, &refs.catalogue);
    let (balance, standing) = balance_in(conn, me, card, period, policy)?;
    let home = standing.visiting();
    ewarong_core::domain::check_basket(lines, policy, catalogue, balance.available, override_reason)
        .map_err(|v| {
            LedgerError::Rejected(ewarong_core::domain::explain_visitor(
                v,
                &balance,
                home,
                policy.visitor_cap_per_period_rupiah,
            ))
        })
}

/// A release this terminal wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRecord {
    pub seq: u64,
    pub move_id: u64,
    pub card: String,
    pub to_terminal: String,
    pub amount: Rupiah,
}

impl Ledger {
    /// Where `card`'s balance lives, seen from here.
    pub fn standing(&self, card: &CardNumber) -> Result<Standing, LedgerError> {
        Ok(place_in(&self.conn, &self.terminal.terminal_id, card)?.0)
    }

    /// The newest moves update applied (0: none).
    pub fn moves_version(&self) -> Result<u64, LedgerError> {
        let v: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM hub_move_import
             WHERE enrolment = (SELECT COALESCE(MAX(id), 0) FROM hub_enrolment)",
            [],
            |r| r.get(0),
        )?;
        u64::try_from(v).map_err(|_| corrupt("hub_move_import.version"))
    }

    /// Replaces the moves in force with a signed moves update (already verified), in one
    /// transaction. The caller checked the fields; `version` must be newer than the last.
    pub fn apply_moves(
        &mut self,
        doc: &MovesDocument,
        version: u64,
        sha256: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM hub_move", [])?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO hub_move (id, card, from_terminal, to_terminal, released_period, released_amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for m in &doc.moves {
                ins.execute(params![
                    m.id,
                    m.card,
                    m.from,
                    m.to,
                    m.released.as_ref().map(|r| r.period.as_str()),
                    m.released.as_ref().map(|r| r.amount_rupiah)
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO hub_move_import (enrolment, version, sha256, move_count, imported_at)
             VALUES ((SELECT COALESCE(MAX(id), 0) FROM hub_enrolment), ?1, ?2, ?3, ?4)",
            params![version, sha256.as_slice(), doc.moves.len(), timestamp(&now)],
        )?;
        tx.commit()?;
        tracing::info!(version, moves = doc.moves.len(), "moves applied");
        Ok(())
    }

    /// Writes a release entry for every move away from this terminal not yet released here:
    /// the whole balance held here (carry-over included) goes to the new home. Each release is
    /// its own transaction. Returns what was released.
    pub fn release_due(
        &mut self,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<ReleaseRecord>, LedgerError> {
        let me = self.terminal.terminal_id.clone();
        let due: Vec<(u64, String, String)> = self
            .conn
            .prepare(
                "SELECT id, card, to_terminal FROM hub_move
                 WHERE from_terminal = ?1 AND released_amount IS NULL
                   AND id NOT IN (SELECT move_id FROM release)
                 ORDER BY id",
            )?
            .query_map([&me], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let carry_over = self.refs()?.policy.carry_over;
        let period = Period::of(now.date_naive());
        let period_s = period.to_string();
        let mut out = Vec::with_capacity(due.len());
        for (move_id, card, to) in due {
            let card: CardNumber = card.parse().map_err(|_| corrupt("hub_move.card"))?;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (_, opening) = place_in(&tx, &me, &card)?;
            let (held, _) = held_in(&tx, &card, period, carry_over, opening.as_ref())?;
            let amount = held.available;
            let Appended { seq, .. } = append_entry(
                &tx,
                &me,
                self.signer.as_ref(),
                EntryKind::Release,
                &now,
                |w| {
                    w.str(card.as_str())
                        .str(&period_s)
                        .u64(move_id)
                        .str(&to)
                        .i64(amount.as_i64());
                },
            )?;
            tx.execute(
                "INSERT INTO release (seq, card, period, move_id, to_terminal, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![seq, card.as_str(), period_s, move_id, to, amount.as_i64()],
            )?;
            tx.commit()?;
            tracing::info!(
                seq,
                move_id,
                to = to.as_str(),
                amount = amount.as_i64(),
                "balance released"
            );
            out.push(ReleaseRecord {
                seq,
                move_id,
                card: card.to_string(),
                to_terminal: to,
                amount,
            });
        }
        self.seal_if_due(now);
        Ok(out)
    }
}
