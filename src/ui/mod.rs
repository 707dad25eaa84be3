//! The counter GUI (egui/eframe): what the shopkeeper sees all day.
//!
//! The UI only draws and sends [`Command`]s; the worker in [`crate::app`] owns the ledger and
//! answers with [`Event`]s. Every string comes from the translation table.

mod sale;
mod screens;
pub mod widgets;

use ewarong_core::key;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use egui::{Key, Modifiers, RichText, Ui};
use zeroize::Zeroizing;

use crate::app::prefs::{Prefs, Theme};
use crate::app::{Backend, Command, Event, Failure, StatusInfo, TerminalView};
use ewarong_core::domain::Pin;
use ewarong_core::hub_auth::HubPin;
use ewarong_core::i18n::{Lang, Localize, TextKey, tr, tr_runtime, trf};
use ewarong_keys::Passphrase;
use ewarong_ledger::{Operator, Role};
use widgets::{TARGET, action, error_color, field, pin_field, primary, submitted};

pub use sale::SaleState;
use screens::{AuditState, ComplaintState, DayState, HistoryState};

/// Where the app is in its life.
#[derive(Debug)]
enum Phase {
    /// Waiting for the worker to open the ledger.
    Starting,
    /// No ledger yet: "Mode demo" or "Aktivasi".
    Setup {
        busy: bool,
        activation: Option<ActivationForm>,
    },
    /// The key file needs its passphrase.
    Passphrase {
        text: Zeroizing<String>,
        busy: bool,
    },
    Failed(Failure),
    Login,
    Main,
}

/// The screens behind the top bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Sale,
    History,
    Complaints,
    DayClose,
    Audit,
    Settings,
}

