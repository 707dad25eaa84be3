//! The `ewarong` command line, for scripting, tests and supervisors; the same library code as the GUI.
//!
//! On failure a command returns one line in the chosen language that names the field and the rule.

mod audit;
mod audit_copy;
mod balance;
mod batches;
mod catalogue;
mod check;
mod close_day;
mod complaint;
mod demo;
mod enrol;
mod export_batches;
mod generate;
mod history;
mod import;
mod import_receipts;
mod init;
mod key;
mod operator;
mod roster;
mod sale;
mod seal;
mod sync;
mod verify_receipt;
mod void;
mod x_report;

use ewarong_core::key;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::struk::{self, WIDTH_58MM};
use ewarong_core::domain::parse_timezone;
use ewarong_core::domain::{CardNumber, LineInput, Pin, PinVerifier, ProductClass, Rupiah};
use ewarong_core::i18n::{Lang, Localize, help, tr, tr_runtime, trf};
use ewarong_keys::{KEY_FILE, KeyError, Passphrase, TerminalKey};
use ewarong_ledger::SealReason;
use ewarong_ledger::{
    ComplaintCategory, HistoryFilter, LEDGER_FILE, Ledger, LedgerError, Operator, Role,
};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "ewarong", version = ewarong_core::PROGRAM_VERSION, about = help(key!("help.about")))]
pub struct Cli {
    /// Data directory holding the ledger.
    #[arg(long, global = true, env = "EWARONG_DATA_DIR", help = help(key!("help.data_dir")))]
    pub data_dir: Option<PathBuf>,
    #[arg(long, global = true, env = "EWARONG_LANG", default_value = "id", help = help(key!("help.lang")))]
    pub lang: Lang,
    #[arg(long, global = true, help = help(key!("help.json")))]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A hub's enrolment sheet on the command line: `--hub`, `--code` and `--hub-key`, or the
/// enrolment file (`enrol` and `change-hub`).
#[derive(Debug, Args)]
pub struct SheetArgs {
    #[arg(long, help = help(key!("help.hub_url")))]
    hub: Option<String>,
    #[arg(long, help = help(key!("help.enrol_code")))]
    code: Option<String>,
    #[arg(long, help = help(key!("help.enrol_hub_key")))]
    hub_key: Option<String>,
    #[arg(long, help = help(key!("help.enrol_file")))]
    file: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(about = help(key!("help.gui")))]
    Gui {
        #[arg(long, value_enum, env = "EWARONG_RENDERER", default_value_t = crate::ui::Renderer::default(), help = help(key!("help.renderer")))]
        renderer: crate::ui::Renderer,
    },
    #[command(about = help(key!("help.demo_tour")))]
    Demo,
    #[command(about = help(key!("help.init")))]
    Init {
        #[arg(long, help = help(key!("help.terminal_id")))]
        terminal_id: String,
        #[arg(long, help = help(key!("help.demo")))]
        demo: bool,
        #[arg(long, default_value = "WIB", help = help(key!("help.timezone")))]
        timezone: String,
    },
    #[command(about = help(key!("help.roster")))]
    Roster {
        #[command(subcommand)]
        command: ListCommand,
    },
    #[command(about = help(key!("help.catalogue")))]
    Catalogue {
        #[command(subcommand)]
        command: ListCommand,
    },
    #[command(about = help(key!("help.sale")))]
    Sale(SaleArgs),
    #[command(about = help(key!("help.balance")))]
    Balance {
        #[arg(long, help = help(key!("help.card")))]
        card: String,
    },
    #[command(about = help(key!("help.void")))]
    Void {
        // A negative number is a value to refuse by name, not an unknown option.
        #[arg(long, allow_negative_numbers = true, help = help(key!("help.void_seq")))]
        seq: String,
        #[arg(long, help = help(key!("help.reason")))]
        reason: String,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help(key!("help.supervisor_pin")))]
        supervisor_pin: SecretArg,
    },
    #[command(about = help(key!("help.history")))]
    History {
        #[arg(long, help = help(key!("help.card")))]
        card: Option<String>,
        #[arg(long, help = help(key!("help.date")))]
        date: Option<String>,
    },
    #[command(about = help(key!("help.x_report")))]
    XReport,
    #[command(about = help(key!("help.close_day")))]
    CloseDay(OperatorArgs),
    #[command(about = help(key!("help.complaint")))]
    Complaint {
        #[arg(long, help = help(key!("help.card")))]
        card: String,
        #[arg(long, allow_negative_numbers = true, help = help(key!("help.complaint_seq")))]
        seq: Option<String>,
        #[arg(long, help = help(key!("help.category")))]
        category: String,
        #[arg(long, help = help(key!("help.text")))]
        text: String,
    },
    #[command(about = help(key!("help.import")))]
    Import {
        #[arg(value_enum)]
        what: ImportKind,
        #[arg(help = help(key!("help.file")))]
        file: PathBuf,
    },
    #[command(about = help(key!("help.operator")))]
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    #[command(about = help(key!("help.seal")))]
    Seal {
        #[arg(long, help = help(key!("help.seal_every")))]
        every: Option<String>,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help(key!("help.supervisor_pin")))]
        supervisor_pin: Option<SecretArg>,
    },
    #[command(about = help(key!("help.batches")))]
    Batches,
    #[command(about = help(key!("help.audit")))]
    Audit {
        #[arg(long, help = help(key!("help.ledger_file")))]
        ledger: Option<PathBuf>,
        #[arg(long, help = help(key!("help.pubkey")))]
        pubkey: Option<String>,
        #[arg(long, help = help(key!("help.hub_key")))]
        hub_key: Option<String>,
        #[arg(long, help = help(key!("help.trust_file")))]
        trust: Option<PathBuf>,
        #[arg(long, help = help(key!("help.all_signatures")))]
        all_signatures: bool,
    },
    #[command(about = help(key!("help.verify_receipt")))]
    VerifyReceipt {
        #[arg(help = help(key!("help.receipt_code")))]
        code: String,
        #[arg(long, help = help(key!("help.ledger_file")))]
        ledger: Option<PathBuf>,
        #[arg(long, help = help(key!("help.pubkey")))]
        pubkey: Option<String>,
    },
    #[command(about = help(key!("help.key")))]
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    #[command(about = help(key!("help.check")))]
    Check,
    #[command(about = help(key!("help.enrol")))]
    Enrol {
        #[command(flatten)]
        sheet: SheetArgs,
    },
    #[command(about = help(key!("help.change_hub")))]
    ChangeHub {
        #[command(flatten)]
        sheet: SheetArgs,
        #[arg(long, help = help(key!("help.reason")))]
        reason: String,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help(key!("help.supervisor_pin")))]
        supervisor_pin: SecretArg,
    },
    #[command(about = help(key!("help.sync")))]
    Sync {
        #[arg(long, help = help(key!("help.hub_url")))]
        hub: Option<String>,
    },
    #[command(about = help(key!("help.audit_copy")))]
    AuditCopy {
        #[arg(long, help = help(key!("help.out_file")))]
        out: PathBuf,
    },
    #[command(about = help(key!("help.export_batches")))]
    ExportBatches {
        #[arg(long, help = help(key!("help.dir")))]
        to: PathBuf,
    },
    #[command(about = help(key!("help.import_receipts")))]
    ImportReceipts {
        #[arg(help = help(key!("help.dir")))]
        dir: PathBuf,
    },
    /// For packagers: the man pages or the shell completions, written into `--out`.
    #[command(hide = true)]
    Generate {
        what: generate::What,
        #[arg(long)]
        out: PathBuf,
    },
}

