//! `ewarong seal`: seals the open tail into a batch, or sets the seal interval.

use super::*;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    every: Option<String>,
    supervisor_pin: Option<SecretArg>,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open_signing()?;
    if let Some(every) = every {
        let n = every
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                CliError::refused(trf(
                    lang,
                    key!("cli.field"),
                    &[
                        ("field", &"--every"),
                        ("detail", &tr(lang, key!("rule.positive"))),
                    ],
                ))
            })?;
        let pin = ctx.pin("--supervisor-pin", &supervisor_pin.unwrap_or_default())?;
        ledger
            .authenticate_supervisor(&pin)
            .map_err(|e| ctx.ledger_err(e))?;
        let t = now(&ledger);
        ledger.set_seal_every(n, t).map_err(|e| ctx.ledger_err(e))?;
        ctx.print(&trf(lang, key!("cli.seal_every"), &[("n", &n)]))?;
    }
    let t = now(&ledger);
    let sealed = ledger
        .seal(SealReason::Manual, t)
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&sealed);
    }
    match sealed {
        None => ctx.print(tr(lang, key!("cli.seal_nothing"))),
        Some(b) => ctx.print(&trf(
            lang,
            key!("cli.sealed"),
            &[
                ("batch", &b.batch_seq),
                ("first", &b.first_seq),
                ("last", &b.last_seq),
                ("root", &b.root),
            ],
        )),
    }
}