impl Screen {
    /// (screen, translation key, shortcut, supervisor only)
    const NAV: [(Self, TextKey, Key, &'static str, bool); 6] = [
        (Self::Sale, key!("ui.nav.sale"), Key::F1, "F1", false),
        (Self::History, key!("ui.nav.history"), Key::F2, "F2", false),
        (
            Self::Complaints,
            key!("ui.nav.complaints"),
            Key::F3,
            "F3",
            false,
        ),
        (
            Self::DayClose,
            key!("ui.nav.day_close"),
            Key::F4,
            "F4",
            false,
        ),
        (Self::Audit, key!("ui.nav.audit"), Key::F7, "F7", true),
        (
            Self::Settings,
            key!("ui.nav.settings"),
            Key::F8,
            "F8",
            false,
        ),
    ];
}

/// Activation of a real shop on first start: the hub, this terminal's id, the one-time code,
/// the time zone, and the first supervisor's PIN.
#[derive(Debug)]
struct ActivationForm {
    hub: String,
    terminal_id: String,
    code: String,
    hub_key: String,
    zone: &'static str,
    pin: Zeroizing<String>,
    pin_again: Zeroizing<String>,
    error: Option<String>,
    failure: Option<Failure>,
    /// Put the cursor in the first field when the form opens.
    focus: bool,
}

impl Default for ActivationForm {
    fn default() -> Self {
        Self {
            hub: String::new(),
            terminal_id: String::new(),
            code: String::new(),
            hub_key: String::new(),
            zone: "WITA",
            pin: Zeroizing::default(),
            pin_again: Zeroizing::default(),
            error: None,
            failure: None,
            focus: true,
        }
    }
}

impl ActivationForm {
    /// The command, or the first problem with the form in words (field and rule).
    fn command(&self, lang: Lang) -> Result<Command, String> {
        let field = |key: TextKey, rule: TextKey| {
            trf(
                lang,
                key!("ui.activate.field"),
                &[("field", &tr(lang, key)), ("rule", &tr(lang, rule))],
            )
        };
        if self.hub.trim().is_empty() {
            return Err(field(key!("ui.hub.url"), key!("rule.required")));
        }
        if !ewarong_core::domain::policy::is_slug(self.terminal_id.trim()) {
            return Err(field(
                key!("ui.activate.terminal_id"),
                key!("ui.activate.rule_id"),
            ));
        }
        if self.code.trim().is_empty() {
            return Err(field(key!("ui.hub.code"), key!("rule.required")));
        }
        let hub_pin = hub_pin(lang, &self.hub_key)?;
        let pin = Pin::new(&self.pin).map_err(|e| {
            trf(
                lang,
                key!("ui.activate.field"),
                &[
                    ("field", &tr(lang, key!("ui.activate.pin"))),
                    ("rule", &e.localize(lang)),
                ],
            )
        })?;
        if *self.pin != *self.pin_again {
            return Err(field(
                key!("ui.activate.pin_again"),
                key!("ui.activate.rule_same"),
            ));
        }
        let zone = ewarong_core::domain::parse_timezone(self.zone)
            .ok_or_else(|| field(key!("ui.settings.zone"), key!("rule.required")))?;
        Ok(Command::Activate {
            hub: self.hub.trim().to_owned(),
            terminal_id: self.terminal_id.trim().to_owned(),
            code: self.code.trim().to_owned(),
            hub_pin,
            zone,
            supervisor_pin: pin,
        })
    }
}

/// The hub fingerprint typed from the enrolment sheet, or the problem in words (field, rule).
pub(crate) fn hub_pin(lang: Lang, typed: &str) -> Result<HubPin, String> {
    HubPin::fingerprint("hub_key", typed).map_err(|_| {
        let rule = if typed.trim().is_empty() {
            tr(lang, key!("rule.required")).to_owned()
        } else {
            tr(lang, key!("ui.hub.rule_key")).to_owned()
        };
        trf(
            lang,
            key!("ui.activate.field"),
            &[("field", &tr(lang, key!("ui.hub.key"))), ("rule", &rule)],
        )
    })
}

#[derive(Debug, Default)]
struct LoginForm {
    name: String,
    pin: Zeroizing<String>,
    error: Option<Failure>,
    busy: bool,
}

/// A one-line message at the top of the main area.
#[derive(Debug, Clone)]
enum Banner {
    Info(String),
    Error(Failure),
}

/// The whole app's state. The ledger is not here: only what the screens show.
pub struct EwarongApp {
    backend: Backend,
    ctx: Arc<OnceLock<egui::Context>>,
    prefs: Prefs,
    styled_for: Option<(Theme, bool)>,
    phase: Phase,
    terminal: Option<Box<TerminalView>>,
    operator: Option<Operator>,
    status: StatusInfo,
    screen: Screen,
    login: LoginForm,
    focus_login: bool,
    pub(crate) sale: SaleState,
    history: HistoryState,
    day: DayState,
    complaint: ComplaintState,
    audit: AuditState,
    banner: Option<Banner>,
    /// The KPM last served, to prefill a complaint.
    last_card: Option<String>,
    /// When the process started, until the first frame is logged.
    started: Option<std::time::Instant>,
    /// The previous frame's own `ui` time and input event count, for the frame trace.
    last_ui_ms: f64,
    last_events: usize,
    last_atlas: f32,
    /// What the sync worker last reported.
    sync: crate::app::sync_worker::SyncView,
    hub_form: screens::HubForm,
}

impl std::fmt::Debug for EwarongApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EwarongApp")
            .field("phase", &self.phase)
            .field("screen", &self.screen)
            .finish_non_exhaustive()
    }
}

