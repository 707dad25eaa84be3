//! The app layer between the GUI and the ledger. A worker thread owns the ledger; the UI sends
//! [`Command`]s and receives [`Event`]s, so no frame ever waits on disk, argon2 or signing.
//!
//! The ledger is the truth: the UI keeps only what it shows, and asks again after every write.

pub mod prefs;
pub mod print;
pub mod search;
pub mod sync_worker;

use ewarong_core::key;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use ewarong_core::audit::AuditReport;
use ewarong_core::domain::{Balance, CardNumber, Catalogue, LineInput, Pin, Policy};
use ewarong_core::hub_auth::HubPin;
use ewarong_core::i18n::{Lang, Localize, tr, trf};
use ewarong_keys::{KeyError, Passphrase};
use ewarong_ledger::data_dir::{DEMO_TERMINAL_ID, DataDir, SetupError};
use ewarong_ledger::{
    ComplaintCategory, DayReport, HistoryFilter, HistoryRow, Ledger, LedgerError, Operator,
    SavedSale, SavedVoid,
};
use prefs::Prefs;
use print::{Document, PrintFormat};
use search::RosterIndex;

/// How often the worker refreshes the status bar (free disk, pending batches) on its own.
const STATUS_EVERY: Duration = Duration::from_secs(30);

/// A failure to show the user, in whichever language the UI is in when it is shown.
#[derive(Clone)]
pub struct Failure(Arc<dyn Localize + Send + Sync>);

impl Failure {
    pub fn new(e: impl Localize + Send + Sync + 'static) -> Self {
        Self(Arc::new(e))
    }
}

impl Localize for Failure {
    fn localize(&self, lang: Lang) -> String {
        self.0.localize(lang)
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.localize(Lang::En))
    }
}

/// A refusal about one field of a screen, said after the field's label.
#[derive(Debug)]
struct FieldFailure {
    label: ewarong_core::i18n::TextKey,
    inner: LedgerError,
}

impl Localize for FieldFailure {
    fn localize(&self, lang: Lang) -> String {
        trf(
            lang,
            key!("cli.field"),
            &[
                ("field", &tr(lang, self.label)),
                ("detail", &self.inner.localize(lang)),
            ],
        )
    }
}

/// Why the key or trust file given on the audit screen cannot be used.
#[derive(Debug)]
struct TrustFailure {
    input: String,
    /// What the file's reader said; `None`: the text is not a key.
    detail: Option<String>,
}

impl Localize for TrustFailure {
    fn localize(&self, lang: Lang) -> String {
        trf(
            lang,
            key!("ui.audit.bad_trust"),
            &[
                ("input", &ewarong_core::i18n::echo(&self.input)),
                (
                    "detail",
                    &self
                        .detail
                        .clone()
                        .unwrap_or_else(|| tr(lang, key!("audit.bad_key")).to_owned()),
                ),
            ],
        )
    }
}

/// The same checks as `ewarong audit`: `trust` is a trust file's path, a terminal key (base64
/// or hex), or empty (only the ledger's own key: never a plain "clean").
fn audit_with_trust(
    path: &std::path::Path,
    all_signatures: bool,
    trust: &str,
) -> Result<ewarong_core::audit::AuditReport, Failure> {
    let opened = ewarong_ledger::Ledger::open_for_audit(path)?;
    let mut options = ewarong_core::audit::AuditOptions {
        all_signatures,
        ..Default::default()
    };
    let refused = |detail: Option<String>| {
        Failure::new(TrustFailure {
            input: trust.to_owned(),
            detail,
        })
    };
    if std::path::Path::new(trust).is_file() {
        let text = std::fs::read_to_string(trust).map_err(|e| refused(Some(e.to_string())))?;
        options
            .pin_trust_file(&text, &opened.terminal().terminal_id)
            .map_err(|e| refused(Some(e.to_string())))?;
    } else if !trust.is_empty() {
        let key = ewarong_core::protocol::typed_public_key(trust).ok_or_else(|| refused(None))?;
        options.pinned_key = Some(key);
    }
    Ok(opened.audit(&options, &mut |_, _| {})?)
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Self {
        Self::new(e)
    }
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Self {
        Self::new(e)
    }
}

