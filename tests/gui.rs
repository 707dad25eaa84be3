//! The counter GUI driven by label with egui_kittest, against a real ledger and the real worker:
//! each test checks what the screen shows and what the ledger holds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{CARD_A, CARD_B, demo, ledger_path, sale_json, scalar};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use ewarong::ui::EwarongApp;

const CARD_FIELD: &str = "Kartu KPM / cari nama, NIK, desa";
const PRODUCT_FIELD: &str = "Produk: barcode, nomor atau nama";
const TRUST_FIELD: &str =
    "Kunci publik terminal atau berkas kepercayaan dari hub (kosong: hanya integritas)";
const PIN_FIELD: &str = "PIN KPM (diketik oleh KPM)";

fn harness(dir: &Path) -> Harness<'static, EwarongApp> {
    let app = EwarongApp::new(dir.to_owned());
    Harness::builder()
        .with_size(egui::vec2(1366.0, 768.0))
        .build_ui_state(|ui, app: &mut EwarongApp| app.show(ui), app)
}

/// Steps the UI until `done` holds: the worker answers on its own thread.
fn wait_for(
    h: &mut Harness<'_, EwarongApp>,
    what: &str,
    done: impl Fn(&Harness<'_, EwarongApp>) -> bool,
) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h) {
            return;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let shown: Vec<String> = h
                .query_all_by(|n| n.label().is_some() || n.value().is_some())
                .filter_map(|n| {
                    let n = n.accesskit_node();
                    n.label().or_else(|| n.value())
                })
                .collect();
            panic!("timed out waiting for: {what}\non screen: {shown:#?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn shows(h: &Harness<'_, EwarongApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn wait_text(h: &mut Harness<'_, EwarongApp>, text: &str) {
    wait_for(h, text, |h| shows(h, text));
}

/// Focuses the field with this label and types into it, as a keyboard or scanner would.
fn type_into(h: &mut Harness<'_, EwarongApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
}

/// Brings a button into view (as a user scrolls) and clicks it.
fn click(h: &mut Harness<'_, EwarongApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.step();
    h.get_by_label(label).click();
    h.step();
}

fn press(h: &mut Harness<'_, EwarongApp>, key: Key) {
    h.key_press(key);
    h.step();
    h.step();
}

fn login(h: &mut Harness<'_, EwarongApp>, name: &str, pin: &str) {
    wait_text(h, "Nama operator");
    type_into(h, "Nama operator", name);
    type_into(h, "PIN operator", pin);
    press(h, Key::Enter);
    wait_text(h, "Transaksi [F1]");
}

fn count(dir: &Path, sql: &str) -> i64 {
    scalar::<i64>(dir, sql)
}

#[test]
fn first_start_offers_demo_then_a_full_sale_with_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    // First start, no data: "Mode demo" (the default, on Enter) and "Aktivasi".
    wait_text(&mut h, "Mode demo [Enter]");
    assert!(shows(&h, "Aktivasi [F9]"));
    click(&mut h, "Mode demo [Enter]");
    login(&mut h, "kasir", "1111");
    assert!(shows(&h, "Operator: kasir (kasir)"));

    // Scan the card: digits, then Enter.
    type_into(&mut h, CARD_FIELD, CARD_A);
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Rosalina Lakilu");
    assert!(shows(&h, "Watumbaka"));
    // Carry-over and this period shown apart.
    assert!(shows(&h, "Sisa bulan lalu"));
    assert!(shows(&h, "Rp 400.000"));

    // Three items: by barcode, by name, by quick number.
    type_into(&mut h, PRODUCT_FIELD, "8991001000019");
    press(&mut h, Key::Enter);
    type_into(&mut h, PRODUCT_FIELD, "telur ayam ras");
    press(&mut h, Key::Enter);
    type_into(&mut h, PRODUCT_FIELD, "2*1");
    press(&mut h, Key::Enter);
    // 76.000 + 30.500 + 2 × 13.500 = 133.500; left 400.000 − 133.500.
    assert!(shows(&h, "Rp 133.500"), "total shown");
    assert!(shows(&h, "Rp 266.500"), "balance after shown");

    // A forbidden product is refused, with the programme's reason.
    type_into(&mut h, PRODUCT_FIELD, "8991002000018");
    press(&mut h, Key::Enter);
    assert!(shows(&h, "Minyak goreng kemasan 1 L DITOLAK"));
    assert!(shows(
        &h,
        "Minyak goreng tidak termasuk bahan pangan Program Sembako"
    ));
    assert!(shows(&h, "Rp 133.500"), "the basket is unchanged");

    // Save is disabled until the KPM types the PIN, with the reason beside it.
    assert!(shows(&h, "Belum bisa disimpan: KPM belum mengetik PIN"));
    assert!(!h.get_by_label("Simpan [F12]").is_focused());

    // A wrong PIN: refused, the basket stays, nothing is saved.
    type_into(&mut h, PIN_FIELD, "000000");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "PIN KPM salah; sisa 2 kali");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM sale"), 0);
    assert!(shows(&h, "Rp 133.500"));

    // The right PIN: saved, and only then "Tersimpan", with the receipt.
    type_into(&mut h, PIN_FIELD, "123456");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Tersimpan");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM sale"), 1);
    assert_eq!(count(dir.path(), "SELECT total FROM sale"), 133_500);
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM sale_item"), 3);
    assert!(shows(&h, "STRUK"), "the receipt text is on screen");
    assert!(shows(&h, "Beras premium kemasan 5 kg"));
    assert!(
        shows(&h, "EWR2."),
        "the verification code is printed under the QR"
    );

    // Export the receipt as PDF; then the next KPM, with the focus back on the card field.
    press(&mut h, Key::F6);
    wait_text(&mut h, "Terkirim ke");
    let pdf = dir.path().join("export/struk-demo-01-1.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    press(&mut h, Key::Enter);
    assert!(!shows(&h, "Tersimpan"));
    assert!(h.get_by_label(CARD_FIELD).is_focused());
}

