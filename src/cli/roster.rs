//! `ewarong roster`: lists the KPM on the roster in force.

use super::*;
use ewarong_core::key;

pub(super) fn list(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let ledger = ctx.open_reading()?;
    let roster = ledger.roster().map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&roster);
    }
    ctx.print(&format!(
        "{:<16}  {:<28}  {:<14}  {}",
        tr(lang, key!("list.card")),
        tr(lang, key!("list.name")),
        tr(lang, key!("list.desa")),
        tr(lang, key!("list.nik"))
    ))?;
    for k in &roster {
        ctx.print(&format!(
            "{:<16}  {:<28}  {:<14}  {}",
            k.card,
            k.name,
            k.desa,
            k.nik.as_deref().unwrap_or("-")
        ))?;
    }
    Ok(())
}
