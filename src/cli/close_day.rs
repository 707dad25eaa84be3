//! `ewarong close-day`: the Z report: closes the day.

use super::*;

pub(super) fn print_report(
    ctx: &mut Ctx<'_>,
    ledger: &mut Ledger,
    report: &ewarong_ledger::DayReport,
) -> Result<(), CliError> {
    if ctx.json {
        return ctx.print_json(report);
    }
    let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
    let lang = ctx.lang;
    let text = struk::day_report_text(
        report,
        |g| {
            policy
                .group(g)
                .map_or_else(|| g.to_owned(), |g| g.name(lang).to_owned())
        },
        lang,
        WIDTH_58MM,
    );
    ctx.print(&text)
}

pub(super) fn run(ctx: &mut Ctx<'_>, args: OperatorArgs) -> Result<(), CliError> {
    let mut ledger = ctx.open_signing()?;
    let operator = ctx.operator(&ledger, &args)?;
    let report = ledger
        .close_day(&operator, now(&ledger))
        .map_err(|e| ctx.ledger_err(e))?;
    let seq = report.close_seq.unwrap_or(report.last_seq);
    ctx.after_commit(seq, |ctx| print_report(ctx, &mut ledger, &report))
}