#[test]
fn bad_inputs_name_the_field_and_save_nothing() {
    let dir = demo();
    let mut h = harness(dir.path());
    wait_text(&mut h, "Nama operator");
    type_into(&mut h, "Nama operator", "kasir");
    type_into(&mut h, "PIN operator", "2222");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "PIN operator 'kasir' salah");
    assert!(!shows(&h, "Transaksi [F1]"));
    type_into(&mut h, "PIN operator", "1111");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Transaksi [F1]");
    // A card number that fails its check digit.
    type_into(&mut h, CARD_FIELD, "6032980000000011");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Kartu KPM / cari nama, NIK, desa:");
    // Over the balance: the shortfall is shown and Save stays disabled.
    type_into(&mut h, CARD_FIELD, CARD_B);
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Frans Nggiku");
    type_into(&mut h, PRODUCT_FIELD, "3*8991001000019");
    press(&mut h, Key::Enter);
    assert!(shows(&h, "Rp 228.000"));
    type_into(&mut h, PIN_FIELD, "123456");
    assert!(shows(&h, "Belum bisa disimpan"));
    press(&mut h, Key::F12);
    h.step();
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM sale"), 0);
}

#[test]
fn void_needs_a_supervisor_pin_and_shows_the_reversal() {
    let dir = demo();
    let sale = sale_json(dir.path(), CARD_A, &["beras-medium=5"]);
    let seq = sale["seq"].as_u64().unwrap();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    press(&mut h, Key::F2);
    h.get_by_label("Tanggal (TTTT-BB-HH)").focus();
    h.step();
    wait_text(&mut h, &format!("#{seq} ·"));
    h.get_by_label_contains(&format!("#{seq} ·")).click();
    h.step();
    click(&mut h, "Batalkan [F9]");
    type_into(&mut h, "Alasan pembatalan", "salah timbang");
    // The kasir's own PIN is not a supervisor's: refused, nothing written.
    type_into(&mut h, "PIN supervisor", "1111");
    click(&mut h, "Batalkan transaksi [F12]");
    wait_text(&mut h, "PIN tidak cocok dengan supervisor mana pun");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM void"), 0);
    type_into(&mut h, "PIN supervisor", "9999");
    click(&mut h, "Batalkan transaksi [F12]");
    wait_text(&mut h, "entri pembalik");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM void"), 1);
    let void_seq = count(dir.path(), "SELECT seq FROM void");
    assert_eq!(count(dir.path(), "SELECT sale_seq FROM void"), seq as i64);
    assert!(shows(&h, &format!("entri pembalik #{void_seq}")));
    assert_eq!(
        scalar::<String>(dir.path(), "SELECT supervisor FROM void"),
        "supervisor"
    );
    // The history now shows the sale as voided, and the void entry.
    wait_text(&mut h, &format!("dibatalkan #{void_seq}"));
    assert!(shows(&h, &format!("#{void_seq} · ")));
}

