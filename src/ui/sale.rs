//! Transaksi, the main screen: identify the KPM, fill the basket, the KPM types the PIN, save.

use egui::{Key, Modifiers, RichText, ScrollArea, Ui};
use ewarong_core::key;
use zeroize::Zeroizing;

use super::FieldFailure;
use super::widgets::{
    BarParts, TARGET, action, balance_bar, error_color, field, group_color, ok_color, pin_field,
    primary, scan_field, submitted,
};
use crate::app::prefs::Prefs;
use crate::app::print::Document;
use crate::app::search::SUFFIX;
use crate::app::{Command, Failure, KpmView, SaveFailure, TerminalView};
use crate::struk::masked;
use ewarong_core::domain::{
    AcceptedBasket, CardNumber, LineInput, Pin, Product, ProductClass, Rupiah, Violation,
    check_basket,
};
use ewarong_core::i18n::{Lang, Localize, tr, trf};
use ewarong_ledger::SavedSale;

/// Basket column widths: product, quantity with unit, price, line total (the remove button
/// is TARGET wide).
const BASKET_COLUMNS: [f32; 4] = [196.0, 110.0, 84.0, 100.0];

/// A grid cell exactly `width` wide, so two grids with the same widths line up.
fn cell<R>(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope(|ui| {
        ui.set_min_width(width);
        ui.set_max_width(width);
        add(ui)
    })
    .inner
}

/// Which field gets the keyboard next frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Card,
    Product,
    Pin,
}

/// One basket line as the shopkeeper edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketLine {
    pub product_id: String,
    pub quantity: String,
    /// The shop's price, as typed; starts at the reference price.
    pub price: String,
}

/// A refusal to show next to the product field.
#[derive(Debug, Clone)]
enum ProductNotice {
    Forbidden { name: String, reason: String },
    Unknown(String),
}

/// Whether `s` is digits only: part of a card number or NIK.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Everything the sale screen shows between frames.
#[derive(Debug, Default)]
pub struct SaleState {
    pub card_input: String,
    last_query: String,
    /// Card, name and desa of each hit shown under the card field.
    hits: Vec<(String, String, String)>,
    selected_hit: usize,
    /// Whether the shopkeeper moved the highlight with the arrow keys since the last keystroke.
    hit_chosen: bool,
    /// Digits typed and Enter, but not exactly one card ends with them: (digits, how many do).
    which_card: Option<(String, usize)>,
    pub kpm: Option<KpmView>,
    kpm_error: Option<Failure>,
    looking_up: bool,
    pub product_input: String,
    last_product_query: String,
    product_hits: Vec<usize>,
    product_notice: Option<ProductNotice>,
    pub lines: Vec<BasketLine>,
    pub override_reason: String,
    pin: Zeroizing<String>,
    pin_error: Option<Failure>,
    save_error: Option<Failure>,
    saving: bool,
    pub(crate) focus: Option<Focus>,
    /// The receipt on screen, and whether it is a reprint.
    pub receipt: Option<(Box<SavedSale>, bool)>,
    qr: Option<(usize, Vec<bool>)>,
}

/// The products in display order (food groups in policy order, then forbidden), so each tile has
/// a stable quick number (1, 2, …) the shopkeeper can type instead of a barcode.
fn display_order(t: &TerminalView) -> Vec<&Product> {
    let mut out: Vec<&Product> = Vec::with_capacity(t.catalogue.len());
    for g in &t.policy.food_group {
        out.extend(
            t.catalogue
                .products()
                .iter()
                .filter(|p| matches!(&p.class, ProductClass::Group(id) if *id == g.id)),
        );
    }
    out.extend(
        t.catalogue
            .products()
            .iter()
            .filter(|p| matches!(p.class, ProductClass::Forbidden(_))),
    );
    out
}

