//! The other screens: Riwayat (history and voids), Tutup hari, Pengaduan, Audit, Pengaturan.

use egui::{Key, Modifiers, RichText, ScrollArea, Ui};
use zeroize::Zeroizing;

use super::FieldFailure;
use super::widgets::{TARGET, action, error_color, field, ok_color, pin_field, primary, row};
use crate::app::prefs::{Paper, Prefs, Theme};
use crate::app::print::Document;
use crate::app::{Command, Failure, TerminalView};
use crate::audit::AuditReport;
use crate::domain::{CardNumber, Pin};
use crate::i18n::{Lang, Localize, tr, trf};
use crate::ledger::{ComplaintCategory, DayReport, HistoryFilter, HistoryRow, VoidReceipt};
use crate::receipt::{local_time_text, masked, money_or_dash, quantity_text};

fn kind_name(lang: Lang, kind: &str) -> String {
    tr(lang, &format!("kind.{kind}")).to_owned()
}

/// Riwayat: entries by KPM and date; reprint and void.
#[derive(Debug, Default)]
pub struct HistoryState {
    pub card: String,
    pub day: String,
    pub rows: Vec<HistoryRow>,
    error: Option<Failure>,
    selected: Option<u64>,
    voiding: bool,
    void_opened: bool,
    void_arrived: bool,
    void_reason: String,
    void_pin: Zeroizing<String>,
    void_result: Option<Result<String, Failure>>,
    loading: bool,
}

impl HistoryState {
    pub fn ensure_day(&mut self, t: Option<&TerminalView>) {
        if self.day.is_empty()
            && let Some(t) = t
        {
            self.day = chrono::Utc::now()
                .with_timezone(&t.utc_offset)
                .format("%Y-%m-%d")
                .to_string();
        }
    }

    pub fn filter(&self) -> HistoryFilter {
        HistoryFilter {
            card: self.card.trim().parse::<CardNumber>().ok(),
            day: Some(self.day.trim().to_owned()).filter(|d| !d.is_empty()),
        }
    }

    pub fn on_rows(&mut self, r: Result<Vec<HistoryRow>, Failure>) {
        self.loading = false;
        match r {
            Ok(rows) => {
                self.rows = rows;
                self.error = None;
            }
            Err(f) => self.error = Some(f),
        }
    }

    pub fn on_voided(&mut self, r: Result<VoidReceipt, Failure>, lang: Lang) {
        self.void_arrived = true;
        self.void_result = Some(r.map(|v| {
            self.voiding = false;
            self.void_reason.clear();
            trf(
                lang,
                "ui.history.voided",
                &[
                    ("sale", &v.sale_seq),
                    ("seq", &v.seq),
                    ("amount", &v.amount),
                ],
            )
        }));
        self.void_pin = Zeroizing::default();
    }

    pub fn show(&mut self, ui: &mut Ui, lang: Lang, _t: &TerminalView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading(tr(lang, "ui.nav.history"));
        let mut load = false;
        ui.horizontal(|ui| {
            let c = field(ui, tr(lang, "ui.history.card"), &mut self.card, 220.0);
            let d = field(ui, tr(lang, "ui.history.day"), &mut self.day, 140.0);
            ui.vertical(|ui| {
                ui.label("");
                if action(ui, true, tr(lang, "ui.history.show"), "Enter").clicked() {
                    load = true;
                }
            });
            if super::widgets::submitted(ui, &c) || super::widgets::submitted(ui, &d) {
                load = true;
            }
        });
        if !self.card.trim().is_empty()
            && let Err(e) = self.card.trim().parse::<CardNumber>()
        {
            ui.label(
                RichText::new(
                    FieldFailure {
                        field: "ui.history.card",
                        error: e,
                    }
                    .localize(lang),
                )
                .color(error_color(ui)),
            );
        }
        if load {
            self.loading = true;
            out.push(Command::History(self.filter()));
        }
        if let Some(e) = &self.error {
            ui.label(RichText::new(e.localize(lang)).color(error_color(ui)));
        }
        ui.separator();
        ui.columns(2, |cols| {
            if let [list, detail] = cols {
                self.list(list, lang);
                ScrollArea::vertical()
                    .id_salt("history_detail_scroll")
                    .show(detail, |ui| self.detail(ui, lang, &mut out));
            }
        });
        out
    }