#[test]
fn day_close_totals_match_the_ledger() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["beras-medium=5", "telur-ayam=1"]);
    sale_json(dir.path(), CARD_B, &["tempe=2"]);
    let net = count(dir.path(), "SELECT SUM(total) FROM sale");
    let net_text = ewarong_core::domain::Rupiah::new(net).unwrap().to_string();
    let mut h = harness(dir.path());
    login(&mut h, "supervisor", "9999");
    press(&mut h, Key::F4);
    wait_text(&mut h, "LAPORAN BERJALAN (X)");
    assert!(shows(&h, &net_text), "X report net total {net_text}");
    assert!(shows(&h, "Karbohidrat"));
    click(&mut h, "Tutup hari (Z) [F12]");
    click(&mut h, "Ya, tutup hari [Enter]");
    wait_text(&mut h, "Hari ditutup");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM day_close"), 1);
    assert_eq!(count(dir.path(), "SELECT net_total FROM day_close"), net);
    assert_eq!(count(dir.path(), "SELECT sale_count FROM day_close"), 2);
    assert!(shows(&h, &net_text));
    // Per food group, as in the ledger.
    let carbs = count(
        dir.path(),
        "SELECT amount FROM day_close_total WHERE group_id = 'karbohidrat'",
    );
    assert!(shows(
        &h,
        &ewarong_core::domain::Rupiah::new(carbs)
            .unwrap()
            .to_string()
    ));
    let close_seq = count(dir.path(), "SELECT seq FROM day_close");
    assert!(shows(&h, &format!("entri #{close_seq}")));
    // Sealed at day close: nothing pending unsealed.
    assert_eq!(
        count(dir.path(), "SELECT MAX(last_seq) FROM batch"),
        close_seq
    );
}

#[test]
fn switching_to_english_changes_every_screen_and_is_remembered() {
    let dir = demo();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    press(&mut h, Key::F8);
    click(&mut h, "English");
    h.step();
    assert!(shows(&h, "Sale [F1]"));
    assert!(shows(&h, "Settings [F8]"));
    assert!(!shows(&h, "Transaksi [F1]"));
    assert!(shows(&h, "Key fingerprint"));
    press(&mut h, Key::F1);
    assert!(shows(&h, "KPM card / search name, NIK, village"));
    // The preference is written beside the ledger, so the next start is in English too.
    wait_for(&mut h, "ui.toml", |_| {
        std::fs::read_to_string(dir.path().join("ui.toml"))
            .is_ok_and(|t| t.contains("lang = \"en\""))
    });
    drop(h);
    let mut h = harness(dir.path());
    wait_text(&mut h, "Operator name");
}

#[test]
fn settings_show_the_terminal_key_and_the_supervisor_can_audit() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["beras-medium=1"]);
    let mut h = harness(dir.path());
    login(&mut h, "supervisor", "9999");
    press(&mut h, Key::F8);
    let public = common::public_key(dir.path());
    assert!(shows(&h, &public), "the public key is shown in settings");
    let key: ewarong_core::seal::sign::PublicKey = public.parse().unwrap();
    assert!(shows(&h, &key.fingerprint()), "and its fingerprint");
    press(&mut h, Key::F7);
    click(&mut h, "Periksa [F12]");
    // No key is pinned on this screen: intact, but never a plain "clean".
    wait_text(&mut h, "UTUH, PENULIS BELUM DIVERIFIKASI");
    assert!(!shows(&h, "BERSIH"));
    // With the terminal's key pinned, the same ledger is clean; a wrong key is said so.
    type_into(&mut h, TRUST_FIELD, &public);
    click(&mut h, "Periksa [F12]");
    wait_text(&mut h, "BERSIH");
    assert!(!shows(&h, "UTUH"));
    h.get_by_label(TRUST_FIELD).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.step();
    h.get_by_label(TRUST_FIELD).type_text("bukan-kunci");
    h.step();
    click(&mut h, "Periksa [F12]");
    wait_text(&mut h, "bukan kunci publik Ed25519");
    // Back to no key for the tampered copy below.
    h.get_by_label(TRUST_FIELD).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.step();
    h.key_press(Key::Backspace);
    h.step();
    // A copy with one amount changed: the audit names the entry.
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(ledger_path(dir.path()), &copy).unwrap();
    {
        let c = rusqlite::Connection::open(&copy).unwrap();
        c.execute_batch("DROP TRIGGER sale_no_update; UPDATE sale SET total = total + 1000;")
            .unwrap();
    }
    h.get_by_label("Berkas ledger").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.step();
    h.get_by_label("Berkas ledger")
        .type_text(&copy.display().to_string());
    h.step();
    click(&mut h, "Periksa [F12]");
    wait_text(&mut h, "TEMUAN");
    assert!(shows(&h, "sale"));
}