impl SaleState {
    pub(crate) fn on_kpm(&mut self, r: Result<KpmView, Failure>) {
        self.looking_up = false;
        self.which_card = None;
        match r {
            Ok(k) => {
                self.card_input.clear();
                self.kpm = Some(k);
                self.kpm_error = None;
                self.focus = Some(Focus::Product);
            }
            Err(f) => {
                self.kpm_error = Some(f);
                self.focus = Some(Focus::Card);
            }
        }
    }

    pub(crate) fn on_saved(&mut self, r: Result<Box<SavedSale>, SaveFailure>) {
        self.saving = false;
        self.pin = Zeroizing::default();
        match r {
            Ok(receipt) => {
                *self = Self::default();
                self.show_receipt(receipt, false);
            }
            Err(SaveFailure { failure, pin }) => {
                if pin {
                    self.pin_error = Some(failure);
                    self.focus = Some(Focus::Pin);
                } else {
                    self.save_error = Some(failure);
                }
            }
        }
    }

    pub(crate) fn show_receipt(&mut self, receipt: Box<SavedSale>, copy: bool) {
        self.qr = receipt
            .receipt_code
            .as_deref()
            .and_then(|c| crate::struk::qr_modules(c).ok());
        self.receipt = Some((receipt, copy));
    }

    /// Gives the keyboard to this field if it was asked for, until it actually has it (a modal
    /// closing in the same frame would otherwise swallow the request).
    fn take_focus(&mut self, ui: &Ui, field: &egui::Response, which: Focus) {
        if self.focus != Some(which) || self.receipt.is_some() {
            return;
        }
        if field.has_focus() {
            self.focus = None;
        } else {
            field.request_focus();
            ui.ctx().request_repaint();
        }
    }

    /// Clears the sale for the next KPM.
    fn reset(&mut self) {
        let receipt = self.receipt.take();
        let qr = self.qr.take();
        *self = Self::default();
        self.receipt = receipt;
        self.qr = qr;
        self.focus = Some(Focus::Card);
    }

    fn line_inputs(&self, t: &TerminalView) -> Result<Vec<LineInput>, Failure> {
        self.lines
            .iter()
            .map(|l| {
                let reference = t.catalogue.find(&l.product_id).map(|p| p.reference_price);
                let price: Rupiah = l.price.parse().map_err(|e| {
                    Failure::new(FieldFailure {
                        field: key!("ui.sale.price"),
                        error: e,
                    })
                })?;
                Ok(LineInput {
                    product: l.product_id.clone(),
                    quantity: l.quantity.clone(),
                    unit_price: (Some(price) != reference).then_some(price),
                })
            })
            .collect()
    }

