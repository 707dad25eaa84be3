//! Helpers the benchmarks share: a bench terminal with its roster, key and counter.

// A benchmark may panic on a broken setup; that is a failed run, not a shipped code path.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use chrono::{FixedOffset, TimeZone};
use ewarong_core::domain::{Entitlement, KkNumber, Kpm, Pin, PinVerifier, Policy, Rupiah};
use ewarong_core::import;
use ewarong_ledger::{Ledger, Role};

/// KPM in the bench roster. Sales rotate over them, as on a distribution day.
pub const ROSTER: usize = 500;

pub fn luhn_card(i: usize) -> String {
    let body = format!("603298{i:09}");
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|c| ewarong_core::domain::ids::luhn_valid(c))
        .unwrap_or_else(|| unreachable!())
}

pub fn zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!())
}

pub fn ledger(dir: &Path, name: &str, verifier: &PinVerifier) -> Ledger {
    terminal_ledger(dir, name, "bench-01", 9, verifier)
}

/// A bench terminal with its own id and key (from `seed`), so several can share a hub.
pub fn terminal_ledger(
    dir: &Path,
    name: &str,
    terminal_id: &str,
    seed: u8,
    verifier: &PinVerifier,
) -> Ledger {
    let now = zone()
        .with_ymd_and_hms(2026, 11, 3, 8, 0, 0)
        .single()
        .unwrap_or_else(|| unreachable!());
    let mut l =
        Ledger::create(&dir.join(name), terminal_id, zone(), now).unwrap_or_else(|e| panic!("{e}"));
    let policy = Policy::default_sembako().unwrap_or_else(|e| panic!("{e}"));
    l.import_policy(&policy, "bench", &[0; 32], now)
        .unwrap_or_else(|e| panic!("{e}"));
    let products =
        import::parse_catalogue("c.csv", ewarong_ledger::demo::DEMO_CATALOGUE_CSV, &policy)
            .unwrap_or_else(|e| panic!("{e}"));
    l.import_catalogue(products, "bench", &[0; 32], now)
        .unwrap_or_else(|e| panic!("{e}"));
    let roster: Vec<Kpm> = (0..ROSTER)
        .map(|i| Kpm {
            card: luhn_card(i).parse().unwrap_or_else(|e| panic!("{e}")),
            nik: None,
            kk: "5302081103137343"
                .parse::<KkNumber>()
                .unwrap_or_else(|e| panic!("{e}")),
            name: format!("KPM {i}"),
            desa: "Kambera".into(),
            pin_verifier: verifier.clone(),
            // Enough balance for every iteration criterion may run.
            entitlements: vec![Entitlement {
                period: "2026-11".parse().unwrap_or_else(|e| panic!("{e}")),
                amount: Rupiah::new(1_000_000_000_000).unwrap_or_else(|e| panic!("{e}")),
            }],
            home: None,
        })
        .collect();
    l.import_roster(&roster, "bench", &[0; 32], now)
        .unwrap_or_else(|e| panic!("{e}"));
    l.add_operator("kasir", Role::Kasir, verifier, now)
        .unwrap_or_else(|e| panic!("{e}"));
    // A real terminal signs every entry's checkpoint.
    let key = ewarong_keys::TerminalKey::from_seed(&[seed; 32]);
    l.record_public_key(&key.public(), now)
        .unwrap_or_else(|e| panic!("{e}"));
    l.attach_key(key).unwrap_or_else(|e| panic!("{e}"));
    // Seal only when the benchmark asks, so seals do not land inside timed sales.
    l.set_seal_every(u64::MAX >> 1, now)
        .unwrap_or_else(|e| panic!("{e}"));
    l
}

/// 09:00 WITA on the benchmark's day.
pub fn morning() -> chrono::DateTime<FixedOffset> {
    zone()
        .with_ymd_and_hms(2026, 11, 3, 9, 0, 0)
        .single()
        .unwrap_or_else(|| unreachable!())
}

/// A fresh bench ledger in its own temporary directory, which lives as long as the returned guard.
pub fn bench_ledger() -> (tempfile::TempDir, Ledger) {
    bench_terminal("bench-01", 9)
}

/// [`bench_ledger`] with its own terminal id and key.
pub fn bench_terminal(terminal_id: &str, seed: u8) -> (tempfile::TempDir, Ledger) {
    let dir =
        tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap_or_else(|e| panic!("{e}"));
    let pin = Pin::new("123456").unwrap_or_else(|e| panic!("{e}"));
    let verifier = PinVerifier::create(&pin, &[7; 16]).unwrap_or_else(|e| panic!("{e}"));
    let l = terminal_ledger(dir.path(), "ledger.sqlite3", terminal_id, seed, &verifier);
    (dir, l)
}

/// The first `n` KPM of the bench roster at the counter: each proved their PIN once (argon2id,
/// tens of ms each: setup, never measured), and the kasir logged in.
pub fn counter(
    l: &mut Ledger,
    n: usize,
    now: chrono::DateTime<FixedOffset>,
) -> (Vec<ewarong_ledger::Presence>, ewarong_ledger::Operator) {
    let pin = Pin::new("123456").unwrap_or_else(|e| panic!("{e}"));
    let presences = (0..n)
        .map(|i| {
            let card = luhn_card(i).parse().unwrap_or_else(|e| panic!("{e}"));
            l.verify_kpm_pin(&card, &pin, now)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let op = l
        .authenticate_operator("kasir", &pin)
        .unwrap_or_else(|e| panic!("{e}"));
    (presences, op)
}

/// Records `n` two-item sales (5 kg beras, 2 tempe) rotating over the first 20 KPM, with
/// `synchronous=OFF`: set-up, not measured. Sealing follows the ledger's own setting.
pub fn fill_with_sales(l: &mut Ledger, n: usize) {
    let now = morning();
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap_or_else(|e| panic!("{e}"));
    let (presences, op) = counter(l, 20, now);
    let lines = [
        ewarong_core::domain::LineInput {
            product: "beras-medium".into(),
            quantity: "5".into(),
            unit_price: None,
        },
        ewarong_core::domain::LineInput {
            product: "tempe".into(),
            quantity: "2".into(),
            unit_price: None,
        },
    ];
    for i in 0..n {
        l.record_sale(&presences[i % 20], &op, &lines, None, now)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
