//! `ewarong batches`: lists the sealed batches and whether the hub acknowledged them.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let ledger = ctx.open_reading()?;
    let batches = ledger.batches().map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&batches);
    }
    if batches.is_empty() {
        return ctx.print(tr(lang, key!("cli.nothing")));
    }
    for b in &batches {
        ctx.print(&trf(
            lang,
            key!("cli.batch_line"),
            &[
                ("batch", &b.batch_seq),
                ("first", &b.first_seq),
                ("last", &b.last_seq),
                ("at", &b.sealed_at),
                ("reason", &b.reason),
                ("root", &b.root.get(..16).unwrap_or_default()),
                ("program", &b.program.as_deref().unwrap_or("-")),
            ],
        ))?;
    }
    Ok(())
}
