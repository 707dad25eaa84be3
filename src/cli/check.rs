//! `ewarong check`: checks the hash chain and the tree of the ledger.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let ledger = ctx.open_reading()?;
    let report = ledger.check_chain().map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "entries": report.entries,
            "last_seq": report.last_seq,
            "first_broken_seq": report.first_broken.map(|(s, _)| s),
            "problem": report.first_broken.map(|(_, k)| tr(Lang::En, k)),
        }))?;
    } else if let Some((seq, key)) = report.first_broken {
        ctx.print(&trf(
            lang,
            key!("cli.check_broken"),
            &[("seq", &seq), ("detail", &tr(lang, key))],
        ))?;
    } else if report.entries == 0 {
        ctx.print(tr(lang, key!("cli.check_empty")))?;
    } else {
        ctx.print(&trf(
            lang,
            key!("cli.check_ok"),
            &[("count", &report.entries), ("last", &report.last_seq)],
        ))?;
    }
    match report.first_broken {
        Some((seq, key)) => Err(CliError::refused(trf(
            lang,
            key!("cli.check_broken"),
            &[("seq", &seq), ("detail", &tr(lang, key))],
        ))),
        None => Ok(()),
    }
}
