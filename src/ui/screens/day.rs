//! Tutup hari: the running X report, and the Z report that closes the day.

use egui::{Key, Modifiers, RichText, Ui};
use ewarong_core::key;

use crate::app::prefs::Prefs;
use crate::app::print::Document;
use crate::app::{Command, Failure, TerminalView};
use crate::ui::widgets::{action, error_color, ok_color, primary, row};
use ewarong_core::i18n::{Lang, Localize, tr, trf};
use ewarong_ledger::DayReport;

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
        ui.heading(tr(lang, key!("ui.nav.day_close")));
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
        let title = if self.closed {
            key!("z.title")
        } else {
            key!("x.title")
        };
        ui.label(RichText::new(tr(lang, title)).heading().strong());
        if self.closed {
            ui.label(
                RichText::new(trf(
                    lang,
                    key!("ui.day.closed"),
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
                row(ui, lang, key!("z.day"), r.day.clone());
                row(
                    ui,
                    lang,
                    key!("z.range"),
                    if r.first_seq > r.last_seq {
                        "-".to_owned()
                    } else {
                        format!("{} – {}", r.first_seq, r.last_seq)
                    },
                );
                row(ui, lang, key!("z.sales"), r.sale_count.to_string());
                row(ui, lang, key!("z.kpm"), r.kpm_count.to_string());
                row(
                    ui,
                    lang,
                    key!("z.voids"),
                    format!("{} ({})", r.void_count, r.void_total),
                );
                for g in &r.totals {
                    ui.label(group_name(&g.group_id));
                    ui.label(RichText::new(g.amount.to_string()).strong());
                    ui.end_row();
                }
                row(ui, lang, key!("z.net"), r.net_total.to_string());
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
            if action(ui, true, tr(lang, key!("ui.day.refresh")), "F9").clicked()
                || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F9))
            {
                out.push(Command::XReport);
            }
            crate::ui::widgets::print_buttons(ui, lang, &doc, &prefs.printer, &pdf_path, &mut out);
            if !self.closed
                && (primary(ui, true, tr(lang, key!("ui.day.close")), "F12").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12)))
            {
                self.confirming = true;
            }
        });
        if self.confirming {
            ui.separator();
            ui.label(RichText::new(tr(lang, key!("ui.day.confirm"))).strong());
            ui.horizontal(|ui| {
                if primary(ui, true, tr(lang, key!("ui.day.confirm_yes")), "Enter").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter))
                {
                    self.confirming = false;
                    out.push(Command::CloseDay);
                }
                if action(ui, true, tr(lang, key!("ui.cancel")), "Esc").clicked()
                    || ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
                {
                    self.confirming = false;
                }
            });
        }
        out
    }
}
