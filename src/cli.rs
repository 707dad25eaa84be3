//! The `ewarong` command line, for scripting, tests and supervisors; the same library code as the GUI.
//!
//! On failure a command returns one line in the chosen language that names the field and the rule.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::struk::{self, WIDTH_58MM};
use ewarong_core::domain::parse_timezone;
use ewarong_core::domain::{CardNumber, LineInput, Pin, PinVerifier, ProductClass, Rupiah};
use ewarong_core::i18n::{Lang, Localize, help, tr, trf};
use ewarong_core::import;
use ewarong_keys::{KEY_FILE, KeyError, Passphrase, TerminalKey};
use ewarong_ledger::SealReason;
use ewarong_ledger::{
    ComplaintCategory, HistoryFilter, LEDGER_FILE, Ledger, LedgerError, Operator, Role,
};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "ewarong", version, about = help("help.about"))]
pub struct Cli {
    /// Data directory holding the ledger.
    #[arg(long, global = true, env = "EWARONG_DATA_DIR", help = help("help.data_dir"))]
    pub data_dir: Option<PathBuf>,
    #[arg(long, global = true, env = "EWARONG_LANG", default_value = "id", help = help("help.lang"))]
    pub lang: Lang,
    #[arg(long, global = true, help = help("help.json"))]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(about = help("help.gui"))]
    Gui {
        #[arg(long, value_enum, env = "EWARONG_RENDERER", default_value = "glow", help = help("help.renderer"))]
        renderer: crate::ui::Renderer,
    },
    #[command(about = help("help.demo_tour"))]
    Demo,
    #[command(about = help("help.init"))]
    Init {
        #[arg(long, help = help("help.terminal_id"))]
        terminal_id: String,
        #[arg(long, help = help("help.demo"))]
        demo: bool,
        #[arg(long, default_value = "WIB", help = help("help.timezone"))]
        timezone: String,
    },
    #[command(about = help("help.roster"))]
    Roster {
        #[command(subcommand)]
        command: ListCommand,
    },
    #[command(about = help("help.catalogue"))]
    Catalogue {
        #[command(subcommand)]
        command: ListCommand,
    },
    #[command(about = help("help.sale"))]
    Sale(SaleArgs),
    #[command(about = help("help.balance"))]
    Balance {
        #[arg(long, help = help("help.card"))]
        card: String,
    },
    #[command(about = help("help.void"))]
    Void {
        #[arg(long, help = help("help.void_seq"))]
        seq: String,
        #[arg(long, help = help("help.reason"))]
        reason: String,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help("help.supervisor_pin"))]
        supervisor_pin: SecretArg,
    },
    #[command(about = help("help.history"))]
    History {
        #[arg(long, help = help("help.card"))]
        card: Option<String>,
        #[arg(long, help = help("help.date"))]
        date: Option<String>,
    },
    #[command(about = help("help.x_report"))]
    XReport,
    #[command(about = help("help.close_day"))]
    CloseDay(OperatorArgs),
    #[command(about = help("help.complaint"))]
    Complaint {
        #[arg(long, help = help("help.card"))]
        card: String,
        #[arg(long, help = help("help.complaint_seq"))]
        seq: Option<String>,
        #[arg(long, help = help("help.category"))]
        category: String,
        #[arg(long, help = help("help.text"))]
        text: String,
    },
    #[command(about = help("help.import"))]
    Import {
        #[arg(value_enum)]
        what: ImportKind,
        #[arg(help = help("help.file"))]
        file: PathBuf,
    },
    #[command(about = help("help.operator"))]
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    #[command(about = help("help.seal"))]
    Seal {
        #[arg(long, help = help("help.seal_every"))]
        every: Option<String>,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help("help.supervisor_pin"))]
        supervisor_pin: Option<SecretArg>,
    },
    #[command(about = help("help.batches"))]
    Batches,
    #[command(about = help("help.audit"))]
    Audit {
        #[arg(long, help = help("help.ledger_file"))]
        ledger: Option<PathBuf>,
        #[arg(long, help = help("help.pubkey"))]
        pubkey: Option<String>,
        #[arg(long, help = help("help.all_signatures"))]
        all_signatures: bool,
    },
    #[command(about = help("help.verify_receipt"))]
    VerifyReceipt {
        #[arg(help = help("help.receipt_code"))]
        code: String,
        #[arg(long, help = help("help.ledger_file"))]
        ledger: Option<PathBuf>,
        #[arg(long, help = help("help.pubkey"))]
        pubkey: Option<String>,
    },
    #[command(about = help("help.key"))]
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    #[command(about = help("help.check"))]
    Check,
    #[command(about = help("help.enrol"))]
    Enrol {
        #[arg(long, help = help("help.hub_url"))]
        hub: Option<String>,
        #[arg(long, help = help("help.enrol_code"))]
        code: Option<String>,
        #[arg(long, help = help("help.enrol_file"))]
        file: Option<PathBuf>,
    },
    #[command(about = help("help.sync"))]
    Sync {
        #[arg(long, help = help("help.hub_url"))]
        hub: Option<String>,
    },
    #[command(about = help("help.export_batches"))]
    ExportBatches {
        #[arg(long, help = help("help.dir"))]
        to: PathBuf,
    },
    #[command(about = help("help.import_receipts"))]
    ImportReceipts {
        #[arg(help = help("help.dir"))]
        dir: PathBuf,
    },
}

/// The terminal's key pair.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    #[command(about = help("help.key_show"))]
    Show,
    #[command(about = help("help.key_init"))]
    Init,
}

/// `list`, the only action on the roster and catalogue.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    #[command(about = help("help.list"))]
    List,
}

