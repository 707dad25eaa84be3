//! Riwayat: entries by KPM and date, with reprint and void.

use egui::{Key, Modifiers, RichText, ScrollArea, Ui};
use ewarong_core::key;
use zeroize::Zeroizing;

use crate::app::{Command, Failure, TerminalView};
use crate::struk::{local_time_text, masked, money_or_dash, quantity_text};
use crate::ui::FieldFailure;
use crate::ui::widgets::{TARGET, action, error_color, field, ok_color, pin_field, primary, row};
use ewarong_core::domain::{CardNumber, Pin};
use ewarong_core::i18n::{Lang, Localize, TextKey, tr, tr_runtime, trf};
use ewarong_ledger::{HistoryFilter, HistoryRow, SavedVoid};

fn kind_name(lang: Lang, kind: &str) -> String {
    tr_runtime(lang, &format!("kind.{kind}")).to_owned()
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

    pub fn on_voided(&mut self, r: Result<SavedVoid, Failure>, lang: Lang) {
        self.void_arrived = true;
        self.void_result = Some(r.map(|v| {
            self.voiding = false;
            self.void_reason.clear();
            trf(
                lang,
                key!("ui.history.voided"),
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
        ui.heading(tr(lang, key!("ui.nav.history")));
        let mut load = false;
        ui.horizontal(|ui| {
            let c = field(ui, tr(lang, key!("ui.history.card")), &mut self.card, 220.0);
            let d = field(ui, tr(lang, key!("ui.history.day")), &mut self.day, 140.0);
            ui.vertical(|ui| {
                ui.label("");
                if action(ui, true, tr(lang, key!("ui.history.show")), "Enter").clicked() {
                    load = true;
                }
            });
            if crate::ui::widgets::submitted(ui, &c) || crate::ui::widgets::submitted(ui, &d) {
                load = true;
            }
        });
        if !self.card.trim().is_empty()
            && let Err(e) = self.card.trim().parse::<CardNumber>()
        {
            ui.label(
                RichText::new(
                    FieldFailure {
                        field: key!("ui.history.card"),
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
            ui.label(tr(lang, key!("ui.history.empty")));
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
                        trf(lang, key!("ui.history.voided_by"), &[("seq", &v)])
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
            ui.label(tr(lang, key!("ui.history.pick")));
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
                    key!("rcpt.time"),
                    Some(local_time_text(&entry.recorded_at)),
                );
                row_opt(
                    ui,
                    lang,
                    key!("rcpt.card"),
                    entry.card.as_deref().map(masked),
                );
                row_opt(
                    ui,
                    lang,
                    key!("rcpt.total"),
                    entry.amount.map(|a| a.to_string()),
                );
                row_opt(ui, lang, key!("rcpt.operator"), entry.operator.clone());
                row_opt(ui, lang, key!("ui.history.note"), entry.note.clone());
                row_opt(
                    ui,
                    lang,
                    key!("ui.history.refers"),
                    entry.refers_to.map(|s| format!("#{s}")),
                );
                row_opt(
                    ui,
                    lang,
                    key!("ui.history.voided_col"),
                    entry.voided_by.map(|s| format!("#{s}")),
                );
                row(
                    ui,
                    lang,
                    key!("rcpt.hash"),
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
            if action(ui, true, tr(lang, key!("ui.history.reprint")), "F5").clicked()
                || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5))
            {
                out.push(Command::Receipt(seq));
            }
            if !voided
                && (action(ui, true, tr(lang, key!("ui.history.void")), "F9").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F9)))
            {
                self.voiding = true;
                self.void_opened = true;
                self.void_result = None;
            }
        });
        if self.voiding && !voided {
            ui.separator();
            ui.label(RichText::new(tr(lang, key!("ui.history.void_title"))).strong());
            let reason = field(
                ui,
                tr(lang, key!("ui.history.void_reason")),
                &mut self.void_reason,
                320.0,
            );
            let p = pin_field(
                ui,
                tr(lang, key!("ui.history.supervisor_pin")),
                &mut self.void_pin,
                200.0,
            );
            let ready = !self.void_reason.trim().is_empty() && !self.void_pin.is_empty();
            let confirm = primary(ui, ready, tr(lang, key!("ui.history.void_confirm")), "F12");
            if self.void_opened {
                // Just opened: bring the whole form into view and start typing the reason.
                confirm.scroll_to_me(Some(egui::Align::BOTTOM));
                reason.request_focus();
                self.void_opened = false;
            }
            if crate::ui::widgets::submitted(ui, &reason) {
                p.request_focus();
            }
            let go = confirm.clicked()
                || (ready && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
                || (ready && crate::ui::widgets::submitted(ui, &p));
            if go {
                match Pin::new(&self.void_pin) {
                    Ok(pin) => out.push(Command::Void {
                        sale_seq: seq,
                        supervisor_pin: pin,
                        reason: self.void_reason.trim().to_owned(),
                    }),
                    Err(e) => {
                        self.void_result = Some(Err(Failure::new(FieldFailure {
                            field: key!("ui.history.supervisor_pin"),
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

fn row_opt(ui: &mut Ui, lang: Lang, key: TextKey, value: Option<String>) {
    if let Some(v) = value {
        row(ui, lang, key, v);
    }
}
