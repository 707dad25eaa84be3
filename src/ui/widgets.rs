//! Small widgets shared by the screens: labelled fields, buttons with their shortcut, the
//! balance bar, the QR code, colours for food groups.

use egui::{Color32, Key, Response, RichText, Sense, TextEdit, Ui, Vec2};
use ewarong_core::key;

use crate::app::Command;
use crate::app::print::{Document, PrintFormat};
use ewarong_core::i18n::{Lang, TextKey, tr};

/// The smallest touch target, in points.
pub const TARGET: f32 = 44.0;

/// A text field with a visible label that is also its accessible name.
pub fn field(ui: &mut Ui, label: &str, value: &mut String, width: f32) -> Response {
    ui.vertical(|ui| {
        let l = ui.label(label);
        ui.add(
            TextEdit::singleline(value)
                .desired_width(width)
                .min_size(Vec2::new(width, TARGET)),
        )
        .labelled_by(l.id)
    })
    .inner
}

/// A field that takes scans: a barcode scanner (or a fast typist) can send `12⏎3⏎` within one
/// frame. A plain text field stops reading at the first Enter and drops the rest, so while this
/// field has the keyboard, typed text and Enter presses are taken from the input queue here, in
/// order. Returns the field and every line submitted with Enter this frame; the field keeps the
/// keyboard.
pub fn scan_field(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    width: f32,
    id: egui::Id,
) -> (Response, Vec<String>) {
    let mut submitted = Vec::new();
    if ui.memory(|m| m.has_focus(id)) {
        let has_enter = ui.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key {
                        key: Key::Enter,
                        pressed: true,
                        ..
                    }
                )
            })
        });
        if has_enter {
            let events = ui.input_mut(|i| std::mem::take(&mut i.events));
            let mut kept = Vec::with_capacity(events.len());
            for e in events {
                match e {
                    // On X11 typed text can arrive as an IME commit rather than as text.
                    egui::Event::Text(t)
                    | egui::Event::Paste(t)
                    | egui::Event::Ime(egui::ImeEvent::Commit(t)) => value.push_str(&t),
                    egui::Event::Key {
                        key: Key::Enter,
                        pressed,
                        ..
                    } => {
                        if pressed {
                            submitted.push(std::mem::take(value));
                        }
                    }
                    egui::Event::Key {
                        key: Key::Backspace,
                        pressed: true,
                        ..
                    } => {
                        value.pop();
                    }
                    other => kept.push(other),
                }
            }
            ui.input_mut(|i| i.events = kept);
        }
    }
    let r = ui
        .vertical(|ui| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(value)
                    .id(id)
                    .desired_width(width)
                    .min_size(Vec2::new(width, TARGET)),
            )
            .labelled_by(l.id)
        })
        .inner;
    if r.has_focus() {
        // No input method for scan fields: with one, X11 may deliver a key's text after the
        // Enter that followed it, and a scan would be split or merged. Cards, barcodes and
        // product names need none.
        ui.ctx().output_mut(|o| o.ime = None);
    }
    (r, submitted)
}

/// A masked PIN field with a label.
pub fn pin_field(ui: &mut Ui, label: &str, value: &mut String, width: f32) -> Response {
    ui.vertical(|ui| {
        let l = ui.label(label);
        ui.add(
            TextEdit::singleline(value)
                .password(true)
                .char_limit(12)
                .desired_width(width)
                .min_size(Vec2::new(width, TARGET)),
        )
        .labelled_by(l.id)
    })
    .inner
}

/// True when Enter was pressed to leave this single-line field.
pub fn submitted(ui: &Ui, r: &Response) -> bool {
    r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

/// `Simpan [F12]`: the action and its key, on a button at least 44 px high.
pub fn action(ui: &mut Ui, enabled: bool, text: &str, key: &str) -> Response {
    let label = if key.is_empty() {
        text.to_owned()
    } else {
        format!("{text} [{key}]")
    };
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(label).strong()).min_size(Vec2::new(TARGET * 2.0, TARGET)),
    )
}

/// A highlighted primary action.
pub fn primary(ui: &mut Ui, enabled: bool, text: &str, key: &str) -> Response {
    let label = format!("{text} [{key}]");
    let fill = if ui.visuals().dark_mode {
        Color32::from_rgb(0x1f, 0x6f, 0x43)
    } else {
        Color32::from_rgb(0x2e, 0x8b, 0x57)
    };
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(label).strong().color(Color32::WHITE))
            .fill(fill)
            .min_size(Vec2::new(TARGET * 3.0, TARGET + 8.0)),
    )
}

/// Red text for refusals and errors.
pub fn error_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0xff, 0x8a, 0x80)
    } else {
        Color32::from_rgb(0xb0, 0x1c, 0x1c)
    }
}

/// Green for "saved" and balances.
pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x7c, 0xe0, 0x9a)
    } else {
        Color32::from_rgb(0x1b, 0x6e, 0x3a)
    }
}

