//! Plain-text receipts and reports, laid out for a 32-column (58 mm) or 48-column (80 mm) thermal printer.

use crate::domain::{CardNumber, Quantity, Rupiah};
use crate::i18n::{Lang, tr};
use crate::ledger::{DayReport, SaleReceipt};

/// Columns on a 58 mm printer with the standard font.
pub const WIDTH_58MM: usize = 32;

fn pad_between(left: &str, right: &str, width: usize) -> String {
    let used = left.chars().count().saturating_add(right.chars().count());
    let gap = width.saturating_sub(used).max(1);
    format!("{left}{}{right}", " ".repeat(gap))
}

fn center(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(text.chars().count()) / 2;
    format!("{}{text}", " ".repeat(pad))
}

/// `28-11-2026 15:56 WITA` from a stored RFC 3339 timestamp.
pub fn local_time_text(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!(
            "{} {}",
            t.format("%d-%m-%Y %H:%M"),
            crate::ledger::zone_name(*t.offset())
        ),
        Err(_) => rfc3339.to_owned(),
    }
}

fn masked(card: &str) -> String {
    card.parse::<CardNumber>()
        .map_or_else(|_| card.to_owned(), |c| c.masked())
}

/// The receipt of a saved sale.
pub fn sale_text(r: &SaleReceipt, lang: Lang, width: usize) -> String {
    let rule = "-".repeat(width);
    let kv = |k: &str, v: &str| pad_between(&format!("{}:", tr(lang, k)), v, width);
    let mut lines = vec![
        center(tr(lang, "rcpt.title"), width),
        kv("rcpt.terminal", &r.terminal_id),
        kv("rcpt.seq", &r.seq.to_string()),
        kv("rcpt.time", &local_time_text(&r.recorded_at)),
        kv("rcpt.card", &masked(&r.card)),
        kv("rcpt.name", &r.name),
        kv("rcpt.operator", &r.operator),
        rule.clone(),
    ];
    for l in &r.lines {
        lines.push(l.name.clone());
        let qty = format!("  {} {} x {}", l.quantity, l.unit, l.unit_price);
        lines.push(pad_between(&qty, &l.line_total.to_string(), width));
    }
    lines.push(rule.clone());
    lines.push(pad_between(
        tr(lang, "rcpt.total"),
        &r.total.to_string(),
        width,
    ));
    lines.push(pad_between(
        tr(lang, "rcpt.balance_before"),
        &r.balance_before.to_string(),
        width,
    ));
    lines.push(pad_between(
        tr(lang, "rcpt.balance_after"),
        &r.balance_after.to_string(),
        width,
    ));
    if let Some(reason) = &r.override_reason {
        lines.push(format!("{}: {reason}", tr(lang, "rcpt.override")));
    }
    lines.push(rule);
    lines.push(format!(
        "{}: {}",
        tr(lang, "rcpt.hash"),
        r.chain_hash.get(..16).unwrap_or(&r.chain_hash)
    ));
    lines.push(center(&format!("** {} **", tr(lang, "rcpt.saved")), width));
    lines.push(tr(lang, "rcpt.complaint").to_owned());
    lines.join("\n")
}

/// An X or Z day report.
pub fn day_report_text(
    r: &DayReport,
    group_name: impl Fn(&str) -> String,
    lang: Lang,
    width: usize,
) -> String {
    let rule = "-".repeat(width);
    let kv = |k: &str, v: String| pad_between(&format!("{}:", tr(lang, k)), &v, width);
    let mut lines = vec![
        center(
            tr(
                lang,
                if r.close_seq.is_some() {
                    "z.title"
                } else {
                    "x.title"
                },
            ),
            width,
        ),
        kv("z.day", r.day.clone()),
        kv(
            "z.range",
            if r.first_seq > r.last_seq {
                "-".to_owned()
            } else {
                format!("{}-{}", r.first_seq, r.last_seq)
            },
        ),
        kv("z.sales", r.sale_count.to_string()),
        kv("z.kpm", r.kpm_count.to_string()),
        kv("z.voids", format!("{} ({})", r.void_count, r.void_total)),
        rule.clone(),
        tr(lang, "z.group").to_owned(),
    ];
    for t in &r.totals {
        lines.push(pad_between(
            &format!("  {}", group_name(&t.group_id)),
            &t.amount.to_string(),
            width,
        ));
    }
    lines.push(rule);
    lines.push(pad_between(
        tr(lang, "z.net"),
        &r.net_total.to_string(),
        width,
    ));
    lines.join("\n")
}

/// `2 kg`, `1,5 kg` from stored thousandths.
pub fn quantity_text(milli: i64, unit: &str) -> String {
    Quantity::from_milli(milli).map_or_else(
        |_| format!("{milli}/1000 {unit}"),
        |q| format!("{q} {unit}"),
    )
}

/// `Rp 1.000` or `-` when absent.
pub fn money_or_dash(m: Option<Rupiah>) -> String {
    m.map_or_else(|| "-".to_owned(), |m| m.to_string())
}
