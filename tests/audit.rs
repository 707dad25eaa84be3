//! Tamper tests: copies of a real ledger, changed behind the ledger's back, must fail the audit
//! with the entry named. And any random byte change to signed content is found.

// Test helpers may panic: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::type_complexity
)]

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeZone};
use common::ewarong;
use ewarong_core::audit::{AuditOptions, AuditReport, audit};
use ewarong_core::domain::{
    Entitlement, KkNumber, Kpm, LineInput, Pin, PinVerifier, Policy, Rupiah,
};
use ewarong_keys::TerminalKey;
use ewarong_ledger::{Ledger, Role};
use proptest::prelude::*;
use tempfile::TempDir;

const CARDS: [&str; 3] = ["6032980000000010", "6032980000000028", "6032980000000036"];

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 3, h, m, 0)
        .unwrap()
}

/// A real ledger: 30 sales sealed in batches of 10, a void, a complaint, a day close, and an
/// open tail of two sales. Built once; tests work on copies.
fn pristine() -> &'static Path {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let now = at(8, 0);
        let mut l = Ledger::create(
            &dir.path().join("ledger.sqlite3"),
            "audit-01",
            *now.offset(),
            now,
        )
        .unwrap();
        let policy = Policy::default_sembako().unwrap();
        l.import_policy(&policy, "t", &[0; 32], now).unwrap();
        let products = ewarong_core::import::parse_catalogue(
            "c.csv",
            ewarong_ledger::demo::DEMO_CATALOGUE_CSV,
            &policy,
        )
        .unwrap();
        l.import_catalogue(products, "t", &[0; 32], now).unwrap();
        let pin = Pin::new("123456").unwrap();
        let v = PinVerifier::create(&pin, &[1; 16]).unwrap();
        let roster: Vec<Kpm> = CARDS
            .iter()
            .map(|c| Kpm {
                card: c.parse().unwrap(),
                nik: None,
                kk: "5302081103137343".parse::<KkNumber>().unwrap(),
                name: "KPM".into(),
                desa: "Kambera".into(),
                pin_verifier: v.clone(),
                entitlements: vec![Entitlement {
                    period: "2026-11".parse().unwrap(),
                    amount: Rupiah::new(10_000_000).unwrap(),
                }],
                home: None,
            })
            .collect();
        l.import_roster(&roster, "t", &[0; 32], now).unwrap();
        l.add_operator("kasir", Role::Kasir, &v, now).unwrap();
        l.add_operator(
            "supervisor",
            Role::Supervisor,
            &PinVerifier::create(&Pin::new("9999").unwrap(), &[2; 16]).unwrap(),
            now,
        )
        .unwrap();
        let key = TerminalKey::create(&dir.path().join(ewarong_keys::KEY_FILE), None).unwrap();
        l.record_public_key(&key.public(), now).unwrap();
        l.attach_key(key).unwrap();
        l.set_seal_every(10, now).unwrap();
        let op = l.authenticate_operator("kasir", &pin).unwrap();
        let presences: Vec<_> = CARDS
            .iter()
            .map(|c| l.verify_kpm_pin(&c.parse().unwrap(), &pin, now).unwrap())
            .collect();
        let baskets = [
            ["beras-medium=2", "tempe=1"],
            ["telur-ayam=1", "bayam=2"],
            ["ikan-kembung=0,5", "tahu=4"],
        ];
        for i in 0..30 {
            let lines: Vec<LineInput> = baskets[i % 3]
                .iter()
                .map(|s| {
                    let (p, q) = s.split_once('=').unwrap();
                    LineInput {
                        product: p.into(),
                        quantity: q.into(),
                        unit_price: None,
                    }
                })
                .collect();
            l.record_sale(&presences[i % 3], &op, &lines, None, at(9, i as u32))
                .unwrap();
        }
        let sup = l
            .authenticate_supervisor(&Pin::new("9999").unwrap())
            .unwrap();
        l.void_sale(4, "salah kartu", &sup, at(10, 0)).unwrap();
        l.record_complaint(
            &CARDS[0].parse().unwrap(),
            Some(1),
            "harga".parse().unwrap(),
            "mahal",
            at(10, 5),
        )
        .unwrap();
        l.close_day(&sup, at(17, 0)).unwrap();
        for presence in presences.iter().take(2) {
            let lines = [LineInput {
                product: "tempe".into(),
                quantity: "1".into(),
                unit_price: None,
            }];
            l.record_sale(presence, &op, &lines, None, at(17, 30))
                .unwrap();
        }
        dir
    })
    .path()
}

