//! Balance = entitlements up to the current period (with carry-over) − spent + voided.

use serde::Serialize;

use super::money::{MoneyError, Rupiah};
use super::policy::Period;

/// Money moved in one period for one KPM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeriodFlow {
    pub entitled: Rupiah,
    pub spent: Rupiah,
    pub voided: Rupiah,
}

/// A KPM's balance, with carry-over and this period shown apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub period: Period,
    /// Left over from earlier periods (zero when carry-over is off).
    pub carried_over: Rupiah,
    /// Granted for this period.
    pub this_period: Rupiah,
    /// Spent in this period, net of voids.
    pub spent_this_period: Rupiah,
    /// What may still be spent now.
    pub available: Rupiah,
    /// Set when this terminal is not the KPM's home e-warong: what is left of the policy's
    /// visitor cap here this period. `available` is then at most this.
    pub visitor_cap_left: Option<Rupiah>,
}

/// Computes the balance from per-period flows. Periods after `current` are ignored.
///
/// With carry-over, earlier periods form one pool, not floored period by period: a month may
/// spend more than its own entitlement by drawing on the carry-over, and that draw stays counted.
pub fn compute_balance(
    current: Period,
    carry_over: bool,
    flows: &[(Period, PeriodFlow)],
) -> Result<Balance, MoneyError> {
    let mut earlier_in = Rupiah::ZERO;
    let mut earlier_out = Rupiah::ZERO;
    let mut now = PeriodFlow::default();
    for (period, flow) in flows {
        if *period == current {
            now.entitled = now.entitled.checked_add(flow.entitled)?;
            now.spent = now.spent.checked_add(flow.spent)?;
            now.voided = now.voided.checked_add(flow.voided)?;
        } else if *period < current && carry_over {
            earlier_in = earlier_in
                .checked_add(flow.entitled)?
                .checked_add(flow.voided)?;
            earlier_out = earlier_out.checked_add(flow.spent)?;
        }
    }
    let carried_over = earlier_in.saturating_sub(earlier_out);
    let spent_net = now.spent.saturating_sub(now.voided);
    let available = earlier_in
        .checked_add(now.entitled)?
        .checked_add(now.voided)?
        .saturating_sub(earlier_out.checked_add(now.spent)?);
    Ok(Balance {
        period: current,
        carried_over,
        this_period: now.entitled,
        spent_this_period: spent_net,
        available,
        visitor_cap_left: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp(v: i64) -> Rupiah {
        Rupiah::new(v).unwrap()
    }
    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }
    fn flow(e: i64, s: i64, v: i64) -> PeriodFlow {
        PeriodFlow {
            entitled: rp(e),
            spent: rp(s),
            voided: rp(v),
        }
    }

    #[test]
    fn balance_cases() {
        // (carry_over, flows, available, carried, spent_this_period)
        let cases: Vec<(bool, Vec<(&str, PeriodFlow)>, i64, i64, i64)> = vec![
            (true, vec![("2026-11", flow(200_000, 0, 0))], 200_000, 0, 0),
            (
                true,
                vec![
                    ("2026-10", flow(200_000, 50_000, 0)),
                    ("2026-11", flow(200_000, 0, 0)),
                ],
                350_000,
                150_000,
                0,
            ),
            (
                false,
                vec![
                    ("2026-10", flow(200_000, 50_000, 0)),
                    ("2026-11", flow(200_000, 0, 0)),
                ],
                200_000,
                0,
                0,
            ),
            (
                true,
                vec![("2026-11", flow(200_000, 120_000, 20_000))],
                100_000,
                0,
                100_000,
            ),
            // Spending this period may draw on carry-over.
            (
                true,
                vec![
                    ("2026-10", flow(200_000, 0, 0)),
                    ("2026-11", flow(200_000, 300_000, 0)),
                ],
                100_000,
                200_000,
                300_000,
            ),
            // A future period's entitlement is not yet spendable.
            (
                true,
                vec![
                    ("2026-11", flow(200_000, 0, 0)),
                    ("2026-12", flow(200_000, 0, 0)),
                ],
                200_000,
                0,
                0,
            ),
            // No entitlement at all.
            (true, vec![], 0, 0, 0),
            // Regression: October drew 100k from September's carry-over; November must not get it back.
            (
                true,
                vec![
                    ("2026-09", flow(200_000, 0, 0)),
                    ("2026-10", flow(200_000, 300_000, 0)),
                    ("2026-11", flow(200_000, 0, 0)),
                ],
                300_000,
                100_000,
                0,
            ),
            // A void in an earlier period returns money to the pool.
            (
                true,
                vec![
                    ("2026-10", flow(200_000, 150_000, 150_000)),
                    ("2026-11", flow(200_000, 0, 0)),
                ],
                400_000,
                200_000,
                0,
            ),
        ];
        for (carry, flows, available, carried, spent) in cases {
            let flows: Vec<_> = flows.into_iter().map(|(s, f)| (p(s), f)).collect();
            let b = compute_balance(p("2026-11"), carry, &flows).unwrap();
            assert_eq!(
                (b.available, b.carried_over, b.spent_this_period),
                (rp(available), rp(carried), rp(spent)),
                "{flows:?}"
            );
        }
    }
}
