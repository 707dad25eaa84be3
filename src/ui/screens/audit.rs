//! Audit: the supervisor opens a ledger file (a copy from a USB stick) and sees the findings.

use egui::{Key, Modifiers, RichText, ScrollArea, Ui};
use ewarong_core::key;

use crate::app::{Command, Failure};
use crate::ui::widgets::{error_color, field, ok_color, primary};
use ewarong_core::audit::AuditReport;
use ewarong_core::i18n::{Lang, Localize, tr, trf};

/// Audit: the supervisor opens a ledger file (a copy from a USB stick) and sees the findings.
#[derive(Debug, Default)]
pub struct AuditState {
    pub path: String,
    /// A terminal key or a trust file's path, as the supervisor brought it.
    pub trust: String,
    all_signatures: bool,
    running: bool,
    result: Option<Result<AuditReport, Failure>>,
    /// Where to write this terminal's audit copy (a USB stick, say).
    pub copy_to: String,
    copying: bool,
    copied: Option<Result<ewarong_ledger::AuditCopy, Failure>>,
}

impl AuditState {
    pub fn on_report(&mut self, r: Result<AuditReport, Failure>) {
        self.running = false;
        self.result = Some(r);
    }

    /// The audit copy was written: it becomes the file to check, so one key press audits it.
    pub fn on_copy(&mut self, r: Result<ewarong_ledger::AuditCopy, Failure>) {
        self.copying = false;
        if let Ok(c) = &r {
            self.path = c.path.display().to_string();
        }
        self.copied = Some(r);
    }

    /// Writing this terminal's audit copy: a path, a button, and what was written.
    fn show_copy(&mut self, ui: &mut Ui, lang: Lang, width: f32, out: &mut Vec<Command>) {
        ui.separator();
        ui.label(tr(lang, key!("ui.audit.copy_intro")));
        let f = field(
            ui,
            tr(lang, key!("ui.audit.copy_to")),
            &mut self.copy_to,
            width,
        );
        let go = crate::ui::widgets::action(
            ui,
            !self.copying && !self.copy_to.trim().is_empty(),
            tr(lang, key!("ui.audit.copy_run")),
            "",
        )
        .clicked()
            || (!self.copying && crate::ui::widgets::submitted(ui, &f));
        if go {
            self.copying = true;
            out.push(Command::AuditCopy(self.copy_to.trim().into()));
        }
        match &self.copied {
            None => {}
            Some(Ok(c)) => {
                ui.label(
                    RichText::new(trf(
                        lang,
                        key!("ui.audit.copy_done"),
                        &[
                            ("path", &c.path.display()),
                            ("entries", &c.entries),
                            ("removed", &c.verifiers_removed),
                        ],
                    ))
                    .color(ok_color(ui)),
                );
            }
            Some(Err(f)) => {
                ui.label(RichText::new(f.localize(lang)).color(error_color(ui)));
            }
        }
        ui.separator();
    }

    pub fn show(&mut self, ui: &mut Ui, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading(tr(lang, key!("ui.nav.audit")));
        let width = ui.available_width().min(900.0);
        self.show_copy(ui, lang, width, &mut out);
        ui.label(tr(lang, key!("ui.audit.intro")));
        let width = ui.available_width().min(900.0);
        let f = field(ui, tr(lang, key!("ui.audit.path")), &mut self.path, width);
        let k = field(ui, tr(lang, key!("ui.audit.trust")), &mut self.trust, width);
        ui.checkbox(
            &mut self.all_signatures,
            tr(lang, key!("ui.audit.all_signatures")),
        );
        let go = primary(ui, !self.running, tr(lang, key!("ui.audit.run")), "F12").clicked()
            || (!self.running && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
            || crate::ui::widgets::submitted(ui, &f)
            || crate::ui::widgets::submitted(ui, &k);
        if go {
            self.running = true;
            out.push(Command::Audit {
                path: self.path.trim().into(),
                all_signatures: self.all_signatures,
                trust: self.trust.clone(),
            });
        }
        if self.running {
            ui.spinner();
        }
        match &self.result {
            None => {}
            Some(Err(f)) => {
                ui.label(
                    RichText::new(trf(
                        lang,
                        key!("audit.unreadable"),
                        &[("detail", &f.localize(lang))],
                    ))
                    .color(error_color(ui))
                    .strong(),
                );
            }
            Some(Ok(r)) => {
                ui.label(r.trust_detail(lang));
                for line in r.program_lines(lang) {
                    ui.label(line);
                }
                let args: [(&str, &dyn std::fmt::Display); 6] = [
                    ("terminal", &r.terminal_id),
                    ("entries", &r.entries),
                    ("batches", &r.batches),
                    ("tail", &r.open_tail),
                    ("signatures", &r.signatures_checked),
                    ("count", &r.findings.len()),
                ];
                if r.findings.is_empty() {
                    let clean = r.verdict() == ewarong_core::audit::Verdict::Clean;
                    let (words, color) = if clean {
                        (key!("audit.clean"), ok_color(ui))
                    } else {
                        (key!("audit.integrity_only"), error_color(ui))
                    };
                    ui.label(RichText::new(trf(lang, words, &args)).color(color).strong());
                    if !clean {
                        ui.label(tr(lang, key!("audit.unverified")));
                    }
                } else {
                    ui.label(
                        RichText::new(trf(lang, key!("audit.found"), &args))
                            .color(error_color(ui))
                            .strong(),
                    );
                    ScrollArea::vertical().id_salt("findings").show(ui, |ui| {
                        egui::Grid::new("findings")
                            .min_row_height(26.0)
                            .num_columns(3)
                            .striped(true)
                            .show(ui, |ui| {
                                ui.label(RichText::new(tr(lang, key!("ui.audit.table"))).strong());
                                ui.label(RichText::new(tr(lang, key!("rcpt.seq"))).strong());
                                ui.label(RichText::new(tr(lang, key!("ui.audit.detail"))).strong());
                                ui.end_row();
                                for f in &r.findings {
                                    ui.label(&f.table);
                                    ui.label(f.seq.to_string());
                                    ui.label(f.detail(lang));
                                    ui.end_row();
                                }
                            });
                    });
                }
            }
        }
        out
    }
}