/// An IO failure on a named file.
#[derive(Debug)]
struct IoFailure {
    path: PathBuf,
    error: std::io::Error,
}

impl Localize for IoFailure {
    fn localize(&self, lang: Lang) -> String {
        ewarong_core::i18n::trf(
            lang,
            key!("cli.io"),
            &[("path", &self.path.display()), ("detail", &self.error)],
        )
    }
}

/// What the UI asks of the ledger.
#[derive(Debug)]
pub enum Command {
    /// First start: create a demo terminal with the demo programme.
    CreateDemo,
    /// The terminal key is sealed with a passphrase: open it.
    Unlock(Passphrase),
    Login {
        name: String,
        pin: Pin,
    },
    Logout,
    /// Look a KPM up by card, with their balance now.
    FindCard(CardNumber),
    /// Check the KPM's PIN, then record the sale: one transaction, durable before the reply.
    Save {
        card: CardNumber,
        pin: Pin,
        lines: Vec<LineInput>,
        override_reason: Option<String>,
    },
    History(HistoryFilter),
    /// A saved sale's receipt again, for a reprint (SALINAN).
    Receipt(u64),
    Void {
        sale_seq: u64,
        supervisor_pin: Pin,
        reason: String,
    },
    XReport,
    CloseDay,
    Complaint {
        card: CardNumber,
        sale_seq: Option<u64>,
        category: ComplaintCategory,
        text: String,
    },
    /// Write a receipt or report to a printer device or a file.
    Print {
        document: Document,
        format: PrintFormat,
        target: PathBuf,
    },
    /// Audit a ledger file, read-only: a copy from a USB stick, or this terminal's own.
    /// The findings come back as values; the screen puts them in words in its language.
    Audit {
        path: PathBuf,
        all_signatures: bool,
        /// What the supervisor trusts: a terminal key (base64 or hex), a trust file's path, or
        /// nothing (then a clean result is "intact, authorship not verified").
        trust: String,
    },
    /// Write the audit copy of this terminal's ledger (no PIN verifiers) for a supervisor.
    AuditCopy(PathBuf),
    SavePrefs(Prefs),
    Status,
    /// First start on a real shop: create the terminal, enrol it with the hub using a one-time
    /// code, take the programme from the hub, and add the first supervisor.
    Activate {
        hub: String,
        terminal_id: String,
        code: String,
        hub_pin: HubPin,
        zone: chrono::FixedOffset,
        supervisor_pin: Pin,
    },
    /// Sync now instead of waiting for the timer.
    SyncNow,
    /// Reload the reference data the screens hold: the hub sent an update.
    Refresh,
    /// Enrol with a hub using a one-time code (supervisor, from settings).
    Enrol {
        hub: String,
        code: String,
        hub_pin: HubPin,
    },
    /// Move an enrolled terminal to another hub (the supervisor logged in, from settings).
    ChangeHub {
        hub: String,
        code: String,
        hub_pin: HubPin,
        reason: String,
    },
}

/// What the terminal is, once open.
#[derive(Debug, Clone)]
pub struct TerminalView {
    pub terminal_id: String,
    pub utc_offset: chrono::FixedOffset,
    pub data_dir: PathBuf,
    pub ledger_path: PathBuf,
    /// The terminal's public key (base64) and its short fingerprint, once it has one.
    pub public_key: Option<String>,
    pub fingerprint: Option<String>,
    pub policy: Arc<Policy>,
    pub catalogue: Arc<Catalogue>,
    pub roster: Arc<RosterIndex>,
    pub versions: ewarong_ledger::Versions,
}

