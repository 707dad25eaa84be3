//! Hub ingest in sales per second on SQLite and on PostgreSQL, each beside a raw bulk insert of
//! the same rows into the same database in the same run; and a 30-day backlog of 3,000 sales
//! synced over loopback.

// A benchmark may panic on a broken setup; that is a failed run, not a shipped code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use common::*;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ewarong::sync_client::{HubClient, sync_once};
use ewarong_core::protocol::{BatchUpload, unb64};
use ewarong_hub::postgres::PgStore;
use ewarong_hub::server::{HubState, accept_batch};
use ewarong_hub::sqlite::SqliteStore;
use ewarong_hub::{HubIdentity, Store, code_hash};
use ewarong_ledger::{Ledger, SealReason};
use tempfile::TempDir;

/// Sales per ingest sample, sealed 50 to a batch as a terminal does by default.
const INGEST_SALES: usize = 10_000;
/// The backlog: 100 sales a day for 30 days.
const BACKLOG_SALES: usize = 3_000;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A bench terminal with `n` sales, sealed every 50 and once more at the end.
fn terminal(n: usize) -> (TempDir, Ledger) {
    terminal_as("bench-01", 9, n)
}

fn terminal_as(id: &str, seed: u8, n: usize) -> (TempDir, Ledger) {
    let (dir, mut l) = bench_terminal(id, seed);
    let now = morning();
    l.set_seal_every(50, now).unwrap();
    fill_with_sales(&mut l, n);
    l.seal(SealReason::Manual, now).unwrap();
    l.connection()
        .pragma_update(None, "synchronous", "FULL")
        .unwrap();
    (dir, l)
}

