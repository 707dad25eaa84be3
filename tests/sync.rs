//! The real hub on 127.0.0.1 against the real terminal code, on embedded SQLite and on a real
//! PostgreSQL server: enrolment, upload, every fault the issue names, and the USB-stick path.

// Test helpers may panic: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::print_stderr
)]

use crate::common;

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use common::TestHub;
use ewarong::sync_client::{
    HubClient, RequestSigner, SyncError, export_batches, import_receipts, sync_once,
};
use ewarong_core::domain::{LineInput, Pin};
use ewarong_core::hub_auth::{HubPin, code_hash, enrol_proof};
use ewarong_core::protocol::{EnrolRequest, b64, unb64};
use ewarong_hub::postgres::PgStore;
use ewarong_hub::server::{HubState, accept_batch};
use ewarong_hub::sqlite::SqliteStore;
use ewarong_hub::{HubIdentity, Store};
use ewarong_ledger::data_dir::{DataDir, create, open_signing};
use ewarong_ledger::{Ledger, Operator, Presence};
use tempfile::TempDir;

const CARD_A: &str = "6032980000000010";
const CARD_B: &str = "6032980000000028";

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// A demo terminal with its own key, selling from the counter.
struct Till {
    _dir: TempDir,
    ledger: Ledger,
    op: Operator,
    a: Presence,
    b: Presence,
}

impl Till {
    fn new(id: &str) -> Self {
        let dir = TempDir::new().unwrap();
        let zone = *now().offset();
        let created = create(&DataDir::new(dir.path()), id, zone, true, None, now()).unwrap();
        let mut ledger = created.ledger;
        ledger.set_seal_every(5, now()).unwrap();
        drop(ledger);
        Self::open(dir)
    }

    /// The terminal in `dir`, opened as the app opens it, with two KPM and the kasir present.
    fn open(dir: TempDir) -> Self {
        let mut ledger = open_signing(&DataDir::new(dir.path()), None).unwrap();
        let pin = Pin::new("123456").unwrap();
        let a = ledger
            .verify_kpm_pin(&CARD_A.parse().unwrap(), &pin, now())
            .unwrap();
        let b = ledger
            .verify_kpm_pin(&CARD_B.parse().unwrap(), &pin, now())
            .unwrap();
        let op = ledger
            .authenticate_operator("kasir", &Pin::new("1111").unwrap())
            .unwrap();
        Self {
            _dir: dir,
            ledger,
            op,
            a,
            b,
        }
    }

    /// The terminal's key, as a signer that other threads can share.
    fn signer(&self) -> KeySigner {
        KeySigner {
            id: self.ledger.terminal().terminal_id.clone(),
            key: ewarong_keys::TerminalKey::load(
                &self._dir.path().join(ewarong_keys::KEY_FILE),
                None,
            )
            .unwrap(),
        }
    }

    /// A backup of the whole data directory as it is now: ledger and key.
    fn backup(&self) -> TempDir {
        let to = TempDir::new().unwrap();
        let ledger = to.path().join(ewarong_ledger::LEDGER_FILE);
        self.ledger
            .connection()
            .execute("VACUUM INTO ?1", [ledger.to_str().unwrap()])
            .unwrap();
        let key = ewarong_keys::KEY_FILE;
        std::fs::copy(self._dir.path().join(key), to.path().join(key)).unwrap();
        to
    }

    fn sell(&mut self, n: usize) {
        self.sell_to(n, true);
    }

    fn sell_to(&mut self, n: usize, card_a: bool) {
        for _ in 0..n {
            let who = if card_a { &self.a } else { &self.b };
            self.ledger
                .record_sale(
                    who,
                    &self.op,
                    &[LineInput {
                        product: "telur-ayam-butir".into(),
                        quantity: "1".into(),
                        unit_price: None,
                    }],
                    None,
                    now(),
                )
                .unwrap();
        }
    }

    fn enrol<S: Store>(&mut self, hub: &TestHub<S>) {
        let id = self.ledger.terminal().terminal_id.clone();
        let code = hub.code(&id);
        let pin = HubPin::Key(hub.state.identity.public());
        ewarong::sync_client::enrol(
            &mut self.ledger,
            &hub.url,
            Duration::from_secs(10),
            &code,
            &pin,
            None,
            now(),
        )
        .unwrap();
    }

    fn last_seq(&self) -> u64 {
        self.ledger
            .connection()
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM entry", [], |r| r.get(0))
            .unwrap()
    }

    fn pending(&self) -> u64 {
        self.ledger.pending().unwrap().0
    }
}

/// Signs requests as `id` with `key`: the terminal's own key, or a stranger's.
struct KeySigner {
    id: String,
    key: ewarong_keys::TerminalKey,
}

impl KeySigner {
    fn stranger(id: &str) -> Self {
        Self {
            id: id.into(),
            key: ewarong_keys::TerminalKey::from_seed(&[99; 32]),
        }
    }
}

impl RequestSigner for KeySigner {
    fn terminal_id(&self) -> &str {
        &self.id
    }

    fn sign(&self, base: &str) -> Result<[u8; 64], SyncError> {
        Ok(self.key.sign(base.as_bytes()))
    }
}

fn hub_error(e: SyncError) -> (u16, String) {
    match e {
        SyncError::Hub { status, code, .. } => (status, code),
        other => panic!("expected a hub error, got {other}"),
    }
}