/// A KPM at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpmView {
    pub card: CardNumber,
    pub name: String,
    pub desa: String,
    pub nik: Option<String>,
    pub balance: Balance,
    /// Set when this is not the KPM's home e-warong: the terminal id that holds the balance.
    pub visiting: Option<String>,
}

/// Facts for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusInfo {
    /// Free bytes on the disk holding the ledger, when it can be read.
    pub free_bytes: Option<u64>,
    pub pending_batches: u64,
    pub unsealed_entries: u64,
}

/// Why a sale was not saved.
#[derive(Debug, Clone)]
pub struct SaveFailure {
    pub failure: Failure,
    /// The PIN was wrong or the card is locked: clear the PIN field, keep the basket.
    pub pin: bool,
}

/// What the ledger answers.
#[derive(Debug)]
pub enum Event {
    /// No ledger yet: offer "Mode demo" and "Aktivasi".
    NeedsSetup,
    /// The key file is sealed with a passphrase and none was given.
    NeedsPassphrase,
    /// Opening or creating the terminal failed.
    SetupFailed(Failure),
    Ready(Box<TerminalView>),
    Prefs(Prefs),
    LoggedIn(Operator),
    LoginFailed(Failure),
    Kpm(Result<KpmView, Failure>),
    Saved(Result<Box<SavedSale>, SaveFailure>),
    History(Result<Vec<HistoryRow>, Failure>),
    Receipt(Result<Box<SavedSale>, Failure>),
    Voided(Result<SavedVoid, Failure>),
    Report {
        report: Result<DayReport, Failure>,
        closed: bool,
    },
    ComplaintSaved(Result<u64, Failure>),
    Printed(Result<PathBuf, Failure>),
    Audited(Result<AuditReport, Failure>),
    /// The audit copy of this terminal's ledger was written (or not).
    AuditCopied(Result<ewarong_ledger::AuditCopy, Failure>),
    Status(StatusInfo),
    /// What the sync worker sees: online or not, pending batches, last sync, last error.
    Sync(sync_worker::SyncView),
    /// The reference data changed (a hub update): the same terminal, new policy, catalogue
    /// or roster. The screen stays where it is.
    Refreshed(Box<TerminalView>),
    /// Activation refused before anything was kept (wrong code, hub unreachable): the form
    /// stays, with the reason.
    ActivationFailed(Failure),
    /// Enrolment done (the hub key's fingerprint) or refused.
    Enrolled(Result<String, Failure>),
}

/// The UI's handle on the worker. Dropping it stops the worker after its current command.
#[derive(Debug)]
pub struct Backend {
    commands: Option<Sender<Command>>,
    events: Receiver<Event>,
    worker: Option<JoinHandle<()>>,
}

impl Backend {
    /// Starts the worker on a data directory. `wake` is called after every event, so the UI can
    /// repaint only when there is something new.
    pub fn start(data_dir: PathBuf, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (commands, command_rx) = mpsc::channel();
        let (event_tx, events) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("ewarong-ledger".into())
            .spawn(move || {
                let mut w = Worker {
                    dir: DataDir::new(data_dir),
                    ledger: None,
                    operator: None,
                    events: event_tx,
                    wake: Arc::new(wake),
                    sync: None,
                };
                w.run(&command_rx);
            });
        let worker = match worker {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the ledger worker");
                None
            }
        };
        Self {
            commands: Some(commands),
            events,
            worker,
        }
    }

    /// Sends a command; returns false if the worker has stopped.
    pub fn send(&self, command: Command) -> bool {
        self.commands
            .as_ref()
            .is_some_and(|c| c.send(command).is_ok())
    }

    /// The next event, if one has arrived.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.commands = None;
        if let Some(h) = self.worker.take() {
            let _ = h.join();
        }
    }
}

struct Worker {
    dir: DataDir,
    ledger: Option<Ledger>,
    /// The operator logged in: the worker, not the UI, decides who signs an entry.
    operator: Option<Operator>,
    events: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
    /// The background sync worker, once the terminal is open.
    sync: Option<Sender<sync_worker::SyncCommand>>,
}