/// Operator management.
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    #[command(about = help("help.operator_add"))]
    Add {
        #[arg(long, help = help("help.operator_name"))]
        name: String,
        #[arg(long, value_enum, help = help("help.role"))]
        role: RoleArg,
        #[arg(long, help = help("help.new_pin"))]
        pin: SecretArg,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help("help.supervisor_pin"))]
        supervisor_pin: Option<SecretArg>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Kasir,
    Supervisor,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    Policy,
    Catalogue,
    Roster,
}

/// Who is at the counter. Also read from the environment so PINs stay out of shell history.
#[derive(Debug, Args)]
pub struct OperatorArgs {
    #[arg(long, env = "EWARONG_OPERATOR", help = help("help.operator_login"))]
    pub operator: Option<String>,
    #[arg(long, env = "EWARONG_OPERATOR_PIN", hide_env_values = true, help = help("help.operator_pin"))]
    pub operator_pin: Option<SecretArg>,
}

/// `ewarong sale`.
#[derive(Debug, Args)]
pub struct SaleArgs {
    #[arg(long, help = help("help.card"))]
    pub card: String,
    #[arg(long, env = "EWARONG_KPM_PIN", hide_env_values = true, help = help("help.kpm_pin"))]
    pub pin: SecretArg,
    #[arg(long = "item", required = true, help = help("help.item"))]
    pub items: Vec<String>,
    #[command(flatten)]
    pub operator: OperatorArgs,
    #[arg(long, help = help("help.override_reason"))]
    pub override_reason: Option<String>,
    #[arg(long, help = help("help.qr"))]
    pub qr: bool,
}

/// A PIN as given on the command line or in the environment: wiped on drop, never in `Debug`.
///
/// Parsing never fails here, so clap can never echo a malformed PIN in an error; the format is
/// checked afterwards by [`Pin::new`], whose error does not contain the PIN.
#[derive(Clone, Default)]
pub struct SecretArg(zeroize::Zeroizing<String>);

impl SecretArg {
    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(zeroize::Zeroizing::new(s.to_owned())))
    }
}

/// How a command ended badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// The request broke a rule or had a bad value.
    Refused = 1,
    /// The storage failed: full, read-only, busy or damaged.
    Storage = 3,
    /// `audit`: the file cannot be read as a ledger.
    Unreadable = 2,
    /// The reader of our output went away (`| head`): stop quietly, as a filter does.
    ClosedOutput = 0,
    /// `sync`, `enrol`: the hub did not answer. Nothing was lost; try again later.
    Offline = 4,
}

/// A failed command: one localized line and an exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub message: String,
    pub kind: ExitKind,
}

impl CliError {
    fn refused(message: String) -> Self {
        Self {
            message,
            kind: ExitKind::Refused,
        }
    }

    pub fn exit_code(&self) -> u8 {
        self.kind as u8
    }
}

/// Context for one command run.
struct Ctx<'a> {
    lang: Lang,
    json: bool,
    data_dir: PathBuf,
    out: &'a mut dyn Write,
}

impl Ctx<'_> {
    fn ledger_err(&self, e: LedgerError) -> CliError {
        let kind = if e.is_storage() {
            ExitKind::Storage
        } else {
            ExitKind::Refused
        };
        CliError {
            message: e.localize(self.lang),
            kind,
        }
    }

    /// The key passphrase from `EWARONG_KEY_PASSPHRASE`, if set.
    fn passphrase(&self) -> Result<Option<Passphrase>, CliError> {
        Passphrase::from_env().map_err(|e| self.key_err(e))
    }

    fn key_err(&self, e: KeyError) -> CliError {
        let kind = match e {
            KeyError::Io { .. } | KeyError::Random => ExitKind::Storage,
            _ => ExitKind::Refused,
        };
        CliError {
            message: e.localize(self.lang),
            kind,
        }
    }

    fn field(&self, field: &str, e: &dyn Localize) -> CliError {
        CliError::refused(trf(
            self.lang,
            "cli.field",
            &[("field", &field), ("detail", &e.localize(self.lang))],
        ))
    }

    fn io(&self, path: &Path, e: &std::io::Error) -> CliError {
        CliError {
            message: trf(
                self.lang,
                "cli.io",
                &[("path", &path.display()), ("detail", e)],
            ),
            kind: ExitKind::Storage,
        }
    }

    fn ledger_path(&self) -> PathBuf {
        self.data_dir.join(LEDGER_FILE)
    }

    fn key_path(&self) -> PathBuf {
        self.data_dir.join(KEY_FILE)
    }

    fn open(&self) -> Result<Ledger, CliError> {
        Ledger::open(&self.ledger_path()).map_err(|e| self.ledger_err(e))
    }

    fn dir(&self) -> ewarong_ledger::data_dir::DataDir {
        ewarong_ledger::data_dir::DataDir::new(&self.data_dir)
    }

    fn setup_err(&self, e: ewarong_ledger::data_dir::SetupError) -> CliError {
        use ewarong_ledger::data_dir::SetupError;
        match e {
            SetupError::Ledger(e) => self.ledger_err(e),
            SetupError::Key(e) => self.key_err(e),
            SetupError::Demo(e) => CliError::refused(e.localize(self.lang)),
            SetupError::Io { path, source } => self.io(&path, &source),
        }
    }

    /// Opens the ledger to write, signing with the terminal key when the ledger has one.
    fn sync_err(&self, e: crate::sync_client::SyncError) -> CliError {
        use crate::sync_client::SyncError;
        let kind = match &e {
            SyncError::Offline(_) => ExitKind::Offline,
            SyncError::Ledger(l) if l.is_storage() => ExitKind::Storage,
            _ => ExitKind::Refused,
        };
        CliError {
            message: e.localize(self.lang),
            kind,
        }
    }

    /// A client for `--hub`, or for the hub this terminal enrolled with.
    fn hub_client(
        &self,
        ledger: &Ledger,
        hub: Option<String>,
    ) -> Result<crate::sync_client::HubClient, CliError> {
        let url = match hub {
            Some(u) => u,
            None => {
                ledger
                    .enrolment()
                    .map_err(|e| self.ledger_err(e))?
                    .ok_or_else(|| self.ledger_err(LedgerError::NotEnrolled))?
                    .hub_url
            }
        };
        Ok(crate::sync_client::HubClient::new(
            &url,
            std::time::Duration::from_secs(10),
        ))
    }

    fn open_signing(&self) -> Result<Ledger, CliError> {
        ewarong_ledger::data_dir::open_signing(&self.dir(), self.passphrase()?.as_ref())
            .map_err(|e| self.setup_err(e))
    }

    fn print(&mut self, text: &str) -> Result<(), CliError> {
        writeln!(self.out, "{text}").map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError {
                message: String::new(),
                kind: ExitKind::ClosedOutput,
            },
            _ => CliError {
                message: e.to_string(),
                kind: ExitKind::Storage,
            },
        })
    }

    fn print_json<T: Serialize>(&mut self, value: &T) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value).map_err(|e| CliError {
            message: e.to_string(),
            kind: ExitKind::Storage,
        })?;
        self.print(&text)
    }

    fn card(&self, field: &str, s: &str) -> Result<CardNumber, CliError> {
        s.parse::<CardNumber>().map_err(|e| self.field(field, &e))
    }

    fn pin(&self, field: &str, s: &SecretArg) -> Result<Pin, CliError> {
        Pin::new(s.expose()).map_err(|e| self.field(field, &e))
    }

    fn seq(&self, field: &str, s: &str) -> Result<u64, CliError> {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                CliError::refused(trf(
                    self.lang,
                    "cli.field",
                    &[("field", &field), ("detail", &tr(self.lang, "cli.seq"))],
                ))
            })
    }

    fn operator(&self, ledger: &Ledger, args: &OperatorArgs) -> Result<Operator, CliError> {
        let (Some(name), Some(pin)) = (&args.operator, &args.operator_pin) else {
            return Err(CliError::refused(
                tr(self.lang, "cli.operator_missing").to_owned(),
            ));
        };
        let pin = self.pin("--operator-pin", pin)?;
        ledger
            .authenticate_operator(name, &pin)
            .map_err(|e| self.ledger_err(e))
    }
}

