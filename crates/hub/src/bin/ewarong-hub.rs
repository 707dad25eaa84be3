//! `ewarong-hub`: the district hub. Serves the sync API, enrols and revokes terminals, and takes
//! batches carried in on a USB stick.

// Printing results to stdout is what this binary is for.
#![allow(clippy::print_stdout)]

use ewarong_core::key;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use ewarong_core::i18n::help;
use ewarong_core::i18n::{Lang, Localize, tr, trf};
use ewarong_core::protocol::EnrolmentFile;
use ewarong_core::seal::hex;
use ewarong_hub::limits::Limits;
use ewarong_hub::postgres::PgStore;
use ewarong_hub::server::HubState;
use ewarong_hub::sqlite::SqliteStore;
use ewarong_hub::{
    ENROLMENT_DAYS, HUB_DB_FILE, HubIdentity, Store, check_name, code_hash, new_enrolment_code,
};
use ewarong_keys::fs::write_atomic;

#[derive(Debug, Parser)]
#[command(name = "ewarong-hub", version = ewarong_core::PROGRAM_VERSION, about = help(key!("hub.help.about")))]
struct Cli {
    #[arg(long, global = true, env = "EWARONG_HUB_DIR", help = help(key!("hub.help.data_dir")))]
    data_dir: Option<PathBuf>,
    #[arg(long, global = true, env = "EWARONG_HUB_DATABASE", hide_env_values = true, help = help(key!("hub.help.database")))]
    database: Option<String>,
    #[arg(long, global = true, env = "EWARONG_HUB_DATABASE_FILE", conflicts_with = "database", help = help(key!("hub.help.database_file")))]
    database_file: Option<PathBuf>,
    #[arg(long, global = true, env = "EWARONG_LANG", default_value = "id", help = help(key!("help.lang")))]
    lang: Lang,
    #[arg(long, global = true, help = help(key!("help.json")))]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(about = help(key!("hub.help.serve")))]
    Serve {
        #[arg(long, default_value = "127.0.0.1:7410", help = help(key!("hub.help.listen")))]
        listen: String,
        #[arg(long, default_value_t = Limits::default().max_connections, help = help(key!("hub.help.max_connections")))]
        max_connections: usize,
        #[arg(long, default_value_t = Limits::default().per_address, help = help(key!("hub.help.per_address")))]
        per_address: usize,
        #[arg(long, default_value_t = Limits::default().header_timeout.as_secs(), help = help(key!("hub.help.header_timeout")))]
        header_timeout: u64,
        #[arg(long, requires = "tls_key", help = help(key!("hub.help.tls_cert")))]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert", help = help(key!("hub.help.tls_key")))]
        tls_key: Option<PathBuf>,
        #[arg(long, help = help(key!("hub.help.insecure_http")))]
        insecure_http: bool,
    },
    #[command(about = help(key!("hub.help.tls")))]
    Tls {
        #[command(subcommand)]
        command: TlsCommand,
    },
    #[command(about = help(key!("hub.help.migrate")))]
    Migrate,
    #[command(about = help(key!("hub.help.terminal")))]
    Terminal {
        #[command(subcommand)]
        command: TerminalCommand,
    },
    #[command(about = help(key!("hub.help.kpm")))]
    Kpm {
        #[command(subcommand)]
        command: KpmCommand,
    },
    #[command(about = help(key!("hub.help.import")))]
    Import {
        #[arg(help = help(key!("help.dir")))]
        dir: PathBuf,
    },
    #[command(about = help(key!("hub.help.publish")))]
    Publish {
        #[arg(value_parser = ["policy", "catalogue", "roster", "prices"])]
        kind: String,
        #[arg(help = help(key!("help.file")))]
        file: PathBuf,
    },
    #[command(about = help(key!("hub.help.forks")))]
    Forks,
    #[command(about = help(key!("hub.help.ops")))]
    Ops,
    #[command(about = help(key!("hub.help.report")))]
    Report {
        #[arg(long, help = help(key!("hub.help.period")))]
        period: Option<String>,
        #[arg(long, default_value_t = 7, help = help(key!("hub.help.silent_days")))]
        silent_days: i64,
    },
    #[command(about = help(key!("hub.help.link_sim")))]
    LinkSim {
        #[arg(long, help = help(key!("hub.help.link_target")))]
        target: std::net::SocketAddr,
        #[arg(long, value_parser = ["edge", "satellite", "flaky-3g"], help = help(key!("hub.help.link_profile")))]
        profile: String,
        #[arg(long, default_value = "127.0.0.1:7420", help = help(key!("hub.help.listen")))]
        listen: std::net::SocketAddr,
    },
    /// For packagers: the man pages (`ewarong-hub.1` and one per subcommand) into `--out`.
    #[command(hide = true)]
    GenerateMan {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum TlsCommand {
    #[command(about = help(key!("hub.help.tls_init")))]
    Init {
        #[arg(long = "name", required = true, help = help(key!("hub.help.tls_name")))]
        names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum KpmCommand {
    #[command(about = help(key!("hub.help.move")))]
    Move {
        #[arg(help = help(key!("hub.help.card")))]
        card: String,
        #[arg(long, help = help(key!("hub.help.to")))]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
enum TerminalCommand {
    #[command(about = help(key!("hub.help.enrol")))]
    Enrol {
        #[arg(long, help = help(key!("help.terminal_id")))]
        terminal_id: String,
        #[arg(long, help = help(key!("hub.help.region")))]
        region: String,
        #[arg(long, help = help(key!("hub.help.enrol_file")))]
        file: Option<PathBuf>,
        #[arg(long, help = help(key!("help.hub_url")))]
        hub_url: Option<String>,
    },
    #[command(about = help(key!("hub.help.revoke")))]
    Revoke {
        #[arg(help = help(key!("help.terminal_id")))]
        terminal_id: String,
    },
    #[command(about = help(key!("hub.help.keys")))]
    Keys {
        #[arg(long, help = help(key!("hub.help.keys_out")))]
        out: Option<PathBuf>,
    },
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("id", "ewarong", "ewarong-hub")
        .map(|d| d.data_dir().to_owned())
        .context(tr(cli.lang, key!("cli.data_dir")).to_owned())
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EWARONG_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour only for a person at a terminal; journald and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    // Needs no data directory, no key and no database.
    if let Command::GenerateMan { out } = &cli.command {
        let written = std::fs::create_dir_all(out)
            .and_then(|()| clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), out));
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ewarong-hub: {}: {e}", out.display());
                ExitCode::from(3)
            }
        };
    }
    if let Command::LinkSim {
        target,
        profile,
        listen,
    } = &cli.command
    {
        return link_sim(*listen, *target, profile);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ewarong-hub: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ewarong-hub: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Appends to the signed operations log.
async fn log_op<S: Store>(
    store: &S,
    identity: &HubIdentity,
    op: &str,
    detail: serde_json::Value,
) -> Result<()> {
    ewarong_hub::ops::record(store, identity, op, &detail, now()).await?;
    Ok(())
}

/// Opens the store named by `--database` (PostgreSQL) or the embedded SQLite file.
async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let dir = data_dir(&cli)?;
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    // One command at a time sets the directory up (key, database, schema); a second one started
    // meanwhile waits here instead of finding a half-written key or a half-made schema.
    let setup = lock_file(&dir.join("hub.lock"))?;
    setup
        .lock()
        .with_context(|| dir.join("hub.lock").display().to_string())?;
    let identity = HubIdentity::open(&dir)?;
    // The URL (and its password) from a file or the environment keeps it out of `ps`.
    let database = match &cli.database_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| path.display().to_string())?
                .trim()
                .to_owned(),
        ),
        None => cli.database.clone(),
    };
    match database {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let store = PgStore::connect(&url)?;
            run(&cli, store, identity, setup, None).await
        }
        Some(other) => bail!(trf(
            cli.lang,
            key!("hub.bad_database"),
            &[("url", &other.split('@').next_back().unwrap_or(""))]
        )),
        None => {
            let store = SqliteStore::open(&dir.join(HUB_DB_FILE))?;
            run(&cli, store, identity, setup, Some(&dir)).await
        }
    }
}