    fn list(&mut self, ui: &mut Ui, lang: Lang) {
        if self.rows.is_empty() {
            ui.label(tr(lang, "ui.history.empty"));
            return;
        }
        ScrollArea::vertical().id_salt("history").show(ui, |ui| {
            for r in &self.rows {
                let mut text = format!(
                    "#{} · {} · {} · {}",
                    r.seq,
                    local_time_text(&r.recorded_at),
                    kind_name(lang, &r.kind),
                    money_or_dash(r.amount)
                );
                if let Some(card) = &r.card {
                    text = format!("{text} · {}", masked(card));
                }
                if let Some(v) = r.voided_by {
                    text = format!(
                        "{text} · {}",
                        trf(lang, "ui.history.voided_by", &[("seq", &v)])
                    );
                }
                let b = egui::Button::selectable(self.selected == Some(r.seq), text)
                    .min_size(egui::vec2(ui.available_width(), TARGET));
                if ui.add(b).clicked() {
                    self.selected = Some(r.seq);
                    self.voiding = false;
                    self.void_result = None;
                }
            }
        });
    }

    fn detail(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        let Some(entry) = self
            .selected
            .and_then(|s| self.rows.iter().find(|r| r.seq == s))
        else {
            ui.label(tr(lang, "ui.history.pick"));
            self.void_message(ui, lang);
            return;
        };
        ui.label(
            RichText::new(format!("#{} · {}", entry.seq, kind_name(lang, &entry.kind)))
                .heading()
                .strong(),
        );
        egui::Grid::new("history_detail")
            .min_row_height(26.0)
            .num_columns(2)
            .show(ui, |ui| {
                row_opt(
                    ui,
                    lang,
                    "rcpt.time",
                    Some(local_time_text(&entry.recorded_at)),
                );
                row_opt(ui, lang, "rcpt.card", entry.card.as_deref().map(masked));
                row_opt(ui, lang, "rcpt.total", entry.amount.map(|a| a.to_string()));
                row_opt(ui, lang, "rcpt.operator", entry.operator.clone());
                row_opt(ui, lang, "ui.history.note", entry.note.clone());
                row_opt(
                    ui,
                    lang,
                    "ui.history.refers",
                    entry.refers_to.map(|s| format!("#{s}")),
                );
                row_opt(
                    ui,
                    lang,
                    "ui.history.voided_col",
                    entry.voided_by.map(|s| format!("#{s}")),
                );
                row(
                    ui,
                    lang,
                    "rcpt.hash",
                    entry.chain_hash.get(..16).unwrap_or("").to_owned(),
                );
            });
        for l in &entry.lines {
            ui.label(format!(
                "{} · {} × {} = {}",
                l.name,
                quantity_text(l.quantity_milli, &l.unit),
                l.unit_price,
                l.line_total
            ));
        }
        if entry.kind != "sale" {
            self.void_message(ui, lang);
            return;
        }
        let seq = entry.seq;
        let voided = entry.voided_by.is_some();
        ui.horizontal(|ui| {
            if action(ui, true, tr(lang, "ui.history.reprint"), "F5").clicked()
                || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5))
            {
                out.push(Command::Receipt(seq));
            }
            if !voided
                && (action(ui, true, tr(lang, "ui.history.void"), "F9").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F9)))
            {
                self.voiding = true;
                self.void_opened = true;
                self.void_result = None;
            }
        });
        if self.voiding && !voided {
            ui.separator();
            ui.label(RichText::new(tr(lang, "ui.history.void_title")).strong());
            let reason = field(
                ui,
                tr(lang, "ui.history.void_reason"),
                &mut self.void_reason,
                320.0,
            );
            let p = pin_field(
                ui,
                tr(lang, "ui.history.supervisor_pin"),
                &mut self.void_pin,
                200.0,
            );
            let ready = !self.void_reason.trim().is_empty() && !self.void_pin.is_empty();
            let confirm = primary(ui, ready, tr(lang, "ui.history.void_confirm"), "F12");
            if self.void_opened {
                // Just opened: bring the whole form into view and start typing the reason.
                confirm.scroll_to_me(Some(egui::Align::BOTTOM));
                reason.request_focus();
                self.void_opened = false;
            }
            if super::widgets::submitted(ui, &reason) {
                p.request_focus();
            }
            let go = confirm.clicked()
                || (ready && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
                || (ready && super::widgets::submitted(ui, &p));
            if go {
                match Pin::new(&self.void_pin) {
                    Ok(pin) => out.push(Command::Void {
                        sale_seq: seq,
                        supervisor_pin: pin,
                        reason: self.void_reason.trim().to_owned(),
                    }),
                    Err(e) => {
                        self.void_result = Some(Err(Failure::new(FieldFailure {
                            field: "ui.history.supervisor_pin",
                            error: e,
                        })));
                    }
                }
                self.void_pin = Zeroizing::default();
            }
        }
        self.void_message(ui, lang);
    }

    /// The outcome of the last void, under the form; scrolled into view when it arrives.
    fn void_message(&mut self, ui: &mut Ui, lang: Lang) {
        let Some(r) = &self.void_result else { return };
        let shown = match r {
            Ok(text) => ui.label(RichText::new(text).color(ok_color(ui)).strong()),
            Err(f) => ui.label(
                RichText::new(f.localize(lang))
                    .color(error_color(ui))
                    .strong(),
            ),
        };
        if self.void_arrived {
            shown.scroll_to_me(Some(egui::Align::BOTTOM));
            self.void_arrived = false;
        }
    }
}