#[test]
fn the_supervisor_writes_the_audit_copy_from_the_audit_screen_and_checks_it() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["beras-medium=1"]);
    let mut h = harness(dir.path());
    login(&mut h, "supervisor", "9999");
    press(&mut h, Key::F7);
    let stick = tempfile::TempDir::new().unwrap();
    let copy = stick.path().join("toko.sqlite3");
    type_into(&mut h, "Tulis salinan ke", &copy.display().to_string());
    click(&mut h, "Tulis salinan audit");
    wait_text(&mut h, "verifier PIN dihapus");
    let bytes = std::fs::read(&copy).unwrap();
    assert!(
        !bytes.windows(8).any(|w| w == b"argon2id"),
        "no PIN verifier in the copy"
    );
    // The copy is now the file to check: with the terminal's key, it is clean.
    type_into(&mut h, TRUST_FIELD, &common::public_key(dir.path()));
    click(&mut h, "Periksa [F12]");
    wait_text(&mut h, "BERSIH");
    // Writing over an existing file is refused, and says which.
    click(&mut h, "Tulis salinan audit");
    wait_text(&mut h, "sudah ada; salinan tidak pernah menimpa berkas");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        bytes,
        "the first copy is untouched"
    );
}

/// Counts what the people at the counter press for a 5-item sale: by scanner (a scan is one
/// trigger pull) and by keyboard. The figures go into docs/performance.md.
#[test]
fn five_item_sale_keystrokes_by_scanner_and_by_keyboard() {
    let dir = demo();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    let mut shop = 0;
    let mut kpm = 0;
    // By scanner: the card, five products, Enter on the empty product field to reach the PIN.
    h.get_by_label(CARD_FIELD).type_text(CARD_A);
    press(&mut h, Key::Enter);
    shop += 1;
    wait_text(&mut h, "Rosalina Lakilu");
    assert!(
        h.get_by_label(PRODUCT_FIELD).is_focused(),
        "focus moves to products"
    );
    for barcode in [
        "8991001000019",
        "8991001000026",
        "8991001000033",
        "8991001000040",
        "8991001000057",
    ] {
        h.get_by_label(PRODUCT_FIELD).type_text(barcode);
        press(&mut h, Key::Enter);
        shop += 1;
    }
    press(&mut h, Key::Enter);
    shop += 1;
    assert!(
        h.get_by_label(PIN_FIELD).is_focused(),
        "Enter on an empty field goes to the PIN"
    );
    h.get_by_label(PIN_FIELD).type_text("123456");
    kpm += 6;
    press(&mut h, Key::Enter);
    kpm += 1;
    wait_text(&mut h, "Tersimpan");
    assert_eq!(
        count(dir.path(), "SELECT COUNT(*) FROM sale_item WHERE seq = 1"),
        5
    );
    println!(
        "scanner: shopkeeper {shop}, KPM {kpm}, total {}",
        shop + kpm
    );
    assert!(
        shop + kpm <= 15,
        "a scanned 5-item sale takes {shop} + {kpm} presses"
    );

    // By keyboard: the last four card digits, then five quick numbers.
    press(&mut h, Key::Enter); // close the receipt: counted with the previous sale
    let (mut shop, mut kpm) = (0, 0);
    h.get_by_label(CARD_FIELD).type_text("0028");
    shop += 4;
    press(&mut h, Key::Enter);
    shop += 1;
    wait_text(&mut h, "Frans Nggiku");
    for n in ["1", "3", "5", "7"] {
        h.get_by_label(PRODUCT_FIELD).type_text(n);
        shop += 1;
        press(&mut h, Key::Enter);
        shop += 1;
    }
    // The last one with Tab: added, and on to the PIN.
    h.get_by_label(PRODUCT_FIELD).type_text("9");
    shop += 1;
    press(&mut h, Key::Tab);
    shop += 1;
    assert!(
        h.get_by_label(PIN_FIELD).is_focused(),
        "Tab takes the typed item and goes to the PIN"
    );
    h.get_by_label(PIN_FIELD).type_text("123456");
    kpm += 6;
    press(&mut h, Key::Enter);
    kpm += 1;
    wait_text(&mut h, "Tersimpan");
    assert_eq!(
        count(dir.path(), "SELECT COUNT(*) FROM sale_item WHERE seq = 2"),
        5
    );
    println!(
        "keyboard: shopkeeper {shop}, KPM {kpm}, total {}",
        shop + kpm
    );
    assert_eq!(
        shop, 15,
        "keyboard path changed: update docs/performance.md"
    );
}