fn copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    for f in ["ledger.sqlite3", "terminal.key"] {
        std::fs::copy(pristine().join(f), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("ledger.sqlite3");
    (dir, path)
}

fn public_key() -> String {
    Ledger::open_read_only(&pristine().join("ledger.sqlite3"))
        .unwrap()
        .public_key()
        .unwrap()
        .unwrap()
        .to_string()
}

fn run(path: &Path, args: &[&str]) -> (i32, String, String) {
    let out = ewarong(path.parent().unwrap())
        .arg("audit")
        .arg("--ledger")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA foreign_keys = OFF; {sql}"))
        .unwrap();
}

fn report(path: &Path, key: Option<&str>, all: bool) -> AuditReport {
    let l = Ledger::open_read_only(path).unwrap();
    let input = l.audit_input().unwrap();
    audit(
        &input,
        &AuditOptions {
            pinned_key: key.map(|k| k.parse().unwrap()),
            all_signatures: all,
            ..AuditOptions::default()
        },
        &mut |_, _| {},
    )
}

#[test]
fn a_real_ledger_audits_clean() {
    let (_d, path) = copy();
    let (code, out, err) = run(&path, &["--all-signatures", "--pubkey", &public_key()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("BERSIH")
            && out.contains("35 entri")
            && out.contains("4 batch")
            && out.contains("(2 entri belum disegel)"),
        "{out}"
    );
    let before = std::fs::read(&path).unwrap();
    run(&path, &[]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the audit never writes"
    );
}

/// Each tampering, and what the audit must say about it: (table, seq, code).
#[test]
fn every_kind_of_tampering_is_caught_and_named() {
    let cases: &[(&str, &str, &[(&str, u64, &str)])] = &[
        ("one amount", "DROP TRIGGER sale_no_update; UPDATE sale SET total = total + 1000 WHERE seq = 5", &[("sale", 5, "column")]),
        (
            "one product",
            "DROP TRIGGER sale_item_no_update; UPDATE sale_item SET product_id = 'minyak-goreng' WHERE seq = 7 AND line_no = 0",
            &[("sale_item", 7, "column")],
        ),
        ("one card number", "DROP TRIGGER sale_no_update; UPDATE sale SET card = '6032980000000044' WHERE seq = 9", &[("sale", 9, "column")]),
        (
            "an amount in the signed entry itself",
            "DROP TRIGGER entry_no_update; UPDATE entry SET canonical = CAST(replace(CAST(canonical AS TEXT), 'tempe', 'tahu_') AS BLOB) WHERE seq = 7",
            &[("entry", 7, "leaf_mismatch"), ("batch", 1, "batch_root")],
        ),
        (
            "a deleted entry",
            "DROP TRIGGER entry_no_delete; DROP TRIGGER sale_no_delete; DROP TRIGGER sale_item_no_delete;
             DELETE FROM sale_item WHERE seq = 12; DELETE FROM sale WHERE seq = 12; DELETE FROM entry WHERE seq = 12",
            &[("entry", 12, "gap")],
        ),
        (
            "an inserted sale row",
            "INSERT INTO sale (seq, card, period, operator, total, balance_before, override_reason, policy_version, catalogue_version, roster_version)
             SELECT 31, card, period, operator, total, balance_before, override_reason, policy_version, catalogue_version, roster_version FROM sale WHERE seq = 1",
            &[("sale", 31, "row_unsigned")],
        ),
        (
            "two swapped entries",
            "DROP TRIGGER entry_no_update;
             UPDATE entry SET canonical = (SELECT canonical FROM entry WHERE seq = 15), leaf_hash = (SELECT leaf_hash FROM entry WHERE seq = 15) WHERE seq = 14;",
            &[("entry", 14, "seq_mismatch")],
        ),
        (
            "tree roots changed late in the ledger, one to the wrong length",
            "PRAGMA ignore_check_constraints = ON; DROP TRIGGER tree_state_no_update;
             UPDATE tree_state SET root = zeroblob(32) WHERE seq = 29;
             UPDATE tree_state SET root = zeroblob(31) WHERE seq = 33;",
            &[("tree_state", 29, "tree_mismatch"), ("tree_state", 33, "tree_mismatch")],
        ),
        (
            "an altered batch signature",
            "DROP TRIGGER batch_no_update; UPDATE batch SET signature = zeroblob(64) WHERE batch_seq = 2",
            &[("batch", 2, "batch_signature")],
        ),
        (
            "a batch that claims entries that are gone",
            "DROP TRIGGER entry_no_delete; DROP TRIGGER sale_no_delete; DROP TRIGGER sale_item_no_delete; DROP TRIGGER void_no_delete;
             DROP TRIGGER day_close_no_delete; DROP TRIGGER day_close_total_no_delete; DROP TRIGGER complaint_no_delete;
             DELETE FROM sale_item WHERE seq > 30; DELETE FROM sale WHERE seq > 30; DELETE FROM void; DELETE FROM complaint;
             DELETE FROM day_close_total; DELETE FROM day_close; DELETE FROM entry WHERE seq > 30",
            &[("batch", 4, "batch_beyond")],
        ),
    ];
    for (name, sql, wanted) in cases {
        let (_d, path) = copy();
        tamper(&path, sql);
        let r = report(&path, None, false);
        for (table, seq, code) in *wanted {
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.table == *table && f.seq == *seq && f.code == *code),
                "{name}: expected {table} {seq} {code} in {:#?}",
                r.findings
            );
        }
        let (exit, out, err) = run(&path, &[]);
        assert_eq!(exit, 1, "{name}: {out}{err}");
        assert!(err.contains("TEMUAN"), "{name}: {err}");
    }
}