fn row_opt(ui: &mut Ui, lang: Lang, key: &str, value: Option<String>) {
    if let Some(v) = value {
        row(ui, lang, key, v);
    }
}

/// Tutup hari: the running X report, and the Z report that closes the day.
#[derive(Debug, Default)]
pub struct DayState {
    report: Option<DayReport>,
    closed: bool,
    error: Option<Failure>,
    confirming: bool,
}

impl DayState {
    pub fn on_report(&mut self, r: Result<DayReport, Failure>, closed: bool) {
        match r {
            Ok(rep) => {
                self.report = Some(rep);
                self.closed = closed;
                self.error = None;
            }
            Err(f) => self.error = Some(f),
        }
    }

    pub fn show(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &TerminalView,
        prefs: &Prefs,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading(tr(lang, "ui.nav.day_close"));
        if let Some(e) = &self.error {
            ui.label(
                RichText::new(e.localize(lang))
                    .color(error_color(ui))
                    .strong(),
            );
        }
        let Some(r) = &self.report else {
            ui.spinner();
            return out;
        };
        let title = if self.closed { "z.title" } else { "x.title" };
        ui.label(RichText::new(tr(lang, title)).heading().strong());
        if self.closed {
            ui.label(
                RichText::new(trf(
                    lang,
                    "ui.day.closed",
                    &[("seq", &r.close_seq.unwrap_or_default())],
                ))
                .color(ok_color(ui))
                .strong(),
            );
        }
        let group_name = |id: &str| {
            t.policy
                .group(id)
                .map_or_else(|| id.to_owned(), |g| g.name(lang).to_owned())
        };
        egui::Grid::new("day")
            .min_row_height(26.0)
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                row(ui, lang, "z.day", r.day.clone());
                row(
                    ui,
                    lang,
                    "z.range",
                    if r.first_seq > r.last_seq {
                        "-".to_owned()
                    } else {
                        format!("{} – {}", r.first_seq, r.last_seq)
                    },
                );
                row(ui, lang, "z.sales", r.sale_count.to_string());
                row(ui, lang, "z.kpm", r.kpm_count.to_string());
                row(
                    ui,
                    lang,
                    "z.voids",
                    format!("{} ({})", r.void_count, r.void_total),
                );
                for g in &r.totals {
                    ui.label(group_name(&g.group_id));
                    ui.label(RichText::new(g.amount.to_string()).strong());
                    ui.end_row();
                }
                row(ui, lang, "z.net", r.net_total.to_string());
            });
        let doc = Document::report(r, group_name, lang, prefs.paper);
        let pdf_path = t.data_dir.join("export").join(format!(
            "laporan-{}-{}-{}.pdf",
            if self.closed { "z" } else { "x" },
            t.terminal_id,
            r.day
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if action(ui, true, tr(lang, "ui.day.refresh"), "F9").clicked()
                || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F9))
            {
                out.push(Command::XReport);
            }
            super::widgets::print_buttons(ui, lang, &doc, &prefs.printer, &pdf_path, &mut out);
            if !self.closed
                && (primary(ui, true, tr(lang, "ui.day.close"), "F12").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
            {
                self.confirming = true;
            }
        });
        if self.confirming {
            ui.separator();
            ui.label(RichText::new(tr(lang, "ui.day.confirm")).strong());
            ui.horizontal(|ui| {
                if primary(ui, true, tr(lang, "ui.day.confirm_yes"), "Enter").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter))
                {
                    self.confirming = false;
                    out.push(Command::CloseDay);
                }
                if action(ui, true, tr(lang, "ui.cancel"), "Esc").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
                {
                    self.confirming = false;
                }
            });
        }
        out
    }
}

