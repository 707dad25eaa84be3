//! Plain-text receipts and reports, laid out for a 32-column (58 mm) or 48-column (80 mm) thermal printer.

use ewarong_core::domain::{CardNumber, Quantity, Rupiah};
use ewarong_core::i18n::{Lang, TextKey, tr};
use ewarong_core::key;
use ewarong_ledger::{DayReport, SavedSale};

/// Columns on a 58 mm printer with the standard font.
pub const WIDTH_58MM: usize = 32;

fn pad_between(left: &str, right: &str, width: usize) -> String {
    let used = left.chars().count().saturating_add(right.chars().count());
    let gap = width.saturating_sub(used).max(1);
    format!("{left}{}{right}", " ".repeat(gap))
}

/// `text` centred on a line `width` characters wide.
pub fn center(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(text.chars().count()) / 2;
    format!("{}{text}", " ".repeat(pad))
}

/// `28-11-2026 15:56 WITA` from a stored RFC 3339 timestamp.
pub fn local_time_text(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!(
            "{} {}",
            t.format("%d-%m-%Y %H:%M"),
            ewarong_ledger::zone_name(*t.offset())
        ),
        Err(_) => rfc3339.to_owned(),
    }
}

/// A card number with the middle hidden, as on receipts; anything else unchanged.
pub fn masked(card: &str) -> String {
    card.parse::<CardNumber>()
        .map_or_else(|_| card.to_owned(), |c| c.masked())
}