/// A finding is a value: its code and arguments carry no language, and its words are chosen
/// where it is shown, in either language, from the same finding.
#[test]
fn a_finding_is_a_value_put_in_words_where_it_is_shown() {
    let (_d, path) = copy();
    tamper(
        &path,
        "DROP TRIGGER sale_no_update; UPDATE sale SET total = total + 1000 WHERE seq = 5",
    );
    let r = report(&path, None, false);
    let f = r
        .findings
        .iter()
        .find(|f| f.table == "sale" && f.seq == 5)
        .unwrap();
    assert_eq!(f.code, "column");
    let arg = |name: &str| {
        f.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(arg("column"), "total");
    let (stored, signed) = (arg("stored"), arg("signed"));
    assert_eq!(
        stored.parse::<i64>().unwrap() - signed.parse::<i64>().unwrap(),
        1000
    );
    let id = f.detail(ewarong_core::i18n::Lang::Id);
    let en = f.detail(ewarong_core::i18n::Lang::En);
    assert_ne!(id, en);
    for words in [&id, &en] {
        assert!(
            words.contains(&stored) && words.contains(&signed),
            "{words}"
        );
    }
}

#[test]
fn a_replaced_key_is_caught() {
    let (_d, path) = copy();
    let original = public_key();
    let attacker = TerminalKey::generate().unwrap().public();
    tamper(
        &path,
        &format!(
            "DROP TRIGGER terminal_key_no_update; UPDATE terminal_key SET public_key = x'{}'",
            ewarong_core::seal::hex(&attacker.to_bytes())
        ),
    );
    let pinned = report(&path, Some(&original), false);
    assert!(
        pinned
            .findings
            .iter()
            .any(|f| f.table == "terminal_key" && f.code == "key_replaced"),
        "{:#?}",
        pinned.findings
    );
    // Trusting the ledger's own (replaced) key, the batches signed with the real key fail.
    let trusting = report(&path, None, false);
    assert!(
        trusting
            .findings
            .iter()
            .any(|f| f.table == "batch" && f.code == "batch_signature"),
        "{:#?}",
        trusting.findings
    );
}

#[test]
fn a_forged_tail_entry_fails_its_signature() {
    let (_d, path) = copy();
    // Copy the last sale as a new entry 36 with correct hashes and tree state (no secret needed),
    // but without the terminal's signature.
    let l = Ledger::open_read_only(&path).unwrap();
    let last = l.audit_input().unwrap().entries.pop().unwrap();
    drop(l);
    let mut canonical = last.canonical.clone();
    // The seq field sits after magic, version, kind and the terminal id.
    let at = 3 + 1 + 1 + 4 + "audit-01".len();
    canonical[at..at + 8].copy_from_slice(&36u64.to_be_bytes());
    let leaf = ewarong_core::seal::leaf_hash(&canonical);
    let prev: [u8; 32] = last.chain_hash.unwrap();
    let chain = ewarong_core::seal::chain_hash(&prev, &leaf);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER entry_seq_no_gap; DROP TRIGGER entry_prev_hash;")
        .unwrap();
    conn.execute(
        "INSERT INTO entry (seq, kind, recorded_at, canonical, leaf_hash, prev_hash, chain_hash) VALUES (36, 'sale', ?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![last.recorded_at, canonical, leaf, prev, chain],
    )
    .unwrap();
    drop(conn);
    let r = report(&path, None, true);
    assert!(
        r.findings
            .iter()
            .any(|f| f.seq == 36 && f.code == "entry_signature"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_truncated_file_is_not_a_clean_ledger() {
    let (_d, path) = copy();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let (exit, out, err) = run(&path, &[]);
    assert!(exit == 2 || exit == 1, "{exit}: {out}{err}");
    assert!(!out.contains("BERSIH"), "{out}");
    let junk = TempDir::new().unwrap().keep().join("x.sqlite3");
    std::fs::write(&junk, b"not a database at all, just some words").unwrap();
    let (exit, _, err) = run(&junk, &[]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("tidak bisa dibaca sebagai ledger"), "{err}");
}

fn base_input() -> &'static ewarong_core::audit::AuditInput {
    static INPUT: OnceLock<ewarong_core::audit::AuditInput> = OnceLock::new();
    INPUT.get_or_init(|| {
        Ledger::open_read_only(&pristine().join("ledger.sqlite3"))
            .unwrap()
            .audit_input()
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Flip any bits of any stored byte of entry or batch content: the audit finds it.
    #[test]
    fn any_changed_byte_of_signed_content_is_found(field in 0usize..13, pick in any::<usize>(), byte in any::<usize>(), mask in 1u8..=255) {
        let mut input = base_input().clone();
        let key = Ledger::open_read_only(&pristine().join("ledger.sqlite3")).unwrap().public_key().unwrap();
        let flip = |v: &mut [u8]| { let i = byte % v.len(); v[i] ^= mask; };
        if field < 7 {
            let n = input.entries.len();
            let e = &mut input.entries[pick % n];
            match field {
                0 => flip(&mut e.canonical),
                1 => flip(e.leaf_hash.as_mut().unwrap()),
                2 => flip(e.prev_hash.as_mut().unwrap()),
                3 => flip(e.chain_hash.as_mut().unwrap()),
                4 => flip(e.tree_root.as_mut().unwrap()),
                5 => flip(e.signature.as_mut().unwrap()),
                _ => { let mut b = e.recorded_at.clone().into_bytes(); flip(&mut b); e.recorded_at = String::from_utf8_lossy(&b).into_owned(); }
            }
        } else {
            let n = input.batches.len();
            let b = &mut input.batches[pick % n];
            match field {
                7 => flip(&mut b.header),
                8 => flip(&mut b.header_hash),
                9 => flip(&mut b.signature),
                10 => flip(&mut b.root),
                11 => flip(&mut b.prev_header_hash),
                _ => { let mut t = b.checkpoint.clone().into_bytes(); flip(&mut t); b.checkpoint = String::from_utf8_lossy(&t).into_owned(); }
            }
        }
        let r = audit(&input, &AuditOptions { pinned_key: key, all_signatures: true, ..AuditOptions::default() }, &mut |_, _| {});
        prop_assert!(!r.findings.is_empty(), "field {field} pick {pick} byte {byte} mask {mask}");
    }
}
