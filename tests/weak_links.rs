//! Sync over the links 3T villages have (`docs/sync.md`, "Weak links"), through the link
//! simulator (`ewarong_hub::netsim`): a month's backlog over edge, satellite and a flaky 3G with
//! cuts arrives once; receipts lost on the way are fetched, not paid for again; a roster change
//! travels as a delta; a download cut off resumes; and old terminals and old hubs still sync.

// Test helpers may panic: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    clippy::cast_precision_loss
)]

use crate::common::TestHub;

use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{DateTime, FixedOffset};
use ewarong::sync_client::{HubClient, SyncError, sync_once};
use ewarong_core::domain::{Entitlement, KkNumber, Kpm, Pin, PinVerifier, Rupiah};
use ewarong_core::protocol::Kind;
use ewarong_hub::Store;
use ewarong_hub::netsim::{LinkSim, Profile, Traffic};
use ewarong_ledger::data_dir::{DataDir, create};
use ewarong_ledger::{Ledger, Operator, Presence, Role};
use tempfile::TempDir;

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// A card number with a valid Luhn digit, from `i`.
fn card(i: usize) -> String {
    let body = format!("603298{i:09}");
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|c| ewarong_core::domain::ids::luhn_valid(c))
        .unwrap()
}

/// A well-formed argon2id verifier with random salt and hash, as many as a district has: real
/// in size and entropy, verifying no PIN (hashing 3,000 real ones would take minutes).
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

/// A terminal that has sold for a month: `kpm` KPM of its own (PIN 123456, balances enough for
/// every sale), the demo catalogue, enrolled with `hub`.
struct Shop {
    _dir: TempDir,
    ledger: Ledger,
    op: Operator,
    presences: Vec<Presence>,
}

impl Shop {
    fn new<S: ewarong_hub::Store>(id: &str, hub: &TestHub<S>, kpm: usize) -> Self {
        let dir = TempDir::new().unwrap();
        let zone = *now().offset();
        let mut ledger = create(&DataDir::new(dir.path()), id, zone, true, None, now())
            .unwrap()
            .ledger;
        let pin = Pin::new("123456").unwrap();
        let verifier = PinVerifier::create(&pin, &[7; 16]).unwrap();
        let this = ewarong_core::domain::Period::of(now().date_naive());
        let roster: Vec<Kpm> = (0..kpm)
            .map(|i| Kpm {
                card: card(i).parse().unwrap(),
                nik: None,
                kk: "5302081103137343".parse::<KkNumber>().unwrap(),
                name: format!("KPM {i}"),
                desa: "Kambera".into(),
                pin_verifier: verifier.clone(),
                entitlements: [this.previous(), this]
                    .into_iter()
                    .map(|period| Entitlement {
                        period,
                        amount: Rupiah::new(1_000_000_000).unwrap(),
                    })
                    .collect(),
                home: Some(id.to_owned()),
            })
            .collect();
        ledger
            .import_roster(&roster, "test", &[0; 32], now())
            .unwrap();
        let presences = (0..kpm)
            .map(|i| {
                ledger
                    .verify_kpm_pin(&card(i).parse().unwrap(), &pin, now())
                    .unwrap()
            })
            .collect();
        let op = ledger
            .authenticate_operator("kasir", &Pin::new("1111").unwrap())
            .unwrap();
        assert_eq!(op.role(), Role::Kasir);
        hub.enrol(&mut ledger, id);
        Self {
            _dir: dir,
            ledger,
            op,
            presences,
        }
    }

    /// `n` sales over the last 30 days, in a realistic mix.
    fn month(&mut self, n: usize, seed: u64) {
        let first = now() - chrono::Duration::days(30);
        let first = first
            .with_time(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap())
            .unwrap();
        let written = ewarong_ledger::demo::month_of_sales(
            &mut self.ledger,
            &self.presences,
            &self.op,
            first,
            30,
            n,
            seed,
        )
        .unwrap();
        assert_eq!(written, n);
    }

    fn last_seq(&self) -> u64 {
        self.ledger
            .connection()
            .query_row("SELECT MAX(seq) FROM entry", [], |r| r.get(0))
            .unwrap()
    }
}

