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
    use ewarong_core::seal::receipt_code::ReceiptProof;
    use ewarong_core::seal::sign::PublicKey;
    use ewarong_ledger::ReceiptCodeCheck;
    let lang = ctx.lang;
    let proof: ReceiptProof = code
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
        (None, None) => return Err(CliError::refused(tr(lang, key!("vr.need_key")).to_owned())),
    };
    if !proof.signature_valid(&key) {
        return Err(CliError::refused(
            tr(lang, key!("vr.bad_signature")).to_owned(),
        ));
    }
    let signed = trf(
        lang,
        key!("vr.signature_ok"),
        &[
            ("terminal", &proof.terminal_id),
            ("seq", &proof.seq),
            ("size", &proof.tree_size),
        ],
    );
    warn_if_revoked(ctx, &proof.terminal_id);
    let Some(l) = opened else {
        if ctx.json {
            return ctx.print_json(
                &serde_json::json!({ "signature_valid": true, "status": "signature_only" }),
            );
        }
        return ctx.print(&signed);
    };
    let check = l
        .check_receipt(&proof, &key)
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "signature_valid": true, "check": check }))?;
    }
    let failed = |key: TextKey, args: &[(&str, &dyn std::fmt::Display)]| {
        Err(CliError::refused(trf(lang, key, args)))
    };
    match check {
        ReceiptCodeCheck::Valid { latest_size } => {
            if ctx.json {
                return Ok(());
            }
            ctx.print(&signed)?;
            ctx.print(&trf(lang, key!("vr.valid"), &[("latest", &latest_size)]))
        }
        ReceiptCodeCheck::OtherTerminal { ledger_terminal } => failed(
            key!("vr.other_terminal"),
            &[
                ("terminal", &proof.terminal_id),
                ("ledger", &ledger_terminal),
            ],
        ),
        ReceiptCodeCheck::Missing => failed(key!("vr.missing"), &[("seq", &proof.seq)]),
        ReceiptCodeCheck::HistoryDiffers => failed(key!("vr.history"), &[("seq", &proof.seq)]),
        ReceiptCodeCheck::LatestCheckpointBad => failed(key!("vr.latest"), &[]),
    }
}
