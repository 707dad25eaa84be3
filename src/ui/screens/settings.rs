//! Pengaturan: language, theme, printer, the terminal's identity, and the hub (enrolment, sync now).

use egui::{RichText, Ui};
use ewarong_core::key;

use crate::app::prefs::{Paper, Prefs, Theme};
use crate::app::{Command, Failure, TerminalView};
use crate::ui::widgets::{action, error_color, field, row};
use ewarong_core::i18n::{Lang, Localize, tr, trf};

/// Pengaturan: language and theme for anyone; printer for the supervisor; the terminal's identity.
pub fn settings(ui: &mut Ui, lang: Lang, t: &TerminalView, prefs: &mut Prefs, supervisor: bool) {
    ui.heading(tr(lang, key!("ui.nav.settings")));
    egui::Grid::new("settings")
        .min_row_height(26.0)
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label(tr(lang, key!("ui.settings.language")));
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut prefs.lang,
                    Lang::Id,
                    tr(lang, key!("ui.settings.lang_id")),
                );
                ui.selectable_value(
                    &mut prefs.lang,
                    Lang::En,
                    tr(lang, key!("ui.settings.lang_en")),
                );
            });
            ui.end_row();
            ui.label(tr(lang, key!("ui.settings.theme")));
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut prefs.theme,
                    Theme::Light,
                    tr(lang, key!("ui.settings.light")),
                );
                ui.selectable_value(
                    &mut prefs.theme,
                    Theme::Dark,
                    tr(lang, key!("ui.settings.dark")),
                );
            });
            ui.end_row();
            ui.label(tr(lang, key!("ui.settings.paper")));
            ui.add_enabled_ui(supervisor, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut prefs.paper,
                        Paper::Mm58,
                        tr(lang, key!("ui.settings.paper58")),
                    );
                    ui.selectable_value(
                        &mut prefs.paper,
                        Paper::Mm80,
                        tr(lang, key!("ui.settings.paper80")),
                    );
                });
            });
            ui.end_row();
            let l = ui.label(tr(lang, key!("ui.settings.printer")));
            let mut printer = prefs.printer.display().to_string();
            let r = ui
                .add_enabled(
                    supervisor,
                    egui::TextEdit::singleline(&mut printer).desired_width(360.0),
                )
                .labelled_by(l.id);
            if r.changed() {
                prefs.printer = printer.into();
            }
            ui.end_row();
        });
    if !supervisor {
        ui.label(RichText::new(tr(lang, key!("ui.settings.supervisor_only"))).italics());
    }
    ui.separator();
    ui.label(RichText::new(tr(lang, key!("ui.settings.terminal"))).strong());
    egui::Grid::new("terminal")
        .min_row_height(26.0)
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            row(ui, lang, key!("rcpt.terminal"), t.terminal_id.clone());
            row(
                ui,
                lang,
                key!("ui.settings.zone"),
                ewarong_ledger::zone_name(t.utc_offset),
            );
            row(
                ui,
                lang,
                key!("ui.settings.fingerprint"),
                t.fingerprint.clone().unwrap_or_else(|| "-".into()),
            );
            ui.label(tr(lang, key!("ui.settings.public_key")));
            ui.label(RichText::new(t.public_key.clone().unwrap_or_else(|| "-".into())).monospace());
            ui.end_row();
            row(
                ui,
                lang,
                key!("ui.settings.ledger"),
                t.ledger_path.display().to_string(),
            );
            row(
                ui,
                lang,
                key!("ui.settings.versions"),
                format!(
                    "{} {} · {} {} · {} {}",
                    tr(lang, key!("ui.settings.policy")),
                    t.versions.policy,
                    tr(lang, key!("ui.settings.catalogue")),
                    t.versions.catalogue,
                    tr(lang, key!("ui.settings.roster")),
                    t.versions.roster
                ),
            );
            row(
                ui,
                lang,
                key!("ui.settings.kpm_count"),
                t.roster.len().to_string(),
            );
        });
}

/// The hub part of settings: where this terminal syncs, enrolment with a one-time code
/// (supervisor), and "sync now".
#[derive(Debug, Default)]
pub struct HubForm {
    pub hub: String,
    pub code: String,
    pub hub_key: String,
    /// Why an enrolled terminal moves to another hub (written into the ledger).
    pub reason: String,
    /// The supervisor opened "move to another hub".
    moving: bool,
    busy: bool,
    result: Option<Result<String, Failure>>,
    /// A field that does not pass its rule, in words.
    problem: Option<String>,
}

impl HubForm {
    pub fn on_enrolled(&mut self, r: Result<String, Failure>) {
        self.busy = false;
        if r.is_ok() {
            self.code.clear();
            self.reason.clear();
        }
        self.result = Some(r);
    }

