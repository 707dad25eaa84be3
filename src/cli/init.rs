//! `ewarong init`: creates a terminal's data directory (ledger, key, optionally the demo programme).

use super::*;
use ewarong_core::key;

pub(super) fn create(
    ctx: &mut Ctx<'_>,
    terminal_id: &str,
    demo: bool,
    zone: FixedOffset,
) -> Result<Ledger, CliError> {
    let lang = ctx.lang;
    let path = ctx.ledger_path();
    let now = chrono::Utc::now().with_timezone(&zone);
    let passphrase = ctx.passphrase()?;
    let ewarong_ledger::data_dir::Created {
        ledger,
        fingerprint,
        demo: summary,
    } = ewarong_ledger::data_dir::create(
        &ctx.dir(),
        terminal_id,
        zone,
        demo,
        passphrase.as_ref(),
        now,
    )
    .map_err(|e| ctx.setup_err(e))?;
    ctx.print(&trf(
        lang,
        key!("cli.init_done"),
        &[("terminal", &terminal_id), ("path", &path.display())],
    ))?;
    ctx.print(&trf(
        lang,
        key!("cli.key_fingerprint"),
        &[("fingerprint", &fingerprint)],
    ))?;
    if let Some(s) = summary {
        ctx.print(&trf(
            lang,
            key!("cli.demo_loaded"),
            &[("products", &s.products), ("kpm", &s.kpm)],
        ))?;
    }
    Ok(ledger)
}

pub(super) fn run(
    ctx: &mut Ctx<'_>,
    terminal_id: String,
    demo: bool,
    timezone: String,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let zone = parse_timezone(&timezone).ok_or_else(|| {
        CliError::refused(trf(
            lang,
            key!("cli.timezone"),
            &[("input", &ewarong_core::i18n::echo(&timezone))],
        ))
    })?;
    create(ctx, &terminal_id, demo, zone).map(drop)
}
