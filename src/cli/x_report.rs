//! `ewarong x-report`: the running X report of the day, without closing it.

use super::*;

pub(super) fn run(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let mut ledger = ctx.open_reading()?;
    let report = ledger
        .x_report(now(&ledger))
        .map_err(|e| ctx.ledger_err(e))?;
    close_day::print_report(ctx, &mut ledger, &report)
}
