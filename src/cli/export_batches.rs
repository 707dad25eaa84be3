//! `ewarong export-batches`: writes every batch without a hub receipt to a USB stick.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, to: PathBuf) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open_signing()?;
    let t = now(&ledger);
    let written =
        crate::sync_client::export_batches(&mut ledger, &to, t).map_err(|e| ctx.sync_err(e))?;
    if ctx.json {
        return ctx.print_json(&written);
    }
    ctx.print(&trf(
        lang,
        key!("cli.exported"),
        &[("count", &written.len()), ("dir", &to.display())],
    ))
}
