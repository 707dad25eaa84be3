//! `ewarong sync`: one sync round with the hub: upload what is sealed, apply updates.

use super::*;

pub(super) fn run(ctx: &mut Ctx<'_>, hub: Option<String>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open_signing()?;
    let client = ctx.hub_client(&ledger, hub)?;
    let t = now(&ledger);
    let report =
        crate::sync_client::sync_once(&mut ledger, &client, t).map_err(|e| ctx.sync_err(e))?;
    if ctx.json {
        return ctx.print_json(&report);
    }
    ctx.print(&crate::sync_client::report_line(lang, &report))?;
    if let Some(w) = crate::sync_client::clock_warning(lang, report.clock_skew_seconds) {
        ctx.print(&w)?;
    }
    Ok(())
}
