//! Pengaduan: record a complaint; the supervisor sees the list.

use egui::{Key, Modifiers, RichText, ScrollArea, Ui};
use ewarong_core::key;

use crate::app::{Command, Failure};
use crate::struk::{local_time_text, masked};
use crate::ui::FieldFailure;
use crate::ui::widgets::{TARGET, error_color, field, ok_color, primary};
use ewarong_core::domain::CardNumber;
use ewarong_core::i18n::{Lang, Localize, tr, tr_runtime, trf};
use ewarong_ledger::{ComplaintCategory, HistoryRow};

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
            trf(lang, key!("cli.complaint_done"), &[("seq", &seq)])
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
        ui.heading(tr(lang, key!("ui.nav.complaints")));
        let (card, sale) = ui
            .horizontal(|ui| {
                (
                    field(
                        ui,
                        tr(lang, key!("ui.complaint.card")),
                        &mut self.card,
                        240.0,
                    ),
                    field(
                        ui,
                        tr(lang, key!("ui.complaint.sale")),
                        &mut self.sale_seq,
                        140.0,
                    ),
                )
            })
            .inner;
        ui.label(tr(lang, key!("ui.complaint.category")));
        ui.horizontal_wrapped(|ui| {
            for c in ComplaintCategory::ALL {
                let b = egui::Button::selectable(
                    self.category == Some(c),
                    tr_runtime(lang, &format!("complaint.{}", c.as_str())),
                )
                .min_size(egui::vec2(TARGET * 2.0, TARGET));
                if ui.add(b).clicked() {
                    self.category = Some(c);
                }
            }
        });
        let l = ui.label(tr(lang, key!("ui.complaint.text")));
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
        if crate::ui::widgets::submitted(ui, &card) {
            sale.request_focus();
        }
        let ready =
            self.category.is_some() && !self.text.trim().is_empty() && !self.card.trim().is_empty();
        if primary(ui, ready, tr(lang, key!("ui.complaint.save")), "F12").clicked()
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
            ui.label(tr(lang, key!("ui.complaint.supervisor_only")));
            return out;
        }
        ui.label(RichText::new(tr(lang, key!("ui.complaint.list"))).strong());
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
                field: key!("ui.complaint.card"),
                error: e,
            })
        })?;
        let sale_seq = match self.sale_seq.trim() {
            "" => None,
            s => Some(s.trim_start_matches('#').parse::<u64>().map_err(|_| {
                Failure::new(FieldFailure {
                    field: key!("ui.complaint.sale"),
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
        tr(lang, key!("cli.seq")).to_owned()
    }
}
