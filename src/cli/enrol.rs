//! `ewarong enrol`: enrols the terminal with a hub: `--hub` and `--code`, or the hub's enrolment file.

use super::*;
use ewarong_core::key;

/// `ewarong enrol`: with `--hub` and `--code`, or from the hub's enrolment file.
pub(super) fn run(
    ctx: &mut Ctx<'_>,
    hub: Option<String>,
    code: Option<String>,
    file: Option<PathBuf>,
) -> Result<(), CliError> {
    use ewarong_core::protocol::{EnrolRequest, EnrolmentFile};
    let lang = ctx.lang;
    let from_file = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| ctx.io(path, &e))?;
            let parsed: EnrolmentFile = serde_json::from_str(&text).map_err(|e| {
                CliError::refused(trf(
                    lang,
                    key!("cli.field"),
                    &[("field", &"--file"), ("detail", &e)],
                ))
            })?;
            Some(parsed)
        }
        None => None,
    };
    let hub = hub
        .or_else(|| from_file.as_ref().and_then(|f| f.hub_url.clone()))
        .ok_or_else(|| {
            CliError::refused(trf(
                lang,
                key!("cli.field"),
                &[
                    ("field", &"--hub"),
                    ("detail", &tr(lang, key!("rule.required"))),
                ],
            ))
        })?;
    let code = code
        .or_else(|| from_file.as_ref().map(|f| f.code.clone()))
        .ok_or_else(|| {
            CliError::refused(trf(
                lang,
                key!("cli.field"),
                &[
                    ("field", &"--code"),
                    ("detail", &tr(lang, key!("rule.required"))),
                ],
            ))
        })?;
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
    let key = ledger
        .public_key()
        .map_err(|e| ctx.ledger_err(e))?
        .ok_or_else(|| ctx.ledger_err(LedgerError::NoKey))?;
    let client = crate::sync_client::HubClient::new(&hub, std::time::Duration::from_secs(10));
    let cert = client
        .enrol(&EnrolRequest {
            terminal_id: id,
            code,
            public_key: ewarong_core::seal::hex(&key.to_bytes()),
        })
        .map_err(|e| ctx.sync_err(e))?;
    // The file names the hub's key: a certificate from any other key is not our hub.
    if let Some(f) = &from_file
        && f.hub_public_key != cert.hub_public_key
    {
        return Err(CliError::refused(
            tr(lang, key!("cli.enrol_wrong_hub")).to_owned(),
        ));
    }
    let t = now(&ledger);
    let e = ledger
        .record_enrolment(client.base(), &cert, t)
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&cert);
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
