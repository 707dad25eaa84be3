//! `ewarong history`: entries by KPM and date.

use super::*;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    card: Option<String>,
    date: Option<String>,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let card = card.map(|c| ctx.card("--card", &c)).transpose()?;
    let day = date
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| {
                    CliError::refused(trf(
                        lang,
                        key!("cli.date"),
                        &[("input", &ewarong_core::i18n::echo(&d))],
                    ))
                })
        })
        .transpose()?;
    let ledger = ctx.open_reading()?;
    let rows = ledger
        .history(&HistoryFilter { card, day })
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&rows);
    }
    if rows.is_empty() {
        return ctx.print(tr(lang, key!("cli.nothing")));
    }
    ctx.print(&format!(
        "{:>5}  {:<25}  {:<12}  {:<16}  {:>12}  {}",
        tr(lang, key!("hist.seq")),
        tr(lang, key!("hist.time")),
        tr(lang, key!("hist.kind")),
        tr(lang, key!("hist.card")),
        tr(lang, key!("hist.amount")),
        tr(lang, key!("hist.note"))
    ))?;
    for r in &rows {
        let mut note = r.note.clone().unwrap_or_default();
        if let Some(by) = r.voided_by {
            note = trf(lang, key!("hist.voided_by"), &[("seq", &by)]);
        }
        if r.kind == "void"
            && let Some(s) = r.refers_to
        {
            note = format!("{} — {note}", trf(lang, key!("hist.voids"), &[("seq", &s)]));
        }
        ctx.print(&format!(
            "{:>5}  {:<25}  {:<12}  {:<16}  {:>12}  {}",
            r.seq,
            r.recorded_at,
            tr_runtime(lang, &format!("kind.{}", r.kind)),
            r.card.as_deref().unwrap_or("-"),
            struk::money_or_dash(r.amount),
            note
        ))?;
        for l in &r.lines {
            ctx.print(&format!(
                "{:>7}{} — {} × {} = {}",
                "",
                l.name,
                struk::quantity_text(l.quantity_milli, &l.unit),
                l.unit_price,
                l.line_total
            ))?;
        }
    }
    Ok(())
}