    /// Adds a product by barcode, id, quick number or name; `3*` in front sets the quantity.
    fn add_product(&mut self, input: &str, t: &TerminalView, lang: Lang) {
        let input = input.trim();
        if input.is_empty() {
            return;
        }
        let (qty, what) = match input.split_once('*') {
            Some((q, w))
                if !q.trim().is_empty()
                    && q.trim()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ',' || c == '.') =>
            {
                (q.trim().to_owned(), w.trim())
            }
            _ => ("1".to_owned(), input),
        };
        let order = display_order(t);
        let product = t
            .catalogue
            .find(what)
            .or_else(|| {
                what.parse::<usize>()
                    .ok()
                    .filter(|n| what.len() <= 3 && *n >= 1)
                    .and_then(|n| order.get(n.saturating_sub(1)).copied())
            })
            .or_else(|| {
                let w = what.to_lowercase();
                order
                    .iter()
                    .copied()
                    .find(|p| p.name.to_lowercase().contains(&w))
            });
        let Some(product) = product else {
            self.product_notice = Some(ProductNotice::Unknown(what.to_owned()));
            return;
        };
        self.choose(product, &qty, t, lang);
    }

    fn choose(&mut self, product: &Product, qty: &str, t: &TerminalView, lang: Lang) {
        if let ProductClass::Forbidden(cat) = &product.class {
            let reason = t
                .policy
                .forbidden_category(cat)
                .map_or_else(String::new, |c| c.reason(lang).to_owned());
            self.product_notice = Some(ProductNotice::Forbidden {
                name: product.name.clone(),
                reason,
            });
            return;
        }
        self.product_notice = None;
        self.product_input.clear();
        // Scanning the same packaged product again adds one more.
        if let Some(line) = self.lines.iter_mut().find(|l| l.product_id == product.id)
            && let (Ok(a), Ok(b)) = (line.quantity.trim().parse::<u32>(), qty.parse::<u32>())
        {
            line.quantity = a.saturating_add(b).to_string();
            return;
        }
        self.lines.push(BasketLine {
            product_id: product.id.clone(),
            quantity: qty.to_owned(),
            price: product.reference_price.as_i64().to_string(),
        });
    }

    /// The basket checked against the rules, exactly as the ledger will check it.
    fn check(
        &self,
        t: &TerminalView,
    ) -> Option<Result<Result<AcceptedBasket, Vec<Violation>>, Failure>> {
        let kpm = self.kpm.as_ref()?;
        let lines = match self.line_inputs(t) {
            Ok(l) => l,
            Err(f) => return Some(Err(f)),
        };
        let reason = Some(self.override_reason.as_str()).filter(|r| !r.trim().is_empty());
        Some(Ok(check_basket(
            &lines,
            &t.policy,
            &t.catalogue,
            kpm.balance.available,
            reason,
        )
        .map_err(|v| {
            ewarong_core::domain::explain_visitor(
                v,
                &kpm.balance,
                kpm.visiting.as_deref(),
                t.policy.visitor_cap_per_period_rupiah,
            )
        })))
    }

    /// Draws the screen; returns the commands to send.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &TerminalView,
        prefs: &Prefs,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        if self.receipt.is_some() {
            self.receipt_modal(ui, lang, t, prefs, &mut out);
        } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            self.reset();
        }
        let check = self.check(t);
        // KPM on the left, the basket on the right at a width where its columns fit, and the
        // catalogue takes what is left (about 450 px at 1366×768).
        egui::Panel::left("sale_kpm")
            .exact_size(310.0)
            .resizable(false)
            .show(ui, |ui| self.kpm_panel(ui, lang, t, &check, &mut out));
        egui::Panel::right("sale_basket")
            .exact_size(600.0)
            .resizable(false)
            .show(ui, |ui| self.basket_panel(ui, lang, t, &check, &mut out));
        egui::CentralPanel::default().show(ui, |ui| self.catalogue_panel(ui, lang, t));
        out
    }

    fn kpm_panel(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &TerminalView,
        check: &Option<Result<Result<AcceptedBasket, Vec<Violation>>, Failure>>,
        out: &mut Vec<Command>,
    ) {
        ui.heading(tr(lang, key!("ui.sale.kpm")));
        let width = ui.available_width() - 8.0;
        let card_id = egui::Id::unique("sale_card");
        // The arrows move through the hits, taken before the text field sees them (it would
        // move its cursor, or egui the focus).
        if ui.memory(|m| m.has_focus(card_id)) && !self.hits.is_empty() {
            if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowDown)) {
                self.selected_hit = self
                    .selected_hit
                    .saturating_add(1)
                    .min(self.hits.len().saturating_sub(1));
                self.hit_chosen = true;
            }
            if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowUp)) {
                self.selected_hit = self.selected_hit.saturating_sub(1);
                self.hit_chosen = true;
            }
        }
        let (r, lines) = scan_field(
            ui,
            tr(lang, key!("ui.sale.card")),
            &mut self.card_input,
            width,
            card_id,
        );
        self.take_focus(ui, &r, Focus::Card);
        ui.label(RichText::new(tr(lang, key!("ui.sale.card_hint"))).small());
        let mut lookup: Option<String> = None;
        // The field empties on Enter, so the next scan never lands after a failed one. Of several
        // lines in one frame, the last one counts. Enter is read against the query and hits the
        // shopkeeper saw, before the emptied field starts a new search below.
        if let Some(typed) = lines.last().map(|l| l.trim().to_owned()) {
            self.which_card = None;
            let chosen = typed == self.last_query.trim()
                && (self.hit_chosen || !is_digits(&typed))
                && !self.hits.is_empty();
            if typed.parse::<CardNumber>().is_ok() {
                lookup = Some(typed);
            } else if chosen {
                lookup = self.hits.get(self.selected_hit).map(|h| h.0.clone());
            } else if is_digits(&typed) {
                // Digits pick a family only when exactly one card ends with them (or one NIK is
                // exactly them); otherwise the counter asks which, and picks nothing.
                let hits = t.roster.search(&typed, 8);
                let ending: Vec<_> = hits.iter().filter(|h| h.rank <= SUFFIX).collect();
                if let [one] = ending.as_slice() {
                    lookup = Some(one.kpm.card.clone());
                } else if typed.len() >= 16 {
                    // A whole card number that is not one: let the card parser say why.
                    lookup = Some(typed);
                } else {
                    self.which_card = Some((typed.clone(), ending.len()));
                    // Keep the digits and the list, so the shopkeeper can choose.
                    self.card_input.clone_from(&typed);
                    self.focus = Some(Focus::Card);
                }
            } else if let Some(hit) = t.roster.search(&typed, 1).first() {
                lookup = Some(hit.kpm.card.clone());
            } else if !typed.is_empty() {
                // Let the card parser say what is wrong with it.
                lookup = Some(typed);
            }
        }
        // Search the roster as the shopkeeper types (in memory: well under 5 ms for 100,000 KPM).
        if self.card_input != self.last_query {
            self.last_query.clone_from(&self.card_input);
            self.selected_hit = 0;
            self.hit_chosen = false;
            let q = self.card_input.trim();
            self.hits = if q.len() >= 2 && !is_digits(q) || q.len() >= 4 {
                t.roster
                    .search(q, 8)
                    .into_iter()
                    .map(|h| (h.kpm.card.clone(), h.kpm.name.clone(), h.kpm.desa.clone()))
                    .collect()
            } else {
                Vec::new()
            };
        }
        if let Some((digits, count)) = &self.which_card {
            let words = if *count == 0 {
                trf(lang, key!("ui.sale.no_card_ends"), &[("digits", digits)])
            } else {
                trf(
                    lang,
                    key!("ui.sale.which_card"),
                    &[("digits", digits), ("count", count)],
                )
            };
            ui.label(RichText::new(words).color(error_color(ui)).strong());
        }
        for (i, (card, name, desa)) in self.hits.iter().enumerate() {
            let text = format!("{name} · {desa} · {}", masked(card));
            let b = egui::Button::selectable(i == self.selected_hit, text)
                .min_size(egui::vec2(ui.available_width(), TARGET));
            if ui.add(b).clicked() {
                lookup = Some(card.clone());
            }
        }
        if let Some(card) = lookup {
            match card.parse::<CardNumber>() {
                Ok(c) => {
                    self.looking_up = true;
                    self.kpm_error = None;
                    out.push(Command::FindCard(c));
                }
                Err(e) => {
                    self.kpm_error = Some(Failure::new(FieldFailure {
                        field: key!("ui.sale.card"),
                        error: e,
                    }));
                    self.focus = Some(Focus::Card);
                }
            }
        }
        if self.looking_up {
            ui.spinner();
        }
        if let Some(e) = &self.kpm_error {
            ui.label(
                RichText::new(e.localize(lang))
                    .color(error_color(ui))
                    .strong(),
            );
        }
        ui.separator();
        let Some(k) = &self.kpm else {
            ui.label(tr(lang, key!("ui.sale.no_kpm")));
            return;
        };
        ui.label(RichText::new(&k.name).heading().strong());
        egui::Grid::new("kpm")
            .min_row_height(26.0)
            .num_columns(2)
            .show(ui, |ui| {
                super::widgets::row(ui, lang, key!("ui.sale.desa"), k.desa.clone());
                super::widgets::row(ui, lang, key!("ui.sale.card_no"), masked(k.card.as_str()));
                super::widgets::row(
                    ui,
                    lang,
                    key!("ui.sale.nik"),
                    k.nik
                        .clone()
                        .unwrap_or_else(|| tr(lang, key!("ui.sale.no_nik")).to_owned()),
                );
            });
        ui.add_space(6.0);
        let b = k.balance;
        let basket_total = match check {
            Some(Ok(Ok(a))) => a.total,
            Some(Ok(Err(v))) => v
                .iter()
                .find_map(|v| match v {
                    Violation::OverBalance { total, .. }
                    | Violation::OverVisitorCap { total, .. } => Some(*total),
                    _ => None,
                })
                .unwrap_or(Rupiah::ZERO),
            _ => Rupiah::ZERO,
        };
        let over = basket_total > b.available;
        let pool = b
            .carried_over
            .checked_add(b.this_period)
            .unwrap_or(b.this_period);
        let spent = pool.checked_sub(b.available).unwrap_or(Rupiah::ZERO);
        balance_bar(
            ui,
            BarParts {
                spent: spent.as_i64(),
                basket: basket_total.as_i64().min(b.available.as_i64()),
                left: b
                    .available
                    .checked_sub(basket_total)
                    .unwrap_or(Rupiah::ZERO)
                    .as_i64(),
            },
            over,
        );
        egui::Grid::new("balance")
            .min_row_height(26.0)
            .num_columns(2)
            .show(ui, |ui| {
                super::widgets::row(ui, lang, key!("ui.sale.available"), b.available.to_string());
                super::widgets::row(
                    ui,
                    lang,
                    key!("ui.sale.carried"),
                    b.carried_over.to_string(),
                );
                ui.label(trf(
                    lang,
                    key!("ui.sale.this_period"),
                    &[("period", &b.period)],
                ));
                ui.label(RichText::new(b.this_period.to_string()).strong());
                ui.end_row();
                super::widgets::row(
                    ui,
                    lang,
                    key!("ui.sale.spent"),
                    b.spent_this_period.to_string(),
                );
                if let Some(left) = b.visitor_cap_left {
                    super::widgets::row(ui, lang, key!("ui.sale.visitor_left"), left.to_string());
                }
            });
        if let Some(home) = &k.visiting {
            ui.label(
                RichText::new(trf(lang, key!("ui.sale.visitor"), &[("home", home)]))
                    .color(ui.visuals().warn_fg_color)
                    .strong(),
            );
        }
    }

    fn catalogue_panel(&mut self, ui: &mut Ui, lang: Lang, t: &TerminalView) {
        ui.heading(tr(lang, key!("ui.sale.catalogue")));
        let width = ui.available_width() - 8.0;
        let id = egui::Id::unique("sale_product");
        // Tab leaves the product field for the PIN and takes what is typed with it, so the
        // last item and "done" are one key instead of two (Enter, then Enter on empty).
        let tab = ui.memory(|m| m.has_focus(id))
            && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab));
        let (r, mut lines) = scan_field(
            ui,
            tr(lang, key!("ui.sale.product")),
            &mut self.product_input,
            width,
            id,
        );
        self.take_focus(ui, &r, Focus::Product);
        ui.label(RichText::new(tr(lang, key!("ui.sale.product_hint"))).small());
        if tab {
            lines.push(std::mem::take(&mut self.product_input));
            lines.push(String::new());
        }
        for input in lines {
            if input.trim().is_empty() {
                if !self.lines.is_empty() {
                    self.focus = Some(Focus::Pin);
                }
            } else {
                self.add_product(&input, t, lang);
            }
        }
        match &self.product_notice {
            Some(ProductNotice::Forbidden { name, reason }) => {
                ui.label(
                    RichText::new(trf(lang, key!("ui.sale.forbidden"), &[("product", name)]))
                        .color(error_color(ui))
                        .strong(),
                );
                ui.label(RichText::new(reason).color(error_color(ui)).strong());
            }
            Some(ProductNotice::Unknown(input)) => {
                ui.label(
                    RichText::new(trf(lang, key!("basket.unknown"), &[("input", input)]))
                        .color(error_color(ui))
                        .strong(),
                );
            }
            None => {}
        }
        // Filter the tiles by what is typed (names), unless it looks like a barcode.
        let q = self.product_input.trim().to_lowercase();
        if q != self.last_product_query {
            self.last_product_query.clone_from(&q);
            self.product_hits.clear();
        }
        let order = display_order(t);
        let dark = ui.visuals().dark_mode;
        let mut chosen: Option<usize> = None;
        ScrollArea::vertical().id_salt("catalogue").show(ui, |ui| {
            let mut current: Option<String> = None;
            for (i, p) in order.iter().enumerate() {
                let filtering = !q.is_empty() && !q.chars().all(|c| c.is_ascii_digit() || c == '*');
                if filtering && !p.name.to_lowercase().contains(&q) && !p.id.contains(&q) {
                    continue;
                }
                let (group_index, heading) = match &p.class {
                    ProductClass::Group(g) => (
                        t.policy.food_group.iter().position(|f| f.id == *g),
                        t.policy
                            .group(g)
                            .map_or_else(|| g.clone(), |f| f.name(lang).to_owned()),
                    ),
                    ProductClass::Forbidden(_) => {
                        (None, tr(lang, key!("ui.sale.forbidden_group")).to_owned())
                    }
                };
                if current.as_deref() != Some(heading.as_str()) {
                    ui.add_space(4.0);
                    ui.label(RichText::new(&heading).strong());
                    current = Some(heading);
                }
                let forbidden = group_index.is_none();
                let mut text = format!(
                    "{}. {} · {} / {}",
                    i.saturating_add(1),
                    p.name,
                    p.reference_price,
                    p.unit
                );
                if forbidden {
                    text = format!("{text} · {}", tr(lang, key!("list.forbidden")));
                }
                let mut rich = RichText::new(text);
                if forbidden {
                    rich = rich.strikethrough();
                }
                let b = egui::Button::new(rich)
                    .fill(group_color(group_index, dark))
                    .min_size(egui::vec2(ui.available_width(), TARGET));
                if ui.add(b).clicked() {
                    chosen = Some(i);
                }
            }
        });
        if let Some(i) = chosen
            && let Some(p) = order.get(i)
        {
            let p = (*p).clone();
            self.choose(&p, "1", t, lang);
        }
    }

    fn basket_panel(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &TerminalView,
        check: &Option<Result<Result<AcceptedBasket, Vec<Violation>>, Failure>>,
        out: &mut Vec<Command>,
    ) {
        ui.heading(tr(lang, key!("ui.sale.basket")));
        let mut remove = None;
        // The header and the rows are two grids with the same fixed column widths, so that only
        // the rows in view are laid out: a 50-line basket costs what five lines cost. The view
        // follows the newest line.
        egui::Grid::new("basket_head")
            .num_columns(5)
            .show(ui, |ui| {
                for (w, key) in BASKET_COLUMNS.iter().zip([
                    key!("list.product"),
                    key!("ui.sale.qty"),
                    key!("ui.sale.price"),
                    key!("ui.sale.line_total"),
                ]) {
                    cell(ui, *w, |ui| ui.label(tr(lang, key)));
                }
                ui.end_row();
            });
        let total_rows = self.lines.len();
        ScrollArea::vertical()
            .id_salt("basket")
            .max_height(260.0)
            .stick_to_bottom(true)
            .show_rows(ui, TARGET, total_rows, |ui, range| {
                egui::Grid::new("basket_lines")
                    .min_row_height(TARGET)
                    .num_columns(5)
                    .striped(true)
                    .start_row(range.start)
                    .show(ui, |ui| {
                        let start = range.start;
                        for (i, line) in self
                            .lines
                            .iter_mut()
                            .enumerate()
                            .skip(start)
                            .take(range.len())
                        {
                            let product = t.catalogue.find(&line.product_id);
                            let name =
                                product.map_or(line.product_id.as_str(), |p| p.name.as_str());
                            let unit = product.map_or("", |p| p.unit.as_str());
                            // One line of text keeps every row TARGET high, as `show_rows`
                            // needs; the full name is in the hover text.
                            let l = cell(ui, BASKET_COLUMNS[0], |ui| {
                                ui.add(egui::Label::new(name).truncate())
                            });
                            ui.horizontal(|ui| {
                                ui.set_width(BASKET_COLUMNS[1]);
                                ui.add(
                                    egui::TextEdit::singleline(&mut line.quantity)
                                        .desired_width(56.0)
                                        .min_size(egui::vec2(56.0, 0.0)),
                                )
                                .labelled_by(l.id);
                                ui.label(unit);
                            });
                            ui.add(
                                egui::TextEdit::singleline(&mut line.price)
                                    .desired_width(BASKET_COLUMNS[2])
                                    .min_size(egui::vec2(BASKET_COLUMNS[2], 0.0)),
                            )
                            .labelled_by(l.id);
                            // Each line's own total, even while another rule blocks the sale.
                            let total = product
                                .and_then(|p| {
                                    let q = ewarong_core::domain::Quantity::parse_for(
                                        &line.quantity,
                                        p.unit,
                                        t.policy.max_quantity_per_line,
                                    )
                                    .ok()?;
                                    let price: Rupiah = line.price.parse().ok()?;
                                    ewarong_core::domain::line_total(price, q).ok()
                                })
                                .map_or_else(String::new, |r| r.to_string());
                            cell(ui, BASKET_COLUMNS[3], |ui| ui.label(total));
                            if ui
                                .add(
                                    egui::Button::new(tr(lang, key!("ui.sale.remove_x")))
                                        .min_size(egui::vec2(TARGET, TARGET)),
                                )
                                .on_hover_text(tr(lang, key!("ui.sale.remove")))
                                .clicked()
                            {
                                remove = Some(i);
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some(i) = remove {
            self.lines.remove(i);
        }
        ui.separator();
        // Totals, then every violation as it arises.
        let mut blocking: Option<String> = None;
        let mut needs_reason = false;
        match check {
            None => blocking = Some(tr(lang, key!("ui.sale.need_kpm")).to_owned()),
            Some(Err(f)) => blocking = Some(f.localize(lang)),
            Some(Ok(Ok(a))) => {
                egui::Grid::new("totals")
                    .min_row_height(26.0)
                    .num_columns(2)
                    .show(ui, |ui| {
                        super::widgets::row(ui, lang, key!("rcpt.total"), a.total.to_string());
                        super::widgets::row(
                            ui,
                            lang,
                            key!("ui.sale.after"),
                            a.balance_after.to_string(),
                        );
                    });
                needs_reason = a.override_reason.is_some();
            }
            Some(Ok(Err(violations))) => {
                for v in violations {
                    if matches!(v, Violation::EmptyBasket) {
                        continue;
                    }
                    ui.label(RichText::new(v.localize(lang)).color(error_color(ui)));
                    if v.is_warning() {
                        needs_reason = true;
                    }
                }
                let hard = violations.iter().find(|v| !v.is_warning());
                blocking = Some(match hard {
                    Some(v) => v.localize(lang),
                    None => tr(lang, key!("ui.sale.need_reason")).to_owned(),
                });
            }
        }
        if needs_reason {
            let r = field(
                ui,
                tr(lang, key!("ui.sale.override")),
                &mut self.override_reason,
                ui.available_width() - 8.0,
            );
            let _ = r;
        }
        ui.separator();
        let pin = pin_field(ui, tr(lang, key!("ui.sale.pin")), &mut self.pin, 200.0);
        self.take_focus(ui, &pin, Focus::Pin);
        if let Some(e) = &self.pin_error {
            ui.label(
                RichText::new(e.localize(lang))
                    .color(error_color(ui))
                    .strong(),
            );
        }
        if blocking.is_none() && self.pin.is_empty() {
            blocking = Some(tr(lang, key!("ui.sale.need_pin")).to_owned());
        }
        if self.saving {
            blocking = Some(tr(lang, key!("ui.sale.saving")).to_owned());
        }
        let can_save = blocking.is_none();
        ui.horizontal(|ui| {
            let clicked = primary(ui, can_save, tr(lang, key!("ui.sale.save")), "F12").clicked();
            let key = ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F12));
            let enter = submitted(ui, &pin);
            if can_save && (clicked || key || enter) {
                self.save(t, out);
            }
            if action(ui, true, tr(lang, key!("ui.sale.cancel")), "Esc").clicked() {
                self.reset();
            }
        });
        if let Some(reason) = blocking {
            ui.label(
                RichText::new(trf(
                    lang,
                    key!("ui.sale.cannot_save"),
                    &[("reason", &reason)],
                ))
                .italics(),
            );
        }
        if let Some(e) = &self.save_error {
            ui.label(
                RichText::new(e.localize(lang))
                    .color(error_color(ui))
                    .strong(),
            );
        }
    }

    fn save(&mut self, t: &TerminalView, out: &mut Vec<Command>) {
        let Some(kpm) = &self.kpm else { return };
        let lines = match self.line_inputs(t) {
            Ok(l) => l,
            Err(f) => {
                self.save_error = Some(f);
                return;
            }
        };
        let pin = match Pin::new(&self.pin) {
            Ok(p) => p,
            Err(e) => {
                self.pin = Zeroizing::default();
                self.pin_error = Some(Failure::new(FieldFailure {
                    field: key!("ui.sale.pin"),
                    error: e,
                }));
                self.focus = Some(Focus::Pin);
                return;
            }
        };
        self.pin = Zeroizing::default();
        self.saving = true;
        self.pin_error = None;
        self.save_error = None;
        out.push(Command::Save {
            card: kpm.card.clone(),
            pin,
            lines,
            override_reason: Some(self.override_reason.trim().to_owned()).filter(|r| !r.is_empty()),
        });
    }

    fn receipt_modal(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &TerminalView,
        prefs: &Prefs,
        out: &mut Vec<Command>,
    ) {
        let Some((receipt, copy)) = &self.receipt else {
            return;
        };
        let mut close = false;
        let doc = Document::sale(receipt, lang, prefs.paper, *copy);
        let pdf_path = t.data_dir.join("export").join(format!(
            "struk-{}-{}{}.pdf",
            receipt.terminal_id,
            receipt.seq,
            if *copy { "-salinan" } else { "" }
        ));
        egui::Modal::new(egui::Id::unique("receipt")).show(ui.ctx(), |ui| {
            ui.set_max_height(700.0);
            if *copy {
                ui.heading(tr(lang, key!("rcpt.copy")));
            } else {
                ui.label(
                    RichText::new(tr(lang, key!("rcpt.saved")))
                        .heading()
                        .color(ok_color(ui))
                        .strong(),
                );
            }
            ui.horizontal(|ui| {
                ScrollArea::vertical()
                    .id_salt("receipt_text")
                    .min_scrolled_height(470.0)
                    .max_height(470.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new(doc.lines.join("\n")).monospace());
                    });
                if let Some(qr) = &self.qr {
                    ui.vertical(|ui| {
                        super::widgets::qr(ui, qr, 220.0);
                        ui.label(RichText::new(tr(lang, key!("ui.receipt.qr_hint"))).small());
                    });
                }
            });
            ui.horizontal(|ui| {
                super::widgets::print_buttons(ui, lang, &doc, &prefs.printer, &pdf_path, out);
                if primary(ui, true, tr(lang, key!("ui.receipt.next")), "Enter").clicked()
                    || ui.input_mut(|i| {
                        i.consume_key(Modifiers::NONE, Key::Enter)
                            || i.consume_key(Modifiers::NONE, Key::Escape)
                    })
                {
                    close = true;
                }
            });
        });
        if close {
            self.receipt = None;
            self.qr = None;
            self.focus = Some(Focus::Card);
        }
    }
}