/// Pengaduan: record a complaint; the supervisor sees the list.
#[derive(Debug, Default)]
pub struct ComplaintState {
    focus: bool,
    card: String,
    sale_seq: String,
    category: Option<ComplaintCategory>,
    text: String,
    result: Option<Result<String, Failure>>,
}

impl ComplaintState {
    /// Opens the form for the KPM last served (if any), with the keyboard in the first empty field.
    pub fn prefill(&mut self, last_card: Option<&str>) {
        if self.card.is_empty()
            && let Some(c) = last_card
        {
            self.card = c.to_owned();
        }
        self.focus = true;
    }

    pub fn on_saved(&mut self, r: Result<u64, Failure>, lang: Lang) {
        self.result = Some(r.map(|seq| {
            self.text.clear();
            self.sale_seq.clear();
            self.category = None;
            trf(lang, "cli.complaint_done", &[("seq", &seq)])
        }));
    }

    pub fn show(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        supervisor: bool,
        rows: &[HistoryRow],
    ) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading(tr(lang, "ui.nav.complaints"));
        let (card, sale) = ui
            .horizontal(|ui| {
                (
                    field(ui, tr(lang, "ui.complaint.card"), &mut self.card, 240.0),
                    field(ui, tr(lang, "ui.complaint.sale"), &mut self.sale_seq, 140.0),
                )
            })
            .inner;
        ui.label(tr(lang, "ui.complaint.category"));
        ui.horizontal_wrapped(|ui| {
            for c in ComplaintCategory::ALL {
                let b = egui::Button::selectable(
                    self.category == Some(c),
                    tr(lang, &format!("complaint.{}", c.as_str())),
                )
                .min_size(egui::vec2(TARGET * 2.0, TARGET));
                if ui.add(b).clicked() {
                    self.category = Some(c);
                }
            }
        });
        let l = ui.label(tr(lang, "ui.complaint.text"));
        let text = ui
            .add(
                egui::TextEdit::multiline(&mut self.text)
                    .desired_rows(3)
                    .desired_width(600.0),
            )
            .labelled_by(l.id);
        if self.focus {
            self.focus = false;
            if self.card.is_empty() {
                card.request_focus();
            } else {
                text.request_focus();
            }
        }
        if super::widgets::submitted(ui, &card) {
            sale.request_focus();
        }
        let ready =
            self.category.is_some() && !self.text.trim().is_empty() && !self.card.trim().is_empty();
        if primary(ui, ready, tr(lang, "ui.complaint.save"), "F12").clicked()
            || (ready && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
        {
            match self.validate() {
                Ok(c) => out.push(c),
                Err(f) => self.result = Some(Err(f)),
            }
        }
        if let Some(r) = &self.result {
            match r {
                Ok(t) => ui.label(RichText::new(t).color(ok_color(ui)).strong()),
                Err(f) => ui.label(
                    RichText::new(f.localize(lang))
                        .color(error_color(ui))
                        .strong(),
                ),
            };
        }
        ui.separator();
        if !supervisor {
            ui.label(tr(lang, "ui.complaint.supervisor_only"));
            return out;
        }
        ui.label(RichText::new(tr(lang, "ui.complaint.list")).strong());
        ScrollArea::vertical().id_salt("complaints").show(ui, |ui| {
            for r in rows.iter().filter(|r| r.kind == "complaint") {
                ui.label(format!(
                    "#{} · {} · {} · {}{}",
                    r.seq,
                    local_time_text(&r.recorded_at),
                    r.card.as_deref().map(masked).unwrap_or_default(),
                    r.note.clone().unwrap_or_default(),
                    r.refers_to.map(|s| format!(" (#{s})")).unwrap_or_default()
                ));
            }
        });
        out
    }