/// The whole scenario, on any store.
fn scenario<S: Store>(store: S) {
    let hub = TestHub::on(store);
    let client = hub.client();

    // Enrolment: a wrong code, then the right one, then the same code again.
    let mut till = Till::new("sumba-01");
    let code = hub.code("sumba-01");
    let key = till.ledger.public_key().unwrap().unwrap();
    let hub_key = hub.state.identity.public();
    let request = |code: &str, hub_key| EnrolRequest {
        terminal_id: "sumba-01".into(),
        public_key: ewarong_core::seal::hex(&key.to_bytes()),
        proof: enrol_proof(&code_hash(code), "sumba-01", &key, hub_key),
    };
    let wrong = client.enrol(&request("AAAA-BBBB-CCCC", &hub_key));
    assert_eq!(hub_error(wrong.unwrap_err()), (403, "bad_code".into()));
    // The right code bound to another hub's key is no proof here.
    let other_hub = HubIdentity::from_seed(&[7; 32]).public();
    let elsewhere = client.enrol(&request(&code, &other_hub));
    assert_eq!(hub_error(elsewhere.unwrap_err()), (403, "bad_code".into()));
    let cert = client.enrol(&request(&code, &hub_key)).unwrap();
    till.ledger
        .record_enrolment(&hub.url, &cert, None, now())
        .unwrap();
    let again = client.enrol(&request(&code, &hub_key));
    assert_eq!(hub_error(again.unwrap_err()), (403, "bad_code".into()));

    // A backup taken now, restored later, makes a fork (below).
    let backup = till.backup();

    // A normal round: two sealed batches and an open tail, all delivered once.
    till.sell(12);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!((r.acked, r.pending), (3, 0));
    assert_eq!(r.hub_last_seq, till.last_seq());
    assert_eq!(hub.head_seq("sumba-01"), till.last_seq());
    assert!(r.clock_skew_seconds.abs() < 60, "{}", r.clock_skew_seconds);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!(r.acked, 0, "nothing new: nothing sent");

    // The same batch again gets the very same receipt.
    let first = till.ledger.outgoing(1).unwrap();
    let r1 = client.upload(&till.ledger, &first.upload).unwrap();
    let r2 = client.upload(&till.ledger, &first.upload).unwrap();
    assert_eq!(r1, r2);
    assert!(r1.verify(
        &HubIdentity::from_seed(&[42; 32]).public(),
        &first.header_hash
    ));

    // Two clients at once with the same new batch: one stored, both answered alike.
    till.sell(5);
    let out = till.ledger.outgoing(4).unwrap();
    let signer = till.signer();
    let receipts: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (c, u, signer) = (hub.client(), out.upload.clone(), &signer);
                s.spawn(move || c.upload(signer, &u).unwrap())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(receipts[0], receipts[1]);
    assert_eq!(hub.head_seq("sumba-01"), till.last_seq());

    // The line drops after the hub committed: the terminal never saw batch 4's receipt (above,
    // it was never recorded). The next round sends it again and records the same receipt.
    assert_eq!(till.pending(), 1);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!((r.acked, r.pending), (1, 0));
    let stored: String = till
        .ledger
        .connection()
        .query_row(
            "SELECT receipt FROM batch_ack WHERE batch_seq = 4",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        serde_json::from_str::<ewarong_core::protocol::HubReceipt>(&stored).unwrap(),
        receipts[0]
    );

    // A backlog that is an exact multiple of the page (32 batches of one sale each).
    till.ledger.set_seal_every(1, now()).unwrap();
    till.sell(ewarong::sync_client::PAGE * 2);
    assert_eq!(till.pending(), (ewarong::sync_client::PAGE * 2) as u64);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!(
        (r.acked, r.pending),
        ((ewarong::sync_client::PAGE * 2) as u64, 0)
    );
    assert_eq!(hub.head_seq("sumba-01"), till.last_seq());

    // A corrupted body and a wrong signature: refused, nothing stored.
    till.ledger.set_seal_every(5, now()).unwrap();
    till.sell(5);
    let next = till.ledger.unacked_batches(0, 1).unwrap().remove(0);
    let before = hub.head_seq("sumba-01");
    let mut damaged = next.upload.clone();
    let mut bytes = unb64("e", &damaged.entries[2]).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    damaged.entries[2] = b64(&bytes);
    let e = client.upload(&till.ledger, &damaged).unwrap_err();
    let (status, code) = hub_error(e);
    assert_eq!(status, 400);
    assert!(code == "root_mismatch" || code == "bad_batch", "{code}");
    let mut forged = next.upload.clone();
    forged.signature = b64(&[7u8; 64]);
    assert_eq!(
        hub_error(client.upload(&till.ledger, &forged).unwrap_err()),
        (422, "bad_signature".into())
    );
    let mut garbage = next.upload.clone();
    garbage.header = "not base64 at all!".into();
    assert_eq!(
        hub_error(client.upload(&till.ledger, &garbage).unwrap_err()).0,
        400
    );
    assert_eq!(hub.head_seq("sumba-01"), before);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!(r.pending, 0);

    // A replayed old batch is answered with its old receipt, and moves nothing.
    let replay = client
        .upload(&till.ledger, &till.ledger.outgoing(2).unwrap().upload)
        .unwrap();
    assert_eq!(replay.batch_seq, 2);
    assert_eq!(hub.head_seq("sumba-01"), till.last_seq());

    // A fork: a copy of the terminal restored from an old backup records other sales and seals
    // a batch number the hub already holds. Refused with 409, kept, flagged.
    let mut twin = Till::open(backup);
    twin.sell_to(5, false);
    let fork = twin.ledger.outgoing(1).unwrap();
    let e = client.upload(&twin.ledger, &fork.upload).unwrap_err();
    assert_eq!(hub_error(e), (409, "fork".into()));
    let forks = hub.rt.block_on(hub.state.store.forks()).unwrap();
    assert_eq!(forks.len(), 1);
    assert_eq!(
        (forks[0].terminal_id.as_str(), forks[0].batch_seq),
        ("sumba-01", 1)
    );
    assert_eq!(
        hub.head_seq("sumba-01"),
        till.last_seq(),
        "the fork moved nothing"
    );

    // An unknown terminal, and a known one signed by the wrong key, get the same refusal.
    for who in ["nobody-01", "sumba-01"] {
        let stranger = KeySigner::stranger(who);
        let e = client.head(&stranger).unwrap_err();
        assert_eq!(hub_error(e), (403, "unknown_key".into()), "{who}");
        let e = client.upload(&stranger, &fork.upload).unwrap_err();
        assert_eq!(hub_error(e), (403, "unknown_key".into()), "{who}");
    }

    // A terminal clock hours wrong: its batches still go in whole; the skew is reported.
    let mut late = Till::new("sumba-02");
    late.enrol(&hub);
    late.sell(3);
    let wrong_clock = now() + chrono::Duration::hours(5);
    let r = sync_once(&mut late.ledger, &client, wrong_clock).unwrap();
    assert_eq!(r.pending, 0);
    assert!(
        (r.clock_skew_seconds + 5 * 3600).abs() < 120,
        "{}",
        r.clock_skew_seconds
    );
    assert!(
        ewarong::sync_client::clock_warning(ewarong_core::i18n::Lang::Id, r.clock_skew_seconds)
            .unwrap()
            .contains("lebih cepat 300 menit")
    );

    // A KPM served by two offline terminals, each within the balance it sees, together over
    // it: both terminals' sales arrive whole, and the report flags the overspend.
    for t in [&mut till, &mut late] {
        t.ledger
            .record_sale(
                &t.a,
                &t.op,
                &[LineInput {
                    product: "beras-premium-5kg".into(),
                    quantity: "2".into(),
                    unit_price: None,
                }],
                None,
                now(),
            )
            .unwrap();
        sync_once(&mut t.ledger, &client, now()).unwrap();
    }
    let sold_a: i64 = [&till, &late]
        .iter()
        .map(|t| {
            t.ledger
                .connection()
                .query_row(
                    "SELECT SUM(total) FROM sale WHERE card = ?1",
                    [CARD_A],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
        })
        .sum();
    let seen_a: i64 = till
        .ledger
        .connection()
        .query_row(
            "SELECT MAX(balance_before) FROM sale WHERE card = ?1",
            [CARD_A],
            |r| r.get(0),
        )
        .unwrap();
    let report = hub
        .rt
        .block_on(ewarong_hub::report::build(
            &hub.state.store,
            &current_period(),
            7,
            now(),
        ))
        .unwrap();
    let a = report
        .served_at_several
        .iter()
        .find(|c| c.card == CARD_A)
        .unwrap();
    assert_eq!((a.spent, a.terminal_count), (sold_a, 2));
    assert_eq!(a.terminals, ["sumba-01", "sumba-02"]);
    assert_eq!(a.most_seen_balance, seen_a);
    let over = report.overspent.iter().find(|c| c.card == CARD_A).unwrap();
    assert_eq!(over.overspend(), sold_a - seen_a);
    assert!(over.overspend() > 0);
    assert!(
        report.overspent.iter().all(|c| c.card == CARD_A),
        "{:?}",
        report.overspent
    );
    assert_eq!(report.forks.len(), 1);
    assert!(report.silent.is_empty(), "{:?}", report.silent);
    // Eight days on, with nothing new, both terminals count as silent.
    let later = hub
        .rt
        .block_on(ewarong_hub::report::build(
            &hub.state.store,
            &current_period(),
            7,
            now() + chrono::Duration::days(8),
        ))
        .unwrap();
    let silent: Vec<_> = later
        .silent
        .iter()
        .map(|t| t.terminal_id.as_str())
        .collect();
    assert_eq!(silent, ["sumba-01", "sumba-02"]);

    // Revocation: from now on the terminal is refused, and its pending batch stays pending.
    till.sell(5);
    hub.rt
        .block_on(hub.state.store.revoke("sumba-01", now()))
        .unwrap();
    let e = sync_once(&mut till.ledger, &client, now()).unwrap_err();
    assert_eq!(hub_error(e), (403, "revoked".into()));
    assert_eq!(till.pending(), 1);
}

fn current_period() -> String {
    now().format("%Y-%m").to_string()
}

#[test]
fn sync_on_sqlite() {
    let dir = TempDir::new().unwrap();
    scenario(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
}

/// A fresh PostgreSQL database for one test, on the server `EWARONG_TEST_DATABASE_URL` names;
/// `None` (the test says it was skipped) when it is unset outside CI.
fn postgres_store(name: &str) -> Option<PgStore> {
    let url = ewarong_hub::test_support::fresh_database(name, &format!("hub_{name}"), true)?;
    Some(PgStore::connect(&url).unwrap())
}

#[test]
fn sync_on_postgres() {
    let Some(store) = postgres_store("scenario") else {
        return;
    };
    scenario(store);
}

/// The USB stick: batches out as files, into the hub, receipts back, with the same checks and
/// the same idempotency as the network.
fn sneakernet<S: Store>(store: S) {
    let hub = TestHub::on(store);
    let mut till = Till::new("sabu-01");
    till.enrol(&hub);
    till.sell(12);
    let stick = TempDir::new().unwrap();
    let files = export_batches(&mut till.ledger, stick.path(), now()).unwrap();
    assert_eq!(files.len(), 3);
    // The hub side, as `ewarong-hub import` does it, twice: the second pass changes nothing.
    for _ in 0..2 {
        for f in &files {
            let file: ewarong_core::usb::BatchFile =
                serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            let receipt = hub
                .rt
                .block_on(accept_batch(&hub.state, &file.terminal_id, &file.upload))
                .unwrap();
            std::fs::write(
                stick.path().join(ewarong_core::usb::receipt_file_name(
                    &file.terminal_id,
                    file.batch_seq,
                )),
                serde_json::to_string(&receipt).unwrap(),
            )
            .unwrap();
        }
    }
    assert_eq!(hub.head_seq("sabu-01"), till.last_seq());
    let done = import_receipts(&mut till.ledger, stick.path(), now()).unwrap();
    assert_eq!((done.new, done.already), (3, 0));
    assert_eq!(till.pending(), 0);
    let done = import_receipts(&mut till.ledger, stick.path(), now()).unwrap();
    assert_eq!((done.new, done.already), (0, 3));

    // A receipt signed by some other key is refused with the file named, and records nothing.
    // Five sales: sealed by count.
    till.sell(5);
    let out = till.ledger.unacked_batches(0, 1).unwrap().remove(0);
    let other = HubState::new(hub.state.store.clone(), HubIdentity::from_seed(&[9; 32]));
    let forged = hub
        .rt
        .block_on(accept_batch(&other, "sabu-01", &out.upload))
        .unwrap();
    let bad_dir = TempDir::new().unwrap();
    let path = bad_dir.path().join("x.receipt.json");
    std::fs::write(&path, serde_json::to_string(&forged).unwrap()).unwrap();
    let e = import_receipts(&mut till.ledger, bad_dir.path(), now()).unwrap_err();
    let text = ewarong_core::i18n::Localize::localize(&e, ewarong_core::i18n::Lang::En);
    assert!(text.contains("x.receipt.json"), "{text}");
    assert!(text.contains("signature"), "{text}");
    assert_eq!(till.pending(), 1);
}

/// Over the USB stick, a terminal with nothing to send still brings a signed request, and
/// takes the downlink home; a request signed by a stranger, or renamed for another terminal,
/// gets nothing.
fn usb_downlink_without_batches<S: Store>(store: S) {
    use ewarong_hub::publish::{Kind, publish};
    let hub = TestHub::on(store);
    let mut till = Till::new("sabu-02");
    till.enrol(&hub);
    let policy =
        serde_json::to_string(&ewarong_core::domain::Policy::default_sembako().unwrap()).unwrap();
    hub.rt
        .block_on(publish(
            &hub.state.store,
            &hub.state.identity,
            Kind::Policy,
            "policy.json",
            &policy,
            now(),
        ))
        .unwrap();
    let stick = TempDir::new().unwrap();
    let files = export_batches(&mut till.ledger, stick.path(), now()).unwrap();
    assert!(files.is_empty(), "nothing to send");
    let request = stick.path().join("sabu-02.request.json");
    assert!(request.is_file());
    // A stranger's request for the same terminal, and this one renamed for another.
    let forged_dir = TempDir::new().unwrap();
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&request).unwrap()).unwrap();
    forged["signature"] = format!("sig1=:{}:", b64(&[7u8; 64])).into();
    std::fs::write(
        forged_dir.path().join("sabu-02.request.json"),
        forged.to_string(),
    )
    .unwrap();
    std::fs::copy(&request, forged_dir.path().join("sabu-09.request.json")).unwrap();
    let done = hub
        .rt
        .block_on(ewarong_hub::usb::import_dir(
            &hub.state,
            forged_dir.path(),
            now(),
        ))
        .unwrap();
    assert_eq!(
        (done.accepted, done.updates_written, done.refused.len()),
        (0, 0, 2)
    );
    assert!(!forged_dir.path().join("sabu-02.updates.json").exists());

    let done = hub
        .rt
        .block_on(ewarong_hub::usb::import_dir(
            &hub.state,
            stick.path(),
            now(),
        ))
        .unwrap();
    assert_eq!(
        (done.accepted, done.updates_written),
        (0, 1),
        "{:?}",
        done.refused
    );
    let got = import_receipts(&mut till.ledger, stick.path(), now()).unwrap();
    assert_eq!(got.updates, ["policy v1"]);
}

