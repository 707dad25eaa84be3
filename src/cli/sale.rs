//! `ewarong sale`: records a sale: the basket checked, the KPM's PIN verified, one transaction; prints the struk.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, args: SaleArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let card = ctx.card("--card", &args.card)?;
    let pin = ctx.pin("--pin", &args.pin)?;
    let mut lines = Vec::with_capacity(args.items.len());
    for item in &args.items {
        match parse_item(item) {
            None => {
                return Err(CliError::refused(trf(
                    lang,
                    key!("cli.item_syntax"),
                    &[("input", &ewarong_core::i18n::echo(item))],
                )));
            }
            Some(Err(e)) => return Err(ctx.field("--item", &e)),
            Some(Ok(line)) => lines.push(line),
        }
    }
    let mut ledger = ctx.open_signing()?;
    let operator = ctx.operator(&ledger, &args.operator)?;
    let t = now(&ledger);
    // Check the basket before asking for the PIN, so a bad basket does not cost the KPM a PIN try.
    ledger
        .check_sale(&card, &lines, args.override_reason.as_deref(), t)
        .map_err(|e| ctx.ledger_err(e))?;
    let presence = ledger
        .verify_kpm_pin(&card, &pin, t)
        .map_err(|e| ctx.ledger_err(e))?;
    let receipt = ledger
        .record_sale(
            &presence,
            &operator,
            &lines,
            args.override_reason.as_deref(),
            t,
        )
        .map_err(|e| ctx.ledger_err(e))?;
    ctx.after_commit(receipt.seq, |ctx| {
        if ctx.json {
            return ctx.print_json(&receipt);
        }
        ctx.print(&struk::sale_text(&receipt, lang, WIDTH_58MM))?;
        if args.qr
            && let Some(code) = &receipt.receipt_code
            && let Ok(qr) = struk::qr_text(code)
        {
            ctx.print(&qr)?;
        }
        Ok(())
    })
}