    fn validate(&self) -> Result<Command, Failure> {
        let card = self.card.trim().parse::<CardNumber>().map_err(|e| {
            Failure::new(FieldFailure {
                field: "ui.complaint.card",
                error: e,
            })
        })?;
        let sale_seq = match self.sale_seq.trim() {
            "" => None,
            s => Some(s.trim_start_matches('#').parse::<u64>().map_err(|_| {
                Failure::new(FieldFailure {
                    field: "ui.complaint.sale",
                    error: NotASeq,
                })
            })?),
        };
        Ok(Command::Complaint {
            card,
            sale_seq,
            category: self.category.unwrap_or(ComplaintCategory::Lainnya),
            text: self.text.trim().to_owned(),
        })
    }
}

#[derive(Debug)]
struct NotASeq;

impl Localize for NotASeq {
    fn localize(&self, lang: Lang) -> String {
        tr(lang, "cli.seq").to_owned()
    }
}

/// Audit: the supervisor opens a ledger file (a copy from a USB stick) and sees the findings.
#[derive(Debug, Default)]
pub struct AuditState {
    pub path: String,
    all_signatures: bool,
    running: bool,
    result: Option<Result<AuditReport, Failure>>,
}

impl AuditState {
    pub fn on_report(&mut self, r: Result<AuditReport, Failure>) {
        self.running = false;
        self.result = Some(r);
    }

    pub fn show(&mut self, ui: &mut Ui, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading(tr(lang, "ui.nav.audit"));
        ui.label(tr(lang, "ui.audit.intro"));
        let width = ui.available_width().min(900.0);
        let f = field(ui, tr(lang, "ui.audit.path"), &mut self.path, width);
        ui.checkbox(
            &mut self.all_signatures,
            tr(lang, "ui.audit.all_signatures"),
        );
        let go = primary(ui, !self.running, tr(lang, "ui.audit.run"), "F12").clicked()
            || (!self.running && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
            || super::widgets::submitted(ui, &f);
        if go {
            self.running = true;
            out.push(Command::Audit {
                path: self.path.trim().into(),
                all_signatures: self.all_signatures,
                lang,
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
                        "audit.unreadable",
                        &[("detail", &f.localize(lang))],
                    ))
                    .color(error_color(ui))
                    .strong(),
                );
            }
            Some(Ok(r)) => {
                let args: [(&str, &dyn std::fmt::Display); 6] = [
                    ("terminal", &r.terminal_id),
                    ("entries", &r.entries),
                    ("batches", &r.batches),
                    ("tail", &r.open_tail),
                    ("signatures", &r.signatures_checked),
                    ("count", &r.findings.len()),
                ];
                if r.findings.is_empty() {
                    ui.label(
                        RichText::new(trf(lang, "audit.clean", &args))
                            .color(ok_color(ui))
                            .strong(),
                    );
                } else {
                    ui.label(
                        RichText::new(trf(lang, "audit.found", &args))
                            .color(error_color(ui))
                            .strong(),
                    );
                    ScrollArea::vertical().id_salt("findings").show(ui, |ui| {
                        egui::Grid::new("findings")
                            .min_row_height(26.0)
                            .num_columns(3)
                            .striped(true)
                            .show(ui, |ui| {
                                ui.label(RichText::new(tr(lang, "ui.audit.table")).strong());
                                ui.label(RichText::new(tr(lang, "rcpt.seq")).strong());
                                ui.label(RichText::new(tr(lang, "ui.audit.detail")).strong());
                                ui.end_row();
                                for f in &r.findings {
                                    ui.label(&f.table);
                                    ui.label(f.seq.to_string());
                                    ui.label(&f.detail);
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

/// Pengaturan: language and theme for anyone; printer for the supervisor; the terminal's identity.
pub fn settings(ui: &mut Ui, lang: Lang, t: &TerminalView, prefs: &mut Prefs, supervisor: bool) {
    ui.heading(tr(lang, "ui.nav.settings"));
    egui::Grid::new("settings")
        .min_row_height(26.0)
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label(tr(lang, "ui.settings.language"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut prefs.lang, Lang::Id, tr(lang, "ui.settings.lang_id"));
                ui.selectable_value(&mut prefs.lang, Lang::En, tr(lang, "ui.settings.lang_en"));
            });
            ui.end_row();
            ui.label(tr(lang, "ui.settings.theme"));
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut prefs.theme,
                    Theme::Light,
                    tr(lang, "ui.settings.light"),
                );
                ui.selectable_value(&mut prefs.theme, Theme::Dark, tr(lang, "ui.settings.dark"));
            });
            ui.end_row();
            ui.label(tr(lang, "ui.settings.paper"));
            ui.add_enabled_ui(supervisor, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut prefs.paper,
                        Paper::Mm58,
                        tr(lang, "ui.settings.paper58"),
                    );
                    ui.selectable_value(
                        &mut prefs.paper,
                        Paper::Mm80,
                        tr(lang, "ui.settings.paper80"),
                    );
                });
            });
            ui.end_row();
            let l = ui.label(tr(lang, "ui.settings.printer"));
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
        ui.label(RichText::new(tr(lang, "ui.settings.supervisor_only")).italics());
    }
    ui.separator();
    ui.label(RichText::new(tr(lang, "ui.settings.terminal")).strong());
    egui::Grid::new("terminal")
        .min_row_height(26.0)
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            row(ui, lang, "rcpt.terminal", t.terminal_id.clone());
            row(
                ui,
                lang,
                "ui.settings.zone",
                crate::ledger::zone_name(t.utc_offset),
            );
            row(
                ui,
                lang,
                "ui.settings.fingerprint",
                t.fingerprint.clone().unwrap_or_else(|| "-".into()),
            );
            ui.label(tr(lang, "ui.settings.public_key"));
            ui.label(RichText::new(t.public_key.clone().unwrap_or_else(|| "-".into())).monospace());
            ui.end_row();
            row(
                ui,
                lang,
                "ui.settings.ledger",
                t.ledger_path.display().to_string(),
            );
            row(
                ui,
                lang,
                "ui.settings.versions",
                format!(
                    "{} {} · {} {} · {} {}",
                    tr(lang, "ui.settings.policy"),
                    t.versions.policy,
                    tr(lang, "ui.settings.catalogue"),
                    t.versions.catalogue,
                    tr(lang, "ui.settings.roster"),
                    t.versions.roster
                ),
            );
            row(
                ui,
                lang,
                "ui.settings.kpm_count",
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
    busy: bool,
    result: Option<Result<String, Failure>>,
}

impl HubForm {
    pub fn on_enrolled(&mut self, r: Result<String, Failure>) {
        self.busy = false;
        if r.is_ok() {
            self.code.clear();
        }
        self.result = Some(r);
    }