#[test]
fn complaints_are_recorded_and_listed_for_the_supervisor() {
    let dir = demo();
    let other = sale_json(dir.path(), CARD_B, &["tempe=1"])["seq"]
        .as_u64()
        .unwrap();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    press(&mut h, Key::F3);
    assert!(
        h.get_by_label("Kartu KPM").is_focused(),
        "the form starts at the card"
    );
    h.get_by_label("Kartu KPM").type_text(CARD_A);
    type_into(&mut h, "No. transaksi (boleh kosong)", &other.to_string());
    click(&mut h, "Harga");
    type_into(
        &mut h,
        "Isi pengaduan",
        "harga beras lebih mahal dari acuan",
    );
    // The sale belongs to another KPM: refused, nothing written.
    press(&mut h, Key::F12);
    wait_text(&mut h, "transaksi itu bukan milik kartu");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM complaint"), 0);
    // Without the sale number it is recorded; a kasir does not see the list.
    h.get_by_label("No. transaksi (boleh kosong)").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.step();
    press(&mut h, Key::F12);
    wait_text(&mut h, "Pengaduan tercatat sebagai entri");
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM complaint"), 1);
    assert_eq!(
        scalar::<String>(dir.path(), "SELECT category FROM complaint"),
        "harga"
    );
    assert!(shows(&h, "Daftar pengaduan hanya untuk supervisor."));
    press(&mut h, Key::F10);
    login(&mut h, "supervisor", "9999");
    press(&mut h, Key::F3);
    wait_text(&mut h, "harga: harga beras lebih mahal dari acuan");
}

/// Two scans (or a fast typist) inside one frame: nothing after the first Enter may be lost.
#[test]
fn a_burst_of_scans_in_one_frame_adds_every_item() {
    let dir = demo();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    h.get_by_label(CARD_FIELD).type_text(CARD_A);
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Rosalina Lakilu");
    assert!(h.get_by_label(PRODUCT_FIELD).is_focused());
    for code in ["8991001000033", "8991001000040"] {
        h.event(egui::Event::Text(code.into()));
        h.key_press(Key::Enter);
    }
    // X11 input methods deliver typed text as an IME commit.
    h.event(egui::Event::Ime(egui::ImeEvent::Commit(
        "8991001000033".into(),
    )));
    h.key_press(Key::Enter);
    h.step();
    h.step();
    // Tempe twice (one line, 2 papan) and tahu once: 2 × 6.000 + 1.000.
    assert!(
        shows(&h, "Rp 13.000"),
        "every scanned item is in the basket"
    );
    assert!(
        h.get_by_label(PRODUCT_FIELD).is_focused(),
        "the field keeps the keyboard"
    );
}

/// Touch targets: every button and text field on the main screens is at least 44 px high.
#[test]
fn every_target_is_at_least_44_px() {
    let dir = demo();
    let mut h = harness(dir.path());
    login(&mut h, "supervisor", "9999");
    h.get_by_label(CARD_FIELD).type_text(CARD_A);
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Rosalina Lakilu");
    h.get_by_label(PRODUCT_FIELD).type_text("1");
    press(&mut h, Key::Enter);
    let mut small = Vec::new();
    let mut checked = 0;
    for key in [Key::F1, Key::F2, Key::F3, Key::F4, Key::F7, Key::F8] {
        press(&mut h, key);
        for role in [
            egui::accesskit::Role::Button,
            egui::accesskit::Role::TextInput,
            egui::accesskit::Role::PasswordInput,
        ] {
            for n in h.query_all_by_role(role) {
                let r = n.rect();
                // Only what is on screen: a scrolled-away tile is not a target.
                if r.max.y <= 0.0 || r.min.y >= 768.0 {
                    continue;
                }
                checked += 1;
                if r.height() < 43.5 {
                    small.push(format!(
                        "{key:?} {role:?} {:?} {:.0}px",
                        n.accesskit_node().label(),
                        r.height()
                    ));
                }
            }
        }
    }
    assert!(checked > 60, "only {checked} targets found");
    assert!(small.is_empty(), "targets under 44 px: {small:#?}");
}

/// Sync from the counter: the status bar says not enrolled; the supervisor enrols from
/// settings with a one-time code; the background worker delivers the sales and the bar turns
/// online; with the hub gone it says offline, in plain words, and nothing is lost.
/// The hub fingerprint field, on Aktivasi and in settings.
const HUB_KEY_FIELD: &str = "Sidik jari hub (lembar pendaftaran)";

