//! The roster of KPM (beneficiary families) and their entitlements per period.

use serde::{Deserialize, Serialize};

use super::ids::{CardNumber, KkNumber, Nik};
use super::money::Rupiah;
use super::pin::PinVerifier;
use super::policy::Period;

/// One beneficiary family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kpm {
    pub card: CardNumber,
    /// Some KPM (often in Papua) have no NIK yet.
    pub nik: Option<Nik>,
    pub kk: KkNumber,
    /// Household head's name.
    pub name: String,
    /// Desa or kelurahan.
    pub desa: String,
    pub pin_verifier: PinVerifier,
    pub entitlements: Vec<Entitlement>,
    /// The KPM's home e-warong (terminal id), where their balance lives. `None` in rosters
    /// without a `home` column: every terminal then serves the KPM from the full balance.
    pub home: Option<String>,
}

/// The amount granted to a KPM for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub period: Period,
    pub amount: Rupiah,
}
