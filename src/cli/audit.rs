//! `ewarong audit`: audits a ledger, this one or a copy, offline and read-only, against the keys
//! the supervisor trusts.

use super::*;
use ewarong_core::audit::{AuditOptions, Verdict};
use ewarong_core::key;
use ewarong_core::seal::sign::PublicKey;

/// The command's options.
pub(super) struct Args<'a> {
    pub ledger: Option<&'a Path>,
    pub pubkey: Option<&'a str>,
    pub hub_key: Option<&'a str>,
    pub trust: Option<&'a Path>,
    pub all_signatures: bool,
}

/// A public key as base64 (as `key show` prints it) or as hex (as certificates carry it).
fn parse_key(lang: Lang, option: &str, text: &str) -> Result<PublicKey, CliError> {
    ewarong_core::protocol::typed_public_key(text).ok_or_else(|| {
        CliError::refused(trf(
            lang,
            key!("cli.field"),
            &[
                ("field", &option),
                ("detail", &tr(lang, key!("audit.bad_key"))),
            ],
        ))
    })
}

pub(super) fn run(ctx: &mut Ctx<'_>, args: Args<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let path = args
        .ledger
        .map_or_else(|| ctx.ledger_path(), Path::to_path_buf);
    let unreadable = |e: ewarong_ledger::LedgerError| CliError {
        message: trf(
            lang,
            key!("audit.unreadable"),
            &[("detail", &e.localize(lang))],
        ),
        kind: ExitKind::Unreadable,
    };
    let opened = ewarong_ledger::Ledger::open_for_audit(&path).map_err(unreadable)?;
    let terminal_id = opened.terminal().terminal_id.clone();
    let mut options = AuditOptions {
        pinned_key: args
            .pubkey
            .map(|k| parse_key(lang, "--pubkey", k))
            .transpose()?,
        pinned_hub: args
            .hub_key
            .map(|k| parse_key(lang, "--hub-key", k))
            .transpose()?,
        all_signatures: args.all_signatures,
    };
    if let Some(file) = args.trust {
        let refused = |detail: &dyn std::fmt::Display| {
            CliError::refused(trf(
                lang,
                key!("audit.trust_file"),
                &[("path", &file.display()), ("detail", detail)],
            ))
        };
        let text = std::fs::read_to_string(file).map_err(|e| refused(&e))?;
        let listed = options
            .pin_trust_file(&text, &terminal_id)
            .map_err(|e| refused(&e))?;
        if !listed {
            eprintln!(
                "{}",
                trf(
                    lang,
                    key!("audit.trust_unknown_terminal"),
                    &[("terminal", &terminal_id), ("path", &file.display())],
                )
            );
        }
    }
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
    let report = opened.audit(&options, &mut progress).map_err(unreadable)?;
    drop(opened);
    warn_if_revoked(ctx, &report.terminal_id);
    let verdict = report.verdict();
    let trust_line = report.trust_detail(lang);
    if ctx.json {
        // The findings are values; their words are put in here, in the chosen language.
        let mut json = serde_json::to_value(&report).map_err(|e| CliError {
            message: e.to_string(),
            kind: ExitKind::Storage,
        })?;
        json["verdict"] = serde_json::to_value(verdict).unwrap_or_default();
        json["trust_detail"] = trust_line.into();
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
        // What the signatures were checked against comes first, as docs/cli.md promises.
        ctx.print(&trust_line)?;
        for f in &report.findings {
            ctx.print(&format!("{} seq {}: {}", f.table, f.seq, f.detail(lang)))?;
        }
        for line in report.program_lines(lang) {
            ctx.print(&line)?;
        }
        let summary = match verdict {
            Verdict::Clean => Some(key!("audit.clean")),
            Verdict::IntegrityOnly => Some(key!("audit.integrity_only")),
            Verdict::Findings => None,
        };
        if let Some(k) = summary {
            ctx.print(&trf(
                lang,
                k,
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
    match verdict {
        Verdict::Clean => Ok(()),
        Verdict::IntegrityOnly => Err(CliError {
            message: tr(lang, key!("audit.unverified")).to_owned(),
            kind: ExitKind::Unverified,
        }),
        Verdict::Findings => Err(CliError {
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
        }),
    }
}
