//! `ewarong import-receipts`: reads the hub's receipts and updates back from a USB stick.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, dir: PathBuf) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open_signing()?;
    let t = now(&ledger);
    let done =
        crate::sync_client::import_receipts(&mut ledger, &dir, t).map_err(|e| ctx.sync_err(e))?;
    if ctx.json {
        return ctx.print_json(&done);
    }
    let (pending, _) = ledger.pending().map_err(|e| ctx.ledger_err(e))?;
    let mut line = trf(
        lang,
        key!("cli.receipts_imported"),
        &[
            ("new", &done.new),
            ("already", &done.already),
            ("pending", &pending),
        ],
    );
    if !done.updates.is_empty() {
        line += &trf(
            lang,
            key!("sync.updated"),
            &[("list", &done.updates.join(", "))],
        );
    }
    if done.released > 0 {
        line += &trf(lang, key!("sync.released"), &[("n", &done.released)]);
        line += tr(lang, key!("cli.released_export"));
    }
    ctx.print(&line)
}