/// The default data directory (XDG on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("id", "ewarong", "ewarong").map(|d| d.data_dir().to_owned())
}

/// Parses `PRODUCT=QTY` or `PRODUCT=QTY@PRICE`.
pub fn parse_item(s: &str) -> Option<Result<LineInput, ewarong_core::domain::MoneyError>> {
    let (product, rest) = s.split_once('=')?;
    let (quantity, price) = match rest.split_once('@') {
        Some((q, p)) => (q, Some(p)),
        None => (rest, None),
    };
    if product.trim().is_empty() {
        return None;
    }
    Some(
        price
            .map(str::parse::<Rupiah>)
            .transpose()
            .map(|unit_price| LineInput {
                product: product.trim().to_owned(),
                quantity: quantity.trim().to_owned(),
                unit_price,
            }),
    )
}

/// The data directory: `--data-dir`, `EWARONG_DATA_DIR`, or the user's XDG data directory.
pub fn data_dir(cli: &Cli) -> Option<PathBuf> {
    cli.data_dir.clone().or_else(default_data_dir)
}

/// Runs a parsed command line, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), CliError> {
    let lang = cli.lang;
    let data_dir = match cli.data_dir.or_else(default_data_dir) {
        Some(d) => d,
        None => {
            return Err(CliError {
                message: tr(lang, "cli.data_dir").to_owned(),
                kind: ExitKind::Storage,
            });
        }
    };
    let mut ctx = Ctx {
        lang,
        json: cli.json,
        data_dir,
        out,
    };
    match cli.command {
        None | Some(Command::Demo) => run_demo(&mut ctx),
        Some(command) => run_command(&mut ctx, command),
    }
}

fn now(ledger: &Ledger) -> DateTime<FixedOffset> {
    ledger.terminal().now()
}

fn init(
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
        "cli.init_done",
        &[("terminal", &terminal_id), ("path", &path.display())],
    ))?;
    ctx.print(&trf(
        lang,
        "cli.key_fingerprint",
        &[("fingerprint", &fingerprint)],
    ))?;
    if let Some(s) = summary {
        ctx.print(&trf(
            lang,
            "cli.demo_loaded",
            &[("products", &s.products), ("kpm", &s.kpm)],
        ))?;
    }
    Ok(ledger)
}

