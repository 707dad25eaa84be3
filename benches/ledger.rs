//! Recording a sale through the ledger API against a raw SQLite single-row insert with
//! `synchronous=FULL`, on the same disk in the same run; plus the CPU-only cost and SHA-256.

// A benchmark may panic on a broken setup; that is a failed run, not a shipped code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use chrono::TimeZone;
use common::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ewarong_core::domain::{LineInput, Pin};
use ewarong_ledger::Ledger;

/// Durable sales, then the same code with `synchronous=OFF` to show the CPU share.
fn sales(c: &mut Criterion) {
    let (_dir, mut l) = bench_ledger();
    let now = morning();
    let (presences, op) = counter(&mut l, ROSTER, now);
    let lines = [
        LineInput {
            product: "beras-medium".into(),
            quantity: "5".into(),
            unit_price: None,
        },
        LineInput {
            product: "telur-ayam".into(),
            quantity: "1".into(),
            unit_price: None,
        },
        LineInput {
            product: "tempe".into(),
            quantity: "2".into(),
            unit_price: None,
        },
    ];
    // Start from a shop a year old: 12 earlier sales per KPM.
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..12 {
        for p in &presences {
            l.record_sale(p, &op, &lines, None, now)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for (group, sync) in [("durable", "FULL"), ("cpu_only_sync_off", "OFF")] {
        l.connection()
            .pragma_update(None, "synchronous", sync)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(1));
        let mut next = 0usize;
        g.bench_function("record_sale_3_items", |b| {
            b.iter(|| {
                next = (next + 1) % ROSTER;
                black_box(
                    l.record_sale(&presences[next], &op, &lines, None, now)
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
        g.finish();
    }
}

fn raw_insert(c: &mut Criterion) {
    let dir =
        tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap_or_else(|e| panic!("{e}"));
    let conn = rusqlite::Connection::open(dir.path().join("raw.sqlite3"))
        .unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, card TEXT NOT NULL, total INTEGER NOT NULL, at TEXT NOT NULL);",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for (group, sync) in [("durable", "FULL"), ("cpu_only_sync_off", "OFF")] {
        conn.pragma_update(None, "synchronous", sync)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(1));
        g.bench_function("raw_single_row_insert", |b| {
            let mut stmt = conn
                .prepare("INSERT INTO t (card, total, at) VALUES (?1, ?2, ?3)")
                .unwrap_or_else(|e| panic!("{e}"));
            b.iter(|| {
                black_box(
                    stmt.execute(("6032980000000010", 84_500, "2026-11-03T09:00:00+08:00"))
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
        g.finish();
    }
}

/// A KPM's balance as their history grows: the sums are index-only but still visit every sale.
fn balance_by_history(c: &mut Criterion) {
    let (_dir, mut l) = bench_ledger();
    let pin = Pin::new("123456").unwrap_or_else(|e| panic!("{e}"));
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap_or_else(|e| panic!("{e}"));
    let now = morning();
    let op = l
        .authenticate_operator("kasir", &pin)
        .unwrap_or_else(|e| panic!("{e}"));
    let lines = [LineInput {
        product: "tempe".into(),
        quantity: "1".into(),
        unit_price: None,
    }];
    let mut g = c.benchmark_group("balance");
    for (i, sales) in [(0usize, 10usize), (1, 100), (2, 1000)] {
        let card: ewarong_core::domain::CardNumber =
            luhn_card(i).parse().unwrap_or_else(|e| panic!("{e}"));
        let presence = l
            .verify_kpm_pin(&card, &pin, now)
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..sales {
            l.record_sale(&presence, &op, &lines, None, now)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        g.bench_function(format!("kpm_with_{sales}_sales"), |b| {
            b.iter(|| black_box(l.balance(&card, now).unwrap_or_else(|e| panic!("{e}"))))
        });
    }
    g.finish();
}

/// Sealing a batch of 1,000 entries, durably. The header commits to the tree state kept with the
/// entries, so the cost does not grow with the batch.
fn seal_batch(c: &mut Criterion) {
    let (_dir, mut l) = bench_ledger();
    let now = morning();
    let (presences, op) = counter(&mut l, 1, now);
    let presence = &presences[0];
    let lines = [LineInput {
        product: "tempe".into(),
        quantity: "1".into(),
        unit_price: None,
    }];
    // Each sample needs 1,000 fresh entries (0.25 s, untimed): ten flat samples of one seal each.
    let mut g = c.benchmark_group("durable");
    g.sampling_mode(criterion::SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(1));
    g.measurement_time(Duration::from_millis(1));
    g.bench_function("seal_batch_of_1000_entries", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                // 1,000 new durable entries (not timed), then the seal (timed).
                for _ in 0..1000 {
                    l.record_sale(presence, &op, &lines, None, now)
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                let start = std::time::Instant::now();
                let sealed = l
                    .seal(ewarong_ledger::SealReason::Manual, now)
                    .unwrap_or_else(|e| panic!("{e}"));
                timed += start.elapsed();
                assert_eq!(sealed.map(|b| b.last_seq - b.first_seq + 1), Some(1000));
            }
            timed
        })
    });
    g.finish();
}

/// Our signing and verification path against raw ed25519-dalek on the same checkpoint bytes.
fn signatures(c: &mut Criterion) {
    use ed25519_dalek::{Signer, SigningKey};
    let seed = [5u8; 32];
    let ours = ewarong_keys::TerminalKey::from_seed(&seed);
    let raw = SigningKey::from_bytes(&seed);
    let text = ewarong_core::seal::batch::checkpoint_text("warung-01", 123_456, &[7; 32]);
    let sig = ours.sign(text.as_bytes());
    let public = ours.public();
    let raw_sig = raw.sign(text.as_bytes());
    let raw_public = raw.verifying_key();
    let mut g = c.benchmark_group("ed25519");
    g.throughput(Throughput::Elements(1));
    g.bench_function("sign_checkpoint_ewarong", |b| {
        b.iter(|| black_box(ours.sign(black_box(text.as_bytes()))))
    });
    g.bench_function("sign_checkpoint_raw_dalek", |b| {
        b.iter(|| black_box(raw.sign(black_box(text.as_bytes()))))
    });
    g.bench_function("verify_checkpoint_ewarong", |b| {
        b.iter(|| assert!(public.verify(black_box(text.as_bytes()), &sig)))
    });
    g.bench_function("verify_checkpoint_raw_dalek", |b| {
        b.iter(|| {
            assert!(
                raw_public
                    .verify_strict(black_box(text.as_bytes()), &raw_sig)
                    .is_ok()
            )
        })
    });
    g.finish();
}

/// Auditing a 100,000-sale ledger from the file, as `ewarong audit --pubkey KEY` does: open it
/// for the audit, read every row in one snapshot, check everything. The ledger ends with an open
/// tail of 49 sales (the most a seal interval of 50 leaves), whose signatures the default audit
/// verifies one by one. "live" keeps a writer's connection open, so the file has a `-wal` beside
/// it and is read on one connection in one transaction instead of opened immutable.
fn audit_100k(c: &mut Criterion) {
    use ewarong_core::audit::{AuditOptions, Verdict, audit};
    let (dir, l) = bench_ledger();
    let path = dir.path().join("ledger.sqlite3");
    let key = l
        .public_key()
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| unreachable!("the bench ledger has a key"));
    {
        let mut l = l;
        l.set_seal_every(
            50,
            zone()
                .with_ymd_and_hms(2026, 11, 3, 8, 0, 0)
                .single()
                .unwrap_or_else(|| unreachable!()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        fill_with_sales(&mut l, 100_049);
    }
    // For profiling `ewarong audit` itself on the same ledger: a copy where the caller asks.
    if let Some(out) = std::env::var_os("EWARONG_BENCH_AUDIT_LEDGER") {
        std::fs::copy(&path, out).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut g = c.benchmark_group("audit");
    g.sampling_mode(criterion::SamplingMode::Flat);
    g.sample_size(10);
    for (name, all_signatures, live) in [
        ("ledger_of_100k_sales", false, false),
        ("ledger_of_100k_sales_live", false, true),
        ("ledger_of_100k_sales_all_signatures", true, false),
    ] {
        // A writer's connection keeps the `-wal` file there for the live case.
        let writer = live.then(|| Ledger::open(&path).unwrap_or_else(|e| panic!("{e}")));
        // Timed until the report is ready, as the supervisor waits for it: `ewarong audit` and
        // the audit screen free the rows read on another thread afterwards
        // (`AuditInput::release`), so here criterion drops them outside the timing.
        g.bench_function(name, |b| {
            b.iter_with_large_drop(|| {
                let l = Ledger::open_for_audit(&path).unwrap_or_else(|e| panic!("{e}"));
                let input = l.audit_input().unwrap_or_else(|e| panic!("{e}"));
                let options = AuditOptions {
                    pinned_key: Some(key),
                    all_signatures,
                    ..AuditOptions::default()
                };
                let report = audit(&input, &options, &mut |_, _| {});
                assert!(report.verdict() == Verdict::Clean && report.entries == 100_049);
                assert!(report.open_tail == 49);
                (black_box(report), input, l)
            })
        });
        drop(writer);
    }
    g.finish();
}

fn sha256_entry(c: &mut Criterion) {
    let canonical = vec![0x5au8; 400];
    let mut g = c.benchmark_group("hash");
    g.throughput(Throughput::Elements(1));
    g.bench_function("leaf_and_chain_hash_400_bytes", |b| {
        b.iter(|| {
            let leaf = ewarong_core::seal::leaf_hash(black_box(&canonical));
            black_box(ewarong_core::seal::chain_hash(
                &ewarong_core::seal::GENESIS,
                &leaf,
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60).measurement_time(Duration::from_secs(12)).warm_up_time(Duration::from_secs(3));
    targets = raw_insert, sales, balance_by_history, seal_batch, signatures, audit_100k, sha256_entry
}
criterion_main!(benches);