#[test]
fn enrol_from_settings_then_sync_in_the_background() {
    let hub = common::TestHub::start();
    let d = demo();
    sale_json(d.path(), CARD_A, &["beras-medium=2"]);
    sale_json(d.path(), CARD_B, &["telur-ayam-butir=3"]);
    let mut h = harness(d.path());
    login(&mut h, "supervisor", "9999");
    wait_text(&mut h, "Belum terdaftar di hub");
    press(&mut h, Key::F8);
    wait_text(&mut h, "Alamat hub");
    type_into(&mut h, "Alamat hub", &hub.url);
    type_into(&mut h, "Kode pendaftaran", "WRONG-CODE");
    // Enrolling needs the hub's fingerprint from the enrolment sheet, in its form.
    type_into(&mut h, HUB_KEY_FIELD, "ab12");
    click(&mut h, "Daftarkan");
    wait_text(
        &mut h,
        "Sidik jari hub (lembar pendaftaran): harus 16 digit hex",
    );
    h.get_by_label(HUB_KEY_FIELD).focus();
    for _ in 0.."ab12".len() {
        press(&mut h, Key::Backspace);
    }
    type_into(
        &mut h,
        HUB_KEY_FIELD,
        &hub.state.identity.public().fingerprint(),
    );
    click(&mut h, "Daftarkan");
    wait_text(&mut h, "bad_code");
    let code = hub.code("test-01");
    h.get_by_label("Kode pendaftaran").focus();
    h.step();
    for _ in 0.."WRONG-CODE".len() {
        press(&mut h, Key::Backspace);
    }
    type_into(&mut h, "Kode pendaftaran", &code);
    click(&mut h, "Daftarkan");
    wait_text(&mut h, "Terdaftar. Sidik jari kunci hub");
    wait_text(&mut h, "Terhubung ke hub");
    wait_text(&mut h, "0 batch menunggu dikirim");
    let last: u64 = scalar(d.path(), "SELECT MAX(seq) FROM entry");
    assert_eq!(hub.head_seq("test-01"), last);
    assert_eq!(
        scalar::<i64>(
            d.path(),
            "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = o.batch_seq)"
        ),
        0
    );
    // The hub goes away; after one more sale, "sync now" reports offline in plain words, and
    // the sale waits in the ledger for the next round.
    drop(hub);
    sale_json(d.path(), CARD_A, &["beras-medium=1"]);
    click(&mut h, "Sinkron sekarang");
    wait_text(&mut h, "Tidak terhubung ke hub");
    wait_text(&mut h, "hub tidak bisa dihubungi");
    wait_text(&mut h, "1 entri belum disegel");
}