fn run_demo(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    ctx.print(tr(lang, "cli.demo_intro"))?;
    let mut ledger = if ctx.ledger_path().exists() {
        ctx.open()?
    } else {
        let zone = parse_timezone("WITA").ok_or_else(|| CliError::refused("WITA".into()))?;
        init(ctx, "demo-01", true, zone)?
    };
    let roster = ledger.roster().map_err(|e| ctx.ledger_err(e))?;
    let products = ledger.catalogue().map_err(|e| ctx.ledger_err(e))?.len();
    let versions = ledger.versions().map_err(|e| ctx.ledger_err(e))?;
    let chain = ledger.check_chain().map_err(|e| ctx.ledger_err(e))?;
    let dir = ctx.data_dir.display().to_string();
    let card = roster.first().map_or("-", |k| k.card.as_str());
    ctx.print(&trf(
        lang,
        "cli.demo_status",
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
    ctx.print(tr(lang, "cli.demo_try"))?;
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

#[derive(Serialize)]
struct ProductJson<'a> {
    id: &'a str,
    barcode: Option<&'a str>,
    name: &'a str,
    unit: &'a str,
    group: Option<&'a str>,
    forbidden: Option<&'a str>,
    reference_price_rupiah: i64,
}

#[derive(Serialize)]
struct BalanceJson<'a> {
    card: &'a str,
    name: &'a str,
    desa: &'a str,
    period: String,
    carried_over_rupiah: i64,
    this_period_rupiah: i64,
    spent_this_period_rupiah: i64,
    available_rupiah: i64,
    /// Set when this terminal is not the KPM's home e-warong.
    #[serde(skip_serializing_if = "Option::is_none")]
    home: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_cap_left_rupiah: Option<i64>,
}

fn run_command(ctx: &mut Ctx<'_>, command: Command) -> Result<(), CliError> {
    let lang = ctx.lang;
    match command {
        // main.rs opens the window itself; here (as a library call) the tour stands in.
        Command::Gui { .. } | Command::Demo => run_demo(ctx),
        Command::Init {
            terminal_id,
            demo,
            timezone,
        } => {
            let zone = parse_timezone(&timezone).ok_or_else(|| {
                CliError::refused(trf(lang, "cli.timezone", &[("input", &timezone)]))
            })?;
            init(ctx, &terminal_id, demo, zone).map(drop)
        }
        Command::Roster {
            command: ListCommand::List,
        } => {
            let ledger = ctx.open()?;
            let roster = ledger.roster().map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&roster);
            }
            ctx.print(&format!(
                "{:<16}  {:<28}  {:<14}  {}",
                tr(lang, "list.card"),
                tr(lang, "list.name"),
                tr(lang, "list.desa"),
                tr(lang, "list.nik")
            ))?;
            for k in &roster {
                ctx.print(&format!(
                    "{:<16}  {:<28}  {:<14}  {}",
                    k.card,
                    k.name,
                    k.desa,
                    k.nik.as_deref().unwrap_or("-")
                ))?;
            }
            Ok(())
        }
        Command::Catalogue {
            command: ListCommand::List,
        } => {
            let mut ledger = ctx.open()?;
            let catalogue = ledger.catalogue().map_err(|e| ctx.ledger_err(e))?;
            let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                let items: Vec<_> = catalogue
                    .products()
                    .iter()
                    .map(|p| ProductJson {
                        id: &p.id,
                        barcode: p.barcode.as_ref().map(|b| b.as_str()),
                        name: &p.name,
                        unit: p.unit.as_str(),
                        group: match &p.class {
                            ProductClass::Group(g) => Some(g),
                            ProductClass::Forbidden(_) => None,
                        },
                        forbidden: match &p.class {
                            ProductClass::Forbidden(f) => Some(f),
                            ProductClass::Group(_) => None,
                        },
                        reference_price_rupiah: p.reference_price.as_i64(),
                    })
                    .collect();
                return ctx.print_json(&items);
            }
            ctx.print(&format!(
                "{:<20}  {:<36}  {:<6}  {:<22}  {}",
                tr(lang, "list.id"),
                tr(lang, "list.product"),
                tr(lang, "list.unit"),
                tr(lang, "list.class"),
                tr(lang, "list.price")
            ))?;
            for p in catalogue.products() {
                let class = match &p.class {
                    ProductClass::Group(g) => policy
                        .group(g)
                        .map_or_else(|| g.clone(), |g| g.name(lang).to_owned()),
                    ProductClass::Forbidden(f) => format!("{} ({f})", tr(lang, "list.forbidden")),
                };
                ctx.print(&format!(
                    "{:<20}  {:<36}  {:<6}  {:<22}  {}",
                    p.id, p.name, p.unit, class, p.reference_price
                ))?;
            }
            Ok(())
        }
        Command::Sale(args) => sale(ctx, args),
        Command::Balance { card } => {
            let card = ctx.card("--card", &card)?;
            let mut ledger = ctx.open()?;
            let kpm = ledger
                .kpm(&card)
                .map_err(|e| ctx.ledger_err(e))?
                .ok_or_else(|| ctx.ledger_err(LedgerError::UnknownCard(card.to_string())))?;
            let (b, standing) = ledger
                .balance_and_standing(&card, now(&ledger))
                .map_err(|e| ctx.ledger_err(e))?;
            let home = standing.visiting().map(str::to_owned);
            if ctx.json {
                return ctx.print_json(&BalanceJson {
                    card: card.as_str(),
                    name: &kpm.name,
                    desa: &kpm.desa,
                    period: b.period.to_string(),
                    carried_over_rupiah: b.carried_over.as_i64(),
                    this_period_rupiah: b.this_period.as_i64(),
                    spent_this_period_rupiah: b.spent_this_period.as_i64(),
                    available_rupiah: b.available.as_i64(),
                    visitor_cap_left_rupiah: b.visitor_cap_left.map(Rupiah::as_i64),
                    home,
                });
            }
            for (k, v) in [
                ("bal.card", card.to_string()),
                ("bal.name", format!("{} ({})", kpm.name, kpm.desa)),
                ("bal.period", b.period.to_string()),
                ("bal.carried", b.carried_over.to_string()),
                ("bal.this_period", b.this_period.to_string()),
                ("bal.spent", b.spent_this_period.to_string()),
                ("bal.available", b.available.to_string()),
            ] {
                ctx.print(&format!("{:<20} {v}", format!("{}:", tr(lang, k))))?;
            }
            if let (Some(home), Some(left)) = (home, b.visitor_cap_left) {
                ctx.print(&trf(
                    lang,
                    "bal.visitor",
                    &[("home", &home), ("left", &left)],
                ))?;
            }
            Ok(())
        }
        Command::Void {
            seq,
            reason,
            supervisor_pin,
        } => {
            let seq = ctx.seq("--seq", &seq)?;
            let pin = ctx.pin("--supervisor-pin", &supervisor_pin)?;
            let mut ledger = ctx.open_signing()?;
            let supervisor = ledger
                .authenticate_supervisor(&pin)
                .map_err(|e| ctx.ledger_err(e))?;
            let v = ledger
                .void_sale(seq, &reason, &supervisor, now(&ledger))
                .map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&v);
            }
            ctx.print(&trf(
                lang,
                "cli.void_done",
                &[
                    ("sale", &v.sale_seq),
                    ("seq", &v.seq),
                    ("card", &v.card),
                    ("amount", &v.amount),
                ],
            ))
        }
        Command::History { card, date } => {
            let card = card.map(|c| ctx.card("--card", &c)).transpose()?;
            let day = date
                .map(|d| {
                    NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .map_err(|_| CliError::refused(trf(lang, "cli.date", &[("input", &d)])))
                })
                .transpose()?;
            let ledger = ctx.open()?;
            let rows = ledger
                .history(&HistoryFilter { card, day })
                .map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&rows);
            }
            if rows.is_empty() {
                return ctx.print(tr(lang, "cli.nothing"));
            }
            ctx.print(&format!(
                "{:>5}  {:<25}  {:<12}  {:<16}  {:>12}  {}",
                tr(lang, "hist.seq"),
                tr(lang, "hist.time"),
                tr(lang, "hist.kind"),
                tr(lang, "hist.card"),
                tr(lang, "hist.amount"),
                tr(lang, "hist.note")
            ))?;
            for r in &rows {
                let mut note = r.note.clone().unwrap_or_default();
                if let Some(by) = r.voided_by {
                    note = trf(lang, "hist.voided_by", &[("seq", &by)]);
                }
                if r.kind == "void"
                    && let Some(s) = r.refers_to
                {
                    note = format!("{} — {note}", trf(lang, "hist.voids", &[("seq", &s)]));
                }
                ctx.print(&format!(
                    "{:>5}  {:<25}  {:<12}  {:<16}  {:>12}  {}",
                    r.seq,
                    r.recorded_at,
                    tr(lang, &format!("kind.{}", r.kind)),
                    r.card.as_deref().unwrap_or("-"),
                    struk::money_or_dash(r.amount),
                    note
                ))?;
                for l in &r.lines {
                    ctx.print(&format!(
                        "{:>7}{} — {} × {} = {}",
                        "",
                        l.name,
                        struk::quantity_text(l.quantity_milli, &l.unit),
                        l.unit_price,
                        l.line_total
                    ))?;
                }
            }
            Ok(())
        }
        Command::XReport => {
            let mut ledger = ctx.open()?;
            let report = ledger
                .x_report(now(&ledger))
                .map_err(|e| ctx.ledger_err(e))?;
            print_report(ctx, &mut ledger, &report)
        }
        Command::CloseDay(args) => {
            let mut ledger = ctx.open_signing()?;
            let operator = ctx.operator(&ledger, &args)?;
            let report = ledger
                .close_day(&operator, now(&ledger))
                .map_err(|e| ctx.ledger_err(e))?;
            print_report(ctx, &mut ledger, &report)
        }
        Command::Complaint {
            card,
            seq,
            category,
            text,
        } => {
            let card = ctx.card("--card", &card)?;
            let seq = seq.map(|s| ctx.seq("--seq", &s)).transpose()?;
            let category: ComplaintCategory = category.parse().map_err(|e| ctx.ledger_err(e))?;
            let mut ledger = ctx.open_signing()?;
            let n = ledger
                .record_complaint(&card, seq, category, &text, now(&ledger))
                .map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&serde_json::json!({ "seq": n }));
            }
            ctx.print(&trf(lang, "cli.complaint_done", &[("seq", &n)]))
        }
        Command::Import { what, file } => import_file(ctx, what, &file),
        Command::Operator {
            command:
                OperatorCommand::Add {
                    name,
                    role,
                    pin,
                    supervisor_pin,
                },
        } => {
            let pin = ctx.pin("--pin", &pin)?;
            let mut ledger = ctx.open()?;
            let has_supervisor = ledger.has_supervisor().map_err(|e| ctx.ledger_err(e))?;
            // The first operator of a new terminal must be a supervisor; after that a supervisor signs off.
            if has_supervisor {
                let sp = supervisor_pin.unwrap_or_default();
                let sp = ctx.pin("--supervisor-pin", &sp)?;
                ledger
                    .authenticate_supervisor(&sp)
                    .map_err(|e| ctx.ledger_err(e))?;
            } else if !matches!(role, RoleArg::Supervisor) {
                return Err(CliError::refused(
                    tr(lang, "cli.first_supervisor").to_owned(),
                ));
            }
            let role = match role {
                RoleArg::Kasir => Role::Kasir,
                RoleArg::Supervisor => Role::Supervisor,
            };
            let salt = import::new_salt().map_err(|e| ctx.field("--pin", &e))?;
            let verifier = PinVerifier::create(&pin, &salt).map_err(|e| ctx.field("--pin", &e))?;
            let t = now(&ledger);
            ledger
                .add_operator(&name, role, &verifier, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ctx.print(&trf(
                lang,
                "cli.operator_added",
                &[("name", &name.trim()), ("role", &role.as_str())],
            ))
        }
        Command::Seal {
            every,
            supervisor_pin,
        } => {
            let mut ledger = ctx.open_signing()?;
            if let Some(every) = every {
                let n = every
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        CliError::refused(trf(
                            lang,
                            "cli.field",
                            &[
                                ("field", &"--every"),
                                ("detail", &tr(lang, "rule.positive")),
                            ],
                        ))
                    })?;
                let pin = ctx.pin("--supervisor-pin", &supervisor_pin.unwrap_or_default())?;
                ledger
                    .authenticate_supervisor(&pin)
                    .map_err(|e| ctx.ledger_err(e))?;
                let t = now(&ledger);
                ledger.set_seal_every(n, t).map_err(|e| ctx.ledger_err(e))?;
                ctx.print(&trf(lang, "cli.seal_every", &[("n", &n)]))?;
            }
            let t = now(&ledger);
            let sealed = ledger
                .seal(SealReason::Manual, t)
                .map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&sealed);
            }
            match sealed {
                None => ctx.print(tr(lang, "cli.seal_nothing")),
                Some(b) => ctx.print(&trf(
                    lang,
                    "cli.sealed",
                    &[
                        ("batch", &b.batch_seq),
                        ("first", &b.first_seq),
                        ("last", &b.last_seq),
                        ("root", &b.root),
                    ],
                )),
            }
        }
        Command::Audit {
            ledger,
            pubkey,
            all_signatures,
        } => run_audit(ctx, ledger.as_deref(), pubkey.as_deref(), all_signatures),
        Command::VerifyReceipt {
            code,
            ledger,
            pubkey,
        } => verify_receipt(ctx, &code, ledger.as_deref(), pubkey.as_deref()),
        Command::Batches => {
            let ledger = ctx.open()?;
            let batches = ledger.batches().map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                return ctx.print_json(&batches);
            }
            if batches.is_empty() {
                return ctx.print(tr(lang, "cli.nothing"));
            }
            for b in &batches {
                ctx.print(&trf(
                    lang,
                    "cli.batch_line",
                    &[
                        ("batch", &b.batch_seq),
                        ("first", &b.first_seq),
                        ("last", &b.last_seq),
                        ("at", &b.sealed_at),
                        ("reason", &b.reason),
                        ("root", &b.root.get(..16).unwrap_or_default()),
                    ],
                ))?;
            }
            Ok(())
        }
        Command::Key {
            command: KeyCommand::Show,
        } => {
            let ledger = ctx.open()?;
            let Some(public) = ledger.public_key().map_err(|e| ctx.ledger_err(e))? else {
                return Err(CliError::refused(tr(lang, "key.none").to_owned()));
            };
            // The file must hold the private half of the recorded key.
            let key_path = ctx.key_path();
            let file_key = TerminalKey::load(&key_path, ctx.passphrase()?.as_ref())
                .map_err(|e| ctx.key_err(e))?;
            if file_key.public() != public {
                return Err(CliError::refused(trf(
                    lang,
                    "key.mismatch",
                    &[("path", &key_path.display())],
                )));
            }
            if ctx.json {
                return ctx.print_json(&serde_json::json!({
                    "public_key": public.to_string(),
                    "fingerprint": public.fingerprint(),
                }));
            }
            ctx.print(&format!(
                "{:<14} {public}",
                format!("{}:", tr(lang, "key.public"))
            ))?;
            ctx.print(&format!(
                "{:<14} {}",
                format!("{}:", tr(lang, "key.fingerprint")),
                public.fingerprint()
            ))
        }
        Command::Key {
            command: KeyCommand::Init,
        } => {
            let mut ledger = ctx.open()?;
            if ledger
                .public_key()
                .map_err(|e| ctx.ledger_err(e))?
                .is_some()
            {
                return Err(ctx.key_err(KeyError::Exists(ctx.key_path())));
            }
            let key = TerminalKey::create(&ctx.key_path(), ctx.passphrase()?.as_ref())
                .map_err(|e| ctx.key_err(e))?;
            let t = now(&ledger);
            ledger
                .record_public_key(&key.public(), t)
                .map_err(|e| ctx.ledger_err(e))?;
            ctx.print(&trf(
                lang,
                "cli.key_fingerprint",
                &[("fingerprint", &key.public().fingerprint())],
            ))
        }
        Command::Check => {
            let ledger = ctx.open()?;
            let report = ledger.check_chain().map_err(|e| ctx.ledger_err(e))?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({
                    "entries": report.entries,
                    "last_seq": report.last_seq,
                    "first_broken_seq": report.first_broken.map(|(s, _)| s),
                    "problem": report.first_broken.map(|(_, k)| tr(Lang::En, k)),
                }))?;
            } else if let Some((seq, key)) = report.first_broken {
                ctx.print(&trf(
                    lang,
                    "cli.check_broken",
                    &[("seq", &seq), ("detail", &tr(lang, key))],
                ))?;
            } else if report.entries == 0 {
                ctx.print(tr(lang, "cli.check_empty"))?;
            } else {
                ctx.print(&trf(
                    lang,
                    "cli.check_ok",
                    &[("count", &report.entries), ("last", &report.last_seq)],
                ))?;
            }
            match report.first_broken {
                Some((seq, key)) => Err(CliError::refused(trf(
                    lang,
                    "cli.check_broken",
                    &[("seq", &seq), ("detail", &tr(lang, key))],
                ))),
                None => Ok(()),
            }
        }
        Command::Enrol { hub, code, file } => enrol(ctx, hub, code, file),
        Command::Sync { hub } => {
            let mut ledger = ctx.open_signing()?;
            let client = ctx.hub_client(&ledger, hub)?;
            let t = now(&ledger);
            let report = crate::sync_client::sync_once(&mut ledger, &client, t)
                .map_err(|e| ctx.sync_err(e))?;
            if ctx.json {
                return ctx.print_json(&report);
            }
            ctx.print(&crate::sync_client::report_line(lang, &report))?;
            if let Some(w) = crate::sync_client::clock_warning(lang, report.clock_skew_seconds) {
                ctx.print(&w)?;
            }
            Ok(())
        }
        Command::ExportBatches { to } => {
            let mut ledger = ctx.open_signing()?;
            let t = now(&ledger);
            let written = crate::sync_client::export_batches(&mut ledger, &to, t)
                .map_err(|e| ctx.sync_err(e))?;
            if ctx.json {
                return ctx.print_json(&written);
            }
            ctx.print(&trf(
                lang,
                "cli.exported",
                &[("count", &written.len()), ("dir", &to.display())],
            ))
        }
        Command::ImportReceipts { dir } => {
            let mut ledger = ctx.open_signing()?;
            let t = now(&ledger);
            let done = crate::sync_client::import_receipts(&mut ledger, &dir, t)
                .map_err(|e| ctx.sync_err(e))?;
            if ctx.json {
                return ctx.print_json(&done);
            }
            let (pending, _) = ledger.pending().map_err(|e| ctx.ledger_err(e))?;
            let mut line = trf(
                lang,
                "cli.receipts_imported",
                &[
                    ("new", &done.new),
                    ("already", &done.already),
                    ("pending", &pending),
                ],
            );
            if !done.updates.is_empty() {
                line += &trf(lang, "sync.updated", &[("list", &done.updates.join(", "))]);
            }
            if done.released > 0 {
                line += &trf(lang, "sync.released", &[("n", &done.released)]);
                line += tr(lang, "cli.released_export");
            }
            ctx.print(&line)
        }
    }
}

