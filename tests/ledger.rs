//! The ledger API with explicit clocks: append-only triggers, durability failures, lockout days, carry-over, concurrency.

// Test helpers may panic: a panic is a failed test. Arithmetic here computes expected values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::type_complexity
)]

use crate::common;

use std::path::Path;

use chrono::{DateTime, FixedOffset, TimeZone};
use common::snapshot;
use ewarong_core::domain::{
    CardNumber, Entitlement, KkNumber, Kpm, LineInput, Pin, PinVerifier, Policy, Rupiah,
};
use ewarong_core::i18n::{Lang, Localize};
use ewarong_core::import;
use ewarong_ledger::{Ledger, LedgerError, Role};
use rusqlite::ErrorCode;

const CARD: &str = "6032980000000010";
const OTHER: &str = "6032980000000028";

fn wita() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    wita().with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn kpm(card: &str, pin: &str, entitlements: &[(&str, i64)]) -> Kpm {
    let pin = Pin::new(pin).unwrap();
    Kpm {
        card: card.parse().unwrap(),
        nik: None,
        kk: "5302081103137343".parse::<KkNumber>().unwrap(),
        name: format!("KPM {card}"),
        desa: "Kambera".into(),
        pin_verifier: PinVerifier::create(&pin, &import::new_salt().unwrap()).unwrap(),
        entitlements: entitlements
            .iter()
            .map(|(p, a)| Entitlement {
                period: p.parse().unwrap(),
                amount: Rupiah::new(*a).unwrap(),
            })
            .collect(),
        home: None,
    }
}

/// A small ledger: default policy (optionally changed), the demo catalogue, two KPM, two operators.
fn setup(dir: &Path, policy: Policy, roster: &[Kpm]) -> Ledger {
    let now = at(2026, 10, 1, 8, 0);
    let mut l = Ledger::create(&dir.join("ledger.sqlite3"), "uji-01", wita(), now).unwrap();
    l.import_policy(&policy, "test", &[0; 32], now).unwrap();
    let products =
        import::parse_catalogue("c.csv", ewarong_ledger::demo::DEMO_CATALOGUE_CSV, &policy)
            .unwrap();
    l.import_catalogue(products, "test", &[0; 32], now).unwrap();
    l.import_roster(roster, "test", &[0; 32], now).unwrap();
    let key = ewarong_keys::TerminalKey::create(&dir.join(ewarong_keys::KEY_FILE), None).unwrap();
    l.record_public_key(&key.public(), now).unwrap();
    l.attach_key(key).unwrap();
    for (name, role, pin) in [
        ("kasir", Role::Kasir, "1111"),
        ("supervisor", Role::Supervisor, "9999"),
    ] {
        let v = PinVerifier::create(&Pin::new(pin).unwrap(), &import::new_salt().unwrap()).unwrap();
        l.add_operator(name, role, &v, now).unwrap();
    }
    l
}

fn standard(dir: &Path) -> Ledger {
    setup(
        dir,
        Policy::default_sembako().unwrap(),
        &[
            kpm(
                CARD,
                "123456",
                &[("2026-10", 200_000), ("2026-11", 200_000)],
            ),
            kpm(OTHER, "654321", &[("2026-11", 200_000)]),
        ],
    )
}

fn line(product: &str, qty: &str) -> LineInput {
    LineInput {
        product: product.into(),
        quantity: qty.into(),
        unit_price: None,
    }
}

/// `n` sales of one tempe to the first KPM.
fn sell_tempe(l: &mut Ledger, n: usize, now: DateTime<FixedOffset>) {
    for _ in 0..n {
        sell(l, CARD, "123456", &[line("tempe", "1")], now).unwrap();
    }
}

fn card(s: &str) -> CardNumber {
    s.parse().unwrap()
}

fn sell(
    l: &mut Ledger,
    who: &str,
    pin: &str,
    lines: &[LineInput],
    now: DateTime<FixedOffset>,
) -> Result<u64, LedgerError> {
    let presence = l.verify_kpm_pin(&card(who), &Pin::new(pin).unwrap(), now)?;
    let op = l.authenticate_operator("kasir", &Pin::new("1111").unwrap())?;
    l.record_sale(&presence, &op, lines, None, now)
        .map(|r| r.seq)
}

