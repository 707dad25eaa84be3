//! `ewarong complaint`: records a complaint (pengaduan), optionally about one sale.

use super::*;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    card: String,
    seq: Option<String>,
    category: String,
    text: String,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let card = ctx.card("--card", &card)?;
    let seq = seq.map(|s| ctx.seq("--seq", &s)).transpose()?;
    let category: ComplaintCategory = category.parse().map_err(|e| ctx.ledger_err(e))?;
    let mut ledger = ctx.open_signing()?;
    let n = ledger
        .record_complaint(&card, seq, category, &text, now(&ledger))
        .map_err(|e| ctx.ledger_err(e))?;
    ctx.after_commit(n, |ctx| {
        if ctx.json {
            return ctx.print_json(&serde_json::json!({ "seq": n }));
        }
        ctx.print(&trf(lang, key!("cli.complaint_done"), &[("seq", &n)]))
    })
}