/// Sync rounds until nothing is pending, as the background worker would (it waits between
/// them); a round the link cuts is counted and tried again.
fn sync_until_done(ledger: &mut Ledger, client: &HubClient) -> (usize, usize) {
    let (mut rounds, mut cut) = (0, 0);
    loop {
        rounds += 1;
        assert!(rounds <= 60, "still not done after 60 rounds");
        match sync_once(ledger, client, now()) {
            Ok(r) if r.pending == 0 => return (rounds, cut),
            Ok(_) => {}
            Err(SyncError::Offline(_)) => cut += 1,
            Err(e) => panic!("round {rounds}: {e}"),
        }
    }
}

/// A month of `sales` through `profile`: every entry reaches the hub once, every batch has its
/// receipt, and the bytes on the wire are reported.
fn backlog_over(profile: Profile, sales: usize, seed: u64) -> Traffic {
    let hub = TestHub::start();
    let id = "sumba-01";
    let mut shop = Shop::new(id, &hub, 40);
    shop.month(sales, seed);
    let target = hub.url.trim_start_matches("http://").parse().unwrap();
    let name = profile.name;
    let link = LinkSim::start(target, profile, seed).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    let started = Instant::now();
    let (rounds, cut) = sync_until_done(&mut shop.ledger, &client);
    let took = started.elapsed();
    // Zero loss: the hub holds every entry, and the same chain (its last header is ours).
    assert_eq!(hub.head_seq(id), shop.last_seq());
    let batches = shop.ledger.batches().unwrap();
    let head = hub.rt.block_on(hub.state.store.head(id)).unwrap();
    assert_eq!(
        ewarong_core::seal::hex(&head.last_header_hash),
        batches.last().unwrap().header_hash
    );
    // Zero duplicates: one receipt per batch, in order, at the hub and at the terminal.
    let receipts = hub
        .rt
        .block_on(hub.state.store.receipts(id, 1, 100_000))
        .unwrap();
    assert_eq!(receipts.len(), batches.len());
    assert_eq!(shop.ledger.pending().unwrap(), (0, 0));
    let t = link.traffic();
    eprintln!(
        "{name}: {sales} sales in {} batches, {rounds} rounds ({cut} cut), {:.1} s, up {} B, down {} B, {:.1} B/sale",
        batches.len(),
        took.as_secs_f64(),
        t.up,
        t.down,
        (t.up + t.down) as f64 / sales as f64
    );
    t
}

#[test]
fn a_month_over_edge_arrives_once_in_few_bytes_per_sale() {
    let sales = 600;
    let t = backlog_over(Profile::edge(), sales, 11);
    // Against about 480 B of JSON per sale before: everything on the wire, both ways, headers
    // and receipts included.
    let per_sale = (t.up + t.down) as f64 / sales as f64;
    assert!(per_sale <= 120.0, "{per_sale:.1} B per sale");
}

#[test]
fn a_month_over_satellite_with_stalls_arrives_once() {
    let p = Profile::satellite().with_stalls(Duration::from_secs(3), Duration::from_millis(800));
    backlog_over(p, 600, 12);
}

#[test]
fn a_30_day_backlog_over_flaky_3g_cut_every_few_seconds_arrives_once() {
    let p = Profile::flaky_3g().with_cuts(Duration::from_secs(2));
    let t = backlog_over(p, 3_000, 13);
    assert!(t.cuts >= 1, "{t:?}");
}

