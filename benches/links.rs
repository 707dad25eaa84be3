//! Sync over the links 3T villages have, through the link simulator (`ewarong_hub::netsim`):
//! a 30-day backlog of 3,000 sales in a realistic mix, and a roster change of 100 KPM in a
//! 50,000-KPM district, over `edge`, `satellite` and `flaky-3g`. Beside each time, the bytes on
//! the wire and the link's own limit for those bytes (their serialisation time at the link's
//! bandwidth), so the ratio says what the protocol adds. Numbers in `docs/performance.md`.

// A benchmark may panic on a broken setup; that is a failed run, not a shipped code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    clippy::cast_precision_loss
)]

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, FixedOffset, TimeZone};
use common::*;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ewarong::sync_client::{HubClient, sync_once};
use ewarong_core::protocol::Kind;
use ewarong_hub::netsim::{LinkSim, Profile, Traffic};
use ewarong_hub::server::HubState;
use ewarong_hub::sqlite::SqliteStore;
use ewarong_hub::{HubIdentity, Store, code_hash};
use ewarong_ledger::{Ledger, SealReason};
use tempfile::TempDir;

const BACKLOG_SALES: usize = 3_000;
const DISTRICT: usize = 50_000;
const CHANGED: usize = 100;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The three links, and the flaky one cut every 2 s on average, so cuts fall inside a session
/// of a few seconds (30 s apart they rarely do).
fn profiles() -> [Profile; 4] {
    [
        Profile::edge(),
        Profile::satellite(),
        Profile::flaky_3g(),
        Profile {
            name: "flaky-3g-cut-every-2s",
            ..Profile::flaky_3g().with_cuts(Duration::from_secs(2))
        },
    ]
}

/// How long the link alone needs for `t`: each direction's bytes at its bandwidth.
fn link_limit(p: &Profile, t: &Traffic) -> f64 {
    t.up as f64 * 8.0 / p.up_bits_per_second as f64
        + t.down as f64 * 8.0 / p.down_bits_per_second as f64
}

/// The bench terminal with a month of sales in a realistic mix (60 KPM, 1 to 4 products in
/// shop quantities), sealed 50 to a batch and at each day's close.
fn month_terminal(dir: &Path) {
    let pin = ewarong_core::domain::Pin::new("123456").unwrap();
    let verifier = ewarong_core::domain::PinVerifier::create(&pin, &[7; 16]).unwrap();
    let mut l = terminal_ledger(dir, "ledger.sqlite3", "bench-01", 9, &verifier);
    let first = zone().with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    l.set_seal_every(50, first).unwrap();
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    let (presences, op) = counter(&mut l, 60, first);
    let written =
        ewarong_ledger::demo::month_of_sales(&mut l, &presences, &op, first, 30, BACKLOG_SALES, 7)
            .unwrap();
    assert_eq!(written, BACKLOG_SALES);
    l.seal(SealReason::Manual, first).unwrap();
}

/// A hub's SQLite file with the bench terminal enrolled (its key from seed 9).
async fn hub_with_terminal(path: &Path) -> Arc<HubState<SqliteStore>> {
    let store = SqliteStore::open(path).unwrap();
    store.migrate().await.unwrap();
    let state = Arc::new(HubState::new(store, HubIdentity::from_seed(&[42; 32])));
    let key = ewarong_keys::TerminalKey::from_seed(&[9; 32])
        .public()
        .to_bytes();
    let t = now();
    let code = code_hash("BENCHCODE0001");
    state
        .store
        .add_enrolment("bench-01", "5302", code, t, t + chrono::Duration::days(1))
        .await
        .unwrap();
    let cert = state.identity.certify("bench-01", "5302", &key, t);
    state
        .store
        .redeem(
            "bench-01",
            code,
            key,
            &serde_json::to_string(&cert).unwrap(),
            t,
        )
        .await
        .unwrap();
    state
}

/// A copy of `template`'s files into a new directory.
fn copy_of(template: &Path, files: &[&str]) -> TempDir {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    for f in files {
        std::fs::copy(template.join(f), dir.path().join(f)).unwrap();
    }
    dir
}

/// The terminal in `dir`, its key attached, enrolled with the hub at `url` (a link's).
fn open_terminal(dir: &Path, url: &str, state: &HubState<SqliteStore>) -> Ledger {
    let mut l = Ledger::open(&dir.join("ledger.sqlite3")).unwrap();
    l.attach_key(ewarong_keys::TerminalKey::from_seed(&[9; 32]))
        .unwrap();
    if l.enrolment().unwrap().is_none() {
        let key = l.public_key().unwrap().unwrap().to_bytes();
        let cert = state.identity.certify("bench-01", "5302", &key, now());
        l.record_enrolment(url, &cert, None, now()).unwrap();
    }
    l
}

