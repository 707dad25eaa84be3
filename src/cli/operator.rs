//! `ewarong operator`: adds an operator (supervisor's PIN once one exists).

use super::*;
use ewarong_core::key;

pub(super) fn add(
    ctx: &mut Ctx<'_>,
    name: String,
    role: RoleArg,
    pin: SecretArg,
    supervisor_pin: Option<SecretArg>,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let pin = ctx.pin("--pin", &pin)?;
    let mut ledger = ctx.open()?;
    let has_supervisor = ledger.has_supervisor().map_err(|e| ctx.ledger_err(e))?;
    // The first operator of a new terminal must be a supervisor; after that a supervisor signs off.
    if has_supervisor {
        let sp = supervisor_pin.unwrap_or_default();
        let sp = ctx.pin("--supervisor-pin", &sp)?;
        ledger
            .authenticate_supervisor(&sp)
            .map_err(|e| ctx.ledger_err(e))?;
    } else if !matches!(role, RoleArg::Supervisor) {
        return Err(CliError::refused(
            tr(lang, key!("cli.first_supervisor")).to_owned(),
        ));
    }
    let role = match role {
        RoleArg::Kasir => Role::Kasir,
        RoleArg::Supervisor => Role::Supervisor,
    };
    let salt = ewarong_core::import::new_salt().map_err(|e| ctx.field("--pin", &e))?;
    let verifier = PinVerifier::create(&pin, &salt).map_err(|e| ctx.field("--pin", &e))?;
    let t = now(&ledger);
    ledger
        .add_operator(&name, role, &verifier, t)
        .map_err(|e| ctx.ledger_err(e))?;
    ctx.print(&trf(
        lang,
        key!("cli.operator_added"),
        &[("name", &name.trim()), ("role", &role.as_str())],
    ))
}