#[test]
fn receipts_lost_on_the_way_are_fetched_not_paid_for_again() {
    let hub = TestHub::start();
    let id = "sumba-02";
    let mut shop = Shop::new(id, &hub, 20);
    shop.month(400, 21);
    shop.ledger
        .seal(ewarong_ledger::SealReason::Upload, now())
        .unwrap();
    // A copy of the terminal as it is before it syncs: every batch pending.
    let before = TempDir::new().unwrap();
    shop.ledger
        .connection()
        .execute(
            "VACUUM INTO ?1",
            [before
                .path()
                .join(ewarong_ledger::LEDGER_FILE)
                .to_str()
                .unwrap()],
        )
        .unwrap();
    std::fs::copy(
        shop._dir.path().join(ewarong_keys::KEY_FILE),
        before.path().join(ewarong_keys::KEY_FILE),
    )
    .unwrap();
    let target = hub.url.trim_start_matches("http://").parse().unwrap();
    let link = LinkSim::start(target, Profile::satellite(), 21).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    sync_until_done(&mut shop.ledger, &client);
    let whole = link.traffic().up;
    let batches = shop.ledger.batches().unwrap().len();

    // Every receipt lost: the copy still has every batch pending, the hub has them all.
    let mut lost =
        ewarong_ledger::data_dir::open_signing(&DataDir::new(before.path()), None).unwrap();
    assert_eq!(lost.pending().unwrap().0, batches as u64);
    let link = LinkSim::start(target, Profile::satellite(), 22).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    let report = sync_once(&mut lost, &client, now()).unwrap();
    assert_eq!((report.acked, report.pending), (batches as u64, 0));
    let again = link.traffic().up;
    eprintln!("receipts for {batches} batches: {again} B up, against {whole} B to send them");
    // A few signed requests (head, receipts, updates), not one batch sent again.
    assert!(
        again * 10 < whole,
        "{again} B up to recover {whole} B of batches"
    );

    // Cut off mid-way through a round: the next round finishes, nothing twice.
    let mut shop = Shop::new("sumba-07", &hub, 20);
    shop.month(400, 23);
    let link = LinkSim::start(target, Profile::satellite(), 23).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    link.cut_at_down_byte(2_500);
    let first = sync_once(&mut shop.ledger, &client, now());
    assert!(matches!(first, Err(SyncError::Offline(_))), "{first:?}");
    let stored = hub
        .rt
        .block_on(hub.state.store.head("sumba-07"))
        .unwrap()
        .last_batch_seq;
    let acked = shop.ledger.batches().unwrap().len() as u64 - shop.ledger.pending().unwrap().0;
    assert!(
        stored > acked,
        "the hub holds {stored} batches, {acked} acknowledged"
    );
    // What the status bar says is left: the entries not acknowledged, at the bytes per entry
    // and the speed the uploads before the cut measured.
    let left = shop.ledger.pending_entries().unwrap();
    let (bytes, time) = client.estimate(left).unwrap();
    let per_entry = bytes as f64 / left as f64;
    assert!(
        (20.0..400.0).contains(&per_entry),
        "{per_entry:.1} B per entry"
    );
    assert!(time >= Duration::from_secs(1), "{time:?}");
    sync_until_done(&mut shop.ledger, &client);
    assert_eq!(hub.head_seq("sumba-07"), shop.last_seq());
    assert_eq!(
        hub.rt
            .block_on(hub.state.store.receipts("sumba-07", 1, 10_000))
            .unwrap()
            .len(),
        shop.ledger.batches().unwrap().len()
    );
}

/// A district roster of `n` KPM homed at `homes` (in turn), row `i` named with `tag` when
/// `i` is in `renamed`.
fn district(n: usize, homes: &[&str], verifiers: &[String], renamed: &[usize]) -> String {
    let mut out = String::from("card,nik,kk,name,desa,pin_verifier,entitlements,home\n");
    let period = ewarong_core::domain::Period::of(now().date_naive());
    for i in 0..n {
        let name = if renamed.contains(&i) {
            format!("KPM {i} (pindah RT)")
        } else {
            format!("KPM {i}")
        };
        out.push_str(&format!(
            "{},,5302081103137343,{name},Kambera,\"{}\",{period}=200000,{}\n",
            card(i),
            verifiers[i],
            homes[i % homes.len()]
        ));
    }
    out
}

fn publish_roster<S: ewarong_hub::Store>(hub: &TestHub<S>, text: &str) -> u64 {
    hub.rt
        .block_on(ewarong_hub::publish::publish(
            &hub.state.store,
            &hub.state.identity,
            Kind::Roster,
            "roster.csv",
            text,
            now(),
        ))
        .unwrap()
}