impl EwarongApp {
    /// Starts the worker on `data_dir`. The app repaints when the worker has news.
    pub fn new(data_dir: PathBuf) -> Self {
        let ctx: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        let wake_ctx = Arc::clone(&ctx);
        let backend = Backend::start(data_dir, move || {
            if let Some(c) = wake_ctx.get() {
                c.request_repaint();
            }
        });
        Self {
            backend,
            ctx,
            prefs: Prefs::default(),
            styled_for: None,
            phase: Phase::Starting,
            terminal: None,
            operator: None,
            status: StatusInfo::default(),
            screen: Screen::Sale,
            login: LoginForm::default(),
            focus_login: true,
            sale: SaleState::default(),
            history: HistoryState::default(),
            day: DayState::default(),
            complaint: ComplaintState::default(),
            audit: AuditState::default(),
            banner: None,
            last_card: None,
            started: None,
            last_ui_ms: 0.0,
            last_events: 0,
            last_atlas: 0.0,
            sync: crate::app::sync_worker::SyncView::default(),
            hub_form: screens::HubForm::default(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.prefs.lang
    }

    fn send(&self, c: Command) {
        if !self.backend.send(c) {
            tracing::error!("the ledger worker has stopped");
        }
    }

    fn is_supervisor(&self) -> bool {
        self.operator
            .as_ref()
            .is_some_and(|o| o.role() == Role::Supervisor)
    }

    /// Applies what the worker sent since the last frame.
    fn drain_events(&mut self) {
        while let Some(event) = self.backend.try_recv() {
            self.on_event(event);
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::NeedsSetup => {
                self.phase = Phase::Setup {
                    busy: false,
                    activation: None,
                }
            }
            Event::NeedsPassphrase => {
                self.phase = Phase::Passphrase {
                    text: Zeroizing::default(),
                    busy: false,
                }
            }
            Event::SetupFailed(f) => self.phase = Phase::Failed(f),
            Event::Ready(view) => {
                self.audit.path = view.ledger_path.display().to_string();
                self.terminal = Some(view);
                self.phase = Phase::Login;
                self.focus_login = true;
            }
            Event::Prefs(p) => self.prefs = p,
            Event::LoggedIn(op) => {
                self.login = LoginForm::default();
                self.operator = Some(op);
                self.phase = Phase::Main;
                self.screen = Screen::Sale;
                self.sale.focus = Some(sale::Focus::Card);
            }
            Event::LoginFailed(f) => {
                self.login.busy = false;
                self.login.pin = Zeroizing::default();
                self.login.error = Some(f);
                self.focus_login = true;
            }
            Event::Kpm(r) => {
                if let Ok(k) = &r {
                    self.last_card = Some(k.card.to_string());
                }
                self.sale.on_kpm(r);
            }
            Event::Saved(r) => self.sale.on_saved(r),
            Event::History(r) => self.history.on_rows(r),
            Event::Receipt(r) => match r {
                Ok(receipt) => self.sale.show_receipt(receipt, true),
                Err(f) => self.banner = Some(Banner::Error(f)),
            },
            Event::Voided(r) => {
                let reload = r.is_ok();
                self.history.on_voided(r, self.lang());
                if reload {
                    self.send(Command::History(self.history.filter()));
                }
            }
            Event::Report { report, closed } => self.day.on_report(report, closed),
            Event::ActivationFailed(f) => {
                if let Phase::Setup { busy, activation } = &mut self.phase {
                    *busy = false;
                    if let Some(form) = activation {
                        form.failure = Some(f);
                    }
                }
            }
            Event::Sync(view) => {
                if !view.updates.is_empty() {
                    self.send(Command::Refresh);
                }
                // The sync thread seals and acknowledges on its own connection: recount.
                self.send(Command::Status);
                self.sync = view;
            }
            Event::Refreshed(view) => self.terminal = Some(view),
            Event::Enrolled(r) => self.hub_form.on_enrolled(r),
            Event::ComplaintSaved(r) => {
                let ok = r.is_ok();
                self.complaint.on_saved(r, self.lang());
                if ok {
                    self.send(Command::History(ewarong_ledger::HistoryFilter::default()));
                }
            }
            Event::Printed(r) => {
                self.banner = Some(match r {
                    Ok(path) => Banner::Info(trf(
                        self.lang(),
                        key!("ui.printed"),
                        &[("path", &path.display())],
                    )),
                    Err(f) => Banner::Error(f),
                });
            }
            Event::Audited(r) => self.audit.on_report(r),
            Event::AuditCopied(r) => self.audit.on_copy(r),
            Event::Status(s) => self.status = s,
        }
    }

    /// Fonts big enough to read at arm's length on a 1366×768 screen, and 44 px targets.
    fn style(&mut self, ctx: &egui::Context) {
        let want = (self.prefs.theme, true);
        if self.styled_for == Some(want) {
            return;
        }
        self.styled_for = Some(want);
        ctx.set_theme(match self.prefs.theme {
            Theme::Light => egui::Theme::Light,
            Theme::Dark => egui::Theme::Dark,
        });
        ctx.all_styles_mut(|style| {
            use egui::{FontFamily, FontId, TextStyle};
            style.text_styles = [
                (
                    TextStyle::Heading,
                    FontId::new(24.0, FontFamily::Proportional),
                ),
                (TextStyle::Body, FontId::new(17.0, FontFamily::Proportional)),
                (
                    TextStyle::Button,
                    FontId::new(17.0, FontFamily::Proportional),
                ),
                (
                    TextStyle::Small,
                    FontId::new(14.0, FontFamily::Proportional),
                ),
                (
                    TextStyle::Monospace,
                    FontId::new(15.0, FontFamily::Monospace),
                ),
            ]
            .into();
            style.spacing.interact_size.y = TARGET;
            style.spacing.button_padding = egui::vec2(12.0, 8.0);
            style.spacing.item_spacing = egui::vec2(10.0, 8.0);
            // A blinking cursor repaints twice a second for ever: on a software-rendered old
            // laptop that alone is ~8% CPU while idle (docs/performance.md). A steady one costs 0.
            style.visuals.text_cursor.blink = false;
        });
        warm_glyphs(ctx);
    }

    /// Global shortcuts: the F-keys of the top bar and logout.
    fn shortcuts(&mut self, ui: &mut Ui) {
        if !matches!(self.phase, Phase::Main) || self.sale.receipt.is_some() {
            return;
        }
        for (screen, _, key, _, supervisor_only) in Screen::NAV {
            if (!supervisor_only || self.is_supervisor())
                && ui.input_mut(|i| i.consume_key(Modifiers::NONE, key))
            {
                self.go(screen);
            }
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F10)) {
            self.logout();
        }
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.banner = None;
        match screen {
            Screen::Sale => self.sale.focus = Some(sale::Focus::Card),
            Screen::History => {
                self.history.ensure_day(self.terminal.as_deref());
                self.send(Command::History(self.history.filter()));
            }
            Screen::Complaints => {
                self.complaint.prefill(self.last_card.as_deref());
                self.send(Command::History(ewarong_ledger::HistoryFilter::default()));
            }
            Screen::DayClose => self.send(Command::XReport),
            Screen::Audit | Screen::Settings => {}
        }
    }

    fn logout(&mut self) {
        self.send(Command::Logout);
        self.operator = None;
        self.sale = SaleState::default();
        self.phase = Phase::Login;
        self.focus_login = true;
    }

    /// Draws one frame. The eframe app and the tests both call this.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let _ = self.ctx.set(ctx.clone());
        self.drain_events();
        self.style(&ctx);
        self.shortcuts(ui);
        let lang = self.lang();
        if matches!(self.phase, Phase::Main) {
            self.top_bar(ui);
        }
        self.status_bar(ui);
        egui::CentralPanel::default().show(ui, |ui| match &mut self.phase {
            Phase::Starting => {
                ui.centered_and_justified(|ui| ui.label(tr(lang, key!("ui.starting"))));
            }
            Phase::Failed(f) => {
                let text = f.localize(lang);
                ui.vertical_centered(|ui| {
                    ui.add_space(120.0);
                    ui.heading(tr(lang, key!("ui.failed")));
                    ui.label(RichText::new(text).color(error_color(ui)));
                });
            }
            Phase::Setup { .. } => self.setup(ui),
            Phase::Passphrase { .. } => self.passphrase(ui),
            Phase::Login => self.login_screen(ui),
            Phase::Main => {
                if let Some(b) = &self.banner {
                    match b {
                        Banner::Info(t) => {
                            ui.label(RichText::new(t).color(widgets::ok_color(ui)).strong());
                        }
                        Banner::Error(f) => {
                            ui.label(
                                RichText::new(f.localize(lang))
                                    .color(error_color(ui))
                                    .strong(),
                            );
                        }
                    }
                }
                if self.screen == Screen::Sale {
                    self.main_screen(ui);
                } else {
                    // Every other screen scrolls as a whole, so nothing hides under the status bar.
                    egui::ScrollArea::vertical()
                        .id_salt(("screen", self.screen as u8))
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.main_screen(ui));
                }
            }
        });
        // The clock in the status bar shows minutes: wake up for the next one, not before.
        let secs = chrono::Utc::now().timestamp().rem_euclid(60);
        ctx.request_repaint_after(std::time::Duration::from_secs(
            u64::try_from(60_i64.saturating_sub(secs)).unwrap_or(60),
        ));
    }

    fn main_screen(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let Some(terminal) = self.terminal.as_deref() else {
            return;
        };
        let supervisor = self.is_supervisor();
        match self.screen {
            Screen::Sale => {
                let commands = self.sale.show(ui, lang, terminal, &self.prefs);
                for c in commands {
                    self.send(c);
                }
            }
            Screen::History => {
                for c in self.history.show(ui, lang, terminal) {
                    self.send(c);
                }
            }
            Screen::Complaints => {
                for c in self
                    .complaint
                    .show(ui, lang, supervisor, &self.history.rows)
                {
                    self.send(c);
                }
            }
            Screen::DayClose => {
                for c in self.day.show(ui, lang, terminal, &self.prefs) {
                    self.send(c);
                }
            }
            Screen::Audit => {
                if supervisor {
                    for c in self.audit.show(ui, lang) {
                        self.send(c);
                    }
                }
            }
            Screen::Settings => {
                let before = self.prefs.clone();
                // Two columns, so the hub section fits beside the rest at 1366×768.
                let mut hub_command = None;
                ui.columns(2, |cols| {
                    screens::settings(&mut cols[0], lang, terminal, &mut self.prefs, supervisor);
                    cols[1].add_space(34.0);
                    hub_command = self
                        .hub_form
                        .show(&mut cols[1], lang, &self.sync, supervisor);
                });
                if self.prefs != before {
                    self.styled_for = None;
                    self.send(Command::SavePrefs(self.prefs.clone()));
                }
                if let Some(c) = hub_command {
                    self.send(c);
                }
            }
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let supervisor = self.is_supervisor();
        let mut go = None;
        let mut logout = false;
        egui::Panel::top("nav").show(ui, |ui| {
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(tr(lang, key!("ui.title"))).heading().strong());
                ui.add_space(8.0);
                for (screen, key, _, fkey, supervisor_only) in Screen::NAV {
                    if supervisor_only && !supervisor {
                        continue;
                    }
                    let text = format!("{} [{fkey}]", tr(lang, key));
                    let b = egui::Button::selectable(self.screen == screen, RichText::new(text))
                        .min_size(egui::vec2(TARGET, TARGET));
                    if ui.add(b).clicked() {
                        go = Some(screen);
                    }
                }
                if action(ui, true, tr(lang, key!("ui.logout")), "F10").clicked() {
                    logout = true;
                }
            });
            ui.add_space(4.0);
        });
        if let Some(s) = go {
            self.go(s);
        }
        if logout {
            self.logout();
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.style_mut().override_text_style = Some(egui::TextStyle::Small);
                let Some(t) = self.terminal.as_deref() else {
                    ui.label(tr(lang, key!("ui.title")));
                    return;
                };
                ui.label(trf(
                    lang,
                    key!("ui.status.terminal"),
                    &[("id", &t.terminal_id)],
                ));
                ui.separator();
                match &self.operator {
                    Some(op) => ui.label(trf(
                        lang,
                        key!("ui.status.operator"),
                        &[
                            ("name", &op.name()),
                            (
                                "role",
                                &tr_runtime(lang, &format!("role.{}", op.role().as_str())),
                            ),
                        ],
                    )),
                    None => ui.label(tr(lang, key!("ui.status.no_operator"))),
                };
                ui.separator();
                let now = chrono::Utc::now().with_timezone(&t.utc_offset);
                ui.label(format!(
                    "{} {}",
                    now.format("%d-%m-%Y %H:%M"),
                    ewarong_ledger::zone_name(t.utc_offset)
                ));
                ui.separator();
                sync_status(ui, lang, &self.sync);
                ui.separator();
                ui.label(trf(
                    lang,
                    key!("ui.status.pending"),
                    &[
                        ("batches", &self.status.pending_batches),
                        ("entries", &self.status.unsealed_entries),
                    ],
                ));
                ui.separator();
                match self.status.free_bytes {
                    Some(free) => {
                        let text = trf(
                            lang,
                            key!("ui.status.disk"),
                            &[("free", &human_bytes(free))],
                        );
                        if free < LOW_DISK {
                            ui.label(
                                RichText::new(format!(
                                    "{text} {}",
                                    tr(lang, key!("ui.status.disk_low"))
                                ))
                                .color(error_color(ui))
                                .strong(),
                            );
                        } else {
                            ui.label(text);
                        }
                    }
                    None => {
                        ui.label(tr(lang, key!("ui.status.disk_unknown")));
                    }
                }
            });
        });
    }

    fn setup(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let Phase::Setup { busy, activation } = &mut self.phase else {
            return;
        };
        let mut send = None;
        ui.vertical_centered(|ui| {
            ui.add_space(60.0);
            ui.heading(tr(lang, key!("ui.setup.title")));
            ui.label(tr(lang, key!("ui.setup.intro")));
            ui.add_space(24.0);
            if *busy {
                ui.spinner();
                let key = if activation.is_some() {
                    key!("ui.activate.busy")
                } else {
                    key!("ui.setup.creating")
                };
                ui.label(tr(lang, key));
                return;
            }
            if let Some(form) = activation {
                if let Some(c) = activation_form(ui, lang, form) {
                    send = Some(c);
                }
                if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
                    *activation = None;
                    self.focus_login = true;
                }
                return;
            }
            let demo = primary(ui, true, tr(lang, key!("ui.setup.demo")), "Enter");
            if self.focus_login {
                demo.request_focus();
                self.focus_login = false;
            }
            ui.label(tr(lang, key!("ui.setup.demo_hint")));
            ui.add_space(16.0);
            if action(ui, true, tr(lang, key!("ui.setup.activate")), "F9").clicked()
                || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F9))
            {
                *activation = Some(ActivationForm::default());
                return;
            }
            ui.label(tr(lang, key!("ui.setup.activate_hint")));
            if demo.clicked() || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
                send = Some(Command::CreateDemo);
            }
        });
        if let Some(c) = send {
            *busy = true;
            self.send(c);
            self.focus_login = true;
        }
    }

    fn passphrase(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let Phase::Passphrase { text, busy } = &mut self.phase else {
            return;
        };
        let mut unlock = None;
        ui.vertical_centered(|ui| {
            ui.add_space(120.0);
            ui.heading(tr(lang, key!("ui.unlock.title")));
            let r = pin_field(ui, tr(lang, key!("ui.unlock.passphrase")), text, 320.0);
            if !*busy {
                r.request_focus();
            }
            let go = action(ui, !*busy, tr(lang, key!("ui.unlock.open")), "Enter").clicked()
                || submitted(ui, &r);
            if go && let Ok(p) = Passphrase::new(text) {
                unlock = Some(p);
            }
        });
        if let Some(p) = unlock {
            *busy = true;
            *text = Zeroizing::default();
            self.send(Command::Unlock(p));
        }
    }

    fn login_screen(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let mut submit = false;
        ui.vertical_centered(|ui| {
            ui.add_space(90.0);
            ui.heading(tr(lang, key!("ui.login.title")));
            if let Some(t) = &self.terminal {
                ui.label(trf(
                    lang,
                    key!("ui.status.terminal"),
                    &[("id", &t.terminal_id)],
                ));
            }
            ui.add_space(12.0);
            ui.allocate_ui(egui::vec2(340.0, 300.0), |ui| {
                let name = field(
                    ui,
                    tr(lang, key!("ui.login.name")),
                    &mut self.login.name,
                    320.0,
                );
                let pin = pin_field(
                    ui,
                    tr(lang, key!("ui.login.pin")),
                    &mut self.login.pin,
                    320.0,
                );
                if self.focus_login {
                    if self.login.name.is_empty() {
                        name.request_focus();
                    } else {
                        pin.request_focus();
                    }
                    self.focus_login = false;
                }
                if submitted(ui, &name) {
                    pin.request_focus();
                }
                ui.add_space(8.0);
                let enabled = !self.login.busy
                    && !self.login.name.trim().is_empty()
                    && !self.login.pin.is_empty();
                if primary(ui, enabled, tr(lang, key!("ui.login.submit")), "Enter").clicked()
                    || (submitted(ui, &pin) && enabled)
                {
                    submit = true;
                }
                if self.login.busy {
                    ui.spinner();
                }
                if let Some(e) = &self.login.error {
                    ui.label(
                        RichText::new(e.localize(lang))
                            .color(error_color(ui))
                            .strong(),
                    );
                }
                ui.label(RichText::new(tr(lang, key!("ui.login.demo_hint"))).small());
            });
        });
        if submit {
            match Pin::new(&self.login.pin) {
                Ok(pin) => {
                    self.login.busy = true;
                    self.login.error = None;
                    self.send(Command::Login {
                        name: self.login.name.trim().to_owned(),
                        pin,
                    });
                }
                Err(e) => {
                    self.login.error = Some(Failure::new(FieldFailure {
                        field: key!("ui.login.pin"),
                        error: e,
                    }));
                }
            }
        }
    }
}

