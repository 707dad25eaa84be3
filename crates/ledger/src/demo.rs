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