/// Over a slow link that drops mid-round: the status bar says what is left to send and about
/// how long it will take, and the next round delivers everything.
#[test]
fn the_status_bar_says_what_is_left_over_a_slow_link() {
    let hub = common::TestHub::start();
    let target = hub.url.trim_start_matches("http://").parse().unwrap();
    let link = ewarong_hub::netsim::LinkSim::start(target, ewarong_hub::netsim::Profile::edge(), 5)
        .unwrap();
    let d = demo();
    // Enrolled through the link: the worker calls the hub at the enrolment's address.
    common::ok(common::ewarong(d.path()).args([
        "enrol",
        "--hub",
        &link.url(),
        "--code",
        &hub.code("test-01"),
        "--hub-key",
        &hub.state.identity.public().fingerprint(),
    ]));
    {
        use ewarong_ledger::data_dir::{DataDir, open_signing};
        let mut l = open_signing(&DataDir::new(d.path()), None).unwrap();
        let cards: Vec<String> = {
            let mut stmt = l
                .connection()
                .prepare("SELECT card FROM kpm ORDER BY card LIMIT 30")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let now = chrono::Local::now().fixed_offset();
        let pin = ewarong_core::domain::Pin::new("123456").unwrap();
        let presences: Vec<_> = cards
            .iter()
            .map(|c| l.verify_kpm_pin(&c.parse().unwrap(), &pin, now).unwrap())
            .collect();
        let op = l
            .authenticate_operator("kasir", &ewarong_core::domain::Pin::new("1111").unwrap())
            .unwrap();
        let yesterday = (now - chrono::Duration::days(1))
            .with_time(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap())
            .unwrap();
        let n = ewarong_ledger::demo::month_of_sales(&mut l, &presences, &op, yesterday, 1, 150, 5)
            .unwrap();
        assert_eq!(n, 150);
    }
    // The first round is cut a little way into its answers.
    link.cut_at_down_byte(link.traffic().down + 1_500);
    let mut h = harness(d.path());
    login(&mut h, "kasir", "1111");
    wait_text(&mut h, "Sisa kirim ≈");
    wait_text(&mut h, "Belum terkirim: 0 batch, 0 entri");
    let last: u64 = scalar(d.path(), "SELECT MAX(seq) FROM entry");
    assert_eq!(hub.head_seq("test-01"), last);
    assert!(link.traffic().cuts >= 1);
}

/// Moving to another hub from settings: only a supervisor sees it; the new hub's sheet and a
/// reason; the move is a `hub_change` entry, and every batch then goes to the new hub.
#[test]
fn move_to_another_hub_from_settings() {
    let old = common::TestHub::start();
    let store_dir = tempfile::TempDir::new().unwrap();
    let new = common::TestHub::other(
        ewarong_hub::sqlite::SqliteStore::open(&store_dir.path().join("new.sqlite3")).unwrap(),
        43,
    );
    let d = demo();
    sale_json(d.path(), CARD_A, &["beras-medium=2"]);
    old.enrol_by_cli(d.path(), "test-01");
    // A kasir is not offered the move.
    let mut h = harness(d.path());
    login(&mut h, "kasir", "1111");
    press(&mut h, Key::F8);
    wait_text(&mut h, "Terhubung ke hub");
    assert!(
        h.query_by_label("Pindah ke hub lain (supervisor)")
            .is_none()
    );
    drop(h);
    let mut h = harness(d.path());
    login(&mut h, "supervisor", "9999");
    press(&mut h, Key::F8);
    wait_text(&mut h, "0 batch menunggu dikirim");
    let before: u64 = scalar(d.path(), "SELECT MAX(seq) FROM entry");
    assert_eq!(old.head_seq("test-01"), before);
    click(&mut h, "Pindah ke hub lain (supervisor)");
    wait_text(&mut h, "Alasan pindah hub (dicatat di buku besar)");
    type_into(&mut h, "Alamat hub", &new.url);
    type_into(&mut h, "Kode pendaftaran", &new.code("test-01"));
    type_into(
        &mut h,
        HUB_KEY_FIELD,
        &new.state.identity.public().fingerprint(),
    );
    type_into(
        &mut h,
        "Alasan pindah hub (dicatat di buku besar)",
        "pemekaran kabupaten",
    );
    click(&mut h, "Pindah hub");
    wait_text(&mut h, "Pindah hub tercatat di buku besar");
    wait_for(&mut h, "the new hub holds every entry", |_| {
        new.head_seq("test-01") == before + 1
    });
    assert_eq!(
        old.head_seq("test-01"),
        before,
        "the old hub got nothing more"
    );
    let (supervisor, reason): (String, String) = (
        scalar(d.path(), "SELECT supervisor FROM hub_change"),
        scalar(d.path(), "SELECT reason FROM hub_change"),
    );
    assert_eq!(
        (supervisor.as_str(), reason.as_str()),
        ("supervisor", "pemekaran kabupaten")
    );
}

/// A real shop's first start: Aktivasi, the hub's one-time code, the programme the hub
/// published, the first supervisor's PIN. A wrong code keeps nothing; the right one opens the
/// counter, and the status bar shows the hub.
#[test]
fn activation_on_first_start_with_a_hub() {
    use ewarong_hub::publish::{Kind, publish};
    let hub = common::TestHub::start();
    let t = chrono::Local::now().fixed_offset();
    let period = t.format("%Y-%m").to_string();
    for (kind, name, text) in [
        (
            Kind::Catalogue,
            "catalogue.csv",
            ewarong_ledger::demo::DEMO_CATALOGUE_CSV.to_owned(),
        ),
        (
            Kind::Roster,
            "roster.csv",
            format!(
                "card,nik,kk,name,desa,pin,entitlements,home\n\
                 {CARD_A},,5302081103137343,Rosalina Lakilu,Watumbaka,123456,{period}=200000,sabu-07\n"
            ),
        ),
    ] {
        hub.rt
            .block_on(publish(
                &hub.state.store,
                &hub.state.identity,
                kind,
                name,
                &text,
                t,
            ))
            .unwrap();
    }
    let dir = tempfile::TempDir::new().unwrap();
    let mut h = harness(dir.path());
    wait_text(&mut h, "Aktivasi [F9]");
    press(&mut h, Key::F9);
    wait_text(&mut h, "Aktivasi terminal");
    type_into(&mut h, "Alamat hub", &hub.url);
    type_into(&mut h, "ID terminal", "sabu 07");
    type_into(&mut h, "Kode pendaftaran", "AAAA-BBBB-CCCC");
    type_into(&mut h, "PIN supervisor baru", "2468");
    type_into(&mut h, "Ulangi PIN supervisor", "2469");
    click(&mut h, "Aktifkan [Enter]");
    // The form names the field and the rule; nothing was sent.
    wait_text(&mut h, "ID terminal: 1-64 huruf");
    for _ in 0.."sabu 07".len() {
        h.get_by_label("ID terminal").focus();
        press(&mut h, Key::Backspace);
    }
    type_into(&mut h, "ID terminal", "sabu-07");
    click(&mut h, "Aktifkan [Enter]");
    wait_text(&mut h, "Sidik jari hub (lembar pendaftaran): wajib diisi");
    // Another hub's fingerprint: the hub at the address is not that one.
    let other = ewarong_hub::HubIdentity::from_seed(&[7; 32])
        .public()
        .fingerprint();
    type_into(&mut h, HUB_KEY_FIELD, &other);
    click(&mut h, "Aktifkan [Enter]");
    wait_text(&mut h, "Ulangi PIN supervisor: harus sama");
    h.get_by_label("Ulangi PIN supervisor").focus();
    press(&mut h, Key::Backspace);
    type_into(&mut h, "Ulangi PIN supervisor", "8");
    click(&mut h, "Aktifkan [Enter]");
    wait_text(&mut h, "kode tidak dikirim");
    assert!(!dir.path().join("ledger.sqlite3").exists());
    assert!(!dir.path().join("terminal.key").exists());
    h.get_by_label(HUB_KEY_FIELD).focus();
    for _ in 0..other.len() {
        press(&mut h, Key::Backspace);
    }
    type_into(
        &mut h,
        HUB_KEY_FIELD,
        &hub.state.identity.public().fingerprint(),
    );
    // A wrong code: refused by the hub, and nothing is left on disk.
    click(&mut h, "Aktifkan [Enter]");
    wait_text(&mut h, "Kode pendaftaran salah");
    assert!(!dir.path().join("ledger.sqlite3").exists());
    assert!(!dir.path().join("terminal.key").exists());
    // The right code.
    let code = hub.code("sabu-07");
    h.get_by_label("Kode pendaftaran").focus();
    for _ in 0.."AAAA-BBBB-CCCC".len() {
        press(&mut h, Key::Backspace);
    }
    type_into(&mut h, "Kode pendaftaran", &code);
    click(&mut h, "Aktifkan [Enter]");
    login(&mut h, "supervisor", "2468");
    wait_text(&mut h, "Terhubung ke hub");
    assert_eq!(
        scalar::<i64>(dir.path(), "SELECT COUNT(*) FROM kpm"),
        1,
        "the roster is the hub's"
    );
    assert_eq!(
        scalar::<i64>(dir.path(), "SELECT COUNT(*) FROM product"),
        46,
        "the catalogue is the hub's"
    );
    assert_eq!(
        scalar::<String>(dir.path(), "SELECT terminal_id FROM terminal"),
        "sabu-07"
    );
}

#[test]
fn a_visitor_kpm_is_capped_and_the_counter_says_why() {
    let dir = demo();
    common::import_roster_with_homes(dir.path(), "lain-01", None);
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    type_into(&mut h, CARD_FIELD, CARD_A);
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Rosalina Lakilu");
    assert!(shows(&h, "KPM tamu: saldonya ada di e-warong lain-01"));
    assert!(shows(&h, "Sisa batas tamu"));
    // Four kg of beras (Rp 54.000) is over the Rp 50.000 cap: refused, and why.
    type_into(&mut h, PRODUCT_FIELD, "4*1");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "melebihi batas KPM tamu");
    assert!(
        !shows(&h, "melebihi saldo"),
        "the cap, not the balance, is named"
    );
}

