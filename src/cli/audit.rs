//! `ewarong audit`: audits a ledger, this one or a copy, offline and read-only.

use super::*;
use ewarong_core::key;

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    ledger: Option<&Path>,
    pubkey: Option<&str>,
    all_signatures: bool,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let path = ledger.map_or_else(|| ctx.ledger_path(), Path::to_path_buf);
    let external: Option<ewarong_core::seal::sign::PublicKey> = pubkey
        .map(|k| {
            k.parse()
                .map_err(|_| CliError::refused(tr(lang, key!("vr.bad_key")).to_owned()))
        })
        .transpose()?;
    let mut progress = |done: u64, total: u64| {
        if total >= 20_000 {
            eprintln!(
                "{}",
                trf(
                    lang,
                    key!("audit.progress"),
                    &[("done", &done), ("total", &total)]
                )
            );
        }
    };
    let report = ewarong_ledger::audit_file(&path, external, all_signatures, &mut progress)
        .map_err(|e| CliError {
            message: trf(
                lang,
                key!("audit.unreadable"),
                &[("detail", &e.localize(lang))],
            ),
            kind: ExitKind::Unreadable,
        })?;
    warn_if_revoked(ctx, &report.terminal_id);
    if ctx.json {
        // The findings are values; their words are put in here, in the chosen language.
        let mut json = serde_json::to_value(&report).map_err(|e| CliError {
            message: e.to_string(),
            kind: ExitKind::Storage,
        })?;
        json["findings"] = report
            .findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "table": f.table,
                    "seq": f.seq,
                    "code": f.code,
                    "args": f.args.iter().map(|(n, v)| (*n, v.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
                    "detail": f.detail(lang),
                })
            })
            .collect();
        ctx.print_json(&json)?;
    } else {
        for f in &report.findings {
            ctx.print(&format!("{} seq {}: {}", f.table, f.seq, f.detail(lang)))?;
        }
        if report.findings.is_empty() {
            ctx.print(&trf(
                lang,
                key!("audit.clean"),
                &[
                    ("terminal", &report.terminal_id),
                    ("entries", &report.entries),
                    ("batches", &report.batches),
                    ("tail", &report.open_tail),
                    ("signatures", &report.signatures_checked),
                ],
            ))?;
        }
    }
    if report.findings.is_empty() {
        Ok(())
    } else {
        Err(CliError {
            message: trf(
                lang,
                key!("audit.found"),
                &[
                    ("terminal", &report.terminal_id),
                    ("entries", &report.entries),
                    ("batches", &report.batches),
                    ("count", &report.findings.len()),
                ],
            ),
            kind: ExitKind::Refused,
        })
    }
}