/// A lock file in the data directory (created owner-only if missing; never holds data).
fn lock_file(path: &Path) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| path.display().to_string())?;
    ewarong_keys::fs::owner_only(path).with_context(|| path.display().to_string())?;
    Ok(file)
}

/// The lock only one `serve` of a SQLite data directory holds; a second one is refused by name.
fn serve_lock(lang: Lang, dir: &Path) -> Result<std::fs::File> {
    let path = dir.join("hub.serve.lock");
    let file = lock_file(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(trf(
            lang,
            key!("hub.already_serving"),
            &[("dir", &dir.display())]
        )),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(anyhow::Error::new(e).context(path.display().to_string()))
        }
    }
}

/// Runs the command. `setup` is held until the schema is up to date; `sqlite_dir` is the data
/// directory when the store is its SQLite file, which only one `serve` may use at a time.
async fn run<S: Store>(
    cli: &Cli,
    store: S,
    identity: HubIdentity,
    setup: std::fs::File,
    sqlite_dir: Option<&Path>,
) -> Result<ExitCode> {
    let lang = cli.lang;
    store.migrate().await?;
    drop(setup);
    // Held while serving: a second hub on the same SQLite directory is refused, by name.
    let _serving = match (&cli.command, sqlite_dir) {
        (Command::Serve { .. }, Some(dir)) => Some(serve_lock(lang, dir)?),
        _ => None,
    };
    match &cli.command {
        Command::Migrate => {
            println!("{}", tr(lang, key!("hub.migrated")));
        }
        Command::Tls {
            command: TlsCommand::Init { names },
        } => {
            let dir = data_dir(cli)?;
            let pem = ewarong_hub::tls::init(&dir, names)?;
            let der = ewarong_core::hub_auth::pem_certificates_der(&pem)
                .into_iter()
                .next()
                .unwrap_or_default();
            println!(
                "{}",
                trf(
                    lang,
                    key!("hub.tls_made"),
                    &[
                        ("path", &ewarong_hub::tls::files(&dir).0.display()),
                        ("names", &names.join(", ")),
                        ("sha256", &hex(&ewarong_core::seal::hash::sha256(&der))),
                    ]
                )
            );
        }
        Command::Serve {
            listen,
            max_connections,
            per_address,
            header_timeout,
            tls_cert,
            tls_key,
            insecure_http,
        } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| listen.clone())?;
            let addr = listener.local_addr()?;
            // TLS from the options, or from the data directory when `tls init` made it there.
            let (dir_cert, dir_key) = ewarong_hub::tls::files(&data_dir(cli)?);
            let tls = match (tls_cert, tls_key) {
                (Some(c), Some(k)) => Some(ewarong_hub::tls::load(c, k)?),
                _ if !*insecure_http && dir_cert.exists() => {
                    Some(ewarong_hub::tls::load(&dir_cert, &dir_key)?)
                }
                _ => None,
            };
            if tls.is_none() && !addr.ip().is_loopback() && !*insecure_http {
                bail!(trf(lang, key!("hub.needs_tls"), &[("addr", &addr)]));
            }
            let scheme = if tls.is_some() { "https" } else { "http" };
            println!(
                "{}",
                trf(
                    lang,
                    key!("hub.serving"),
                    &[
                        ("url", &format!("{scheme}://{addr}")),
                        ("fingerprint", &identity.public().fingerprint())
                    ]
                )
            );
            let limits = Limits {
                max_connections: *max_connections,
                per_address: *per_address,
                header_timeout: std::time::Duration::from_secs(*header_timeout),
                ..Limits::default()
            };
            let mut state = HubState::with_limits(store, identity, limits);
            if let Some(tls) = tls {
                state = state.with_tls(tls);
            }
            let state = Arc::new(state);
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            ewarong_hub::server::serve(listener, state, shutdown).await?;
        }
        Command::Terminal {
            command:
                TerminalCommand::Enrol {
                    terminal_id,
                    region,
                    file,
                    hub_url,
                },
        } => {
            check_name("--terminal-id", terminal_id)?;
            check_name("--region", region)?;
            let code = new_enrolment_code()?;
            let t = now();
            let expires = t
                .checked_add_signed(chrono::Duration::days(ENROLMENT_DAYS))
                .context("enrolment expiry")?;
            if !store
                .add_enrolment(terminal_id, region, code_hash(&code), t, expires)
                .await?
            {
                bail!(trf(
                    lang,
                    key!("hub.already_enrolled"),
                    &[("id", terminal_id)]
                ));
            }
            log_op(
                &store,
                &identity,
                "code_issued",
                serde_json::json!({
                    "terminal_id": terminal_id,
                    "region": region,
                    "expires_at": ewarong_hub::rfc3339(expires),
                }),
            )
            .await?;
            if let Some(path) = file {
                let f = EnrolmentFile {
                    terminal_id: terminal_id.clone(),
                    region: region.clone(),
                    code: code.clone(),
                    hub_url: hub_url.clone(),
                    hub_public_key: hex(&identity.public().to_bytes()),
                    // The certificate `tls init` made, for the terminal to pin.
                    tls_certificate: std::fs::read_to_string(
                        ewarong_hub::tls::files(&data_dir(cli)?).0,
                    )
                    .ok(),
                };
                write_atomic(path, &serde_json::to_string_pretty(&f)?)
                    .with_context(|| path.display().to_string())?;
            }
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "terminal_id": terminal_id,
                        "code": code,
                        "hub_fingerprint": identity.public().fingerprint(),
                        "expires_at": ewarong_hub::rfc3339(expires),
                    })
                );
            } else {
                println!(
                    "{}",
                    trf(
                        lang,
                        key!("hub.enrol_code"),
                        &[
                            ("id", terminal_id),
                            ("code", &code),
                            ("days", &ENROLMENT_DAYS),
                            ("fingerprint", &identity.public().fingerprint())
                        ]
                    )
                );
            }
        }
        Command::Terminal {
            command: TerminalCommand::Revoke { terminal_id },
        } => {
            if !store.revoke(terminal_id, now()).await? {
                bail!(trf(
                    lang,
                    key!("hub.unknown_terminal"),
                    &[("id", terminal_id)]
                ));
            }
            log_op(
                &store,
                &identity,
                "revoked",
                serde_json::json!({"terminal_id": terminal_id}),
            )
            .await?;
            println!("{}", trf(lang, key!("hub.revoked"), &[("id", terminal_id)]));
        }
        Command::Terminal {
            command: TerminalCommand::Keys { out },
        } => {
            let file = ewarong_hub::report::trust_file(&store, &identity.public()).await?;
            let json = serde_json::to_string_pretty(&file)?;
            match out {
                Some(path) => {
                    ewarong_keys::fs::write_atomic(path, &format!("{json}\n"))
                        .with_context(|| path.display().to_string())?;
                    println!(
                        "{}",
                        trf(
                            lang,
                            key!("hub.keys_written"),
                            &[
                                ("path", &path.display()),
                                ("count", &file.terminals.len()),
                                ("fingerprint", &identity.public().fingerprint())
                            ]
                        )
                    );
                }
                None => println!("{json}"),
            }
        }
        Command::Kpm {
            command: KpmCommand::Move { card, to },
        } => {
            let ordered = ewarong_hub::moves::order_move(&store, card, to, now())
                .await
                .map_err(|e| anyhow::anyhow!(e.localize(lang)))?;
            log_op(
                &store,
                &identity,
                "move_ordered",
                serde_json::json!({"id": ordered.id, "card": card, "from": ordered.from, "to": to}),
            )
            .await?;
            println!(
                "{}",
                trf(
                    lang,
                    key!("hub.moved"),
                    &[
                        ("id", &ordered.id),
                        ("card", card),
                        ("from", &ordered.from),
                        ("to", to)
                    ]
                )
            );
        }
        Command::Import { dir: from } => {
            let state = HubState::new(store, identity);
            return import(lang, &state, from).await;
        }
        Command::Publish { kind, file } => {
            let kind = ewarong_hub::publish::Kind::parse(kind).context("kind")?;
            let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
            let name = file.display().to_string();
            let version =
                ewarong_hub::publish::publish(&store, &identity, kind, &name, &text, now()).await?;
            log_op(
                &store,
                &identity,
                "published",
                serde_json::json!({
                    "kind": kind.as_str(),
                    "version": version,
                    "file": name,
                    "sha256": hex(&ewarong_core::seal::hash::sha256(text.as_bytes())),
                }),
            )
            .await?;
            println!(
                "{}",
                trf(
                    lang,
                    key!("hub.published"),
                    &[("kind", &kind.as_str()), ("version", &version)]
                )
            );
        }
        Command::Report {
            period,
            silent_days,
        } => {
            let t = now();
            let period = match period {
                Some(p) => {
                    p.parse::<ewarong_core::domain::Period>().map_err(|_| {
                        anyhow::anyhow!(trf(
                            lang,
                            key!("cli.field"),
                            &[
                                ("field", &"--period"),
                                ("detail", &tr(lang, key!("hub.rule.period")))
                            ]
                        ))
                    })?;
                    p.clone()
                }
                None => t.format("%Y-%m").to_string(),
            };
            let r = ewarong_hub::report::build(&store, &period, *silent_days, t).await?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print_report(lang, &r);
            }
        }
        // Written in `main`, before any data directory is opened.
        Command::GenerateMan { .. } | Command::LinkSim { .. } => {}
        Command::Ops => {
            let ops = store.ops().await?;
            let verdict = ewarong_hub::ops::verify(&ops, &identity.public());
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "entries": ops,
                        "verified": verdict.is_ok(),
                        "broken": verdict.as_ref().err().map(|b| serde_json::json!({"seq": b.seq, "why": b.why})),
                    })
                );
            } else {
                for o in &ops {
                    println!("{:>6}  {}  {:<13} {}", o.seq, o.at, o.op, o.detail);
                }
            }
            match verdict {
                Ok(n) => eprintln!("{}", trf(lang, key!("hub.ops_ok"), &[("n", &n)])),
                Err(b) => {
                    eprintln!(
                        "{}",
                        trf(
                            lang,
                            key!("hub.ops_broken"),
                            &[("seq", &b.seq), ("why", &b.why)]
                        )
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Forks => {
            let forks = store.forks().await?;
            for f in &forks {
                println!(
                    "{}",
                    trf(
                        lang,
                        key!("hub.fork_line"),
                        &[
                            ("id", &f.terminal_id),
                            ("batch", &f.batch_seq),
                            ("at", &f.received_at),
                            ("reason", &f.reason)
                        ]
                    )
                );
            }
            if forks.is_empty() {
                println!("{}", tr(lang, key!("hub.no_forks")));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `ewarong-hub import DIR`: see `ewarong_hub::usb`; prints each refusal and the counts.
async fn import<S: Store>(lang: Lang, state: &HubState<S>, from: &Path) -> Result<ExitCode> {
    let done = ewarong_hub::usb::import_dir(state, from, now()).await?;
    for (path, why) in &done.refused {
        eprintln!("{}: {why}", path.display());
    }
    let refused = done.refused.len();
    println!(
        "{}",
        trf(
            lang,
            key!("hub.imported"),
            &[("accepted", &done.accepted), ("refused", &refused)]
        )
    );
    if done.updates_written > 0 {
        println!(
            "{}",
            trf(
                lang,
                key!("hub.updates_written"),
                &[("n", &done.updates_written)]
            )
        );
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(lang: Lang, r: &ewarong_hub::report::Report) {
    let money = |v: i64| {
        ewarong_core::domain::Rupiah::new(v).map_or_else(|_| v.to_string(), |m| m.to_string())
    };
    println!(
        "{}",
        trf(
            lang,
            key!("hub.report.head"),
            &[
                ("period", &r.period),
                ("kpm", &r.kpm_served),
                ("total", &money(r.total_spent))
            ]
        )
    );
    println!(
        "{}",
        trf(
            lang,
            key!("hub.report.overspent"),
            &[("n", &r.overspent.len())]
        )
    );
    for c in &r.overspent {
        println!(
            "  {}",
            trf(
                lang,
                key!("hub.report.overspent_line"),
                &[
                    ("card", &c.card),
                    ("spent", &money(c.spent)),
                    ("seen", &money(c.most_seen_balance)),
                    ("over", &money(c.overspend())),
                    ("terminals", &c.terminals.join(", "))
                ]
            )
        );
    }
    println!(
        "{}",
        trf(
            lang,
            key!("hub.report.several"),
            &[("n", &r.served_at_several.len())]
        )
    );
    println!(
        "{}",
        trf(lang, key!("hub.report.forks"), &[("n", &r.forks.len())])
    );
    for f in &r.forks {
        println!(
            "  {} #{} {}: {}",
            f.terminal_id, f.batch_seq, f.received_at, f.reason
        );
    }
    println!(
        "{}",
        trf(
            lang,
            key!("hub.report.silent"),
            &[("n", &r.silent.len()), ("days", &r.silent_days)]
        )
    );
    for t in &r.silent {
        println!(
            "  {} ({}) {}",
            t.terminal_id,
            t.region,
            t.last_seen.as_deref().unwrap_or("-")
        );
    }
}

/// `ewarong-hub link-sim`: a terminal pointed at `listen` reaches the hub at `target` over the
/// link `profile` names, until the process is stopped; what crossed is printed every 10 s.
fn link_sim(listen: std::net::SocketAddr, target: std::net::SocketAddr, profile: &str) -> ExitCode {
    use ewarong_hub::netsim::{LinkSim, Profile};
    let Some(p) = Profile::by_name(profile) else {
        eprintln!("ewarong-hub: --profile: unknown link {profile}");
        return ExitCode::from(2);
    };
    let seed = u64::from(std::process::id());
    let link = match LinkSim::start_on(listen, target, p, seed) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ewarong-hub: --listen {listen}: {e}");
            return ExitCode::from(3);
        }
    };
    println!("{profile}: {} -> {target}", link.url());
    let mut last = link.traffic();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(10));
        let t = link.traffic();
        if t != last {
            println!(
                "up {} B, down {} B, {} connections, {} cut",
                t.up, t.down, t.connections, t.cuts
            );
            last = t;
        }
    }
}