/// `ewarong enrol`: with `--hub` and `--code`, or from the hub's enrolment file.
fn enrol(
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
                    "cli.field",
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
                "cli.field",
                &[("field", &"--hub"), ("detail", &tr(lang, "rule.required"))],
            ))
        })?;
    let code = code
        .or_else(|| from_file.as_ref().map(|f| f.code.clone()))
        .ok_or_else(|| {
            CliError::refused(trf(
                lang,
                "cli.field",
                &[("field", &"--code"), ("detail", &tr(lang, "rule.required"))],
            ))
        })?;
    let mut ledger = ctx.open_signing()?;
    let id = ledger.terminal().terminal_id.clone();
    if let Some(f) = &from_file
        && f.terminal_id != id
    {
        return Err(CliError::refused(trf(
            lang,
            "cli.enrol_other_terminal",
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
            tr(lang, "cli.enrol_wrong_hub").to_owned(),
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
        "cli.enrolled",
        &[
            ("hub", &e.hub_url),
            ("region", &e.region),
            ("fingerprint", &e.hub_key.fingerprint()),
        ],
    ))
}

fn print_report(
    ctx: &mut Ctx<'_>,
    ledger: &mut Ledger,
    report: &ewarong_ledger::DayReport,
) -> Result<(), CliError> {
    if ctx.json {
        return ctx.print_json(report);
    }
    let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
    let lang = ctx.lang;
    let text = struk::day_report_text(
        report,
        |g| {
            policy
                .group(g)
                .map_or_else(|| g.to_owned(), |g| g.name(lang).to_owned())
        },
        lang,
        WIDTH_58MM,
    );
    ctx.print(&text)
}

fn sale(ctx: &mut Ctx<'_>, args: SaleArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let card = ctx.card("--card", &args.card)?;
    let pin = ctx.pin("--pin", &args.pin)?;
    let mut lines = Vec::with_capacity(args.items.len());
    for item in &args.items {
        match parse_item(item) {
            None => {
                return Err(CliError::refused(trf(
                    lang,
                    "cli.item_syntax",
                    &[("input", item)],
                )));
            }
            Some(Err(e)) => return Err(ctx.field("--item", &e)),
            Some(Ok(line)) => lines.push(line),
        }
    }
    let mut ledger = ctx.open_signing()?;
    let operator = ctx.operator(&ledger, &args.operator)?;
    let t = now(&ledger);
    // Check the basket before asking for the PIN, so a bad basket does not cost the KPM a PIN try.
    ledger
        .check_sale(&card, &lines, args.override_reason.as_deref(), t)
        .map_err(|e| ctx.ledger_err(e))?;
    let presence = ledger
        .verify_kpm_pin(&card, &pin, t)
        .map_err(|e| ctx.ledger_err(e))?;
    let receipt = ledger
        .record_sale(
            &presence,
            &operator,
            &lines,
            args.override_reason.as_deref(),
            t,
        )
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        return ctx.print_json(&receipt);
    }
    ctx.print(&struk::sale_text(&receipt, lang, WIDTH_58MM))?;
    if args.qr
        && let Some(code) = &receipt.receipt_code
        && let Ok(qr) = struk::qr_text(code)
    {
        ctx.print(&qr)?;
    }
    Ok(())
}

