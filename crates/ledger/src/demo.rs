//! The demo programme: default policy, a catalogue of real staples, 240 fake KPM and two operators.
//!
//! Demo secrets are fixed and public (README): every KPM PIN is 123456, `kasir` 1111, `supervisor` 9999.

use chrono::{DateTime, FixedOffset};

use crate::{Ledger, LedgerError, Role};
use ewarong_core::domain::{Entitlement, Period, Pin, PinVerifier, Policy};
use ewarong_core::i18n::{Lang, Localize};
use ewarong_core::import::{self, ImportError};

pub const DEMO_CATALOGUE_CSV: &str = include_str!("../../../assets/demo/catalogue.csv");
pub const DEMO_ROSTER_CSV: &str = include_str!("../../../assets/demo/roster.csv");
/// The demo operators and their PINs, as written in the README.
pub const DEMO_OPERATORS: [(&str, Role, &str); 2] = [
    ("kasir", Role::Kasir, "1111"),
    ("supervisor", Role::Supervisor, "9999"),
];

/// Why loading the demo failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl Localize for DemoError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Ledger(e) => e.localize(lang),
            Self::Import(e) => e.localize(lang),
        }
    }
}

/// What the demo loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub products: usize,
    pub kpm: usize,
}

/// Loads the demo programme into a fresh ledger. Entitlements: this month for every KPM, and
/// last month too for every third one, so carry-over shows.
pub fn load(ledger: &mut Ledger, now: DateTime<FixedOffset>) -> Result<DemoSummary, DemoError> {
    let policy = Policy::default_sembako().map_err(|error| ImportError::Policy {
        file: "policy".into(),
        error,
    })?;
    let policy_sha = crate::sha256(ewarong_core::domain::policy::DEFAULT_POLICY_TOML.as_bytes());
    ledger.import_policy(&policy, "assets/policy-sembako-2020.toml", &policy_sha, now)?;
    let products =
        import::parse_catalogue("assets/demo/catalogue.csv", DEMO_CATALOGUE_CSV, &policy)?;
    let product_count = products.len();
    ledger.import_catalogue(
        products,
        "assets/demo/catalogue.csv",
        &crate::sha256(DEMO_CATALOGUE_CSV.as_bytes()),
        now,
    )?;
    let mut roster = import::parse_roster("assets/demo/roster.csv", DEMO_ROSTER_CSV)?;
    let this = Period::of(now.date_naive());
    for (i, kpm) in roster.iter_mut().enumerate() {
        if i % 3 == 0 {
            kpm.entitlements.push(Entitlement {
                period: this.previous(),
                amount: policy.amount_per_period_rupiah,
            });
        }
        kpm.entitlements.push(Entitlement {
            period: this,
            amount: policy.amount_per_period_rupiah,
        });
    }
    ledger.import_roster(
        &roster,
        "assets/demo/roster.csv",
        &crate::sha256(DEMO_ROSTER_CSV.as_bytes()),
        now,
    )?;
    for (name, role, pin) in DEMO_OPERATORS {
        let pin = Pin::new(pin).map_err(LedgerError::Pin)?;
        let verifier = PinVerifier::create(&pin, &import::new_salt().map_err(LedgerError::Pin)?)
            .map_err(LedgerError::Pin)?;
        ledger.add_operator(name, role, &verifier, now)?;
    }
    Ok(DemoSummary {
        products: product_count,
        kpm: roster.len(),
    })
}

/// A month of sales as a real e-warong makes them, for tests and benchmarks of what travels
/// and what an audit sees (the demo's identical baskets would flatter compression): `count`
/// sales spread over `days` days from `first` (in order, 08:00 to 16:00 local), each to one of
/// `presences` drawn at random, with one to four different allowed products of the catalogue
/// in force, in quantities a shop sells (0.5 to 5 kg or litres, 1 to 10 of a counted unit), at
/// the reference price. A KPM without the balance for a basket is passed over for another; a
/// day is closed at its end. The same `seed` writes the same month. Returns the sales written.
#[allow(clippy::too_many_arguments)]
pub fn month_of_sales(
    ledger: &mut Ledger,
    presences: &[crate::Presence],
    operator: &crate::Operator,
    first: DateTime<FixedOffset>,
    days: u32,
    count: usize,
    seed: u64,
) -> Result<usize, LedgerError> {
    use ewarong_core::domain::{LineInput, ProductClass, Unit};
    let catalogue = ledger.catalogue()?;
    let allowed: Vec<(String, Unit)> = catalogue
        .products()
        .iter()
        .filter(|p| matches!(p.class, ProductClass::Group(_)))
        .map(|p| (p.id.clone(), p.unit))
        .collect();
    if presences.is_empty() || allowed.is_empty() || days == 0 {
        return Ok(0);
    }
    // xorshift: small, deterministic, and enough for shopping.
    let mut state = seed | 1;
    let mut next = move |n: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state.checked_rem(n.max(1) as u64).unwrap_or(0)).unwrap_or(0)
    };
    const KG: [&str; 7] = ["0.5", "1", "1.5", "2", "2.5", "3", "5"];
    let per_day = count.div_ceil(days as usize).max(1);
    let open_seconds = 8 * 3600i64;
    let mut written = 0usize;
    let mut misses = 0usize;
    let mut day = 0u32;
    while written < count && day < days {
        let later = |d: chrono::Duration, from: DateTime<FixedOffset>| {
            from.checked_add_signed(d)
                .ok_or_else(|| LedgerError::Corrupt("a date past the calendar".into()))
        };
        let date = later(chrono::Duration::days(i64::from(day)), first)?;
        let mut today = 0usize;
        while today < per_day && written < count {
            let offset = open_seconds
                .saturating_mul(i64::try_from(today).unwrap_or(0))
                .checked_div(i64::try_from(per_day).unwrap_or(1))
                .unwrap_or(0)
                .saturating_add(i64::try_from(next(60)).unwrap_or(0));
            let at = later(chrono::Duration::seconds(offset), date)?;
            let mut picked: Vec<usize> = Vec::new();
            for _ in 0..=next(4) {
                let p = next(allowed.len());
                if !picked.contains(&p) {
                    picked.push(p);
                }
            }
            let lines: Vec<LineInput> = picked
                .iter()
                .filter_map(|&p| allowed.get(p))
                .map(|(id, unit)| LineInput {
                    product: id.clone(),
                    quantity: match unit {
                        Unit::Kg | Unit::Liter => {
                            KG.get(next(KG.len())).copied().unwrap_or("1").into()
                        }
                        _ => next(10).saturating_add(1).to_string(),
                    },
                    unit_price: None,
                })
                .collect();
            let who = presences
                .get(next(presences.len()))
                .unwrap_or(&presences[0]);
            match ledger.record_sale(who, operator, &lines, None, at) {
                Ok(_) => {
                    written = written.saturating_add(1);
                    today = today.saturating_add(1);
                    misses = 0;
                }
                Err(LedgerError::Rejected(_)) if misses < 1000 => misses = misses.saturating_add(1),
                Err(e) => return Err(e),
            }
        }
        let closing = later(
            chrono::Duration::seconds(open_seconds.saturating_add(600)),
            date,
        )?;
        match ledger.close_day(operator, closing) {
            Ok(_) | Err(LedgerError::NothingToClose(_)) => {}
            Err(e) => return Err(e),
        }
        day = day.saturating_add(1);
    }
    Ok(written)
}
