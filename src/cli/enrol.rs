//! `ewarong enrol`: enrols the terminal with a hub: `--hub`, `--code` and `--hub-key`, or the hub's enrolment file.

use super::*;
use ewarong_core::hub_auth::HubPin;
use ewarong_core::key;

/// What an enrolment sheet gives: the hub's address, the code, the pinned hub key and the TLS
/// certificate the file carries (if any).
pub(super) struct Sheet {
    hub: String,
    code: String,
    pin: HubPin,
    tls: Option<String>,
    /// The terminal the file was issued for, checked against this ledger.
    for_terminal: Option<String>,
}

impl Sheet {
    /// Reads `--hub`, `--code` and `--hub-key`, or the hub's enrolment file, naming the field
    /// that is missing or wrong.
    pub(super) fn read(ctx: &Ctx<'_>, args: SheetArgs) -> Result<Self, CliError> {
        use ewarong_core::protocol::EnrolmentFile;
        let SheetArgs {
            hub,
            code,
            hub_key,
            file,
        } = args;
        let lang = ctx.lang;
        let field = |name: &str, detail: &dyn std::fmt::Display| {
            CliError::refused(trf(
                lang,
                key!("cli.field"),
                &[("field", &name), ("detail", detail)],
            ))
        };
        let required = |name: &str| field(name, &tr(lang, key!("rule.required")));
        let from_file = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ctx.io(path, &e))?;
                let parsed: EnrolmentFile =
                    serde_json::from_str(&text).map_err(|e| field("--file", &e))?;
                Some(parsed)
            }
            None => None,
        };
        let hub = hub
            .or_else(|| from_file.as_ref().and_then(|f| f.hub_url.clone()))
            .ok_or_else(|| required("--hub"))?;
        let code = code
            .or_else(|| from_file.as_ref().map(|f| f.code.clone()))
            .ok_or_else(|| required("--code"))?;
        let pin = match (&hub_key, &from_file) {
            (Some(typed), _) => {
                HubPin::fingerprint("--hub-key", typed).map_err(|e| field(&e.field, &e.rule))?
            }
            (None, Some(f)) => HubPin::Key(
                ewarong_core::protocol::public_key("hub_public_key", &f.hub_public_key)
                    .map_err(|e| field("--file", &e))?,
            ),
            (None, None) => return Err(required("--hub-key")),
        };
        // A file and a typed fingerprint that disagree: the person has two sheets.
        if let (HubPin::Fingerprint(_), Some(f)) = (&pin, &from_file)
            && ewarong_core::protocol::public_key("hub_public_key", &f.hub_public_key)
                .is_ok_and(|k| !pin.matches(&k))
        {
            return Err(CliError::refused(
                tr(lang, key!("cli.enrol_wrong_hub")).to_owned(),
            ));
        }
        Ok(Self {
            hub,
            code,
            pin,
            tls: from_file.as_ref().and_then(|f| f.tls_certificate.clone()),
            for_terminal: from_file.map(|f| f.terminal_id),
        })
    }

    /// Refuses a file issued for another terminal than this ledger's.
    fn check_terminal(&self, ctx: &Ctx<'_>, ledger: &Ledger) -> Result<(), CliError> {
        let id = &ledger.terminal().terminal_id;
        match &self.for_terminal {
            Some(f) if f != id => Err(CliError::refused(trf(
                ctx.lang,
                key!("cli.enrol_other_terminal"),
                &[("file", f), ("ours", id)],
            ))),
            _ => Ok(()),
        }
    }
}

/// `ewarong enrol`: with `--hub`, `--code` and the hub's fingerprint, or from the hub's
/// enrolment file. The hub key is pinned before anything is sent to the hub.
pub(super) fn run(ctx: &mut Ctx<'_>, sheet: Sheet) -> Result<(), CliError> {
    let mut ledger = ctx.open_signing()?;
    sheet.check_terminal(ctx, &ledger)?;
    let t = now(&ledger);
    let (e, _) = crate::sync_client::enrol(
        &mut ledger,
        &sheet.hub,
        std::time::Duration::from_secs(10),
        &sheet.code,
        &sheet.pin,
        sheet.tls.as_deref(),
        t,
    )
    .map_err(|e| ctx.sync_err(e))?;
    print_enrolment(ctx, &e, key!("cli.enrolled"))
}

/// `ewarong change-hub`: moves an enrolled terminal to another hub, with the new hub's sheet,
/// a supervisor's PIN and a reason. The move is a signed ledger entry; the new hub then
/// receives every batch from the first.
pub(super) fn change(
    ctx: &mut Ctx<'_>,
    sheet: Sheet,
    reason: String,
    supervisor_pin: SecretArg,
) -> Result<(), CliError> {
    let pin = ctx.pin("--supervisor-pin", &supervisor_pin)?;
    let mut ledger = ctx.open_signing()?;
    sheet.check_terminal(ctx, &ledger)?;
    let supervisor = ledger
        .authenticate_supervisor(&pin)
        .map_err(|e| ctx.ledger_err(e))?;
    let t = now(&ledger);
    let (e, _) = crate::sync_client::change_hub(
        &mut ledger,
        &sheet.hub,
        std::time::Duration::from_secs(10),
        &sheet.code,
        &sheet.pin,
        sheet.tls.as_deref(),
        &supervisor,
        &reason,
        t,
    )
    .map_err(|e| ctx.sync_err(e))?;
    print_enrolment(ctx, &e, key!("cli.hub_changed"))
}

fn print_enrolment(
    ctx: &mut Ctx<'_>,
    e: &ewarong_ledger::Enrolment,
    text: ewarong_core::i18n::TextKey,
) -> Result<(), CliError> {
    if ctx.json {
        return ctx.print_json(&e.certificate);
    }
    ctx.print(&trf(
        ctx.lang,
        text,
        &[
            ("hub", &e.hub_url),
            ("region", &e.region),
            ("fingerprint", &e.hub_key.fingerprint()),
        ],
    ))
}
