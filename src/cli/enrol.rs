//! `ewarong enrol`: enrols the terminal with a hub: `--hub`, `--code` and `--hub-key`, or the hub's enrolment file.

use super::*;
use ewarong_core::hub_auth::HubPin;
use ewarong_core::key;

/// `ewarong enrol`: with `--hub`, `--code` and the hub's fingerprint, or from the hub's
/// enrolment file. The hub key is pinned before anything is sent to the hub.
pub(super) fn run(
    ctx: &mut Ctx<'_>,
    hub: Option<String>,
    code: Option<String>,
    hub_key: Option<String>,
    file: Option<PathBuf>,
) -> Result<(), CliError> {
    use ewarong_core::protocol::EnrolmentFile;
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
    let mut ledger = ctx.open_signing()?;
    let id = ledger.terminal().terminal_id.clone();
    if let Some(f) = &from_file
        && f.terminal_id != id
    {
        return Err(CliError::refused(trf(
            lang,
            key!("cli.enrol_other_terminal"),
            &[("file", &f.terminal_id), ("ours", &id)],
        )));
    }
    let t = now(&ledger);
    let tls = from_file
        .as_ref()
        .and_then(|f| f.tls_certificate.as_deref());
    let (e, _) = crate::sync_client::enrol(
        &mut ledger,
        &hub,
        std::time::Duration::from_secs(10),
        &code,
        &pin,
        tls,
        t,
    )
    .map_err(|e| ctx.sync_err(e))?;
    if ctx.json {
        return ctx.print_json(&e.certificate);
    }
    ctx.print(&trf(
        lang,
        key!("cli.enrolled"),
        &[
            ("hub", &e.hub_url),
            ("region", &e.region),
            ("fingerprint", &e.hub_key.fingerprint()),
        ],
    ))
}
