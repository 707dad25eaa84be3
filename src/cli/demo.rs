//! `ewarong demo`: a short tour of the command line on the demo terminal, creating it first if needed.

use super::*;
use ewarong_core::key;

pub(super) fn run(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    ctx.print(tr(lang, key!("cli.demo_intro")))?;
    let mut ledger = if ctx.ledger_path().exists() {
        ctx.open()?
    } else {
        let zone = parse_timezone("WITA").ok_or_else(|| CliError::refused("WITA".into()))?;
        init::create(ctx, "demo-01", true, zone)?
    };
    let roster = ledger.roster().map_err(|e| ctx.ledger_err(e))?;
    let products = ledger.catalogue().map_err(|e| ctx.ledger_err(e))?.len();
    let versions = ledger.versions().map_err(|e| ctx.ledger_err(e))?;
    let chain = ledger.check_chain().map_err(|e| ctx.ledger_err(e))?;
    let dir = ctx.data_dir.display().to_string();
    let card = roster.first().map_or("-", |k| k.card.as_str());
    ctx.print(&trf(
        lang,
        key!("cli.demo_status"),
        &[
            ("terminal", &ledger.terminal().terminal_id),
            ("kpm", &roster.len()),
            ("products", &products),
            ("entries", &chain.entries),
            ("policy", &versions.policy),
            ("catalogue", &versions.catalogue),
            ("roster", &versions.roster),
        ],
    ))?;
    ctx.print(tr(lang, key!("cli.demo_try")))?;
    // Show commands that work as printed: the path of this very binary.
    let exe =
        std::env::current_exe().map_or_else(|_| "ewarong".to_owned(), |p| p.display().to_string());
    for example in [
        format!("{exe} --data-dir {dir} balance --card {card}"),
        format!(
            "{exe} --data-dir {dir} sale --card {card} --pin 123456 --item beras-medium=5 --item telur-ayam=1 --item tempe=2 --operator kasir --operator-pin 1111"
        ),
        format!("{exe} --data-dir {dir} history --card {card}"),
        format!("{exe} --data-dir {dir} catalogue list"),
        format!("{exe} --help"),
    ] {
        ctx.print(&format!("  {example}"))?;
    }
    Ok(())
}
