//! `ewarong import`: imports a policy, catalogue or roster file, all or nothing.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>, what: ImportKind, file: &Path) -> Result<(), CliError> {
    let lang = ctx.lang;
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| {
        CliError::refused(trf(
            lang,
            key!("import.read"),
            &[("file", &name), ("detail", &e)],
        ))
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        CliError::refused(trf(
            lang,
            key!("import.read"),
            &[("file", &name), ("detail", &e)],
        ))
    })?;
    let sha = ewarong_ledger::sha256(&bytes);
    let mut ledger = ctx.open()?;
    let t = now(&ledger);
    let import_err = |e: ewarong_core::import::ImportError| CliError::refused(e.localize(lang));
    let (kind, rows, version) = match what {
        ImportKind::Policy => {
            let policy = ewarong_core::import::parse_policy(&name, &text).map_err(import_err)?;
            let v = ledger
                .import_policy(&policy, &name, &sha, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ("policy", 1, v)
        }
        ImportKind::Catalogue => {
            let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
            let products =
                ewarong_core::import::parse_catalogue(&name, &text, &policy).map_err(import_err)?;
            let n = products.len();
            let v = ledger
                .import_catalogue(products, &name, &sha, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ("catalogue", n, v)
        }
        ImportKind::Roster => {
            let roster = ewarong_core::import::parse_roster(&name, &text).map_err(import_err)?;
            let v = ledger
                .import_roster(&roster, &name, &sha, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ("roster", roster.len(), v)
        }
    };
    if ctx.json {
        return ctx
            .print_json(&serde_json::json!({ "kind": kind, "rows": rows, "version": version }));
    }
    ctx.print(&trf(
        lang,
        key!("import.done"),
        &[("kind", &kind), ("rows", &rows), ("version", &version)],
    ))
}
