//! `ewarong balance`: a KPM's balance (carry-over apart) and, for a visitor, the cap left here.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, card: String) -> Result<(), CliError> {
    let lang = ctx.lang;
    let card = ctx.card("--card", &card)?;
    let mut ledger = ctx.open_reading()?;
    let kpm = ledger
        .kpm(&card)
        .map_err(|e| ctx.ledger_err(e))?
        .ok_or_else(|| ctx.ledger_err(LedgerError::UnknownCard(card.to_string())))?;
    let (b, standing) = ledger
        .balance_and_standing(&card, now(&ledger))
        .map_err(|e| ctx.ledger_err(e))?;
    let home = standing.visiting().map(str::to_owned);
    if ctx.json {
        return ctx.print_json(&BalanceJson {
            card: card.as_str(),
            name: &kpm.name,
            desa: &kpm.desa,
            period: b.period.to_string(),
            carried_over_rupiah: b.carried_over.as_i64(),
            this_period_rupiah: b.this_period.as_i64(),
            spent_this_period_rupiah: b.spent_this_period.as_i64(),
            available_rupiah: b.available.as_i64(),
            visitor_cap_left_rupiah: b.visitor_cap_left.map(Rupiah::as_i64),
            home,
        });
    }
    for (k, v) in [
        (key!("bal.card"), card.to_string()),
        (key!("bal.name"), format!("{} ({})", kpm.name, kpm.desa)),
        (key!("bal.period"), b.period.to_string()),
        (key!("bal.carried"), b.carried_over.to_string()),
        (key!("bal.this_period"), b.this_period.to_string()),
        (key!("bal.spent"), b.spent_this_period.to_string()),
        (key!("bal.available"), b.available.to_string()),
    ] {
        ctx.print(&format!("{:<20} {v}", format!("{}:", tr(lang, k))))?;
    }
    if let (Some(home), Some(left)) = (home, b.visitor_cap_left) {
        ctx.print(&trf(
            lang,
            key!("bal.visitor"),
            &[("home", &home), ("left", &left)],
        ))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct BalanceJson<'a> {
    card: &'a str,
    name: &'a str,
    desa: &'a str,
    period: String,
    carried_over_rupiah: i64,
    this_period_rupiah: i64,
    spent_this_period_rupiah: i64,
    available_rupiah: i64,
    /// Set when this terminal is not the KPM's home e-warong.
    #[serde(skip_serializing_if = "Option::is_none")]
    home: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_cap_left_rupiah: Option<i64>,
}