fn uploads(l: &Ledger) -> Vec<BatchUpload> {
    (1..)
        .map_while(|b| l.outgoing(b).ok())
        .map(|o| o.upload)
        .collect()
}

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// Registers the bench terminal's key with the hub, as an enrolment would.
async fn enrol<S: Store>(state: &HubState<S>, l: &Ledger) -> String {
    let id = l.terminal().terminal_id.clone();
    let key = l.public_key().unwrap().unwrap().to_bytes();
    let t = now();
    state
        .store
        .add_enrolment(
            &id,
            "5302",
            code_hash(&format!("BENCH{id}")),
            t,
            t + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    let cert = state.identity.certify(&id, "5302", &key, t);
    state
        .store
        .redeem(
            &id,
            code_hash(&format!("BENCH{id}")),
            key,
            &serde_json::to_string(&cert).unwrap(),
            t,
        )
        .await
        .unwrap();
    id
}

/// A fresh hub on its own SQLite file (the directory lives as long as the returned guard).
fn sqlite_hub(rt: &tokio::runtime::Runtime) -> (TempDir, Arc<HubState<SqliteStore>>) {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap();
    rt.block_on(store.migrate()).unwrap();
    let state = Arc::new(HubState::new(store, HubIdentity::from_seed(&[42; 32])));
    (dir, state)
}

/// A fresh PostgreSQL database on the server `EWARONG_TEST_DATABASE_URL` names (`None`, and
/// the PostgreSQL benchmarks skipped, when it is unset). The name is reused from sample to
/// sample (dropped with its connections first), so runs leave one database per benchmark
/// behind, not one per sample.
fn pg_database(name: &str) -> Option<String> {
    ewarong_hub::test_support::fresh_database(name, name, false)
}

/// The rows a batch stores, decoded once: what the raw inserts write.
fn raw_rows(uploads: &[BatchUpload]) -> Vec<Vec<(i64, Vec<u8>)>> {
    let mut seq = 0i64;
    uploads
        .iter()
        .map(|u| {
            u.entries
                .iter()
                .map(|e| {
                    seq += 1;
                    (seq, unb64("entry", e).unwrap())
                })
                .collect()
        })
        .collect()
}

/// Every terminal of the fleet uploads its batches in order, all terminals at once.
fn ingest_fleet<S: Store>(
    rt: &tokio::runtime::Runtime,
    state: &Arc<HubState<S>>,
    fleet: &[(TempDir, Ledger, Arc<Vec<BatchUpload>>)],
) {
    rt.block_on(async {
        let tasks: Vec<_> = fleet
            .iter()
            .map(|(_, l, batches)| {
                let state = Arc::clone(state);
                let id = l.terminal().terminal_id.clone();
                let batches = Arc::clone(batches);
                tokio::spawn(async move {
                    for u in batches.iter() {
                        accept_batch(&state, &id, u).await.unwrap();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
}

fn ingest(c: &mut Criterion) {
    let rt = rt();
    let (_t, l) = terminal(INGEST_SALES);
    let batches = uploads(&l);
    let rows = raw_rows(&batches);
    let mut g = c.benchmark_group("hub_ingest");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(INGEST_SALES as u64));

    g.bench_function("sqlite_10k_sales_batches_of_50", |b| {
        b.iter_batched(
            || {
                let (dir, state) = sqlite_hub(&rt);
                let id = rt.block_on(enrol(&state, &l));
                (dir, state, id)
            },
            |(dir, state, id)| {
                rt.block_on(async {
                    for u in batches.iter() {
                        accept_batch(&state, &id, u).await.unwrap();
                    }
                });
                dir
            },
            BatchSize::PerIteration,
        )
    });

    // A hub takes many terminals at once: four terminals of 2,500 sales each, uploading
    // together, so checking one batch overlaps with storing another.
    let fleet: Vec<(TempDir, Ledger, Arc<Vec<BatchUpload>>)> = (0..4u8)
        .map(|i| {
            let (d, l) = terminal_as(&format!("bench-{:02}", i + 10), 20 + i, INGEST_SALES / 4);
            let u = Arc::new(uploads(&l));
            (d, l, u)
        })
        .collect();
    g.bench_function("sqlite_10k_sales_4_terminals_at_once", |b| {
        b.iter_batched(
            || {
                let (dir, state) = sqlite_hub(&rt);
                for (_, l, _) in &fleet {
                    rt.block_on(enrol(&state, l));
                }
                (dir, state)
            },
            |(dir, state)| {
                ingest_fleet(&rt, &state, &fleet);
                dir
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function("sqlite_raw_insert_same_rows_txns_of_50", |b| {
        b.iter_batched(
            || {
                let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
                let conn = rusqlite::Connection::open(dir.path().join("raw.sqlite3")).unwrap();
                conn.execute_batch(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                     CREATE TABLE entry (terminal_id TEXT NOT NULL, seq INTEGER NOT NULL, canonical BLOB NOT NULL,
                                         PRIMARY KEY (terminal_id, seq)) STRICT, WITHOUT ROWID;",
                )
                .unwrap();
                (dir, conn)
            },
            |(dir, mut conn)| {
                for batch in &rows {
                    let tx = conn.transaction().unwrap();
                    {
                        let mut stmt = tx
                            .prepare_cached(
                                "INSERT INTO entry (terminal_id, seq, canonical) VALUES ('bench-01', ?1, ?2)",
                            )
                            .unwrap();
                        for (seq, bytes) in batch {
                            stmt.execute((seq, bytes)).unwrap();
                        }
                    }
                    tx.commit().unwrap();
                }
                (dir, conn)
            },
            BatchSize::PerIteration,
        )
    });

    // PostgreSQL only where EWARONG_TEST_DATABASE_URL names a server (it says so when skipped).
    if ewarong_hub::test_support::admin_url("hub bench").is_some() {
        g.bench_function("postgres_10k_sales_batches_of_50", |b| {
            b.iter_batched(
                || {
                    let url = pg_database("bench_hub").unwrap();
                    let store = PgStore::connect(&url).unwrap();
                    rt.block_on(store.migrate()).unwrap();
                    let state = Arc::new(HubState::new(store, HubIdentity::from_seed(&[42; 32])));
                    let id = rt.block_on(enrol(&state, &l));
                    (state, id)
                },
                |(state, id)| {
                    rt.block_on(async {
                        for u in batches.iter() {
                            accept_batch(&state, &id, u).await.unwrap();
                        }
                    });
                },
                BatchSize::PerIteration,
            )
        });

        g.bench_function("postgres_10k_sales_4_terminals_at_once", |b| {
            b.iter_batched(
                || {
                    let url = pg_database("bench_fleet").unwrap();
                    let store = PgStore::connect(&url).unwrap();
                    rt.block_on(store.migrate()).unwrap();
                    let state = Arc::new(HubState::new(store, HubIdentity::from_seed(&[42; 32])));
                    for (_, l, _) in &fleet {
                        rt.block_on(enrol(&state, l));
                    }
                    state
                },
                |state| ingest_fleet(&rt, &state, &fleet),
                BatchSize::PerIteration,
            )
        });

        g.bench_function("postgres_raw_insert_same_rows_txns_of_50", |b| {
            b.iter_batched(
                || {
                    let url = pg_database("bench_raw").unwrap();
                    rt.block_on(async {
                        let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                            .await
                            .unwrap();
                        tokio::spawn(conn);
                        c.batch_execute(
                            "CREATE TABLE entry (terminal_id TEXT NOT NULL, seq BIGINT NOT NULL, canonical BYTEA NOT NULL,
                                                 PRIMARY KEY (terminal_id, seq))",
                        )
                        .await
                        .unwrap();
                        c
                    })
                },
                |mut client| {
                    rt.block_on(async {
                        for batch in &rows {
                            let seqs: Vec<i64> = batch.iter().map(|(s, _)| *s).collect();
                            let bytes: Vec<&[u8]> = batch.iter().map(|(_, b)| b.as_slice()).collect();
                            let tx = client.transaction().await.unwrap();
                            tx.execute(
                                "INSERT INTO entry (terminal_id, seq, canonical)
                                 SELECT 'bench-01', s, c FROM UNNEST($1::bigint[], $2::bytea[]) AS u(s, c)",
                                &[&seqs, &bytes],
                            )
                            .await
                            .unwrap();
                            tx.commit().await.unwrap();
                        }
                    });
                    client
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn backlog(c: &mut Criterion) {
    let rt = rt();
    let (template, l) = terminal(BACKLOG_SALES);
    drop(l);
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(BACKLOG_SALES as u64));
    g.bench_function("backlog_3000_sales_over_loopback_sqlite_hub", |b| {
        b.iter_batched(
            || {
                // A fresh hub serving on loopback, and a fresh copy of the terminal.
                let (hub_dir, state) = sqlite_hub(&rt);
                let listener = rt
                    .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
                    .unwrap();
                let url = format!("http://{}", listener.local_addr().unwrap());
                let server = rt.spawn(ewarong_hub::server::serve(
                    listener,
                    Arc::clone(&state),
                    std::future::pending(),
                ));
                let term_dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
                let path = term_dir.path().join("ledger.sqlite3");
                std::fs::copy(template.path().join("ledger.sqlite3"), &path).unwrap();
                let mut l = Ledger::open(&path).unwrap();
                l.attach_key(ewarong_keys::TerminalKey::from_seed(&[9; 32]))
                    .unwrap();
                rt.block_on(enrol(&state, &l));
                let cert = state.identity.certify(
                    &l.terminal().terminal_id,
                    "5302",
                    &l.public_key().unwrap().unwrap().to_bytes(),
                    now(),
                );
                l.record_enrolment(&url, &cert, None, now()).unwrap();
                (
                    hub_dir,
                    server,
                    term_dir,
                    l,
                    HubClient::new(&url, Duration::from_secs(10)),
                )
            },
            |(hub_dir, server, term_dir, mut l, client)| {
                let r = sync_once(&mut l, &client, now()).unwrap();
                assert_eq!(r.pending, 0);
                (hub_dir, server, term_dir, l)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, ingest, backlog);
criterion_main!(benches);