/// The last four digits of a card and Enter pick the family whose card *ends* with them, not
/// the first card that merely contains them; digits no card ends with pick nobody until the
/// shopkeeper chooses from the list.
#[test]
fn the_last_digits_of_a_card_pick_the_family_that_was_asked_for() {
    let dir = demo();
    let mut h = harness(dir.path());
    login(&mut h, "kasir", "1111");
    // "0010" is inside 6032 9800 0000 1091 (Anastasia Ndapa, earlier in no order) and at the
    // end of 6032 9800 0000 0010 (Rosalina Lakilu).
    type_into(&mut h, CARD_FIELD, "0010");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "Rosalina Lakilu");
    assert!(shows(&h, "Watumbaka"));
    assert!(!shows(&h, "Anastasia Ndapa"));

    // "0109" ends no card: the counter says so, keeps the list, and picks nobody.
    press(&mut h, Key::F1);
    type_into(&mut h, CARD_FIELD, "0109");
    press(&mut h, Key::Enter);
    wait_text(&mut h, "tidak ada kartu yang berakhiran 0109");
    assert!(shows(&h, "Anastasia Ndapa"), "the list stays for choosing");
    // Choosing it with the arrow keys and Enter picks it.
    press(&mut h, Key::ArrowDown);
    press(&mut h, Key::Enter);
    wait_for(&mut h, "Anastasia Ndapa chosen", |h| {
        !shows(h, "Rosalina Lakilu") && shows(h, "Anastasia Ndapa")
    });
    assert!(!shows(&h, "tidak ada kartu yang berakhiran"));
}
