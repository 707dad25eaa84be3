//! The counter GUI's hot paths: roster search per keystroke over 100,000 KPM, and one frame of
//! the sale screen with a 50-line basket (the egui pass, then tessellation).

// A benchmark may panic on a broken setup; that is a failed run, not a shipped code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ewarong::app::search::RosterIndex;
use ewarong::ui::EwarongApp;
use ewarong_core::domain::Policy;
use ewarong_ledger::KpmSummary;

const FIRST: [&str; 12] = [
    "Maria", "Yohanes", "Rosalina", "Frans", "Agustina", "Petrus", "Yuliana", "Markus", "Siti",
    "Ahmad", "Dewi", "Umbu",
];
const LAST: [&str; 10] = [
    "Ndapa", "Lakilu", "Hina", "Nggiku", "Tanya", "Djawa", "Kaborang", "Rihi", "Wunu", "Landu",
];
const DESA: [&str; 8] = [
    "Kambera",
    "Watumbaka",
    "Prailiu",
    "Kawangu",
    "Mauliru",
    "Lambanapu",
    "Kuta",
    "Wunga",
];

/// 100,000 KPM with names, desa, cards and (for 9 in 10) a NIK, as in a large kabupaten.
fn roster(n: usize) -> Vec<KpmSummary> {
    (0..n)
        .map(|i| KpmSummary {
            card: format!("603298{i:010}"),
            nik: (i % 10 != 0).then(|| format!("5302{:012}", i * 7919 % 1_000_000_000_000)),
            kk: format!("5302{:012}", i),
            name: format!(
                "{} {} {}",
                FIRST[i % FIRST.len()],
                LAST[(i / 12) % LAST.len()],
                LAST[(i / 7) % LAST.len()]
            ),
            desa: DESA[(i / 3) % DESA.len()].to_owned(),
        })
        .collect()
}

fn search(c: &mut Criterion) {
    let ix = RosterIndex::new(roster(100_000));
    let mut g = c.benchmark_group("roster_search_100k");
    // What the shopkeeper types, one keystroke at a time: a name, a card's last digits, a NIK.
    for query in [
        "ro",
        "ros",
        "rosa",
        "rosalina",
        "rosalina hina",
        "0010",
        "00099999",
        "5302000000",
    ] {
        g.bench_function(query, |b| {
            b.iter(|| black_box(ix.search(black_box(query), 8)))
        });
    }
    // No match anywhere: the cost of scanning the whole buffer once, the floor of this design.
    g.bench_function("scan_floor_no_match", |b| {
        b.iter(|| black_box(ix.search(black_box("qqqqq"), 8)))
    });
    g.finish();
}

/// A demo terminal with a 60-product catalogue, a KPM at the counter and 50 lines in the basket.
fn sale_screen_with_50_lines() -> (tempfile::TempDir, Harness<'static, EwarongApp>) {
    let dir = tempfile::tempdir().unwrap();
    let zone = ewarong_core::domain::parse_timezone("WITA").unwrap();
    let now = chrono::Utc::now().with_timezone(&zone);
    let mut created = ewarong_ledger::data_dir::create(
        &ewarong_ledger::data_dir::DataDir::new(dir.path()),
        "bench-01",
        zone,
        true,
        None,
        now,
    )
    .unwrap();
    let policy = Policy::default_sembako().unwrap();
    let mut csv = String::from("id,barcode,name,unit,group,forbidden,reference_price_rupiah\n");
    for i in 0..60 {
        let group = [
            "karbohidrat",
            "protein-hewani",
            "protein-nabati",
            "vitamin-mineral",
        ][i % 4];
        csv.push_str(&format!(
            "barang-{i:02},,Barang nomor {i:02} kemasan,buah,{group},,{}\n",
            500 + i * 10
        ));
    }
    let products = ewarong_core::import::parse_catalogue("bench.csv", &csv, &policy).unwrap();
    created
        .ledger
        .import_catalogue(
            products,
            "bench.csv",
            &ewarong_ledger::sha256(csv.as_bytes()),
            now,
        )
        .unwrap();
    drop(created);
    let app = EwarongApp::new(dir.path().to_owned());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1366.0, 768.0))
        .build_ui_state(|ui, app: &mut EwarongApp| app.show(ui), app);
    let wait = |h: &mut Harness<'static, EwarongApp>, text: &str| {
        let start = Instant::now();
        while h.query_all_by_label_contains(text).next().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waiting for {text}"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait(&mut h, "Nama operator");
    for (label, text) in [("Nama operator", "kasir"), ("PIN operator", "1111")] {
        h.get_by_label(label).focus();
        h.step();
        h.get_by_label(label).type_text(text);
        h.step();
    }
    h.key_press(Key::Enter);
    wait(&mut h, "Transaksi [F1]");
    h.get_by_label("Kartu KPM / cari nama, NIK, desa")
        .type_text("6032980000000010");
    h.key_press(Key::Enter);
    wait(&mut h, "Rosalina Lakilu");
    for n in 1..=50 {
        h.get_by_label("Produk: barcode, nomor atau nama")
            .type_text(&n.to_string());
        h.key_press(Key::Enter);
        h.step();
        h.step();
    }
    wait(&mut h, "Barang nomor 49 kemasan");
    (dir, h)
}

fn frame(c: &mut Criterion) {
    let (_dir, mut h) = sale_screen_with_50_lines();
    let mut g = c.benchmark_group("sale_screen_50_lines");
    // One egui pass (layout of the whole screen, including kittest's accessibility update,
    // which the real app does not pay unless a screen reader is on).
    g.bench_function("egui_pass", |b| b.iter(|| h.step()));
    let shapes = h.output().shapes.clone();
    let ppp = h.output().pixels_per_point;
    g.bench_function("tessellate", |b| {
        b.iter(|| black_box(h.ctx.tessellate(shapes.clone(), ppp)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40).measurement_time(Duration::from_secs(6)).warm_up_time(Duration::from_secs(2));
    targets = search, frame
}
criterion_main!(benches);