/// Rasterizes every glyph the UI can show, at every text size, while the first frame is drawn.
/// Otherwise the first time a message appears (an over-balance refusal, say) its new glyphs
/// grow the font atlas and the frame uploads it again: with software GL that frame took
/// 20-30 ms (docs/performance.md).
fn warm_glyphs(ctx: &egui::Context) {
    let mut chars: std::collections::BTreeSet<char> = (' '..='~').collect();
    for (_, id, en) in ewarong_core::i18n::TABLE {
        chars.extend(id.chars());
        chars.extend(en.chars());
    }
    chars.extend(['•', '·', '–', '×']);
    let text: String = chars.into_iter().collect();
    let sizes: Vec<egui::FontId> = ctx.global_style().text_styles.values().cloned().collect();
    ctx.fonts_mut(|fonts| {
        for font in sizes {
            let _ = fonts.layout_no_wrap(text.clone(), font, egui::Color32::WHITE);
        }
    });
}

/// Below this much free disk the status bar warns (a year of sales is tens of MB).
const LOW_DISK: u64 = 500 * 1024 * 1024;

/// `52,3 GB` style, decimal units as shops see them on a stick's label.
/// A wait in words: seconds under two minutes, whole minutes above.
fn duration_words(lang: Lang, d: std::time::Duration) -> String {
    let s = d.as_secs().max(1);
    if s < 120 {
        trf(lang, key!("ui.status.seconds"), &[("n", &s)])
    } else {
        trf(lang, key!("ui.status.minutes"), &[("n", &s.div_ceil(60))])
    }
}

