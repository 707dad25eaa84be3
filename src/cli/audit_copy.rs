//! `ewarong audit-copy`: the copy of this ledger a supervisor takes away, without PIN verifiers.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, out: &Path) -> Result<(), CliError> {
    let lang = ctx.lang;
    let ledger = ctx.open()?;
    let copy = ledger.write_audit_copy(out).map_err(|e| match e {
        LedgerError::TargetExists(_) => ctx.field("--out", &e),
        e => ctx.ledger_err(e),
    })?;
    if ctx.json {
        return ctx.print_json(&copy);
    }
    ctx.print(&trf(
        lang,
        key!("cli.audit_copy_done"),
        &[
            ("path", &copy.path.display()),
            ("entries", &copy.entries),
            ("removed", &copy.verifiers_removed),
        ],
    ))
}