#[test]
fn usb_downlink_without_batches_on_sqlite() {
    let dir = TempDir::new().unwrap();
    usb_downlink_without_batches(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
}

#[test]
fn usb_downlink_without_batches_on_postgres() {
    let Some(store) = postgres_store("usb_downlink") else {
        return;
    };
    usb_downlink_without_batches(store);
}

#[test]
fn sneakernet_on_sqlite() {
    let dir = TempDir::new().unwrap();
    sneakernet(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
}

#[test]
fn sneakernet_on_postgres() {
    let Some(store) = postgres_store("sneakernet") else {
        return;
    };
    sneakernet(store);
}

#[test]
fn an_unreachable_hub_is_offline_and_loses_nothing() {
    let mut till = Till::new("alor-01");
    // Enrolled once, then the hub is gone.
    {
        let dir = TempDir::new().unwrap();
        let hub = TestHub::on(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
        till.enrol(&hub);
    }
    till.sell(6);
    // Nothing listens on this port: bind one, then drop it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = HubClient::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2));
    let e = sync_once(&mut till.ledger, &client, now()).unwrap_err();
    assert!(matches!(e, SyncError::Offline(_)), "{e}");
    let text = ewarong_core::i18n::Localize::localize(&e, ewarong_core::i18n::Lang::Id);
    assert!(text.contains("tidak bisa dihubungi"), "{text}");
    // The open tail was sealed for the upload and waits, with the first batch.
    assert_eq!(till.pending(), 2);
}

/// The downlink: documents published at the hub reach the terminal signed, apply whole, and
/// the versions in force go into the next batch header. A changed document is refused.
fn downlink<S: Store>(store: S) {
    use ewarong_hub::publish::{Kind, publish};
    let hub = TestHub::on(store);
    let client = hub.client();
    let mut till = Till::new("flores-01");
    till.enrol(&hub);
    let publish_doc = |kind, name: &str, text: &str| {
        hub.rt.block_on(publish(
            &hub.state.store,
            &hub.state.identity,
            kind,
            name,
            text,
            now(),
        ))
    };

    // Bad input is refused at the hub with the row and the rule named; nothing is published.
    let e = publish_doc(
        Kind::Prices,
        "p.csv",
        "product_id,reference_price_rupiah\nberas-medium,14250\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("catalogue before"), "{e}");
    publish_doc(
        Kind::Catalogue,
        "catalogue.csv",
        ewarong_ledger::demo::DEMO_CATALOGUE_CSV,
    )
    .unwrap();
    let e = publish_doc(
        Kind::Prices,
        "p.csv",
        "product_id,reference_price_rupiah\ntidak-ada,5000\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("tidak-ada"), "{e}");
    let e = publish_doc(
        Kind::Prices,
        "p.csv",
        "product_id,reference_price_rupiah\nberas-medium,0\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("p.csv:2"), "{e}");

    // Prices are checked against the catalogue the hub published.
    assert_eq!(
        publish_doc(
            Kind::Prices,
            "p.csv",
            "product_id,reference_price_rupiah\nberas-medium,14250\n"
        )
        .unwrap(),
        1
    );
    let policy =
        serde_json::to_string(&ewarong_core::domain::Policy::default_sembako().unwrap()).unwrap();
    publish_doc(Kind::Policy, "policy.json", &policy).unwrap();
    let before = till.ledger.versions().unwrap();
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!(r.updates, ["policy v1", "catalogue v1", "prices v1"]);
    let after = till.ledger.versions().unwrap();
    assert_eq!(after.policy, before.policy + 1);
    assert_eq!(after.catalogue, before.catalogue + 2);
    let beras = till
        .ledger
        .catalogue()
        .unwrap()
        .products()
        .iter()
        .find(|p| p.id == "beras-medium")
        .unwrap()
        .reference_price;
    assert_eq!(beras.as_i64(), 14_250);
    // Nothing new: nothing applied again.
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert!(r.updates.is_empty(), "{:?}", r.updates);

    // The next batch is sealed under the versions now in force.
    till.sell(5);
    let out = till.ledger.unacked_batches(0, 1).unwrap().remove(0);
    let header =
        ewarong_core::seal::batch::BatchHeader::decode(&unb64("h", &out.upload.header).unwrap())
            .unwrap();
    assert_eq!(
        (header.policy_version, header.catalogue_version),
        (after.policy.unsigned_abs(), after.catalogue.unsigned_abs())
    );

    // A roster: published with PIN verifiers, never the PINs; applied whole.
    let period = current_period();
    let roster = format!(
        "card,nik,kk,name,desa,pin,entitlements,home\n\
         {CARD_A},,5302081103137343,Rosalina Lakilu,Watumbaka,123456,{period}=300000,flores-01\n\
         {CARD_B},,5302091103106536,Frans Nggiku,Kawangu,123456,{period}=200000,flores-01\n\
         6032980000000036,,5302100503179138,Lukas Meha,Palakahembi,654321,{period}=200000,flores-01\n"
    );
    publish_doc(Kind::Roster, "roster.csv", &roster).unwrap();
    let published = hub
        .rt
        .block_on(hub.state.store.latest_publications())
        .unwrap();
    let doc = &published
        .iter()
        .find(|p| p.kind == "roster")
        .unwrap()
        .document;
    assert!(!doc.contains("654321") && !doc.contains("123456"), "{doc}");

    // A document changed on the way is refused whole.
    let mut updates = client
        .updates(&till.ledger, &till.ledger.hub_versions().unwrap())
        .unwrap()
        .updates;
    assert_eq!(updates.len(), 1);
    let mut forged = updates.remove(0);
    forged.document = forged.document.replace("300000", "900000");
    let e = ewarong::sync_client::apply_update(&mut till.ledger, &forged, now()).unwrap_err();
    assert!(matches!(e, SyncError::UpdateSignature { .. }), "{e}");
    assert_eq!(till.ledger.roster().unwrap().len(), 240, "nothing applied");

    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!(r.updates, ["roster v1"]);
    assert_eq!(till.ledger.roster().unwrap().len(), 3);
    let lukas = till
        .ledger
        .kpm(&"6032980000000036".parse().unwrap())
        .unwrap()
        .unwrap();
    assert!(lukas.pin_verifier.verify(&Pin::new("654321").unwrap()));
    assert_eq!(till.ledger.hub_versions().unwrap().get("roster"), Some(&1));
}

/// A sale of `kg` kilograms of beras medium (Rp 13.500/kg) to `who` at `till`.
fn sell_beras(till: &mut Till, card_a: bool, kg: &str) -> Result<i64, ewarong_ledger::LedgerError> {
    let who = if card_a { &till.a } else { &till.b };
    till.ledger
        .record_sale(
            who,
            &till.op,
            &[LineInput {
                product: "beras-medium".into(),
                quantity: kg.into(),
                unit_price: None,
            }],
            None,
            now(),
        )
        .map(|r| r.total.as_i64())
}

/// Bounded offline spending: a KPM's balance lives at their home e-warong; elsewhere only the
/// visitor cap; a move hands the balance over through a signed release, and only then.
fn bounded<S: Store>(store: S) {
    use ewarong_core::domain::Violation;
    use ewarong_hub::moves::{MoveError, order_move};
    use ewarong_hub::publish::{Kind, publish};
    use ewarong_ledger::{LedgerError, Standing};
    let hub = TestHub::on(store);
    let client = hub.client();
    let mut home = Till::new("sumba-01");
    let mut away = Till::new("sumba-02");
    home.enrol(&hub);
    away.enrol(&hub);
    let period = current_period();
    let card_a: ewarong_core::domain::CardNumber = CARD_A.parse().unwrap();
    let policy =
        serde_json::to_string(&ewarong_core::domain::Policy::default_sembako().unwrap()).unwrap();
    let roster = format!(
        "card,nik,kk,name,desa,pin,entitlements,home\n\
         {CARD_A},,5302081103137343,Rosalina Lakilu,Watumbaka,123456,{period}=300000,sumba-01\n\
         {CARD_B},,5302091103106536,Frans Nggiku,Kawangu,123456,{period}=200000,sumba-02\n"
    );
    for (kind, name, text) in [
        (Kind::Policy, "policy.json", policy.as_str()),
        (Kind::Roster, "roster.csv", roster.as_str()),
    ] {
        hub.rt
            .block_on(publish(
                &hub.state.store,
                &hub.state.identity,
                kind,
                name,
                text,
                now(),
            ))
            .unwrap();
    }
    for t in [&mut home, &mut away] {
        let r = sync_once(&mut t.ledger, &client, now()).unwrap();
        assert_eq!(r.updates, ["policy v1", "roster v1"]);
    }

    // At home, the whole balance; elsewhere, the visitor cap (Rp 50.000 in the shipped policy).
    let b = home.ledger.balance(&card_a, now()).unwrap();
    assert_eq!((b.available.as_i64(), b.visitor_cap_left), (300_000, None));
    assert_eq!(home.ledger.standing(&card_a).unwrap(), Standing::Home);
    let b = away.ledger.balance(&card_a, now()).unwrap();
    assert_eq!(b.available.as_i64(), 50_000);
    assert_eq!(b.visitor_cap_left.map(|r| r.as_i64()), Some(50_000));

    // Over the cap: refused with the cap and the home named, and nothing written.
    let before = away.last_seq();
    let e = sell_beras(&mut away, true, "4").unwrap_err();
    let LedgerError::Rejected(v) = &e else {
        panic!("{e}")
    };
    assert!(
        matches!(&v[..], [Violation::OverVisitorCap { home, .. }] if home == "sumba-01"),
        "{v:?}"
    );
    let text = ewarong_core::i18n::Localize::localize(&e, ewarong_core::i18n::Lang::Id);
    assert!(
        text.contains("batas KPM tamu") && text.contains("sumba-01"),
        "{text}"
    );
    assert_eq!(away.last_seq(), before);
    // Within it: sold, and the cap shrinks by what was sold here.
    let visitor_sale = sell_beras(&mut away, true, "2").unwrap();
    assert_eq!(visitor_sale, 27_000);
    let b = away.ledger.balance(&card_a, now()).unwrap();
    assert_eq!(b.available.as_i64(), 50_000 - 27_000);
    let home_sale = sell_beras(&mut home, true, "10").unwrap();
    assert_eq!(home_sale, 135_000);

    // Moving is a hub operation, checked before anything is stored.
    let mv = |card: &str, to: &str| {
        hub.rt
            .block_on(order_move(&hub.state.store, card, to, now()))
    };
    assert!(matches!(mv("123", "sumba-02"), Err(MoveError::BadCard(_))));
    assert!(matches!(
        mv("6032980000000036", "sumba-02"),
        Err(MoveError::NotInRoster(_))
    ));
    assert!(matches!(
        mv(CARD_A, "tidak-ada"),
        Err(MoveError::UnknownTerminal(_))
    ));
    let e = mv(CARD_A, "sumba-01").unwrap_err();
    assert!(matches!(e, MoveError::AlreadyHome { .. }), "{e}");
    assert!(e.to_string().contains("sumba-01"), "{e}");
    // A terminal with a code but no key yet could never receive the balance.
    hub.code("sumba-03");
    let e = mv(CARD_A, "sumba-03").unwrap_err();
    assert!(matches!(e, MoveError::NotEnrolled(_)), "{e}");
    assert!(e.to_string().contains("sumba-03"), "{e}");
    assert!(hub.rt.block_on(hub.state.store.moves()).unwrap().is_empty());
    // Two operators order the same move at once: one is stored, the other names it.
    let (first, second) = hub.rt.block_on(async {
        tokio::join!(
            order_move(&hub.state.store, CARD_A, "sumba-02", now()),
            order_move(&hub.state.store, CARD_A, "sumba-02", now())
        )
    });
    let (ordered, e) = match (first, second) {
        (Ok(o), Err(e)) | (Err(e), Ok(o)) => (o, e),
        other => panic!("one move stored, one refused: {other:?}"),
    };
    assert_eq!(ordered.from, "sumba-01");
    assert!(
        matches!(e, MoveError::Waiting { id, .. } if id == ordered.id),
        "{e}"
    );
    assert!(
        e.to_string().contains(&format!(
            "still in move {}: waiting for sumba-01",
            ordered.id
        )),
        "{e}"
    );
    assert_eq!(hub.rt.block_on(hub.state.store.moves()).unwrap().len(), 1);

    // The new home hears of the move first: still a visitor until the old home releases.
    let r = sync_once(&mut away.ledger, &client, now()).unwrap();
    assert_eq!(r.updates, ["moves v1"]);
    assert_eq!(
        away.ledger.standing(&card_a).unwrap(),
        Standing::Visitor {
            home: "sumba-01".into()
        }
    );
    assert_eq!(
        away.ledger
            .balance(&card_a, now())
            .unwrap()
            .available
            .as_i64(),
        50_000 - 27_000
    );

    // The old home releases everything it held at its next sync, in the same round.
    let r = sync_once(&mut home.ledger, &client, now()).unwrap();
    assert_eq!((r.updates.len(), r.released, r.pending), (1, 1, 0));
    let released = 300_000 - home_sale;
    let moves = hub.rt.block_on(hub.state.store.moves()).unwrap();
    assert_eq!(moves.len(), 1);
    let got = moves[0].released.as_ref().unwrap();
    assert_eq!(
        (got.period.as_str(), got.amount_rupiah),
        (period.as_str(), released)
    );
    assert_eq!(
        home.ledger
            .balance(&card_a, now())
            .unwrap()
            .available
            .as_i64(),
        0
    );
    assert!(sell_beras(&mut home, true, "1").is_err());
    // Released once only, however often it syncs.
    let r = sync_once(&mut home.ledger, &client, now()).unwrap();
    assert_eq!(r.released, 0);

    // Now the new home holds what was released, less what it sold as a visitor.
    let r = sync_once(&mut away.ledger, &client, now()).unwrap();
    assert_eq!(r.updates, ["moves v2"]);
    assert_eq!(away.ledger.standing(&card_a).unwrap(), Standing::Home);
    let b = away.ledger.balance(&card_a, now()).unwrap();
    assert_eq!(
        (b.available.as_i64(), b.visitor_cap_left),
        (released - visitor_sale, None)
    );
    sell_beras(&mut away, true, "5").unwrap();
    sync_once(&mut away.ledger, &client, now()).unwrap();

    // The old home is a visitor now, with the balance gone from it.
    assert_eq!(
        home.ledger.standing(&card_a).unwrap(),
        Standing::Visitor {
            home: "sumba-02".into()
        }
    );
    // Its readout says what its counter will allow: nothing, not the visitor cap.
    let b = home.ledger.balance(&card_a, now()).unwrap();
    assert_eq!(
        (b.available.as_i64(), b.visitor_cap_left.map(|r| r.as_i64())),
        (0, Some(0))
    );
    assert!(sell_beras(&mut home, true, "1").is_err());
    // Likewise for a KPM the old home never sold to, whose visitor cap there is untouched.
    let card_b: ewarong_core::domain::CardNumber = CARD_B.parse().unwrap();
    mv(CARD_B, "sumba-01").unwrap();
    let r = sync_once(&mut away.ledger, &client, now()).unwrap();
    assert_eq!(r.released, 1);
    let b = away.ledger.balance(&card_b, now()).unwrap();
    assert_eq!(
        (b.available.as_i64(), b.visitor_cap_left.map(|r| r.as_i64())),
        (0, Some(0))
    );
    assert!(sell_beras(&mut away, false, "1").is_err());

    // The hub's books: spent at both, within the entitlement, the batches named.
    let report = hub
        .rt
        .block_on(ewarong_hub::report::build(
            &hub.state.store,
            &period,
            7,
            now(),
        ))
        .unwrap();
    let a = report
        .served_at_several
        .iter()
        .find(|c| c.card == CARD_A)
        .unwrap();
    assert_eq!(a.spent, home_sale + visitor_sale + 67_500);
    assert!(a.spent <= 300_000);
    assert!(report.overspent.is_empty(), "{:?}", report.overspent);
    assert!(
        a.batches.iter().any(|b| b.starts_with("sumba-01#"))
            && a.batches.iter().any(|b| b.starts_with("sumba-02#")),
        "{:?}",
        a.batches
    );

    // The supervisor's audit reads the release entry like any other, and with the real hub's
    // key pinned, the certificate and every receipt in the ledger vouch for the terminal's key.
    let path = home.ledger.path().to_owned();
    let options = ewarong_core::audit::AuditOptions {
        pinned_hub: Some(hub.state.identity.public()),
        all_signatures: true,
        ..Default::default()
    };
    let audit = ewarong_ledger::audit_file(&path, &options, &mut |_, _| {}).unwrap();
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);
    assert_eq!(audit.verdict(), ewarong_core::audit::Verdict::Clean);
    assert_eq!(audit.trust, ewarong_core::audit::Trust::HubCertificate);
    // The same through the trust file the hub exports for supervisors, from the command line.
    let trust = hub
        .rt
        .block_on(ewarong_hub::report::trust_file(
            &hub.state.store,
            &hub.state.identity.public(),
        ))
        .unwrap();
    assert!(trust.terminals.iter().any(|t| t.terminal_id == "sumba-01"));
    let file = path.with_file_name("trust.json");
    std::fs::write(&file, serde_json::to_string(&trust).unwrap()).unwrap();
    let out = common::ewarong(path.parent().unwrap())
        .args(["audit", "--ledger"])
        .arg(&path)
        .arg("--trust")
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("BERSIH") && text.contains("disematkan"),
        "{text}"
    );
}

#[test]
fn bounded_spending_on_sqlite() {
    let dir = TempDir::new().unwrap();
    bounded(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
}

#[test]
fn bounded_spending_on_postgres() {
    let Some(store) = postgres_store("bounded") else {
        return;
    };
    bounded(store);
}

#[test]
fn downlink_on_sqlite() {
    let dir = TempDir::new().unwrap();
    downlink(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
}

#[test]
fn downlink_on_postgres() {
    let Some(store) = postgres_store("downlink") else {
        return;
    };
    downlink(store);
}

/// What the hub stores from an upload is checked first: a checkpoint note that is not the
/// terminal's note of the batch's own tree is refused, and fork evidence is kept once per
/// distinct header and at most `MAX_FORKS_PER_TERMINAL` times per terminal, however often it is
/// replayed (replaying needs no key: the header is signed already).
fn stored_bytes_are_checked_and_forks_bounded<S: Store>(store: S) {
    use ewarong_hub::plan::MAX_FORKS_PER_TERMINAL;
    let hub = TestHub::on(store);
    let client = hub.client();
    let mut till = Till::new("forky-01");
    till.enrol(&hub);
    let backup = till.backup();
    // 100 sales, 20 batches of 5: within both KPM's balances.
    till.sell_to(50, true);
    till.sell_to(50, false);
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!((r.pending, hub.head_seq("forky-01")), (0, 100));

    // Checkpoints: garbage, oversized, or a genuine note of another tree.
    till.sell(5);
    let next = till.ledger.outgoing(21).unwrap().upload;
    let earlier = till.ledger.outgoing(20).unwrap().upload.checkpoint;
    for (what, checkpoint) in [
        ("garbage", "GARBAGE".to_owned()),
        ("1 MiB", "x".repeat(1 << 20)),
        ("another tree's note", earlier),
        ("empty", String::new()),
    ] {
        let mut bad = next.clone();
        bad.checkpoint = checkpoint;
        let (status, code) = hub_error(client.upload(&till.ledger, &bad).unwrap_err());
        assert_eq!((status, code.as_str()), (400, "bad_checkpoint"), "{what}");
        assert_eq!(hub.head_seq("forky-01"), 100, "{what}: nothing stored");
    }
    // An entry far longer than any sale is refused before it is decoded.
    let mut huge = next.clone();
    huge.entries[0] = b64(&vec![0u8; ewarong_hub::ingest::MAX_ENTRY_BYTES + 1]);
    let (status, code) = hub_error(client.upload(&till.ledger, &huge).unwrap_err());
    assert_eq!((status, code.as_str()), (400, "bad_batch"));
    // The genuine upload still goes in.
    let r = sync_once(&mut till.ledger, &client, now()).unwrap();
    assert_eq!((r.pending, hub.head_seq("forky-01")), (0, 105));

    // A twin restored from the backup seals 20 other batches at numbers the hub holds.
    let mut twin = Till::open(backup);
    twin.sell_to(50, false);
    twin.sell_to(50, true);
    let forks = |hub: &TestHub<S>| {
        hub.rt
            .block_on(hub.state.store.forks())
            .unwrap()
            .into_iter()
            .filter(|f| f.terminal_id == "forky-01")
            .count()
    };
    let first = twin.ledger.outgoing(1).unwrap().upload;
    for _ in 0..20 {
        let e = client.upload(&twin.ledger, &first).unwrap_err();
        assert_eq!(hub_error(e), (409, "fork".into()));
    }
    assert_eq!(forks(&hub), 1, "a replayed fork is kept once");
    // Without the terminal's key, a captured fork makes the hub store nothing at all.
    let second = twin.ledger.outgoing(2).unwrap().upload;
    let e = client
        .upload(&KeySigner::stranger("forky-01"), &second)
        .unwrap_err();
    assert_eq!(hub_error(e), (403, "unknown_key".into()));
    assert_eq!(forks(&hub), 1, "a stranger's upload stores nothing");
    for n in 2..=20 {
        let fork = twin.ledger.outgoing(n).unwrap().upload;
        let e = client.upload(&twin.ledger, &fork).unwrap_err();
        assert_eq!(hub_error(e), (409, "fork".into()), "batch {n}");
    }
    assert_eq!(
        i64::try_from(forks(&hub)).unwrap(),
        MAX_FORKS_PER_TERMINAL,
        "20 distinct forks, the bound kept"
    );
    assert_eq!(hub.head_seq("forky-01"), 105, "no fork moved anything");
}

#[test]
fn stored_bytes_are_checked_and_forks_bounded_on_sqlite() {
    let dir = TempDir::new().unwrap();
    stored_bytes_are_checked_and_forks_bounded(
        SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap(),
    );
}

#[test]
fn stored_bytes_are_checked_and_forks_bounded_on_postgres() {
    let Some(store) = postgres_store("forks") else {
        return;
    };
    stored_bytes_are_checked_and_forks_bounded(store);
}

/// Moving a terminal to another hub: refused as a side effect of `enrol`, refused without a
/// supervisor, a reason or a new hub key, and when done, a signed `hub_change` entry beside the
/// new enrolment. The new hub then gets every batch from the first, its own update versions
/// apply from 1 again, the old hub keeps what it had, and the audit checks the move.
fn change_hub<S: Store>(old_store: S, new_store: S) {
    use ewarong_core::audit::AuditOptions;
    use ewarong_hub::publish::{Kind, publish};
    use ewarong_ledger::LedgerError;
    let old = TestHub::on(old_store);
    let new = TestHub::other(new_store, 43);
    let (old_key, new_key) = (old.state.identity.public(), new.state.identity.public());
    let publish_prices = |hub: &TestHub<S>, price: &str| {
        for (kind, name, text) in [
            (
                Kind::Catalogue,
                "catalogue.csv",
                ewarong_ledger::demo::DEMO_CATALOGUE_CSV.to_owned(),
            ),
            (
                Kind::Prices,
                "prices.csv",
                format!("product_id,reference_price_rupiah\nberas-medium,{price}\n"),
            ),
        ] {
            hub.rt
                .block_on(publish(
                    &hub.state.store,
                    &hub.state.identity,
                    kind,
                    name,
                    &text,
                    now(),
                ))
                .unwrap();
        }
    };
    let mut till = Till::new("alor-01");
    till.enrol(&old);
    publish_prices(&old, "14250");
    till.sell(7);
    let r = sync_once(&mut till.ledger, &old.client(), now()).unwrap();
    assert_eq!((r.acked, r.pending), (2, 0));
    assert_eq!(r.updates, ["catalogue v1", "prices v1"]);
    let before = till.last_seq();
    assert_eq!(old.head_seq("alor-01"), before);

    let supervisor = till
        .ledger
        .authenticate_supervisor(&Pin::new("9999").unwrap())
        .unwrap();
    let code = new.code("alor-01");
    let to_new = HubPin::Key(new_key);
    let change = |till: &mut Till, pin: &HubPin, who: &Operator, reason: &str| {
        ewarong::sync_client::change_hub(
            &mut till.ledger,
            &new.url,
            Duration::from_secs(10),
            &code,
            pin,
            None,
            who,
            reason,
            now(),
        )
    };
    let unchanged = |till: &Till| {
        assert_eq!(till.last_seq(), before, "no entry written");
        let e = till.ledger.enrolment().unwrap().unwrap();
        assert_eq!(e.hub_key, old_key, "the old hub is still in force");
    };
    // `enrol` never moves a terminal.
    let e = ewarong::sync_client::enrol(
        &mut till.ledger,
        &new.url,
        Duration::from_secs(10),
        &code,
        &to_new,
        None,
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, SyncError::AlreadyEnrolled { .. }), "{e}");
    // And the ledger itself refuses a second enrolment however it is asked.
    unchanged(&till);
    // A kasir is no supervisor.
    let kasir = till.op.clone();
    let e = change(&mut till, &to_new, &kasir, "pindah kabupaten").unwrap_err();
    assert!(
        matches!(e, SyncError::Ledger(LedgerError::NotSupervisor)),
        "{e}"
    );
    // No reason.
    let e = change(&mut till, &to_new, &supervisor, "  ").unwrap_err();
    assert!(e.to_string().contains("--reason"), "{e}");
    // The hub already in force.
    let e = change(&mut till, &HubPin::Key(old_key), &supervisor, "sama").unwrap_err();
    assert!(
        matches!(e, SyncError::Ledger(LedgerError::SameHub(_))),
        "{e}"
    );
    // A sheet for another hub: the hub at that address is not it, nothing is sent.
    let stranger = HubIdentity::from_seed(&[44; 32]).public();
    let e = change(&mut till, &HubPin::Key(stranger), &supervisor, "pindah").unwrap_err();
    assert!(matches!(e, SyncError::WrongHub { .. }), "{e}");
    unchanged(&till);

    // Done properly: the code still works, since nothing was sent before.
    let moved = change(&mut till, &to_new, &supervisor, "pemekaran kabupaten").unwrap();
    assert_eq!(moved.0.hub_key, new_key);
    assert_eq!(till.last_seq(), before + 1);
    let (kind, supervisor_name, reason): (String, String, String) = till
        .ledger
        .connection()
        .query_row(
            "SELECT e.kind, c.supervisor, c.reason FROM entry e JOIN hub_change c ON c.seq = e.seq
             WHERE e.seq = ?1",
            [before + 1],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kind, "hub_change");
    assert_eq!(supervisor_name, supervisor.name());
    assert_eq!(reason, "pemekaran kabupaten");
    // Every batch is pending again, for the new hub.
    assert_eq!(till.pending(), 2);
    let e = ewarong::sync_client::enrol(
        &mut till.ledger,
        &old.url,
        Duration::from_secs(10),
        "AAAA-BBBB-CCCC",
        &HubPin::Key(old_key),
        None,
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, SyncError::AlreadyEnrolled { .. }), "{e}");

    // The new hub gets the whole history, from batch 1, and its own version 1 applies.
    publish_prices(&new, "15000");
    let r = sync_once(&mut till.ledger, &moved.1, now()).unwrap();
    assert_eq!((r.acked, r.pending), (3, 0));
    assert_eq!(r.updates, ["catalogue v1", "prices v1"]);
    assert_eq!(new.head_seq("alor-01"), before + 1);
    assert_eq!(
        old.head_seq("alor-01"),
        before,
        "the old hub got nothing more"
    );
    let price: i64 = till
        .ledger
        .connection()
        .query_row(
            "SELECT reference_price FROM product WHERE id = 'beras-medium'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(price, 15_000);
    let acks: Vec<(i64, i64)> = till
        .ledger
        .connection()
        .prepare("SELECT enrolment, COUNT(*) FROM batch_ack GROUP BY enrolment ORDER BY enrolment")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(acks, [(1, 2), (2, 3)], "the old hub's receipts stay");
    let r = sync_once(&mut till.ledger, &moved.1, now()).unwrap();
    assert_eq!((r.acked, r.updates.len()), (0, 0), "nothing twice");

    // The audit, with the new hub pinned: every receipt checks against the hub that signed it,
    // and the move against the enrolments.
    let pinned = AuditOptions {
        pinned_hub: Some(new_key),
        ..AuditOptions::default()
    };
    let report = till.ledger.audit(&pinned, &mut |_, _| {}).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.trust, ewarong_core::audit::Trust::HubCertificate);
    // A second enrolment slipped in without a signed move is found, and so is a move whose
    // stored row was changed.
    let copy = till.backup();
    let path = copy.path().join(ewarong_ledger::LEDGER_FILE);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO hub_enrolment (hub_url, hub_public_key, region, certificate, enrolled_at)
         SELECT hub_url, hub_public_key, region, certificate, enrolled_at FROM hub_enrolment WHERE id = 1;
         DROP TRIGGER hub_change_no_update;
         UPDATE hub_change SET supervisor = 'kasir';",
    )
    .unwrap();
    drop(conn);
    let report = ewarong_ledger::audit_file(&path, &pinned, &mut |_, _| {}).unwrap();
    let codes: Vec<(&str, &str, u64)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.table.as_str(), f.seq))
        .collect();
    assert!(
        codes.contains(&("enrolment_unexplained", "hub_enrolment", 3)),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("column", "hub_change", before + 1)),
        "{codes:?}"
    );
    // The certificate in force is now the old hub's: the pinned new hub does not vouch for it.
    assert!(codes.iter().any(|c| c.0 == "hub_key_mismatch"), "{codes:?}");
}