fn human_bytes(b: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // display only
    let f = b as f64;
    let (v, unit) = if f >= 1e9 {
        (f / 1e9, "GB")
    } else if f >= 1e6 {
        (f / 1e6, "MB")
    } else {
        (f / 1e3, "kB")
    };
    format!("{v:.1} {unit}").replace('.', ",")
}

/// A refused field: its translated name and the rule.
#[derive(Debug)]
pub(crate) struct FieldFailure<E> {
    pub field: TextKey,
    pub error: E,
}

impl<E: Localize> Localize for FieldFailure<E> {
    fn localize(&self, lang: Lang) -> String {
        trf(
            lang,
            key!("cli.field"),
            &[
                ("field", &tr(lang, self.field)),
                ("detail", &self.error.localize(lang)),
            ],
        )
    }
}

impl eframe::App for EwarongApp {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        if let Some(started) = self.started.take() {
            tracing::info!(
                elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
                "first frame"
            );
        }
        // The previous frame's CPU time (egui, tessellation, paint calls) beside the time this
        // app's own `ui` took in it, so a slow frame shows whether the app or the renderer was
        // slow: for docs/performance.md, with EWARONG_LOG=ewarong::frame=trace. Nothing of
        // this is measured unless that trace is on.
        if !tracing::enabled!(target: "ewarong::frame", tracing::Level::TRACE) {
            self.show(ui);
            return;
        }
        if let Some(cpu) = frame.info().cpu_usage {
            tracing::trace!(
                target: "ewarong::frame",
                cpu_ms = f64::from(cpu) * 1000.0,
                ui_ms = self.last_ui_ms,
                events = self.last_events,
                atlas = self.last_atlas,
                "frame"
            );
        }
        let started = std::time::Instant::now();
        self.last_events = ui.input(|i| i.events.len());
        self.show(ui);
        self.last_ui_ms = started.elapsed().as_secs_f64() * 1000.0;
        // A change here between frames means new glyphs went up to the GPU in that frame.
        self.last_atlas = ui.ctx().fonts(|f| f.font_atlas_fill_ratio());
    }
}