fn import_file(ctx: &mut Ctx<'_>, what: ImportKind, file: &Path) -> Result<(), CliError> {
    let lang = ctx.lang;
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| {
        CliError::refused(trf(lang, "import.read", &[("file", &name), ("detail", &e)]))
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        CliError::refused(trf(lang, "import.read", &[("file", &name), ("detail", &e)]))
    })?;
    let sha = ewarong_ledger::sha256(&bytes);
    let mut ledger = ctx.open()?;
    let t = now(&ledger);
    let import_err = |e: import::ImportError| CliError::refused(e.localize(lang));
    let (kind, rows, version) = match what {
        ImportKind::Policy => {
            let policy = import::parse_policy(&name, &text).map_err(import_err)?;
            let v = ledger
                .import_policy(&policy, &name, &sha, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ("policy", 1, v)
        }
        ImportKind::Catalogue => {
            let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
            let products = import::parse_catalogue(&name, &text, &policy).map_err(import_err)?;
            let n = products.len();
            let v = ledger
                .import_catalogue(products, &name, &sha, t)
                .map_err(|e| ctx.ledger_err(e))?;
            ("catalogue", n, v)
        }
        ImportKind::Roster => {
            let roster = import::parse_roster(&name, &text).map_err(import_err)?;
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
        "import.done",
        &[("kind", &kind), ("rows", &rows), ("version", &version)],
    ))
}