/// The terminal's key pair.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    #[command(about = help(key!("help.key_show")))]
    Show,
    #[command(about = help(key!("help.key_init")))]
    Init,
}

/// `list`, the only action on the roster and catalogue.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    #[command(about = help(key!("help.list")))]
    List,
}

/// Operator management.
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    #[command(about = help(key!("help.operator_add")))]
    Add {
        #[arg(long, help = help(key!("help.operator_name")))]
        name: String,
        #[arg(long, value_enum, help = help(key!("help.role")))]
        role: RoleArg,
        #[arg(long, help = help(key!("help.new_pin")))]
        pin: SecretArg,
        #[arg(long, env = "EWARONG_SUPERVISOR_PIN", hide_env_values = true, help = help(key!("help.supervisor_pin")))]
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
    #[arg(long, env = "EWARONG_OPERATOR", help = help(key!("help.operator_login")))]
    pub operator: Option<String>,
    #[arg(long, env = "EWARONG_OPERATOR_PIN", hide_env_values = true, help = help(key!("help.operator_pin")))]
    pub operator_pin: Option<SecretArg>,
}

/// `ewarong sale`.
#[derive(Debug, Args)]
pub struct SaleArgs {
    #[arg(long, help = help(key!("help.card")))]
    pub card: String,
    #[arg(long, env = "EWARONG_KPM_PIN", hide_env_values = true, help = help(key!("help.kpm_pin")))]
    pub pin: SecretArg,
    #[arg(long = "item", required = true, help = help(key!("help.item")))]
    pub items: Vec<String>,
    #[command(flatten)]
    pub operator: OperatorArgs,
    #[arg(long, help = help(key!("help.override_reason")))]
    pub override_reason: Option<String>,
    #[arg(long, help = help(key!("help.qr")))]
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
    /// `audit`: no findings, but no key from outside the ledger was given, so who wrote it is
    /// not verified.
    Unverified = 5,
    /// `sale`, `void`, `complaint`, `close-day`: the entry was committed, but its output could
    /// not be written. It is saved: doing it again would record it twice.
    SavedNotPrinted = 6,
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
    /// Set by [`Ctx::open_reading`]: a storage error then says the ledger could not be read,
    /// not that a transaction was not saved.
    reading: bool,
}