/// Which renderer draws the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Renderer {
    // OpenGL through glow: lighter on old laptops and on software rendering (the default, but
    // on Windows). Plain comments, not doc comments: clap would show those, untranslated, in
    // `--help`; the words are `help.renderer` in the table.
    #[cfg_attr(not(windows), default)]
    Glow,
    // wgpu (Vulkan/GL; DirectX 12 on Windows). The default on Windows: a laptop with no GPU
    // driver has only OpenGL 1.1 there, too old for glow, but DirectX 12 has its software
    // rasterizer (WARP), which wgpu takes when no other adapter is found.
    #[cfg_attr(windows, default)]
    Wgpu,
}

/// The window's icon: the shipped 64 px PNG, built in. If it ever failed to decode, the window
/// would just have the system's default icon.
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/ewarong-64.png"))
        .unwrap_or_default()
}

/// Opens the window and runs the counter until it is closed.
pub fn run(
    data_dir: PathBuf,
    renderer: Renderer,
    started: std::time::Instant,
) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer: match renderer {
            Renderer::Glow => eframe::Renderer::Glow,
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        },
        viewport: egui::ViewportBuilder::default()
            .with_title("e-Warong")
            .with_app_id("id.ewarong.ewarong")
            .with_icon(window_icon())
            .with_inner_size([1366.0, 768.0])
            .with_min_inner_size([1024.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "ewarong",
        options,
        Box::new(move |cc| {
            tracing::info!(elapsed_ms = started.elapsed().as_millis(), "window created");
            let mut app = EwarongApp::new(data_dir);
            app.started = Some(started);
            let _ = app.ctx.set(cc.egui_ctx.clone());
            Ok(Box::new(app))
        }),
    )
}