/// Re-words a clap parse error as one line in the chosen language naming the argument.
pub fn clap_error_line(err: &clap::Error, lang: Lang) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let key = match err.kind() {
        ErrorKind::MissingRequiredArgument => "cli.usage_missing",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "cli.usage_value",
        ErrorKind::UnknownArgument => "cli.usage_unknown",
        ErrorKind::InvalidSubcommand
        | ErrorKind::MissingSubcommand
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "cli.usage_subcommand",
        _ => "cli.usage_other",
    };
    let first_line = err
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    trf(
        lang,
        key,
        &[("arg", &arg), ("value", &value), ("detail", &first_line)],
    )
}

fn verify_receipt(
    ctx: &mut Ctx<'_>,
    code: &str,
    ledger: Option<&Path>,
    pubkey: Option<&str>,
) -> Result<(), CliError> {
    use ewarong_core::seal::receipt::ReceiptProof;
    use ewarong_core::seal::sign::PublicKey;
    use ewarong_ledger::ReceiptCheck;
    let lang = ctx.lang;
    let proof: ReceiptProof = code
        .parse()
        .map_err(|_| CliError::refused(tr(lang, "vr.format").to_owned()))?;
    let opened = ledger
        .map(|path| Ledger::open_read_only(path).map_err(|e| ctx.ledger_err(e)))
        .transpose()?;
    let key: PublicKey = match (pubkey, &opened) {
        (Some(k), _) => k
            .parse()
            .map_err(|_| CliError::refused(tr(lang, "vr.bad_key").to_owned()))?,
        (None, Some(l)) => l
            .public_key()
            .map_err(|e| ctx.ledger_err(e))?
            .ok_or_else(|| CliError::refused(tr(lang, "key.none").to_owned()))?,
        (None, None) => return Err(CliError::refused(tr(lang, "vr.need_key").to_owned())),
    };
    if !proof.signature_valid(&key) {
        return Err(CliError::refused(tr(lang, "vr.bad_signature").to_owned()));
    }
    let signed = trf(
        lang,
        "vr.signature_ok",
        &[
            ("terminal", &proof.terminal_id),
            ("seq", &proof.seq),
            ("size", &proof.tree_size),
        ],
    );
    warn_if_revoked(ctx, &proof.terminal_id);
    let Some(l) = opened else {
        if ctx.json {
            return ctx.print_json(
                &serde_json::json!({ "signature_valid": true, "status": "signature_only" }),
            );
        }
        return ctx.print(&signed);
    };
    let check = l
        .check_receipt(&proof, &key)
        .map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "signature_valid": true, "check": check }))?;
    }
    let failed = |key: &str, args: &[(&str, &dyn std::fmt::Display)]| {
        Err(CliError::refused(trf(lang, key, args)))
    };
    match check {
        ReceiptCheck::Valid { latest_size } => {
            if ctx.json {
                return Ok(());
            }
            ctx.print(&signed)?;
            ctx.print(&trf(lang, "vr.valid", &[("latest", &latest_size)]))
        }
        ReceiptCheck::OtherTerminal { ledger_terminal } => failed(
            "vr.other_terminal",
            &[
                ("terminal", &proof.terminal_id),
                ("ledger", &ledger_terminal),
            ],
        ),
        ReceiptCheck::Missing => failed("vr.missing", &[("seq", &proof.seq)]),
        ReceiptCheck::HistoryDiffers => failed("vr.history", &[("seq", &proof.seq)]),
        ReceiptCheck::LatestCheckpointBad => failed("vr.latest", &[]),
    }
}