    /// The sheet's fields (address, code, fingerprint), enabled for a supervisor.
    fn sheet_fields(&mut self, ui: &mut Ui, lang: Lang, supervisor: bool) {
        ui.add_enabled_ui(supervisor && !self.busy, |ui| {
            field(ui, tr(lang, key!("ui.hub.url")), &mut self.hub, 300.0);
            // The code and the fingerprint come together, from the enrolment sheet.
            ui.horizontal(|ui| {
                field(ui, tr(lang, key!("ui.hub.code")), &mut self.code, 180.0);
                field(ui, tr(lang, key!("ui.hub.key")), &mut self.hub_key, 220.0);
            });
        });
    }

    /// Whether the sheet is filled in and nothing is under way.
    fn sheet_ready(&self, supervisor: bool) -> bool {
        supervisor
            && !self.busy
            && !self.hub.trim().is_empty()
            && !self.code.trim().is_empty()
            && !self.hub_key.trim().is_empty()
    }

    /// Draws the section; returns a command when the user asked for one.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sync: &crate::app::sync_worker::SyncView,
        supervisor: bool,
    ) -> Option<Command> {
        let mut out = None;
        ui.label(RichText::new(tr(lang, key!("ui.hub.title"))).strong());
        match &sync.hub {
            Some(hub) => {
                ui.label(trf(lang, key!("ui.hub.enrolled"), &[("hub", hub)]));
                ui.label(trf(lang, key!("ui.hub.pending"), &[("n", &sync.pending)]));
                ui.horizontal(|ui| {
                    if action(ui, true, tr(lang, key!("ui.hub.sync_now")), "").clicked() {
                        out = Some(Command::SyncNow);
                    }
                });
                // Moving to another hub: the new hub's sheet, a reason, the supervisor's login.
                if supervisor {
                    ui.add_space(8.0);
                    ui.checkbox(&mut self.moving, tr(lang, key!("ui.hub.move")));
                }
                if supervisor && self.moving {
                    self.sheet_fields(ui, lang, supervisor);
                    ui.add_enabled_ui(!self.busy, |ui| {
                        field(ui, tr(lang, key!("ui.hub.reason")), &mut self.reason, 420.0);
                    });
                    let ready = self.sheet_ready(supervisor) && !self.reason.trim().is_empty();
                    ui.horizontal(|ui| {
                        if action(ui, ready, tr(lang, key!("ui.hub.move_do")), "").clicked() {
                            match crate::ui::hub_pin(lang, &self.hub_key) {
                                Ok(hub_pin) => {
                                    self.busy = true;
                                    self.result = None;
                                    self.problem = None;
                                    out = Some(Command::ChangeHub {
                                        hub: self.hub.trim().to_owned(),
                                        code: self.code.trim().to_owned(),
                                        hub_pin,
                                        reason: self.reason.trim().to_owned(),
                                    });
                                }
                                Err(problem) => self.problem = Some(problem),
                            }
                        }
                        if self.busy {
                            ui.spinner();
                        }
                    });
                }
            }
            None => {
                ui.label(tr(lang, key!("ui.hub.not_enrolled")));
                self.sheet_fields(ui, lang, supervisor);
                let ready = self.sheet_ready(supervisor);
                ui.horizontal(|ui| {
                    if action(ui, ready, tr(lang, key!("ui.hub.enrol")), "").clicked() {
                        match crate::ui::hub_pin(lang, &self.hub_key) {
                            Ok(hub_pin) => {
                                self.busy = true;
                                self.result = None;
                                self.problem = None;
                                out = Some(Command::Enrol {
                                    hub: self.hub.trim().to_owned(),
                                    code: self.code.trim().to_owned(),
                                    hub_pin,
                                });
                            }
                            Err(problem) => self.problem = Some(problem),
                        }
                    }
                    if self.busy {
                        ui.spinner();
                    } else if !supervisor {
                        ui.label(
                            RichText::new(tr(lang, key!("ui.settings.supervisor_only"))).italics(),
                        );
                    }
                });
            }
        }
        if let Some(p) = &self.problem {
            ui.label(RichText::new(p).color(error_color(ui)));
        }
        match &self.result {
            Some(Ok(fp)) => {
                let done = if self.moving {
                    key!("ui.hub.move_ok")
                } else {
                    key!("ui.hub.enrol_ok")
                };
                ui.label(trf(lang, done, &[("fingerprint", fp)]));
            }
            Some(Err(f)) => {
                ui.label(RichText::new(f.localize(lang)).color(error_color(ui)));
            }
            None => {}
        }
        out
    }
}