/// The sync part of the status bar: hub reachable or not, last sync, the last error in words.
fn sync_status(ui: &mut Ui, lang: Lang, v: &crate::app::sync_worker::SyncView) {
    if v.hub.is_none() {
        ui.label(tr(lang, key!("ui.status.not_enrolled")));
        return;
    }
    match v.online {
        Some(true) => ui.label(
            RichText::new(tr(lang, key!("ui.status.online")))
                .color(egui::Color32::from_rgb(0x2e, 0x8b, 0x57))
                .strong(),
        ),
        Some(false) => ui.label(RichText::new(tr(lang, key!("ui.status.offline"))).strong()),
        None => ui.label(tr(lang, key!("ui.status.sync_waiting"))),
    };
    if let Some(t) = &v.last_sync {
        ui.label(trf(lang, key!("ui.status.last_sync"), &[("time", t)]));
    }
    if let Some((bytes, time)) = v.left {
        ui.label(trf(
            lang,
            key!("ui.status.left"),
            &[
                ("size", &human_bytes(bytes)),
                ("time", &duration_words(lang, time)),
            ],
        ));
    }
    if let Some(w) = crate::sync_client::clock_warning(lang, v.clock_skew_seconds) {
        ui.label(RichText::new(w).color(error_color(ui)));
    }
    if let Some(e) = &v.last_error {
        let text: String = e.localize(lang).chars().take(90).collect();
        ui.label(RichText::new(text).color(error_color(ui)))
            .on_hover_text(e.localize(lang));
    }
}