#[test]
fn change_hub_on_sqlite() {
    let dir = TempDir::new().unwrap();
    change_hub(
        SqliteStore::open(&dir.path().join("old.sqlite3")).unwrap(),
        SqliteStore::open(&dir.path().join("new.sqlite3")).unwrap(),
    );
}

#[test]
fn change_hub_on_postgres() {
    let (Some(old), Some(new)) = (
        postgres_store("change_hub_old"),
        postgres_store("change_hub_new"),
    ) else {
        return;
    };
    change_hub(old, new);
}

/// `ewarong change-hub` as a supervisor at the laptop types it: each refusal names what is
/// wrong and writes nothing; the move, a sync and the audit with the new hub's key pinned.
#[test]
fn change_hub_from_the_command_line() {
    use common::{demo, ewarong, fails, ok, sale_json, scalar};
    let old = TestHub::start();
    let dir = TempDir::new().unwrap();
    let new = TestHub::other(
        SqliteStore::open(&dir.path().join("new.sqlite3")).unwrap(),
        43,
    );
    let d = demo();
    sale_json(d.path(), CARD_A, &["beras-medium=2"]);
    let old_fp = old.state.identity.public().fingerprint();
    let new_fp = new.state.identity.public().fingerprint();
    old.enrol_by_cli(d.path(), "test-01");
    ok(ewarong(d.path()).arg("sync"));
    let before: u64 = scalar(d.path(), "SELECT MAX(seq) FROM entry");
    let code = new.code("test-01");
    let change = |pin: &str, reason: &str, fp: &str| {
        let mut c = ewarong(d.path());
        c.args([
            "change-hub",
            "--hub",
            &new.url,
            "--code",
            &code,
            "--hub-key",
            fp,
            "--reason",
            reason,
        ])
        .env("EWARONG_SUPERVISOR_PIN", pin);
        c
    };
    let (_, e) = fails(&mut change("0000", "pemekaran", &new_fp));
    assert!(e.contains("PIN"), "{e}");
    let (_, e) = fails(&mut change("1111", "pemekaran", &new_fp));
    assert!(e.contains("supervisor"), "{e}");
    let (_, e) = fails(&mut change("9999", " ", &new_fp));
    assert!(e.contains("--reason"), "{e}");
    let (_, e) = fails(&mut change("9999", "pemekaran", &old_fp));
    assert!(e.contains("sudah terdaftar"), "{e}");
    let (_, e) = fails(&mut change("9999", "pemekaran", "0000 0000 0000 0000"));
    assert!(e.contains("bukan"), "{e}");
    let (_, e) = fails(ewarong(d.path()).args([
        "enrol",
        "--hub",
        &new.url,
        "--code",
        &code,
        "--hub-key",
        &new_fp,
    ]));
    assert!(e.contains("change-hub"), "{e}");
    assert_eq!(
        scalar::<u64>(d.path(), "SELECT MAX(seq) FROM entry"),
        before
    );
    assert_eq!(
        scalar::<i64>(d.path(), "SELECT COUNT(*) FROM hub_enrolment"),
        1
    );

    let out = ok(&mut change("9999", "pemekaran kabupaten", &new_fp));
    assert!(out.contains("Terminal pindah ke hub"), "{out}");
    ok(ewarong(d.path()).arg("sync"));
    assert_eq!(new.head_seq("test-01"), before + 1);
    assert_eq!(old.head_seq("test-01"), before);
    let out = ok(ewarong(d.path()).args([
        "audit",
        "--hub-key",
        &ewarong_core::seal::hex(&new.state.identity.public().to_bytes()),
    ]));
    assert!(out.contains("BERSIH"), "{out}");
}