/// A running hub on `hub_file`, behind a link shaped as `profile`.
struct Served {
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    link: LinkSim,
    state: Arc<HubState<SqliteStore>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn serve(rt: &tokio::runtime::Runtime, hub_file: &Path, profile: Profile, seed: u64) -> Served {
    let store = SqliteStore::open(hub_file).unwrap();
    let state = Arc::new(HubState::new(store, HubIdentity::from_seed(&[42; 32])));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(ewarong_hub::server::serve(
        listener,
        Arc::clone(&state),
        std::future::pending(),
    ));
    Served {
        server,
        link: LinkSim::start(addr, profile, seed).unwrap(),
        state,
    }
}

/// Rounds until nothing is pending, as the background worker makes them after a cut.
fn until_done(l: &mut Ledger, client: &HubClient) -> usize {
    for round in 1..=100 {
        match sync_once(l, client, now()) {
            Ok(r) if r.pending == 0 => return round,
            Ok(_) | Err(ewarong::sync_client::SyncError::Offline(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    panic!("not done after 100 rounds")
}

/// One sample's set-up: fresh copies of the template's terminal and hub, the hub served
/// behind a link shaped as `p`.
fn setup(
    rt: &tokio::runtime::Runtime,
    template: &Path,
    p: &Profile,
    seed: u64,
) -> (TempDir, Served, Ledger, HubClient) {
    let dir = copy_of(template, &["ledger.sqlite3", "hub.sqlite3"]);
    let served = serve(rt, &dir.path().join("hub.sqlite3"), p.clone(), seed);
    let l = open_terminal(dir.path(), &served.link.url(), &served.state);
    let client = HubClient::new(&served.link.url(), Duration::from_secs(20));
    (dir, served, l, client)
}

/// The measured part: sync rounds until nothing is pending; what crossed the link, the time
/// and the rounds go into `seen`. Returns what is dropped after the sample, untimed.
fn measure(
    (dir, served, mut l, client): (TempDir, Served, Ledger, HubClient),
    seen: &Mutex<Vec<(Traffic, f64, usize)>>,
) -> (TempDir, Served, Ledger) {
    let started = std::time::Instant::now();
    let rounds = until_done(&mut l, &client);
    let took = started.elapsed().as_secs_f64();
    seen.lock()
        .unwrap()
        .push((served.link.traffic(), took, rounds));
    (dir, served, l)
}

fn report(what: &str, p: &Profile, seen: &Mutex<Vec<(Traffic, f64, usize)>>, per: usize) {
    let seen = seen.lock().unwrap();
    let n = seen.len().max(1) as f64;
    let up = seen.iter().map(|s| s.0.up).sum::<u64>() as f64 / n;
    let down = seen.iter().map(|s| s.0.down).sum::<u64>() as f64 / n;
    let secs = seen.iter().map(|s| s.1).sum::<f64>() / n;
    let cuts = seen.iter().map(|s| s.0.cuts).sum::<u64>() as f64 / n;
    let rounds = seen.iter().map(|s| s.2).sum::<usize>() as f64 / n;
    let limit = seen.iter().map(|s| link_limit(p, &s.0)).sum::<f64>() / n;
    eprintln!(
        "{what} over {}: {secs:.1} s, up {up:.0} B, down {down:.0} B ({:.1} B per item), \
         {rounds:.1} rounds, {cuts:.1} cuts; the link alone needs {limit:.1} s for those bytes \
         (ratio {:.2})",
        p.name,
        (up + down) / per as f64,
        secs / limit.max(0.001)
    );
}

fn backlog(c: &mut Criterion) {
    let rt = rt();
    let template = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    month_terminal(template.path());
    rt.block_on(hub_with_terminal(&template.path().join("hub.sqlite3")));
    let mut g = c.benchmark_group("links");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(BACKLOG_SALES as u64));
    for (i, p) in profiles().into_iter().enumerate() {
        let seen = Mutex::new(Vec::new());
        g.bench_function(format!("backlog_3000_sales_over_{}", p.name), |b| {
            b.iter_batched(
                || setup(&rt, template.path(), &p, i as u64),
                |run| measure(run, &seen),
                BatchSize::PerIteration,
            )
        });
        report("3,000 sales", &p, &seen, BACKLOG_SALES);
    }
    g.finish();
}

/// A district roster of [`DISTRICT`] KPM, all homed at the bench terminal, with random
/// well-formed verifiers; the rows in `changed` renamed.
fn district(verifiers: &[String], changed: &[usize]) -> String {
    let mut out = String::from("card,nik,kk,name,desa,pin_verifier,entitlements,home\n");
    for (i, v) in verifiers.iter().enumerate() {
        let name = if changed.contains(&i) {
            format!("KPM {i} baru")
        } else {
            format!("KPM {i}")
        };
        out.push_str(&format!(
            "{},,5302081103137343,{name},Kambera,\"{v}\",2026-11=200000,bench-01\n",
            luhn_card(i)
        ));
    }
    out
}

fn fake_verifier() -> String {
    let mut salt = [0u8; 16];
    let mut hash = [0u8; 32];
    getrandom::fill(&mut salt).unwrap();
    getrandom::fill(&mut hash).unwrap();
    let b = base64::engine::general_purpose::STANDARD_NO_PAD;
    format!(
        "$argon2id$v=19$m=19456,t=2,p=1${}${}",
        b.encode(salt),
        b.encode(hash)
    )
}

fn roster_change(c: &mut Criterion) {
    let rt = rt();
    // The template: a hub with the district roster published, a terminal that holds it, then
    // a second version with 100 KPM changed, not yet fetched.
    let template = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    {
        let pin = ewarong_core::domain::Pin::new("123456").unwrap();
        let verifier = ewarong_core::domain::PinVerifier::create(&pin, &[7; 16]).unwrap();
        drop(terminal_ledger(
            template.path(),
            "ledger.sqlite3",
            "bench-01",
            9,
            &verifier,
        ));
        let verifiers: Vec<String> = (0..DISTRICT).map(|_| fake_verifier()).collect();
        let hub_file = template.path().join("hub.sqlite3");
        let state = rt.block_on(hub_with_terminal(&hub_file));
        let publish = |text: String| {
            rt.block_on(ewarong_hub::publish::publish(
                &state.store,
                &state.identity,
                Kind::Roster,
                "roster.csv",
                &text,
                now(),
            ))
            .unwrap()
        };
        publish(district(&verifiers, &[]));
        let served = serve(&rt, &hub_file, Profile::satellite(), 1);
        let url = served.link.url();
        // The first, whole download: set-up, not measured.
        let mut l = open_terminal(template.path(), &url, &served.state);
        until_done(&mut l, &HubClient::new(&url, Duration::from_secs(60)));
        assert_eq!(
            l.connection()
                .query_row("SELECT COUNT(*) FROM kpm", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            DISTRICT as i64
        );
        let changed: Vec<usize> = (0..CHANGED).map(|i| i * 487).collect();
        publish(district(&verifiers, &changed));
        drop(l);
        drop(served);
        drop(state);
    }
    let mut g = c.benchmark_group("links");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(CHANGED as u64));
    for (i, p) in profiles().into_iter().enumerate() {
        let seen = Mutex::new(Vec::new());
        g.bench_function(format!("roster_change_100_of_50000_over_{}", p.name), |b| {
            b.iter_batched(
                || setup(&rt, template.path(), &p, i as u64),
                |run| {
                    let done = measure(run, &seen);
                    let changed: i64 = done
                        .2
                        .connection()
                        .query_row(
                            "SELECT COUNT(*) FROM kpm WHERE name LIKE '% baru'",
                            [],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert_eq!(changed, CHANGED as i64);
                    done
                },
                BatchSize::PerIteration,
            )
        });
        report("a roster change of 100 KPM", &p, &seen, CHANGED);
    }
    g.finish();
}

/// How long the terminal holds its write lock while it applies a district roster: the one
/// long write the sync worker makes, which a sale at the counter may wait for. Beside it, the
/// same rows parsed from the document (the check before the write), in the same run.
fn roster_apply(c: &mut Criterion) {
    let verifiers: Vec<String> = (0..DISTRICT).map(|_| fake_verifier()).collect();
    let text = district(&verifiers, &[]);
    let roster = ewarong_core::import::parse_roster("roster.csv", &text).unwrap();
    let (_dir, mut l) = bench_terminal("bench-01", 9);
    let mut g = c.benchmark_group("links");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(DISTRICT as u64));
    g.bench_function("apply_roster_of_50000_kpm_one_transaction", |b| {
        b.iter(|| {
            l.import_roster(&roster, "hub:roster:v2", &[0; 32], now())
                .unwrap()
        })
    });
    g.bench_function("parse_roster_of_50000_kpm", |b| {
        b.iter(|| ewarong_core::import::parse_roster("roster.csv", &text).unwrap())
    });
    g.finish();
}

criterion_group!(benches, backlog, roster_change, roster_apply);
criterion_main!(benches);