/// The colour of the n-th food group of the policy; forbidden products are grey.
pub fn group_color(index: Option<usize>, dark: bool) -> Color32 {
    const LIGHT: [Color32; 6] = [
        Color32::from_rgb(0xf6, 0xe3, 0xb4), // carbohydrate: grain yellow
        Color32::from_rgb(0xf7, 0xc9, 0xc0), // animal protein: salmon
        Color32::from_rgb(0xd6, 0xe9, 0xc6), // plant protein: leaf green
        Color32::from_rgb(0xc8, 0xe0, 0xf4), // vitamins: sky blue
        Color32::from_rgb(0xe3, 0xd5, 0xf0),
        Color32::from_rgb(0xf0, 0xe0, 0xd0),
    ];
    const DARK: [Color32; 6] = [
        Color32::from_rgb(0x5c, 0x4a, 0x1a),
        Color32::from_rgb(0x5e, 0x2f, 0x28),
        Color32::from_rgb(0x2f, 0x4f, 0x25),
        Color32::from_rgb(0x1f, 0x3f, 0x5c),
        Color32::from_rgb(0x43, 0x30, 0x5a),
        Color32::from_rgb(0x50, 0x3c, 0x2c),
    ];
    match index {
        Some(i) => {
            let table = if dark { &DARK } else { &LIGHT };
            table
                .get(i.checked_rem(table.len()).unwrap_or(0))
                .copied()
                .unwrap_or(Color32::GRAY)
        }
        None => {
            if dark {
                Color32::from_gray(0x3a)
            } else {
                Color32::from_gray(0xdd)
            }
        }
    }
}

/// Parts of a balance bar, in rupiah: already spent, this basket, and what stays.
#[derive(Debug, Clone, Copy)]
pub struct BarParts {
    pub spent: i64,
    pub basket: i64,
    pub left: i64,
}

/// A horizontal bar: spent (grey), this basket (amber, red if over), left (green).
pub fn balance_bar(ui: &mut Ui, parts: BarParts, over: bool) {
    let width = ui.available_width().min(420.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 22.0), Sense::hover());
    let total = parts
        .spent
        .saturating_add(parts.basket)
        .saturating_add(parts.left)
        .max(1);
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let mut x = rect.left();
    let dark = ui.visuals().dark_mode;
    let colors = [
        Color32::from_gray(if dark { 0x60 } else { 0xa0 }),
        if over {
            error_color(ui)
        } else {
            Color32::from_rgb(0xe8, 0xa3, 0x17)
        },
        ok_color(ui),
    ];
    for (value, color) in [parts.spent, parts.basket, parts.left]
        .into_iter()
        .zip(colors)
    {
        #[allow(clippy::cast_precision_loss)] // rupiah amounts far below 2^24 × bar width
        let w = width * (value.max(0) as f32) / (total as f32);
        if w > 0.0 {
            let r =
                egui::Rect::from_min_size(egui::pos2(x, rect.top()), Vec2::new(w, rect.height()));
            painter.rect_filled(r, 0.0, color);
            x += w;
        }
    }
}

/// Paints a QR code (modules row by row) as dark squares on white, `side` points wide.
pub fn qr(ui: &mut Ui, modules: &(usize, Vec<bool>), side: f32) {
    let (n, dark) = modules;
    let quiet = 4usize;
    let cells = n.saturating_add(quiet * 2).max(1);
    #[allow(clippy::cast_precision_loss)] // a QR code has at most 177 modules a side
    let cell = side / cells as f32;
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    #[allow(clippy::cast_precision_loss)] // at most 177 + 8 cells a side
    let quiet = quiet as f32;
    for (row, cells) in dark.chunks((*n).max(1)).enumerate() {
        for (col, d) in cells.iter().enumerate() {
            if *d {
                #[allow(clippy::cast_precision_loss)]
                let min = egui::pos2(
                    rect.left() + (col as f32 + quiet) * cell,
                    rect.top() + (row as f32 + quiet) * cell,
                );
                painter.rect_filled(
                    egui::Rect::from_min_size(min, Vec2::splat(cell)),
                    0.0,
                    Color32::BLACK,
                );
            }
        }
    }
}

/// A notice line: bold, coloured.
pub fn notice(ui: &mut Ui, text: &str, color: Color32) {
    ui.label(RichText::new(text).color(color).strong());
}

/// A "key: value" row in a two-column grid.
pub fn row(ui: &mut Ui, lang: Lang, key: TextKey, value: impl Into<String>) {
    ui.label(tr(lang, key));
    ui.label(RichText::new(value.into()).strong());
    ui.end_row();
}

/// "Cetak [F5]" to the printer and "PDF [F6]" to a file: the same keys on every screen that
/// prints. Pushes the print command for whichever was used.
pub fn print_buttons(
    ui: &mut Ui,
    lang: Lang,
    doc: &Document,
    printer: &std::path::Path,
    pdf: &std::path::Path,
    out: &mut Vec<Command>,
) {
    for (key, name, text, format, target) in [
        (
            Key::F5,
            "F5",
            key!("ui.print"),
            PrintFormat::EscPos,
            printer,
        ),
        (Key::F6, "F6", key!("ui.pdf"), PrintFormat::Pdf, pdf),
    ] {
        if action(ui, true, tr(lang, text), name).clicked()
            || ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
        {
            out.push(Command::Print {
                document: doc.clone(),
                format,
                target: target.to_owned(),
            });
        }
    }
}