/// The receipt of a saved sale.
pub fn sale_text(r: &SavedSale, lang: Lang, width: usize) -> String {
    let rule = "-".repeat(width);
    let kv = |k: TextKey, v: &str| pad_between(&format!("{}:", tr(lang, k)), v, width);
    let mut lines = vec![
        center(tr(lang, key!("rcpt.title")), width),
        kv(key!("rcpt.terminal"), &r.terminal_id),
        kv(key!("rcpt.seq"), &r.seq.to_string()),
        kv(key!("rcpt.time"), &local_time_text(&r.recorded_at)),
        kv(key!("rcpt.card"), &masked(&r.card)),
        kv(key!("rcpt.name"), &r.name),
        kv(key!("rcpt.operator"), &r.operator),
        rule.clone(),
    ];
    for l in &r.lines {
        lines.push(l.name.clone());
        let qty = format!("  {} {} x {}", l.quantity, l.unit, l.unit_price);
        lines.push(pad_between(&qty, &l.line_total.to_string(), width));
    }
    lines.push(rule.clone());
    lines.push(pad_between(
        tr(lang, key!("rcpt.total")),
        &r.total.to_string(),
        width,
    ));
    lines.push(pad_between(
        tr(lang, key!("rcpt.balance_before")),
        &r.balance_before.to_string(),
        width,
    ));
    lines.push(pad_between(
        tr(lang, key!("rcpt.balance_after")),
        &r.balance_after.to_string(),
        width,
    ));
    if let Some(reason) = &r.override_reason {
        lines.push(format!("{}: {reason}", tr(lang, key!("rcpt.override"))));
    }
    lines.push(rule);
    lines.push(format!(
        "{}: {}",
        tr(lang, key!("rcpt.hash")),
        r.chain_hash.get(..16).unwrap_or(&r.chain_hash)
    ));
    if let Some(code) = &r.receipt_code {
        lines.push(format!("{}:", tr(lang, key!("rcpt.code"))));
        let chars: Vec<char> = code.chars().collect();
        lines.extend(
            chars
                .chunks(width.max(1))
                .map(|c| c.iter().collect::<String>()),
        );
    }
    lines.push(center(
        &format!("** {} **", tr(lang, key!("rcpt.saved"))),
        width,
    ));
    lines.push(tr(lang, key!("rcpt.complaint")).to_owned());
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
    let kv = |k: TextKey, v: String| pad_between(&format!("{}:", tr(lang, k)), &v, width);
    let mut lines = vec![
        center(
            tr(
                lang,
                if r.close_seq.is_some() {
                    key!("z.title")
                } else {
                    key!("x.title")
                },
            ),
            width,
        ),
        kv(key!("z.day"), r.day.clone()),
        kv(
            key!("z.range"),
            if r.first_seq > r.last_seq {
                "-".to_owned()
            } else {
                format!("{}-{}", r.first_seq, r.last_seq)
            },
        ),
        kv(key!("z.sales"), r.sale_count.to_string()),
        kv(key!("z.kpm"), r.kpm_count.to_string()),
        kv(
            key!("z.voids"),
            format!("{} ({})", r.void_count, r.void_total),
        ),
        rule.clone(),
        tr(lang, key!("z.group")).to_owned(),
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
        tr(lang, key!("z.net")),
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

/// Printer dots per QR module so that `modules` plus the 4-module quiet zone on each side fit
/// `dots` across (384 on 58 mm paper, 576 on 80 mm), at most 6 and at least 1.
pub fn qr_module_dots(dots: usize, modules: usize) -> u8 {
    let per = dots.checked_div(modules.saturating_add(8)).unwrap_or(1);
    u8::try_from(per.clamp(1, 6)).unwrap_or(6)
}

/// The QR code of a receipt's verification code: (modules per side, dark modules row by row).
/// Error correction M, so a slightly smudged thermal print still scans.
pub fn qr_modules(code: &str) -> Result<(usize, Vec<bool>), qrcode::types::QrError> {
    let qr = qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M)?;
    let dark = qr
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((qr.width(), dark))
}

/// The QR code drawn with Unicode half blocks, for a terminal window.
pub fn qr_text(code: &str) -> Result<String, qrcode::types::QrError> {
    let qr = qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M)?;
    Ok(qr
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `EWR2` code of `lines` lines with the longest ids and amounts a demo basket has.
    fn sale_code(lines: usize) -> String {
        use ewarong_core::seal::receipt_code::{ReceiptLine, SaleReceipt};
        let key = ewarong_keys::TerminalKey::from_seed(&[5; 32]);
        let mut r = SaleReceipt {
            terminal_id: "warung-jayapura-01".into(),
            seq: 123_456,
            recorded_at: "2026-11-03T09:15:00+09:00".into(),
            card_last4: "0010".into(),
            total: 0,
            balance_before: 1_400_000,
            lines: (0..lines)
                .map(|i| ReceiptLine {
                    product_id: format!("ikan-teri-kering-{i}"),
                    quantity_milli: 12_000,
                    line_total: 1_500_000,
                })
                .collect(),
            signature: [0; 64],
        };
        r.total = 1_500_000 * i64::try_from(lines).unwrap();
        r.signature = key.sign(&r.signed_message());
        r.to_string()
    }

    /// Receipt codes become QR codes that a decoder reads back, at a size a 58 mm printer
    /// (384 dots) prints: an `EWR1` code and an `EWR2` code of up to 3 lines at 5 dots per
    /// module or more, one of up to 10 lines at 4 or more (what [`crate::app::print`] sends),
    /// quiet zone included.
    #[test]
    fn receipt_codes_scan_back_from_their_qr() {
        let v1 = "EWR1.warung-jayapura-01.1234.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd.1234.ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-ZyXw.\
                    QWxhZGRpbiBvcGVuIHNlc2FtZQQWxhZGRpbiBvcGVuIHNlc2FtZQQWxhZGRpbiBvcGVuIHNlc2FtZQQWxhZGRpbiBvcGVuIHNlc2FtZQQWxhZGRpbiBvcGVu";
        let mut codes = vec![(v1.to_owned(), 5)];
        codes.extend((1..=10).map(|n| (sale_code(n), if n <= 3 { 5 } else { 4 })));
        for (code, dots) in codes {
            let (width, dark) = qr_modules(&code).unwrap();
            assert!(
                usize::from(qr_module_dots(384, width)) >= dots,
                "{width} modules do not fit 58 mm at {dots} dots each: {code}"
            );
            // Render at 4 pixels per module with a 4-module quiet zone and decode it.
            let scale = 4;
            let side = (width + 8) * scale;
            let pixel = |x: usize, y: usize| -> u8 {
                let (mx, my) = (x / scale, y / scale);
                if mx < 4 || my < 4 || mx >= width + 4 || my >= width + 4 {
                    return 255;
                }
                if dark[(my - 4) * width + (mx - 4)] {
                    0
                } else {
                    255
                }
            };
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, pixel);
            let grids = img.detect_grids();
            assert_eq!(grids.len(), 1);
            let (_, content) = grids[0].decode().unwrap();
            assert_eq!(content, code);
            assert!(qr_text(&code).unwrap().lines().count() > 10);
        }
    }
}
