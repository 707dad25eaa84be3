//! `ewarong void`: voids a sale with the supervisor's PIN and a reason (a new entry, never an edit).

use super::*;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    seq: String,
    reason: String,
    supervisor_pin: SecretArg,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let seq = ctx.seq("--seq", &seq)?;
    let pin = ctx.pin("--supervisor-pin", &supervisor_pin)?;
    let mut ledger = ctx.open_signing()?;
    let supervisor = ledger
        .authenticate_supervisor(&pin)
        .map_err(|e| ctx.ledger_err(e))?;
    let v = ledger
        .void_sale(seq, &reason, &supervisor, now(&ledger))
        .map_err(|e| ctx.ledger_err(e))?;
    ctx.after_commit(v.seq, |ctx| {
        if ctx.json {
            return ctx.print_json(&v);
        }
        ctx.print(&trf(
            lang,
            key!("cli.void_done"),
            &[
                ("sale", &v.sale_seq),
                ("seq", &v.seq),
                ("card", &v.card),
                ("amount", &v.amount),
            ],
        ))
    })
}