const LEDGER_TABLES: [&str; 18] = [
    "tree_state",
    "terminal_key",
    "batch",
    "outbox",
    "entry_signature",
    "setting",
    "terminal",
    "reference_import",
    "operator",
    "pin_failure",
    "entry",
    "sale",
    "sale_item",
    "void",
    "day_close",
    "day_close_total",
    "complaint",
    "lockout",
];

#[test]
fn raw_update_and_delete_fail_on_every_ledger_table() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    let now = at(2026, 10, 5, 9, 0);
    let s = sell(&mut l, CARD, "123456", &[line("beras-medium", "2")], now).unwrap();
    let sup = l
        .authenticate_supervisor(&Pin::new("9999").unwrap())
        .unwrap();
    l.void_sale(s, "salah", &sup, now).unwrap();
    l.record_complaint(&card(CARD), Some(s), "harga".parse().unwrap(), "mahal", now)
        .unwrap();
    for _ in 0..3 {
        let _ = l.verify_kpm_pin(&card(OTHER), &Pin::new("000000").unwrap(), now);
    }
    l.set_seal_every(100, now).unwrap();
    l.close_day(&sup, now).unwrap();
    let path = dir.path().join("ledger.sqlite3");
    let before = snapshot(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for table in LEDGER_TABLES {
        let rows: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert!(
            rows > 0,
            "{table} should have a row for this test to mean anything"
        );
        let column: String = conn
            .query_row(
                &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid LIMIT 1"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        for sql in [
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
        ] {
            let err = conn.execute(&sql, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
    }
    assert_eq!(snapshot(&path), before);
    // Inserting out of order is refused too.
    let err = conn
        .execute("INSERT INTO entry (seq, kind, recorded_at, canonical, leaf_hash, prev_hash, chain_hash) VALUES (99, 'sale', 'x', x'00', zeroblob(32), zeroblob(32), zeroblob(32))", [])
        .unwrap_err();
    assert!(err.to_string().contains("last seq + 1"), "{err}");
}

/// The tables an import or a signed hub update replaces whole (each replacement logged with its
/// hash and version); every other table is append-only.
const REFERENCE_TABLES: [&str; 5] = ["product", "kpm", "entitlement", "hub_move", "hub_revoked"];

/// Caches for sync over weak links (migration 0010): the last document of each kind the hub
/// sent and the pages of a download under way. Not records (docs/ledger-format.md): emptied
/// or changed, the next update comes whole. Everything else is append-only.
const CACHE_TABLES: [&str; 2] = ["hub_document", "download_page"];

/// Every table the migrations create, read from `sqlite_master`, is append-only unless it is a
/// named reference table: a table a later migration adds cannot be forgotten here. The rows
/// test above shows the triggers at work; this one checks each table has both, and that each
/// raises the append-only refusal.
#[test]
fn every_table_but_the_reference_tables_refuses_update_and_delete() {
    let dir = tempfile::TempDir::new().unwrap();
    drop(standard(dir.path()));
    let conn = rusqlite::Connection::open(dir.path().join("ledger.sqlite3")).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() > LEDGER_TABLES.len(), "{tables:?}");
    let mut missing = Vec::new();
    for table in tables
        .iter()
        .filter(|t| !REFERENCE_TABLES.contains(&t.as_str()) && !CACHE_TABLES.contains(&t.as_str()))
    {
        for event in ["UPDATE", "DELETE"] {
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1
                       AND sql LIKE '%BEFORE ' || ?2 || ' ON %' AND sql LIKE '%RAISE(ABORT%append-only%'",
                    rusqlite::params![table, event],
                    |r| r.get(0),
                )
                .ok();
            if sql.is_none() {
                missing.push(format!("{table}: no append-only {event} trigger"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    for table in REFERENCE_TABLES.iter().chain(CACHE_TABLES.iter()) {
        assert!(tables.iter().any(|t| t == table), "table {table} is gone");
    }
    // The schema version is the number of migrations: every file in migrations/ is applied.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count();
    assert_eq!(version, ewarong_ledger::supported_schema_version());
    assert_eq!(version, i64::try_from(files).unwrap());
}

#[test]
fn the_stock_sqlite3_tool_reads_the_ledger() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    sell(
        &mut l,
        CARD,
        "123456",
        &[line("beras-medium", "2"), line("tempe", "1")],
        at(2026, 10, 5, 9, 0),
    )
    .unwrap();
    drop(l);
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("ledger.sqlite3"))
        .arg("SELECT seq, card, total FROM sale; SELECT COUNT(*) FROM sale_item; PRAGMA integrity_check;")
        .output()
        .expect("the sqlite3 command-line tool must be installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("1|{CARD}|33000\n2\nok\n")
    );
}

#[test]
fn a_full_disk_refuses_the_sale_and_saves_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = setup(
        dir.path(),
        Policy::default_sembako().unwrap(),
        &[kpm(CARD, "123456", &[("2026-10", 1_000_000_000)])],
    );
    let now = at(2026, 10, 5, 9, 0);
    let presence = l
        .verify_kpm_pin(&card(CARD), &Pin::new("123456").unwrap(), now)
        .unwrap();
    let op = l
        .authenticate_operator("kasir", &Pin::new("1111").unwrap())
        .unwrap();
    let before = snapshot(&dir.path().join("ledger.sqlite3"));
    // SQLite's own size cap gives exactly the error a full disk gives (SQLITE_FULL).
    let pages: i64 = l
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    l.connection()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let big = [line("beras-medium", "2")];
    let mut err = None;
    // Fill the remaining free pages with sales until the cap is hit.
    for _ in 0..5000 {
        match l.record_sale(&presence, &op, &big, None, now) {
            Ok(_) => continue,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let err = err.expect("the capped ledger should fill up");
    assert!(
        matches!(&err, LedgerError::Sqlite(e) if e.sqlite_error_code() == Some(ErrorCode::DiskFull)),
        "{err:?}"
    );
    assert!(
        err.localize(Lang::Id)
            .contains("penyimpanan penuh: transaksi TIDAK disimpan"),
        "{}",
        err.localize(Lang::Id)
    );
    assert!(err.is_storage());
    // Everything before the failing sale is intact and the chain still verifies.
    let report = l.check_chain().unwrap();
    assert_eq!(report.first_broken, None);
    let saved = report.entries;
    drop(l);
    let after = snapshot(&dir.path().join("ledger.sqlite3"));
    assert_eq!(after["entry"].len() as u64, saved);
    assert_eq!(after["sale"].len() as u64, saved);
    assert_eq!(
        after["sale_item"].len() as u64,
        saved,
        "no half-written sale"
    );
    assert!(before["entry"].is_empty());
}

#[test]
fn a_read_only_ledger_refuses_the_sale() {
    let dir = tempfile::TempDir::new().unwrap();
    drop(standard(dir.path()));
    let path = dir.path().join("ledger.sqlite3");
    let before = snapshot(&path);
    let mut l = Ledger::open_read_only(&path).unwrap();
    let now = at(2026, 10, 5, 9, 0);
    let presence = l
        .verify_kpm_pin(&card(CARD), &Pin::new("123456").unwrap(), now)
        .unwrap();
    let op = l
        .authenticate_operator("kasir", &Pin::new("1111").unwrap())
        .unwrap();
    let err = l
        .record_sale(&presence, &op, &[line("tempe", "1")], None, now)
        .unwrap_err();
    assert!(
        err.localize(Lang::Id).contains("hanya-baca"),
        "{}",
        err.localize(Lang::Id)
    );
    assert!(err.localize(Lang::En).contains("read-only"));
    drop(l);
    assert_eq!(snapshot(&path), before);
}

#[test]
fn a_lockout_lasts_until_local_midnight() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    let wrong = Pin::new("000000").unwrap();
    let right = Pin::new("123456").unwrap();
    let c = card(CARD);
    // Two wrong tries yesterday do not count today.
    for _ in 0..2 {
        assert!(matches!(
            l.verify_kpm_pin(&c, &wrong, at(2026, 10, 4, 22, 0)),
            Err(LedgerError::PinWrong { .. })
        ));
    }
    let day = |h, m| at(2026, 10, 5, h, m);
    assert!(matches!(
        l.verify_kpm_pin(&c, &wrong, day(8, 0)),
        Err(LedgerError::PinWrong { remaining: 2 })
    ));
    assert!(matches!(
        l.verify_kpm_pin(&c, &wrong, day(8, 1)),
        Err(LedgerError::PinWrong { remaining: 1 })
    ));
    assert!(matches!(
        l.verify_kpm_pin(&c, &wrong, day(8, 2)),
        Err(LedgerError::PinLockedNow { max: 3, .. })
    ));
    assert!(matches!(
        l.verify_kpm_pin(&c, &right, day(8, 3)),
        Err(LedgerError::PinLocked { .. })
    ));
    assert!(matches!(
        l.verify_kpm_pin(&c, &right, day(23, 59)),
        Err(LedgerError::PinLocked { .. })
    ));
    assert!(l.verify_kpm_pin(&c, &right, at(2026, 10, 6, 0, 0)).is_ok());
    let locks: i64 = l
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM lockout WHERE day = '2026-10-05'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(locks, 1);
    // The limit is policy data.
    let dir2 = tempfile::TempDir::new().unwrap();
    let mut p = Policy::default_sembako().unwrap();
    p.max_pin_attempts = 1;
    let mut strict = setup(
        dir2.path(),
        p,
        &[kpm(CARD, "123456", &[("2026-10", 200_000)])],
    );
    assert!(matches!(
        strict.verify_kpm_pin(&c, &wrong, day(8, 0)),
        Err(LedgerError::PinLockedNow { max: 1, .. })
    ));
}

/// Twelve wrong PINs for one card at the same moment, each from its own connection (as two
/// counters or a script would send them): exactly the policy's three tries are checked and
/// recorded, one lockout entry is written, and the rest are refused as locked.
#[test]
fn wrong_pins_sent_at_once_give_exactly_the_limit_and_one_lockout() {
    let dir = tempfile::TempDir::new().unwrap();
    drop(standard(dir.path()));
    let path = dir.path().join("ledger.sqlite3");
    let start = std::sync::Barrier::new(12);
    let answers: Vec<LedgerError> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|_| {
                let (path, start) = (&path, &start);
                s.spawn(move || {
                    let mut l = Ledger::open(path).unwrap();
                    start.wait();
                    l.verify_kpm_pin(
                        &card(CARD),
                        &Pin::new("000000").unwrap(),
                        at(2026, 10, 5, 9, 0),
                    )
                    .unwrap_err()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let count = |f: fn(&LedgerError) -> bool| answers.iter().filter(|e| f(e)).count();
    assert_eq!(
        count(|e| matches!(e, LedgerError::PinWrong { .. })),
        2,
        "{answers:?}"
    );
    assert_eq!(
        count(|e| matches!(e, LedgerError::PinLockedNow { .. })),
        1,
        "{answers:?}"
    );
    assert_eq!(
        count(|e| matches!(e, LedgerError::PinLocked { .. })),
        9,
        "{answers:?}"
    );
    let l = Ledger::open(&path).unwrap();
    let rows = |sql: &str| -> i64 { l.connection().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(rows("SELECT COUNT(*) FROM pin_failure"), 3);
    assert_eq!(rows("SELECT COUNT(*) FROM lockout"), 1);
    assert_eq!(rows("SELECT COUNT(*) FROM entry WHERE kind = 'lockout'"), 1);
    // And the right PIN, now, is refused too: the card is locked for the day.
    let mut l = l;
    assert!(matches!(
        l.verify_kpm_pin(
            &card(CARD),
            &Pin::new("123456").unwrap(),
            at(2026, 10, 5, 9, 1)
        ),
        Err(LedgerError::PinLocked { .. })
    ));
}

#[test]
fn unspent_balance_carries_over_when_the_policy_says_so() {
    let roster = [kpm(
        CARD,
        "123456",
        &[("2026-10", 200_000), ("2026-11", 200_000)],
    )];
    let oct = at(2026, 10, 20, 9, 0);
    let nov = at(2026, 11, 2, 9, 0);
    for (carry_over, expected_nov) in [(true, 200_000 - 27_000 + 200_000), (false, 200_000)] {
        let dir = tempfile::TempDir::new().unwrap();
        let mut p = Policy::default_sembako().unwrap();
        p.carry_over = carry_over;
        let mut l = setup(dir.path(), p, &roster);
        sell(&mut l, CARD, "123456", &[line("beras-medium", "2")], oct).unwrap();
        let b = l.balance(&card(CARD), nov).unwrap();
        assert_eq!(
            b.available,
            Rupiah::new(expected_nov).unwrap(),
            "carry_over={carry_over}"
        );
        assert_eq!(b.this_period, Rupiah::new(200_000).unwrap());
        // Spending more than the balance is refused with the shortfall.
        let too_much = [LineInput {
            product: "daging-sapi".into(),
            quantity: "3".into(),
            unit_price: None,
        }];
        let err = sell(&mut l, CARD, "123456", &too_much, nov).unwrap_err();
        let LedgerError::Rejected(v) = &err else {
            panic!("{err:?}")
        };
        assert!(
            v[0].localize(Lang::Id).contains("kurang"),
            "{}",
            v[0].localize(Lang::Id)
        );
    }
}

#[test]
fn two_writers_keep_the_sequence_gap_free() {
    let dir = tempfile::TempDir::new().unwrap();
    drop(setup(
        dir.path(),
        Policy::default_sembako().unwrap(),
        &[
            kpm(CARD, "123456", &[("2026-10", 10_000_000)]),
            kpm(OTHER, "654321", &[("2026-10", 10_000_000)]),
        ],
    ));
    let path = dir.path().join("ledger.sqlite3");
    std::thread::scope(|s| {
        for (who, pin) in [(CARD, "123456"), (OTHER, "654321")] {
            let path = &path;
            s.spawn(move || {
                let mut l = Ledger::open(path).unwrap();
                let now = at(2026, 10, 5, 9, 0);
                let presence = l
                    .verify_kpm_pin(&card(who), &Pin::new(pin).unwrap(), now)
                    .unwrap();
                let op = l
                    .authenticate_operator("kasir", &Pin::new("1111").unwrap())
                    .unwrap();
                for _ in 0..25 {
                    l.record_sale(&presence, &op, &[line("tempe", "1")], None, now)
                        .unwrap();
                }
            });
        }
    });
    let l = Ledger::open(&path).unwrap();
    let report = l.check_chain().unwrap();
    assert_eq!(
        (report.entries, report.last_seq, report.first_broken),
        (50, 50, None)
    );
}

#[test]
fn check_chain_finds_edits_deletions_and_insertions() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    sell_tempe(&mut l, 4, at(2026, 10, 5, 9, 0));
    drop(l);
    let path = dir.path().join("ledger.sqlite3");
    let pristine = std::fs::read(&path).unwrap();
    let cases: [(&str, (u64, &str)); 4] = [
        (
            "UPDATE entry SET canonical = CAST(canonical || x'00' AS BLOB) WHERE seq = 3",
            (3, "check.leaf"),
        ),
        ("DELETE FROM entry WHERE seq = 2", (2, "check.gap")),
        (
            "UPDATE entry SET prev_hash = zeroblob(32) WHERE seq = 4",
            (4, "check.prev"),
        ),
        (
            "DROP TRIGGER tree_state_no_update; UPDATE tree_state SET root = zeroblob(32) WHERE seq = 3",
            (3, "check.tree"),
        ),
    ];
    for (sql, want) in cases {
        std::fs::write(&path, &pristine).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF; DROP TRIGGER entry_no_update; DROP TRIGGER entry_no_delete;").unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let report = Ledger::open(&path).unwrap().check_chain().unwrap();
        assert_eq!(
            report.first_broken.map(|(seq, key)| (seq, key.as_str())),
            Some(want),
            "{sql}"
        );
    }
}

#[test]
fn the_sale_and_its_items_commit_together() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    let now = at(2026, 10, 5, 9, 0);
    let basket = [
        line("tempe", "2"),
        line("beras-medium", "1,5"),
        line("bayam", "1"),
    ];
    let presence = l
        .verify_kpm_pin(&card(CARD), &Pin::new("123456").unwrap(), now)
        .unwrap();
    let op = l
        .authenticate_operator("kasir", &Pin::new("1111").unwrap())
        .unwrap();
    let r = l.record_sale(&presence, &op, &basket, None, now).unwrap();
    assert_eq!(r.total, Rupiah::new(12_000 + 20_250 + 4_000).unwrap());
    assert_eq!(
        r.lines
            .iter()
            .map(|l| l.product_id.as_str())
            .collect::<Vec<_>>(),
        ["bayam", "beras-medium", "tempe"]
    );
    let stored = l.sale_lines(r.seq).unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(
        stored.iter().map(|s| s.line_total.as_i64()).sum::<i64>(),
        r.total.as_i64()
    );
    let versions: (i64, i64, i64) = l
        .connection()
        .query_row(
            "SELECT policy_version, catalogue_version, roster_version FROM sale WHERE seq = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(versions, (1, 1, 1));
    // The ledger file itself is in WAL mode with full sync.
    let mode: String = l
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = l
        .connection()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = l
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
}

#[test]
fn the_merkle_tree_is_kept_with_every_entry_and_backfilled_on_upgrade() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    sell_tempe(&mut l, 7, at(2026, 10, 5, 9, 0));
    let leaves: Vec<[u8; 32]> = l
        .connection()
        .prepare("SELECT leaf_hash FROM entry ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let roots: Vec<[u8; 32]> = l
        .connection()
        .prepare("SELECT root FROM tree_state ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(roots.len(), 7);
    for (n, r) in roots.iter().enumerate() {
        assert_eq!(
            *r,
            ewarong_core::seal::merkle::root(&leaves[..=n]),
            "root after entry {}",
            n + 1
        );
    }
    drop(l);
    // A ledger from before migrations 0002 to 0006. Opening it fills tree_state in, and 0006
    // rebuilds table `entry` under its sales.
    let path = dir.path().join("ledger.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE hub_document; DROP TABLE download_page; DROP TABLE hub_change; ALTER TABLE reference_import DROP COLUMN enrolment; DROP TABLE release; DROP TABLE hub_move; DROP TABLE hub_move_import; DROP TABLE hub_revoked; DROP TABLE hub_revoked_import; ALTER TABLE kpm DROP COLUMN home; DROP TABLE hub_enrolment; DROP TABLE batch_ack; DROP TABLE tree_state; DROP TABLE terminal_key; DROP TABLE outbox; DROP TABLE batch; DROP TABLE entry_signature; DROP TABLE setting; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    let mut l = Ledger::open(&path).unwrap();
    let again: Vec<[u8; 32]> = l
        .connection()
        .prepare("SELECT root FROM tree_state ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(again, roots);
    // And the tree keeps growing from there.
    sell(
        &mut l,
        CARD,
        "123456",
        &[line("tempe", "1")],
        at(2026, 10, 5, 9, 0),
    )
    .unwrap();
    assert_eq!(l.check_chain().unwrap().first_broken, None);
}

#[test]
fn batches_are_sealed_signed_and_chained() {
    use ewarong_core::seal::batch::{self, verify_checkpoint_note};
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    let public = l.public_key().unwrap().unwrap();
    let now = at(2026, 10, 5, 9, 0);
    l.set_seal_every(3, now).unwrap();
    sell_tempe(&mut l, 7, now);
    let auto = l.batches().unwrap();
    assert_eq!(
        auto.iter()
            .map(|b| (b.first_seq, b.last_seq))
            .collect::<Vec<_>>(),
        [(1, 3), (4, 6)]
    );
    assert!(auto.iter().all(|b| b.reason == "count"));
    let manual = l
        .seal(ewarong_ledger::SealReason::Manual, now)
        .unwrap()
        .unwrap();
    assert_eq!(
        (manual.batch_seq, manual.first_seq, manual.last_seq),
        (3, 7, 7)
    );
    assert!(
        l.seal(ewarong_ledger::SealReason::Manual, now)
            .unwrap()
            .is_none(),
        "nothing new to seal"
    );
    // Every header signature verifies, each header points at the previous one, and the
    // checkpoint note verifies with the same key and states the same tree.
    let rows: Vec<(Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, [u8; 32])> = l
        .connection()
        .prepare("SELECT header, header_hash, signature, prev_header_hash, root FROM batch ORDER BY batch_seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = vec![0u8; 32];
    for ((header, hash, sig, prev_hash, root), info) in rows.iter().zip(l.batches().unwrap()) {
        let sig: [u8; 64] = sig.clone().try_into().unwrap();
        assert!(public.verify(header, &sig), "batch {}", info.batch_seq);
        let mut tampered = header.clone();
        tampered[20] ^= 1;
        assert!(!public.verify(&tampered, &sig));
        assert_eq!(prev_hash, &prev);
        assert_eq!(
            hash.as_slice(),
            <sha2::Sha256 as sha2::Digest>::digest(header).as_slice()
        );
        prev = hash.clone();
        let cp = verify_checkpoint_note(&info.checkpoint, &public).expect("checkpoint verifies");
        assert_eq!(
            (cp.origin.as_str(), cp.tree_size, cp.root),
            ("ewarong/uji-01", info.last_seq, *root)
        );
        assert!(info.checkpoint.starts_with("ewarong/uji-01\n"));
    }
    // Each entry's checkpoint signature verifies too.
    let sigs: Vec<(u64, [u8; 32], [u8; 64])> = l
        .connection()
        .prepare("SELECT s.seq, t.root, s.signature FROM entry_signature s JOIN tree_state t ON t.seq = s.seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sigs.len(), 7);
    for (seq, root, sig) in sigs {
        assert!(
            public.verify(
                batch::checkpoint_text("uji-01", seq, &root).as_bytes(),
                &sig
            ),
            "entry {seq}"
        );
    }
    // A batch that overlaps the previous one is refused by the ledger itself.
    let err = l
        .connection()
        .execute(
            "INSERT INTO batch (batch_seq, first_seq, last_seq, root, prev_header_hash, sealed_at, reason, header, header_hash, signature, public_key, checkpoint)
             VALUES (4, 5, 7, zeroblob(32), zeroblob(32), 'x', 'manual', x'00', zeroblob(32), zeroblob(64), zeroblob(32), 'x')",
            [],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("right after the previous"),
        "{err}"
    );
    // The day close is sealed with everything before it.
    let sup = l
        .authenticate_supervisor(&Pin::new("9999").unwrap())
        .unwrap();
    l.close_day(&sup, now).unwrap();
    let last = l.batches().unwrap().pop().unwrap();
    assert_eq!(
        (last.first_seq, last.last_seq, last.reason.as_str()),
        (8, 8, "day_close")
    );
}

#[test]
fn only_the_recorded_key_may_sign() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut l = standard(dir.path());
    let stranger = ewarong_keys::TerminalKey::generate().unwrap();
    assert!(matches!(
        l.attach_key(stranger),
        Err(LedgerError::KeyMismatch)
    ));
    let dir2 = tempfile::TempDir::new().unwrap();
    let zone = wita();
    let mut bare = Ledger::create(
        &dir2.path().join("l.sqlite3"),
        "tanpa-kunci",
        zone,
        at(2026, 10, 1, 8, 0),
    )
    .unwrap();
    let key = ewarong_keys::TerminalKey::generate().unwrap();
    assert!(matches!(bare.attach_key(key), Err(LedgerError::NoKey)));
    assert!(matches!(
        bare.seal(ewarong_ledger::SealReason::Manual, at(2026, 10, 1, 8, 0)),
        Err(LedgerError::NoKey)
    ));
}