impl Ctx<'_> {
    fn ledger_err(&self, e: LedgerError) -> CliError {
        let kind = if e.is_storage() {
            ExitKind::Storage
        } else {
            ExitKind::Refused
        };
        let message = if self.reading {
            e.localize_reading(self.lang)
        } else {
            e.localize(self.lang)
        };
        CliError { message, kind }
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
            key!("cli.field"),
            &[("field", &field), ("detail", &e.localize(self.lang))],
        ))
    }

    fn io(&self, path: &Path, e: &std::io::Error) -> CliError {
        CliError {
            message: trf(
                self.lang,
                key!("cli.io"),
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

    /// Opens the ledger for a command that only reads: nothing is written, so it works on a
    /// full disk or a write-protected stick, and its errors never speak of a lost transaction.
    fn open_reading(&mut self) -> Result<Ledger, CliError> {
        self.open_reading_at(&self.ledger_path())
    }

    fn open_reading_at(&mut self, path: &Path) -> Result<Ledger, CliError> {
        self.reading = true;
        Ledger::open_for_reading(path).map_err(|e| self.ledger_err(e))
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
        let enrolment = ledger
            .enrolment()
            .map_err(|e| self.ledger_err(e))?
            .ok_or_else(|| self.ledger_err(LedgerError::NotEnrolled))?;
        // Another address for the same hub keeps the certificate pinned at enrolment.
        let url = hub.unwrap_or_else(|| enrolment.hub_url.clone());
        crate::sync_client::HubClient::at(&url, &enrolment, std::time::Duration::from_secs(10))
            .map_err(|e| self.sync_err(e))
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

    /// Writes the output of an entry already committed as `seq`. A failure to write it is
    /// exit 6 naming the seq, never exit 3 ("nothing was saved"), which would invite a second
    /// sale for the same family.
    fn after_commit(
        &mut self,
        seq: u64,
        print: impl FnOnce(&mut Self) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let lang = self.lang;
        print(self).map_err(|e| match e.kind {
            ExitKind::ClosedOutput => e,
            _ => CliError {
                message: trf(
                    lang,
                    key!("cli.saved_not_printed"),
                    &[("seq", &seq), ("detail", &e.message)],
                ),
                kind: ExitKind::SavedNotPrinted,
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
                    key!("cli.field"),
                    &[
                        ("field", &field),
                        ("detail", &tr(self.lang, key!("cli.seq"))),
                    ],
                ))
            })
    }

    fn operator(&self, ledger: &Ledger, args: &OperatorArgs) -> Result<Operator, CliError> {
        let (Some(name), Some(pin)) = (&args.operator, &args.operator_pin) else {
            return Err(CliError::refused(
                tr(self.lang, key!("cli.operator_missing")).to_owned(),
            ));
        };
        let pin = self.pin("--operator-pin", pin)?;
        ledger
            .authenticate_operator(name, &pin)
            .map_err(|e| self.ledger_err(e))
    }
}

/// The machine-local data directory: `~/.local/share/ewarong` on Linux,
/// `%LOCALAPPDATA%\ewarong\ewarong\data` on Windows (never the roaming profile: a ledger belongs
/// to one laptop).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("id", "ewarong", "ewarong")
        .map(|d| d.data_local_dir().to_owned())
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
                message: tr(lang, key!("cli.data_dir")).to_owned(),
                kind: ExitKind::Storage,
            });
        }
    };
    let mut ctx = Ctx {
        lang,
        json: cli.json,
        data_dir,
        out,
        reading: false,
    };
    match cli.command {
        None | Some(Command::Demo) => demo::run(&mut ctx),
        Some(command) => dispatch(&mut ctx, command),
    }
}

fn now(ledger: &Ledger) -> DateTime<FixedOffset> {
    ledger.terminal().now()
}