    /// Draws the section; returns a command when the user asked for one.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sync: &crate::app::sync::SyncView,
        supervisor: bool,
    ) -> Option<Command> {
        let mut out = None;
        ui.label(RichText::new(tr(lang, "ui.hub.title")).strong());
        match &sync.hub {
            Some(hub) => {
                ui.label(trf(lang, "ui.hub.enrolled", &[("hub", hub)]));
                ui.label(trf(lang, "ui.hub.pending", &[("n", &sync.pending)]));
                ui.horizontal(|ui| {
                    if action(ui, true, tr(lang, "ui.hub.sync_now"), "").clicked() {
                        out = Some(Command::SyncNow);
                    }
                });
            }
            None => {
                ui.label(tr(lang, "ui.hub.not_enrolled"));
                ui.horizontal(|ui| {
                    ui.add_enabled_ui(supervisor && !self.busy, |ui| {
                        field(ui, tr(lang, "ui.hub.url"), &mut self.hub, 300.0);
                        field(ui, tr(lang, "ui.hub.code"), &mut self.code, 180.0);
                    });
                });
                let ready = supervisor
                    && !self.busy
                    && !self.hub.trim().is_empty()
                    && !self.code.trim().is_empty();
                ui.horizontal(|ui| {
                    if action(ui, ready, tr(lang, "ui.hub.enrol"), "").clicked() {
                        self.busy = true;
                        self.result = None;
                        out = Some(Command::Enrol {
                            hub: self.hub.trim().to_owned(),
                            code: self.code.trim().to_owned(),
                        });
                    }
                    if self.busy {
                        ui.spinner();
                    } else if !supervisor {
                        ui.label(RichText::new(tr(lang, "ui.settings.supervisor_only")).italics());
                    }
                });
            }
        }
        match &self.result {
            Some(Ok(fp)) => {
                ui.label(trf(lang, "ui.hub.enrol_ok", &[("fingerprint", fp)]));
            }
            Some(Err(f)) => {
                ui.label(RichText::new(f.localize(lang)).color(error_color(ui)));
            }
            None => {}
        }
        out
    }
}
