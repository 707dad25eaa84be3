//! `ewarong key`: shows the terminal's public key, or creates one for a ledger without.

use super::*;
use ewarong_core::key;

pub(super) fn show(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let ledger = ctx.open_reading()?;
    let Some(public) = ledger.public_key().map_err(|e| ctx.ledger_err(e))? else {
        return Err(CliError::refused(tr(lang, key!("key.none")).to_owned()));
    };
    // The file must hold the private half of the recorded key.
    let key_path = ctx.key_path();
    let file_key =
        TerminalKey::load(&key_path, ctx.passphrase()?.as_ref()).map_err(|e| ctx.key_err(e))?;
    if file_key.public() != public {
        return Err(CliError::refused(trf(
            lang,
            key!("key.mismatch"),
            &[("path", &key_path.display())],
        )));
    }
    if ctx.json {
        return ctx.print_json(&serde_json::json!({
            "public_key": public.to_string(),
            "fingerprint": public.fingerprint(),
        }));
    }
    ctx.print(&format!(
        "{:<14} {public}",
        format!("{}:", tr(lang, key!("key.public")))
    ))?;
    ctx.print(&format!(
        "{:<14} {}",
        format!("{}:", tr(lang, key!("key.fingerprint"))),
        public.fingerprint()
    ))
}

pub(super) fn init(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open()?;
    if ledger
        .public_key()
        .map_err(|e| ctx.ledger_err(e))?
        .is_some()
    {
        return Err(ctx.key_err(KeyError::Exists(ctx.key_path())));
    }
    let key = TerminalKey::create(&ctx.key_path(), ctx.passphrase()?.as_ref())
        .map_err(|e| ctx.key_err(e))?;
    let t = now(&ledger);
    ledger
        .record_public_key(&key.public(), t)
        .map_err(|e| ctx.ledger_err(e))?;
    ctx.print(&trf(
        lang,
        key!("cli.key_fingerprint"),
        &[("fingerprint", &key.public().fingerprint())],
    ))
}