/// Re-words a clap parse error as one line in the chosen language naming the argument.
/// The name of the first argument that is not valid UTF-8, never its value: the option it
/// belongs to (`--pin` for `--pin <bytes>` or `--pin=<bytes>`), or its position.
pub fn non_utf8_argument(args: &[std::ffi::OsString]) -> String {
    let Some(at) = args.iter().position(|a| a.to_str().is_none()) else {
        return String::new();
    };
    let bytes = args
        .get(at)
        .map(|a| a.as_encoded_bytes())
        .unwrap_or_default();
    if let Some(eq) = bytes.iter().position(|b| *b == b'=')
        && let Some(name) = bytes.get(..eq).and_then(|n| std::str::from_utf8(n).ok())
        && name.starts_with("--")
    {
        return name.to_owned();
    }
    match at
        .checked_sub(1)
        .and_then(|p| args.get(p))
        .and_then(|p| p.to_str())
    {
        Some(flag) if flag.starts_with('-') => flag.to_owned(),
        _ => format!("#{at}"),
    }
}

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
        ErrorKind::MissingRequiredArgument => key!("cli.usage_missing"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => key!("cli.usage_value"),
        ErrorKind::UnknownArgument => key!("cli.usage_unknown"),
        ErrorKind::InvalidSubcommand
        | ErrorKind::MissingSubcommand
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => key!("cli.usage_subcommand"),
        _ => key!("cli.usage_other"),
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

/// Warns on stderr when this terminal's own ledger has heard from the hub that `terminal_id`
/// was revoked: its receipts and ledger may still verify, but the hub no longer trusts it.
/// Without a ledger here (a supervisor's laptop with only the file) there is nothing to check.
fn warn_if_revoked(ctx: &Ctx<'_>, terminal_id: &str) {
    let path = ctx.ledger_path();
    if !path.exists() {
        return;
    }
    // Opened as the audit opens a file: reading it leaves nothing beside it.
    let at = Ledger::open_for_audit(&path).and_then(|l| l.revoked_at(terminal_id));
    match at {
        Ok(Some(at)) => eprintln!(
            "{}",
            trf(
                ctx.lang,
                key!("revoked.warning"),
                &[("terminal", &terminal_id), ("at", &at)]
            )
        ),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the revoked list"),
    }
}

/// One arm per subcommand, each a call into the subcommand's own module.
fn dispatch(ctx: &mut Ctx<'_>, command: Command) -> Result<(), CliError> {
    match command {
        // main.rs opens the window itself; here (as a library call) the tour stands in.
        Command::Gui { .. } | Command::Demo => demo::run(ctx),
        Command::Init {
            terminal_id,
            demo,
            timezone,
        } => init::run(ctx, terminal_id, demo, timezone),
        Command::Roster {
            command: ListCommand::List,
        } => roster::list(ctx),
        Command::Catalogue {
            command: ListCommand::List,
        } => catalogue::list(ctx),
        Command::Sale(args) => sale::run(ctx, args),
        Command::Balance { card } => balance::run(ctx, card),
        Command::Void {
            seq,
            reason,
            supervisor_pin,
        } => void::run(ctx, seq, reason, supervisor_pin),
        Command::History { card, date } => history::run(ctx, card, date),
        Command::XReport => x_report::run(ctx),
        Command::CloseDay(args) => close_day::run(ctx, args),
        Command::Complaint {
            card,
            seq,
            category,
            text,
        } => complaint::run(ctx, card, seq, category, text),
        Command::Import { what, file } => import::run(ctx, what, &file),
        Command::Operator {
            command:
                OperatorCommand::Add {
                    name,
                    role,
                    pin,
                    supervisor_pin,
                },
        } => operator::add(ctx, name, role, pin, supervisor_pin),
        Command::Seal {
            every,
            supervisor_pin,
        } => seal::run(ctx, every, supervisor_pin),
        Command::Audit {
            ledger,
            pubkey,
            hub_key,
            trust,
            all_signatures,
        } => audit::run(
            ctx,
            audit::Args {
                ledger: ledger.as_deref(),
                pubkey: pubkey.as_deref(),
                hub_key: hub_key.as_deref(),
                trust: trust.as_deref(),
                all_signatures,
            },
        ),
        Command::VerifyReceipt {
            code,
            ledger,
            pubkey,
        } => verify_receipt::run(ctx, &code, ledger.as_deref(), pubkey.as_deref()),
        Command::Batches => batches::run(ctx),
        Command::Key {
            command: KeyCommand::Show,
        } => key::show(ctx),
        Command::Key {
            command: KeyCommand::Init,
        } => key::init(ctx),
        Command::Check => check::run(ctx),
        Command::Enrol { sheet } => {
            let sheet = enrol::Sheet::read(ctx, sheet)?;
            enrol::run(ctx, sheet)
        }
        Command::ChangeHub {
            sheet,
            reason,
            supervisor_pin,
        } => {
            let sheet = enrol::Sheet::read(ctx, sheet)?;
            enrol::change(ctx, sheet, reason, supervisor_pin)
        }
        Command::Sync { hub } => sync::run(ctx, hub),
        Command::ExportBatches { to } => export_batches::run(ctx, to),
        Command::AuditCopy { out } => audit_copy::run(ctx, &out),
        Command::ImportReceipts { dir } => import_receipts::run(ctx, dir),
        Command::Generate { what, out } => generate::run(ctx, what, &out),
    }
}
