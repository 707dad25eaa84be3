//! The hub's report for a programme period: KPM spending across terminals, overspending, KPM
//! served at more than one terminal, forks kept as evidence, and terminals gone silent.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::store::{CardSpend, ForkRecord, Store, StoreError, TerminalSeen};

/// Everything `ewarong-hub report` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub period: String,
    pub generated_at: String,
    pub silent_days: i64,
    /// KPM with at least one sale in the period.
    pub kpm_served: usize,
    /// Sales minus voids across all terminals, rupiah.
    pub total_spent: i64,
    /// KPM whose spending across terminals is above the most any terminal saw available.
    pub overspent: Vec<CardSpend>,
    /// KPM served at more than one terminal in the period (whether or not they overspent).
    pub served_at_several: Vec<CardSpend>,
    pub forks: Vec<ForkRecord>,
    /// Enrolled, unrevoked terminals with nothing received for `silent_days` days or more.
    pub silent: Vec<TerminalSeen>,
}

/// Builds the report for `period` (`YYYY-MM`) as of `now`.
pub async fn build<S: Store>(
    store: &S,
    period: &str,
    silent_days: i64,
    now: DateTime<FixedOffset>,
) -> Result<Report, StoreError> {
    let spend = store.spend_by_card(period).await?;
    let cutoff = now
        .checked_sub_signed(chrono::Duration::days(silent_days))
        .unwrap_or(now);
    let silent = store
        .terminals()
        .await?
        .into_iter()
        .filter(|t| t.enrolled && t.revoked_at.is_none())
        .filter(|t| {
            t.last_seen
                .as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .is_none_or(|seen| seen <= cutoff)
        })
        .collect();
    let total_spent = spend
        .iter()
        .fold(0i64, |acc, c| acc.saturating_add(c.spent));
    Ok(Report {
        period: period.to_owned(),
        generated_at: super::rfc3339(now),
        silent_days,
        kpm_served: spend.iter().filter(|c| c.spent > 0).count(),
        total_spent,
        overspent: spend
            .iter()
            .filter(|c| c.overspend() > 0)
            .cloned()
            .collect(),
        served_at_several: spend
            .iter()
            .filter(|c| c.terminal_count > 1)
            .cloned()
            .collect(),
        forks: store.forks().await?,
        silent,
    })
}

/// The trust file supervisors audit with (`ewarong audit --trust FILE`): the hub's key and the
/// key of every enrolled terminal, revoked ones included (their old ledgers are still audited).
pub async fn trust_file<S: Store>(
    store: &S,
    hub: &ewarong_core::seal::sign::PublicKey,
) -> Result<ewarong_core::protocol::TrustFile, StoreError> {
    use ewarong_core::protocol::{TrustFile, TrustedTerminal};
    let mut terminals = Vec::new();
    for seen in store.terminals().await? {
        let Some(t) = store.terminal(&seen.terminal_id).await? else {
            continue;
        };
        if let Some(key) = t.public_key {
            terminals.push(TrustedTerminal {
                terminal_id: t.terminal_id,
                region: t.region,
                public_key: ewarong_core::seal::hex(&key),
            });
        }
    }
    Ok(TrustFile {
        format: TrustFile::FORMAT.to_owned(),
        hub_public_key: ewarong_core::seal::hex(&hub.to_bytes()),
        terminals,
    })
}