/// Where a command needs an open ledger and there is none.
#[derive(Debug)]
struct NotOpen;

impl Localize for NotOpen {
    fn localize(&self, lang: Lang) -> String {
        ewarong_core::i18n::tr(lang, key!("app.not_open")).to_owned()
    }
}

/// Where a command needs a logged-in operator.
#[derive(Debug)]
struct NotLoggedIn;

impl Localize for NotLoggedIn {
    fn localize(&self, lang: Lang) -> String {
        ewarong_core::i18n::tr(lang, key!("app.not_logged_in")).to_owned()
    }
}

impl Worker {
    fn emit(&self, event: Event) {
        if self.events.send(event).is_ok() {
            (self.wake)();
        }
    }

    fn run(&mut self, commands: &Receiver<Command>) {
        self.emit(Event::Prefs(prefs::load(self.dir.path())));
        self.open(Passphrase::from_env().ok().flatten());
        loop {
            match commands.recv_timeout(STATUS_EVERY) {
                Ok(command) => {
                    let wrote = self.handle(command);
                    if wrote {
                        self.status();
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.status(),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        tracing::debug!("ledger worker stopped");
    }

    fn open(&mut self, passphrase: Option<Passphrase>) {
        if !self.dir.is_initialized() {
            self.emit(Event::NeedsSetup);
            return;
        }
        match ewarong_ledger::data_dir::open_signing(&self.dir, passphrase.as_ref()) {
            Ok(ledger) => {
                self.ready(ledger);
                self.start_sync(passphrase);
            }
            Err(SetupError::Key(KeyError::NeedsPassphrase(_))) => self.emit(Event::NeedsPassphrase),
            Err(e) => self.emit(Event::SetupFailed(e.into())),
        }
    }

    fn ready(&mut self, mut ledger: Ledger) {
        match self.view(&mut ledger) {
            Ok(view) => {
                self.ledger = Some(ledger);
                self.emit(Event::Ready(Box::new(view)));
                self.status();
            }
            Err(e) => self.emit(Event::SetupFailed(e.into())),
        }
    }

    /// What the screens need from the ledger: identity, and the reference data in force.
    fn view(&self, ledger: &mut Ledger) -> Result<TerminalView, LedgerError> {
        (|| -> Result<TerminalView, LedgerError> {
            let key = ledger.public_key()?;
            Ok(TerminalView {
                terminal_id: ledger.terminal().terminal_id.clone(),
                utc_offset: ledger.terminal().utc_offset,
                data_dir: self.dir.path().to_owned(),
                ledger_path: ledger.path().to_owned(),
                public_key: key.as_ref().map(ToString::to_string),
                fingerprint: key
                    .as_ref()
                    .map(ewarong_core::seal::sign::PublicKey::fingerprint),
                policy: Arc::new(ledger.policy()?),
                catalogue: Arc::new(ledger.catalogue()?),
                roster: Arc::new(RosterIndex::new(ledger.roster()?)),
                versions: ledger.versions()?,
            })
        })()
    }

    /// Creates and enrols a terminal. Until the hub has accepted its key nothing is kept; after
    /// that the terminal stays, whatever follows (a failed download is retried by sync).
    fn activate(
        &mut self,
        hub: &str,
        terminal_id: &str,
        code: &str,
        hub_pin: &HubPin,
        zone: chrono::FixedOffset,
        supervisor_pin: &Pin,
    ) -> Result<Ledger, Failure> {
        use crate::sync_client::pull_updates;
        let now = chrono::Utc::now().with_timezone(&zone);
        let created = ewarong_ledger::data_dir::create(
            &self.dir,
            terminal_id,
            zone,
            false,
            Passphrase::from_env().ok().flatten().as_ref(),
            now,
        )?;
        let mut ledger = created.ledger;
        let enrolled = crate::sync_client::enrol(
            &mut ledger,
            hub.trim(),
            sync_worker::UPLOAD_TIMEOUT,
            code,
            hub_pin,
            None,
            now,
        );
        let client = match enrolled {
            Ok((_, client)) => client,
            Err(e) => {
                ewarong_ledger::data_dir::discard(&self.dir, ledger);
                return Err(Failure::new(e));
            }
        };
        if let Err(e) = pull_updates(&mut ledger, &client, now) {
            tracing::warn!(error = %e, "the programme could not be downloaded; sync retries");
        }
        // A hub that has not published a policy yet: the shipped Program Sembako policy.
        if matches!(ledger.policy(), Err(LedgerError::NoPolicy)) {
            let policy = ewarong_core::domain::Policy::default_sembako()
                .map_err(|e| LedgerError::Corrupt(e.to_string()))?;
            ledger.import_policy(&policy, "default", &[0; 32], now)?;
        }
        let salt = ewarong_core::import::new_salt().map_err(LedgerError::from)?;
        let verifier = ewarong_core::domain::PinVerifier::create(supervisor_pin, &salt)
            .map_err(LedgerError::from)?;
        ledger.add_operator(
            "supervisor",
            ewarong_ledger::Role::Supervisor,
            &verifier,
            now,
        )?;
        tracing::info!(terminal_id, hub, "terminal activated");
        Ok(ledger)
    }

    /// Starts the sync worker on its own connection, once, when the terminal is open.
    fn start_sync(&mut self, passphrase: Option<Passphrase>) {
        if self.ledger.is_none() || self.sync.is_some() {
            return;
        }
        let wake = Arc::clone(&self.wake);
        self.sync = sync_worker::start(
            self.dir.clone(),
            passphrase,
            self.events.clone(),
            move || wake(),
        );
    }

    fn status(&self) {
        let free_bytes = fs4::available_space(self.dir.path()).ok();
        let (pending_batches, unsealed_entries) = self
            .ledger
            .as_ref()
            .and_then(|l| l.pending().ok())
            .unwrap_or_default();
        self.emit(Event::Status(StatusInfo {
            free_bytes,
            pending_batches,
            unsealed_entries,
        }));
    }

    fn ledger(&mut self) -> Result<&mut Ledger, Failure> {
        self.ledger.as_mut().ok_or_else(|| Failure::new(NotOpen))
    }

    fn operator(&self) -> Result<Operator, Failure> {
        self.operator
            .clone()
            .ok_or_else(|| Failure::new(NotLoggedIn))
    }

    /// Handles one command; returns true when it may have written to the ledger.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::CreateDemo => {
                // The demo shop is in Sumba Timur, NTT: WITA. `parse_timezone` knows WITA, so
                // this never falls back; UTC would only shift the clock shown.
                let zone = ewarong_core::domain::parse_timezone("WITA")
                    .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc));
                let now = chrono::Utc::now().with_timezone(&zone);
                match ewarong_ledger::data_dir::create(
                    &self.dir,
                    DEMO_TERMINAL_ID,
                    zone,
                    true,
                    Passphrase::from_env().ok().flatten().as_ref(),
                    now,
                ) {
                    Ok(created) => {
                        self.ready(created.ledger);
                        self.start_sync(Passphrase::from_env().ok().flatten());
                    }
                    Err(e) => self.emit(Event::SetupFailed(e.into())),
                }
                true
            }
            Command::Unlock(passphrase) => {
                self.open(Some(passphrase));
                false
            }
            Command::Login { name, pin } => {
                let result = self
                    .ledger()
                    .and_then(|l| l.authenticate_operator(&name, &pin).map_err(Failure::from));
                match result {
                    Ok(op) => {
                        tracing::info!(operator = op.name(), "operator logged in");
                        self.operator = Some(op.clone());
                        self.emit(Event::LoggedIn(op));
                    }
                    Err(f) => self.emit(Event::LoginFailed(f)),
                }
                false
            }
            Command::Logout => {
                self.operator = None;
                false
            }
            Command::FindCard(card) => {
                let result = self.find_card(&card);
                self.emit(Event::Kpm(result));
                false
            }
            Command::Save {
                card,
                pin,
                lines,
                override_reason,
            } => {
                let result = self.save(&card, &pin, &lines, override_reason.as_deref());
                self.emit(Event::Saved(result));
                true
            }
            Command::History(filter) => {
                let result = self
                    .ledger()
                    .and_then(|l| l.history(&filter).map_err(Failure::from));
                self.emit(Event::History(result));
                false
            }
            Command::Receipt(seq) => {
                let result = self
                    .ledger()
                    .and_then(|l| l.sale_receipt(seq).map(Box::new).map_err(Failure::from));
                self.emit(Event::Receipt(result));
                false
            }
            Command::Void {
                sale_seq,
                supervisor_pin,
                reason,
            } => {
                let result = self.ledger().and_then(|l| {
                    let supervisor = l.authenticate_supervisor(&supervisor_pin)?;
                    let now = l.terminal().now();
                    Ok(l.void_sale(sale_seq, &reason, &supervisor, now)?)
                });
                self.emit(Event::Voided(result));
                true
            }
            Command::XReport => {
                let report = self.ledger().and_then(|l| {
                    let now = l.terminal().now();
                    Ok(l.x_report(now)?)
                });
                self.emit(Event::Report {
                    report,
                    closed: false,
                });
                false
            }
            Command::CloseDay => {
                let report = self.operator().and_then(|op| {
                    let l = self.ledger()?;
                    let now = l.terminal().now();
                    Ok(l.close_day(&op, now)?)
                });
                self.emit(Event::Report {
                    report,
                    closed: true,
                });
                true
            }
            Command::Complaint {
                card,
                sale_seq,
                category,
                text,
            } => {
                let result = self.ledger().and_then(|l| {
                    let now = l.terminal().now();
                    Ok(l.record_complaint(&card, sale_seq, category, &text, now)?)
                });
                self.emit(Event::ComplaintSaved(result));
                true
            }
            Command::Print {
                document,
                format,
                target,
            } => {
                let bytes = match format {
                    PrintFormat::EscPos => print::escpos(&document),
                    PrintFormat::Pdf => print::pdf(&document),
                };
                let result = print::write_to(&target, &bytes)
                    .map(|()| target.clone())
                    .map_err(|error| {
                        Failure::new(IoFailure {
                            path: target.clone(),
                            error,
                        })
                    });
                if result.is_ok() {
                    tracing::info!(path = %target.display(), bytes = bytes.len(), "printed");
                }
                self.emit(Event::Printed(result));
                false
            }
            Command::Audit {
                path,
                all_signatures,
                trust,
            } => {
                self.emit(Event::Audited(audit_with_trust(
                    &path,
                    all_signatures,
                    trust.trim(),
                )));
                false
            }
            Command::AuditCopy(to) => {
                let result = self.ledger().and_then(|l| {
                    l.write_audit_copy(&to).map_err(|e| match e {
                        e @ LedgerError::TargetExists(_) => Failure::new(FieldFailure {
                            label: key!("ui.audit.copy_to"),
                            inner: e,
                        }),
                        e => Failure::from(e),
                    })
                });
                self.emit(Event::AuditCopied(result));
                false
            }
            Command::SavePrefs(p) => {
                if let Err(e) = prefs::save(self.dir.path(), &p) {
                    tracing::warn!(error = %e, "cannot save UI preferences");
                }
                false
            }
            Command::Status => {
                self.status();
                false
            }
            Command::Activate {
                hub,
                terminal_id,
                code,
                hub_pin,
                zone,
                supervisor_pin,
            } => {
                match self.activate(&hub, &terminal_id, &code, &hub_pin, zone, &supervisor_pin) {
                    Ok(ledger) => {
                        self.ready(ledger);
                        self.start_sync(Passphrase::from_env().ok().flatten());
                    }
                    Err(f) => self.emit(Event::ActivationFailed(f)),
                }
                true
            }
            Command::Refresh => {
                let view = match self.ledger.take() {
                    Some(mut l) => {
                        let v = self.view(&mut l);
                        self.ledger = Some(l);
                        v.map_err(Failure::from)
                    }
                    None => Err(Failure::new(NotOpen)),
                };
                match view {
                    Ok(v) => self.emit(Event::Refreshed(Box::new(v))),
                    Err(f) => tracing::warn!(error = ?f, "refresh after a hub update failed"),
                }
                false
            }
            Command::SyncNow => {
                if let Some(s) = &self.sync {
                    let _ = s.send(sync_worker::SyncCommand::Now);
                }
                false
            }
            Command::Enrol { hub, code, hub_pin } => {
                self.send_enrolment(sync_worker::Enrolling {
                    hub,
                    code,
                    hub_pin,
                    change: None,
                });
                false
            }
            Command::ChangeHub {
                hub,
                code,
                hub_pin,
                reason,
            } => {
                // The approval is the supervisor logged in at the counter, checked again here.
                match self
                    .operator
                    .clone()
                    .filter(|o| o.role() == ewarong_ledger::Role::Supervisor)
                {
                    Some(supervisor) => self.send_enrolment(sync_worker::Enrolling {
                        hub,
                        code,
                        hub_pin,
                        change: Some((supervisor, reason)),
                    }),
                    None => self.emit(Event::Enrolled(Err(Failure::new(
                        LedgerError::NotSupervisor,
                    )))),
                }
                false
            }
        }
    }

    /// Hands an enrolment sheet to the sync worker; without one, answers that none is open.
    fn send_enrolment(&mut self, sheet: sync_worker::Enrolling) {
        let sent = self.sync.as_ref().is_some_and(|s| {
            s.send(sync_worker::SyncCommand::Enrol(Box::new(sheet)))
                .is_ok()
        });
        if !sent {
            self.emit(Event::Enrolled(Err(Failure::new(NotOpen))));
        }
    }

    fn find_card(&mut self, card: &CardNumber) -> Result<KpmView, Failure> {
        let l = self.ledger()?;
        let kpm = l
            .kpm(card)?
            .ok_or_else(|| LedgerError::UnknownCard(card.to_string()))?;
        let now = l.terminal().now();
        let (balance, standing) = l.balance_and_standing(card, now)?;
        let visiting = standing.visiting().map(str::to_owned);
        Ok(KpmView {
            card: kpm.card,
            name: kpm.name,
            desa: kpm.desa,
            nik: kpm.nik.map(|n| n.to_string()),
            balance,
            visiting,
        })
    }

    fn save(
        &mut self,
        card: &CardNumber,
        pin: &Pin,
        lines: &[LineInput],
        override_reason: Option<&str>,
    ) -> Result<Box<SavedSale>, SaveFailure> {
        let plain = |failure: Failure| SaveFailure {
            failure,
            pin: false,
        };
        let operator = self.operator().map_err(plain)?;
        let l = self.ledger().map_err(plain)?;
        let now = l.terminal().now();
        // Check the basket first, so a KPM is not asked for a PIN (and does not spend a try)
        // for a sale that would be refused anyway.
        l.check_sale(card, lines, override_reason, now)
            .map_err(|e| plain(e.into()))?;
        let presence = l.verify_kpm_pin(card, pin, now).map_err(|e| SaveFailure {
            pin: matches!(
                e,
                LedgerError::PinWrong { .. }
                    | LedgerError::PinLocked { .. }
                    | LedgerError::PinLockedNow { .. }
            ),
            failure: e.into(),
        })?;
        l.record_sale(&presence, &operator, lines, override_reason, now)
            .map(Box::new)
            .map_err(|e| plain(e.into()))
    }
}