fn kpm_count(ledger: &Ledger) -> i64 {
    ledger
        .connection()
        .query_row("SELECT COUNT(*) FROM kpm", [], |r| r.get(0))
        .unwrap()
}

/// Terminal `id`'s part of roster `version` at `hub`, as the hub sends it.
fn roster_at<S: ewarong_hub::Store>(hub: &TestHub<S>, id: &str, version: u64) -> String {
    hub.rt
        .block_on(ewarong_hub::publish::document_for(
            &hub.state.store,
            id,
            "roster",
            version,
        ))
        .unwrap()
        .unwrap()
}

/// KPM renamed by [`district`] in `ledger`'s roster in force.
fn renamed_in(ledger: &Ledger) -> i64 {
    ledger
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM kpm WHERE name LIKE '%(pindah RT)'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_roster_change_travels_as_a_delta_and_a_cut_download_resumes() {
    let hub = TestHub::start();
    let (a, b) = ("sumba-03", "sumba-04");
    let mut shop = Shop::new(a, &hub, 1);
    let mut control = Shop::new(b, &hub, 1);
    let n = 3_000;
    let verifiers: Vec<String> = (0..n).map(|_| fake_verifier()).collect();
    publish_roster(&hub, &district(n, &[a, b], &verifiers, &[]));
    let target = hub.url.trim_start_matches("http://").parse().unwrap();

    // The control terminal takes the whole roster over an unbroken link: what a full
    // download costs.
    let link = LinkSim::start(target, Profile::satellite(), 31).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    sync_once(&mut control.ledger, &client, now()).unwrap();
    let full = link.traffic().down;
    assert_eq!(kpm_count(&control.ledger), n as i64);
    let document = roster_at(&hub, a, 1);
    assert!(document.len() > ewarong_core::wire::PAGED_ABOVE);

    // The other is cut off two thirds into the same download.
    let link = LinkSim::start(target, Profile::satellite(), 32).unwrap();
    let client = HubClient::new(&link.url(), Duration::from_secs(20));
    link.cut_at_down_byte(full * 2 / 3);
    let first = sync_once(&mut shop.ledger, &client, now());
    assert!(matches!(first, Err(SyncError::Offline(_))), "{first:?}");
    let sha = ewarong_ledger::sha256(document.as_bytes());
    let kept = shop.ledger.download_pages("roster", 1, &sha).unwrap();
    let pages = document.len().div_ceil(ewarong_core::wire::PAGE_BYTES) as u64;
    assert!(
        !kept.is_empty() && (kept.len() as u64) < pages,
        "{kept:?} of {pages}"
    );
    assert_eq!(kpm_count(&shop.ledger), 1, "nothing applied half-way");
    // The next round goes on from the first missing page: it costs the rest, not the whole.
    let before = link.traffic().down;
    sync_once(&mut shop.ledger, &client, now()).unwrap();
    let resumed = link.traffic().down - before;
    let rest = full * (pages - kept.len() as u64) / pages;
    eprintln!(
        "roster of {n}: {} B document, full download {full} B, resumed after {} of {pages} pages with {resumed} B",
        document.len(),
        kept.len()
    );
    assert!(
        resumed < rest + 20_000,
        "{resumed} B to resume, the rest is ~{rest} B"
    );
    assert_eq!(kpm_count(&shop.ledger), n as i64);
    assert!(
        shop.ledger
            .download_pages("roster", 1, &sha)
            .unwrap()
            .is_empty()
    );

    // 100 KPM change (50 renamed, 50 replaced by new families): a delta.
    let mut renamed: Vec<usize> = (0..50).map(|i| i * 7).collect();
    let mut verifiers2 = verifiers.clone();
    for i in 0..50 {
        let j = 1_000 + i * 13;
        verifiers2[j] = fake_verifier();
        renamed.push(j);
    }
    publish_roster(&hub, &district(n, &[a, b], &verifiers2, &renamed));
    let before = link.traffic().down;
    let report = sync_once(&mut shop.ledger, &client, now()).unwrap();
    assert!(
        report.updates.contains(&"roster v2".to_owned()),
        "{report:?}"
    );
    let delta = link.traffic().down - before;
    eprintln!("roster change of 100 of {n}: {delta} B down (full: {full} B)");
    assert!(delta * 10 < full, "{delta} B for a change of 100 KPM");
    assert_eq!(renamed_in(&shop.ledger), 100);
    assert_eq!(
        shop.ledger.hub_document("roster").unwrap().unwrap().1,
        roster_at(&hub, a, 2)
    );

    // A terminal whose base no longer matches (its cache emptied) is sent the whole document.
    control
        .ledger
        .connection()
        .execute("DELETE FROM hub_document", [])
        .unwrap();
    let report = sync_once(&mut control.ledger, &client, now()).unwrap();
    assert!(
        report.updates.contains(&"roster v2".to_owned()),
        "{report:?}"
    );
    assert!(control.ledger.hub_document("roster").unwrap().is_some());
    // Nor is one whose kept document was changed: its hash is not the delta's base.
    shop.ledger
        .connection()
        .execute(
            "UPDATE hub_document SET document = replace(document, 'KPM 1,', 'KPM 1 palsu,')",
            [],
        )
        .unwrap();
    renamed.push(2_999);
    publish_roster(&hub, &district(n, &[a, b], &verifiers2, &renamed));
    let report = sync_once(&mut shop.ledger, &client, now()).unwrap();
    assert!(
        report.updates.contains(&"roster v3".to_owned()),
        "{report:?}"
    );
    assert_eq!(
        shop.ledger.hub_document("roster").unwrap().unwrap().1,
        roster_at(&hub, a, 3)
    );
    assert_eq!(renamed_in(&shop.ledger), 101);

    // An audit copy carries neither cache: the roster in them holds PIN verifiers.
    let copy = shop._dir.path().join("audit-copy.sqlite3");
    shop.ledger.write_audit_copy(&copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let left: i64 = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM hub_document) + (SELECT COUNT(*) FROM download_page)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    drop(c);
    let bytes = std::fs::read(&copy).unwrap();
    assert!(
        !bytes.windows(8).any(|w| w == b"$argon2i"),
        "a verifier is left in the audit copy's bytes"
    );
}

#[test]
fn an_older_hub_and_an_older_terminal_still_sync() {
    // A hub that announces nothing: the terminal speaks the first protocol to it.
    let dir = TempDir::new().unwrap();
    let store = ewarong_hub::sqlite::SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap();
    let old = TestHub::first_protocol(store);
    let mut shop = Shop::new("sumba-05", &old, 10);
    shop.month(120, 41);
    let client = old.client();
    let verifiers: Vec<String> = (0..2_000).map(|_| fake_verifier()).collect();
    publish_roster(&old, &district(2_000, &["sumba-05"], &verifiers, &[]));
    let report = sync_once(&mut shop.ledger, &client, now()).unwrap();
    assert!(!client.has(ewarong_core::wire::BUNDLE));
    assert_eq!(report.pending, 0);
    assert_eq!(old.head_seq("sumba-05"), shop.last_seq());
    assert_eq!(kpm_count(&shop.ledger), 2_000);

    // A terminal of the first protocol at a new hub: one batch as JSON, no compression, and
    // whole documents however large, because it asks for nothing else.
    let hub = TestHub::start();
    let mut shop = Shop::new("sumba-06", &hub, 10);
    shop.month(60, 42);
    publish_roster(&hub, &district(2_000, &["sumba-06"], &verifiers, &[]));
    shop.ledger
        .seal(ewarong_ledger::SealReason::Upload, now())
        .unwrap();
    let client = hub.client();
    let first = shop.ledger.outgoing(1).unwrap();
    let receipt = client.upload(&shop.ledger, &first.upload).unwrap();
    assert_eq!(receipt.batch_seq, 1);
    let have = shop.ledger.hub_versions().unwrap();
    let updates = client.updates(&shop.ledger, &have).unwrap().updates;
    let roster = updates.iter().find(|u| u.kind == "roster").unwrap();
    assert!(roster.delta.is_none() && roster.pages.is_none());
    assert!(roster.document.len() > ewarong_core::wire::PAGED_ABOVE);
    assert!(roster.verify(&hub.state.identity.public()));
}
