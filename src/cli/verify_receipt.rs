//! `ewarong verify-receipt`: checks a struk's receipt code against a key or a ledger.

use super::*;
use ewarong_core::i18n::TextKey;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    code: &str,
    ledger: Option<&Path>,
    pubkey: Option<&str>,
) -> Result<(), CliError> {
    use ewarong_core::seal::receipt_code::ReceiptCode;
    use ewarong_core::seal::sign::PublicKey;
    use ewarong_ledger::ReceiptCodeCheck;
    let lang = ctx.lang;
    let proof: ReceiptCode = code
        .parse()
        .map_err(|_| CliError::refused(tr(lang, key!("vr.format")).to_owned()))?;
    let opened = ledger.map(|path| ctx.open_reading_at(path)).transpose()?;
    let key: PublicKey = match (pubkey, &opened) {
        (Some(k), _) => k
            .parse()
            .map_err(|_| CliError::refused(tr(lang, key!("vr.bad_key")).to_owned()))?,
        (None, Some(l)) => l
            .public_key()
            .map_err(|e| ctx.ledger_err(e))?
            .ok_or_else(|| CliError::refused(tr(lang, key!("key.none")).to_owned()))?,
        (None, None) => {
            return Err(CliError::refused(tr(lang, key!("vr.need_key")).to_owned()));
        }
    };
    if !proof.signature_valid(&key) {
        return Err(CliError::refused(
            tr(lang, key!("vr.bad_signature")).to_owned(),
        ));
    }
    // What the signature covers, said before anything is checked against a ledger.
    let mut signed = vec![];
    match &proof {
        ReceiptCode::Checkpoint(p) => {
            signed.push(trf(
                lang,
                key!("vr.signature_ok"),
                &[
                    ("terminal", &p.terminal_id),
                    ("seq", &p.seq),
                    ("size", &p.tree_size),
                ],
            ));
            signed.push(tr(lang, key!("vr.head_only")).to_owned());
        }
        ReceiptCode::Sale(r) => signed.extend(signed_sale_text(lang, r)),
    }
    warn_if_revoked(ctx, proof.terminal_id());
    let Some(l) = opened else {
        if ctx.json {
            return ctx.print_json(&serde_json::json!({
                "signature_valid": true,
                "status": "signature_only",
                "signed": signed_json(&proof),
            }));
        }
        return ctx.print(&signed.join("\n"));
    };
    let check = match &proof {
        ReceiptCode::Checkpoint(p) => l.check_receipt(p, &key),
        ReceiptCode::Sale(r) => l.check_sale_receipt(r, &key),
    }
    .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "signature_valid": true,
            "check": check,
            "signed": signed_json(&proof),
        }))?;
    }
    let failed = |key: TextKey, args: &[(&str, &dyn std::fmt::Display)]| {
        Err(CliError::refused(trf(lang, key, args)))
    };
    let seq = proof.seq();
    match check {
        ReceiptCodeCheck::Valid { latest_size } => {
            if ctx.json {
                return Ok(());
            }
            ctx.print(&signed.join("\n"))?;
            ctx.print(&trf(lang, key!("vr.valid"), &[("latest", &latest_size)]))
        }
        ReceiptCodeCheck::OtherTerminal { ledger_terminal } => failed(
            key!("vr.other_terminal"),
            &[
                ("terminal", &proof.terminal_id()),
                ("ledger", &ledger_terminal),
            ],
        ),
        ReceiptCodeCheck::Missing => failed(key!("vr.missing"), &[("seq", &seq)]),
        ReceiptCodeCheck::HistoryDiffers => failed(key!("vr.history"), &[("seq", &seq)]),
        ReceiptCodeCheck::LatestCheckpointBad => failed(key!("vr.latest"), &[]),
        ReceiptCodeCheck::LedgerDiffers { latest_size } => {
            failed(key!("vr.ledger_differs"), &[("latest", &latest_size)])
        }
    }
}

/// The lines that say what an `EWR2` code's signature covers: the sale as the KPM was given it.
fn signed_sale_text(lang: Lang, r: &ewarong_core::seal::receipt_code::SaleReceipt) -> Vec<String> {
    let money = |v: i64| Rupiah::new(v).map_or_else(|_| v.to_string(), |m| m.to_string());
    let mut out = vec![trf(
        lang,
        key!("vr.sale_signed"),
        &[
            ("terminal", &r.terminal_id),
            ("seq", &r.seq),
            ("at", &crate::struk::local_time_text(&r.recorded_at)),
            ("card", &r.card_last4),
        ],
    )];
    for l in &r.lines {
        let quantity = ewarong_core::domain::Quantity::from_milli(l.quantity_milli)
            .map_or_else(|_| format!("{}/1000", l.quantity_milli), |q| q.to_string());
        out.push(format!(
            "  {} × {quantity}: {}",
            l.product_id,
            money(l.line_total)
        ));
    }
    out.push(trf(
        lang,
        key!("vr.sale_totals"),
        &[
            ("total", &money(r.total)),
            ("before", &money(r.balance_before)),
            ("after", &money(r.balance_before.saturating_sub(r.total))),
        ],
    ));
    out
}

/// What the signature covers, as JSON: the sale for `EWR2`, the tree head for `EWR1`.
fn signed_json(proof: &ewarong_core::seal::receipt_code::ReceiptCode) -> serde_json::Value {
    use ewarong_core::seal::receipt_code::ReceiptCode;
    match proof {
        ReceiptCode::Checkpoint(p) => serde_json::json!({
            "code_version": 1,
            "terminal_id": p.terminal_id,
            "tree_size": p.tree_size,
            "root_hex": ewarong_core::seal::hash::hex(&p.root),
        }),
        ReceiptCode::Sale(r) => serde_json::json!({
            "code_version": 2,
            "terminal_id": r.terminal_id,
            "seq": r.seq,
            "recorded_at": r.recorded_at,
            "card_last4": r.card_last4,
            "total_rupiah": r.total,
            "balance_before_rupiah": r.balance_before,
            "lines": r.lines.iter().map(|l| serde_json::json!({
                "product_id": l.product_id,
                "quantity_milli": l.quantity_milli,
                "line_total_rupiah": l.line_total,
            })).collect::<Vec<_>>(),
        }),
    }
}