/// Warns on stderr when this terminal's own ledger has heard from the hub that `terminal_id`
/// was revoked: its receipts and ledger may still verify, but the hub no longer trusts it.
/// Without a ledger here (a supervisor's laptop with only the file) there is nothing to check.
fn warn_if_revoked(ctx: &Ctx<'_>, terminal_id: &str) {
    let path = ctx.ledger_path();
    if !path.exists() {
        return;
    }
    let at = Ledger::open_read_only(&path).and_then(|l| l.revoked_at(terminal_id));
    match at {
        Ok(Some(at)) => eprintln!(
            "{}",
            trf(
                ctx.lang,
                "revoked.warning",
                &[("terminal", &terminal_id), ("at", &at)]
            )
        ),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the revoked list"),
    }
}

fn run_audit(
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
                .map_err(|_| CliError::refused(tr(lang, "vr.bad_key").to_owned()))
        })
        .transpose()?;
    let mut progress = |done: u64, total: u64| {
        if total >= 20_000 {
            eprintln!(
                "{}",
                trf(
                    lang,
                    "audit.progress",
                    &[("done", &done), ("total", &total)]
                )
            );
        }
    };
    let report = ewarong_ledger::audit_file(&path, external, all_signatures, lang, &mut progress)
        .map_err(|e| CliError {
        message: trf(lang, "audit.unreadable", &[("detail", &e.localize(lang))]),
        kind: ExitKind::Unreadable,
    })?;
    warn_if_revoked(ctx, &report.terminal_id);
    if ctx.json {
        ctx.print_json(&report)?;
    } else {
        for f in &report.findings {
            ctx.print(&format!("{} seq {}: {}", f.table, f.seq, f.detail))?;
        }
        if report.findings.is_empty() {
            ctx.print(&trf(
                lang,
                "audit.clean",
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
                "audit.found",
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