/// The activation form; returns the command when it is complete and the user asked for it.
fn activation_form(ui: &mut Ui, lang: Lang, form: &mut ActivationForm) -> Option<Command> {
    ui.label(RichText::new(tr(lang, key!("ui.activate.title"))).strong());
    ui.label(tr(lang, key!("ui.activate.intro")));
    ui.add_space(8.0);
    let mut submit = false;
    // The form is about 560 points wide: centre it under the heading.
    ui.horizontal(|ui| {
        ui.add_space(((ui.available_width() - 560.0) / 2.0).max(0.0));
        egui::Grid::new("activate")
            .num_columns(2)
            .spacing([16.0, 8.0])
            .show(ui, |ui| {
                let r = field(ui, tr(lang, key!("ui.hub.url")), &mut form.hub, 320.0);
                if form.focus {
                    r.request_focus();
                    form.focus = false;
                }
                submit |= submitted(ui, &r);
                let r = field(ui, tr(lang, key!("ui.hub.key")), &mut form.hub_key, 220.0);
                submit |= submitted(ui, &r);
                ui.end_row();
                let r = field(
                    ui,
                    tr(lang, key!("ui.activate.terminal_id")),
                    &mut form.terminal_id,
                    200.0,
                );
                submit |= submitted(ui, &r);
                let r = field(ui, tr(lang, key!("ui.hub.code")), &mut form.code, 200.0);
                submit |= submitted(ui, &r);
                ui.end_row();
                ui.vertical(|ui| {
                    ui.label(tr(lang, key!("ui.settings.zone")));
                    ui.horizontal(|ui| {
                        for z in ["WIB", "WITA", "WIT"] {
                            ui.selectable_value(&mut form.zone, z, z);
                        }
                    });
                });
                ui.end_row();
                let r = pin_field(ui, tr(lang, key!("ui.activate.pin")), &mut form.pin, 200.0);
                submit |= submitted(ui, &r);
                let r = pin_field(
                    ui,
                    tr(lang, key!("ui.activate.pin_again")),
                    &mut form.pin_again,
                    200.0,
                );
                submit |= submitted(ui, &r);
                ui.end_row();
            });
    });
    ui.add_space(8.0);
    let clicked = primary(ui, true, tr(lang, key!("ui.activate.go")), "Enter").clicked();
    ui.label(RichText::new(tr(lang, key!("ui.activate.back"))).italics());
    if let Some(e) = &form.error {
        ui.label(RichText::new(e).color(error_color(ui)));
    }
    if let Some(f) = &form.failure {
        ui.label(RichText::new(f.localize(lang)).color(error_color(ui)));
    }
    if !(clicked || submit) {
        return None;
    }
    form.failure = None;
    match form.command(lang) {
        Ok(c) => {
            form.error = None;
            Some(c)
        }
        Err(e) => {
            form.error = Some(e);
            None
        }
    }
}
