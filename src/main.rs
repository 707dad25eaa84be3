//! The `ewarong` terminal binary: a thin shell over the library's CLI.

use ewarong_core::key;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use ewarong::cli::{Cli, Command, clap_error_line, data_dir, non_utf8_argument, run};
use ewarong::ui::Renderer;
use ewarong_core::i18n::Lang;
use ewarong_core::i18n::{tr, trf};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EWARONG_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // Arguments as the OS gave them: one that is not UTF-8 (a PIN typed with a stray
            // byte) must not panic here, and its value is never echoed.
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            // --lang may itself be what failed to parse; fall back to the environment, then Indonesian.
            let lang = std::env::var("EWARONG_LANG")
                .ok()
                .and_then(|l| l.parse().ok())
                .unwrap_or_else(|| {
                    args.windows(2)
                        .find(|w| w[0] == "--lang")
                        .and_then(|w| w[1].to_str()?.parse().ok())
                        .unwrap_or(Lang::Id)
                });
            let line = match e.kind() {
                ErrorKind::InvalidUtf8 => trf(
                    lang,
                    key!("cli.usage_utf8"),
                    &[("arg", &non_utf8_argument(&args))],
                ),
                _ => clap_error_line(&e, lang),
            };
            eprintln!("ewarong: {line}");
            return ExitCode::from(2);
        }
    };
    // No subcommand (`cargo run --release`) or `gui`: the counter window.
    let renderer = match &cli.command {
        // `EWARONG_RENDERER` counts here too, as it does for `gui`; a value that is not a
        // renderer's name is ignored for the default (`gui --renderer` names the bad value).
        None => Some(
            std::env::var("EWARONG_RENDERER")
                .ok()
                .and_then(|v| <Renderer as clap::ValueEnum>::from_str(&v, true).ok())
                .unwrap_or_default(),
        ),
        Some(Command::Gui { renderer }) => Some(*renderer),
        Some(_) => None,
    };
    if let Some(renderer) = renderer {
        let Some(dir) = data_dir(&cli) else {
            eprintln!("ewarong: {}", tr(cli.lang, key!("cli.data_dir")));
            return ExitCode::from(3);
        };
        return match ewarong::ui::run(dir, renderer, started) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ewarong: {}: {e}", tr(cli.lang, key!("ui.no_window")));
                ExitCode::from(3)
            }
        };
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = run(cli, &mut out);
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("ewarong: {}", e.message);
            }
            ExitCode::from(e.exit_code())
        }
    }
}
