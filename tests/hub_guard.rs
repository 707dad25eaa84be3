//! The hub as a stranger finds it: every terminal route without a signature, with a wrong one,
//! replayed, for another terminal, with a changed body or a clock hours off; the framework's
//! own errors as JSON; and the throttles on enrolment and on failed authentication.

use crate::common;

use std::time::Duration;

use common::TestHub;
use ewarong::sync_client::{RequestSigner, SyncError};
use ewarong_core::hub_auth::{
    HubPin, SignatureParams, content_digest, signature_base, signature_header,
};
use ewarong_hub::Store;
use ewarong_hub::limits::Limits;
use ewarong_hub::sqlite::SqliteStore;
use ewarong_ledger::Ledger;
use ewarong_ledger::data_dir::{DataDir, create, open_signing};
use tempfile::TempDir;

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// A demo terminal `id`, enrolled with `hub`.
fn enrolled<S: ewarong_hub::Store>(hub: &TestHub<S>, id: &str) -> (TempDir, Ledger) {
    let dir = TempDir::new().unwrap();
    let zone = *now().offset();
    drop(create(&DataDir::new(dir.path()), id, zone, true, None, now()).unwrap());
    let mut ledger = open_signing(&DataDir::new(dir.path()), None).unwrap();
    hub.enrol(&mut ledger, id);
    (dir, ledger)
}

/// A request as it goes on the wire: method, path with query, headers, body.
struct Raw {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_type: &'static str,
}

impl Raw {
    fn new(method: &'static str, path: &str) -> Self {
        Self {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
            content_type: "application/json",
        }
    }

    /// Signed by `signer` as the client signs, `created` seconds from now.
    fn signed(mut self, signer: &dyn RequestSigner, created_offset: i64) -> Self {
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let digest = content_digest(&self.body);
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).unwrap();
        let params = SignatureParams {
            created: chrono::Utc::now().timestamp() + created_offset,
            nonce: ewarong_core::seal::hex(&nonce),
            keyid: signer.terminal_id().into(),
        };
        let base = signature_base(self.method, path, query, &digest, &params);
        let sig = signer.sign(&base).unwrap();
        self.headers = vec![
            ("Content-Digest".into(), digest),
            ("Signature-Input".into(), params.header()),
            ("Signature".into(), signature_header(&sig)),
        ];
        self
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends it; returns the status and the body, which must be JSON.
    fn send(&self, url: &str) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let uri = format!("{url}{}", self.path);
        let mut resp = if self.method == "POST" {
            let mut r = agent.post(&uri);
            for (k, v) in &self.headers {
                r = r.header(k, v);
            }
            r.content_type(self.content_type)
                .send(&self.body[..])
                .unwrap()
        } else {
            let mut r = match self.method {
                "GET" => agent.get(&uri),
                "DELETE" => agent.delete(&uri),
                m => panic!("{m}"),
            };
            for (k, v) in &self.headers {
                r = r.header(k, v);
            }
            r.call().unwrap()
        };
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = resp.body_mut().read_to_string().unwrap();
        assert!(
            ctype.starts_with("application/json"),
            "{} {}: {status} {ctype}: {text}",
            self.method,
            self.path
        );
        (status, serde_json::from_str(&text).unwrap())
    }
}

/// Signs as `id` with a key no hub enrolled.
struct Stranger(String);

impl RequestSigner for Stranger {
    fn terminal_id(&self) -> &str {
        &self.0
    }

    fn sign(&self, base: &str) -> Result<[u8; 64], SyncError> {
        Ok(ewarong_keys::TerminalKey::from_seed(&[99; 32]).sign(base.as_bytes()))
    }
}

const ROUTES: [(&str, &str); 5] = [
    ("GET", "/v1/terminals/{id}/head"),
    ("GET", "/v1/terminals/{id}/updates?policy=0"),
    ("POST", "/v1/terminals/{id}/batches"),
    ("GET", "/v1/terminals/{id}/receipts?from=1"),
    (
        "GET",
        "/v1/terminals/{id}/documents/roster/1?from=0&count=1",
    ),
];

fn code(v: &serde_json::Value) -> &str {
    v["error"].as_str().unwrap()
}

#[test]
fn every_terminal_route_needs_the_terminals_own_fresh_signature() {
    // Room for this test's own failed attempts, which the throttle below counts.
    let dir = TempDir::new().unwrap();
    let limits = Limits {
        auth_failures_per_window: 1_000,
        ..Limits::default()
    };
    let hub = TestHub::with_limits(
        SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap(),
        limits,
    );
    let (_a_dir, a) = enrolled(&hub, "alor-01");
    let (_b_dir, b) = enrolled(&hub, "alor-02");
    for (method, route) in ROUTES {
        let path = route.replace("{id}", "alor-01");
        // No signature at all.
        let (status, body) = Raw::new(method, &path).send(&hub.url);
        assert_eq!((status, code(&body)), (401, "unauthenticated"), "{path}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Signature-Input"),
            "{body}"
        );
        // Garbage in the signature fields.
        let (status, body) = Raw::new(method, &path)
            .header("Signature-Input", "sig1=(\"@method\");keyid=\"alor-01\"")
            .header("Signature", "sig1=:AAAA:")
            .header("Content-Digest", "sha-256=:AAAA:")
            .send(&hub.url);
        assert_eq!((status, code(&body)), (401, "unauthenticated"), "{path}");
        // A stranger's key, for a known id and for an unknown one: the same answer.
        let known = Raw::new(method, &path)
            .signed(&Stranger("alor-01".into()), 0)
            .send(&hub.url);
        let unknown_path = route.replace("{id}", "nobody-01");
        let unknown = Raw::new(method, &unknown_path)
            .signed(&Stranger("nobody-01".into()), 0)
            .send(&hub.url);
        assert_eq!(known, unknown, "{path}: a refusal must not tell ids apart");
        assert_eq!((known.0, code(&known.1)), (403, "unknown_key"));
        // Terminal B, signing properly, on A's route.
        let (status, body) = Raw::new(method, &path).signed(&b, 0).send(&hub.url);
        assert_eq!((status, code(&body)), (403, "forbidden"), "{path}");
        // A's own signature, made an hour ago or an hour ahead.
        for offset in [-3600, 3600] {
            let (status, body) = Raw::new(method, &path).signed(&a, offset).send(&hub.url);
            assert_eq!((status, code(&body)), (401, "clock"), "{path}");
            assert!(body["hub_time"].is_string(), "{body}");
        }
    }

    // A's own signed head: taken once, refused when replayed byte for byte.
    let head = Raw::new("GET", "/v1/terminals/alor-01/head").signed(&a, 0);
    let (status, body) = head.send(&hub.url);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["terminal_id"], "alor-01");
    let (status, body) = head.send(&hub.url);
    assert_eq!((status, code(&body)), (401, "replayed"));

    // A body changed under its signature (the digest no longer matches) is refused; so is
    // a digest changed to match it (the signature no longer does).
    let post = |body: &str| {
        let mut r = Raw::new("POST", "/v1/terminals/alor-01/batches");
        r.body = body.into();
        r.signed(&a, 0)
    };
    let mut changed = post("{}");
    changed.body = "{\"x\":1}".into();
    let (status, body) = changed.send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_digest"));
    let mut changed = post("{}");
    changed.body = "{\"x\":1}".into();
    changed.headers[0].1 = content_digest(&changed.body);
    let (status, body) = changed.send(&hub.url);
    assert_eq!((status, code(&body)), (403, "unknown_key"));
    // Signed whole, the same body reaches the handler, which judges what it says.
    let (status, body) = post("{\"x\":1}").send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_json"));

    // A client whose clock is five hours off signs again on the hub's time, and syncs.
    let client = hub.client();
    client.set_clock_skew(5 * 3600);
    let head = client.head(&a).unwrap();
    assert_eq!(head.terminal_id, "alor-01");
    client.set_clock_skew(-5 * 3600);
    client.updates(&a, &Default::default()).unwrap();
}

#[test]
fn the_frameworks_own_errors_are_json_too() {
    let hub = TestHub::start();
    let (_dir, a) = enrolled(&hub, "alor-01");
    let (status, body) = Raw::new("GET", "/v1/enrol").send(&hub.url);
    assert_eq!((status, code(&body)), (405, "method_not_allowed"));
    let (status, body) = Raw::new("DELETE", "/v1/health").send(&hub.url);
    assert_eq!((status, code(&body)), (405, "method_not_allowed"));
    let (status, body) = Raw::new("GET", "/v2/anything").send(&hub.url);
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, body) = Raw::new("GET", "/v1/terminals/alor-01/updates?policy=many")
        .signed(&a, 0)
        .send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_query"));
    assert!(body["message"].as_str().unwrap().contains("kind=version"));
    let mut crowded = Raw::new("GET", "/v1/health");
    for n in 0..1000 {
        crowded = crowded.header(&format!("x-filler-{n}"), "1");
    }
    let (status, body) = crowded.send(&hub.url);
    assert_eq!((status, code(&body)), (431, "too_many_headers"));
    let mut enrol = Raw::new("POST", "/v1/enrol");
    enrol.body = "{\"terminal_id\": 5}".into();
    let (status, body) = enrol.send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_json"));
}

#[test]
fn guessing_is_throttled_per_address_and_a_real_terminal_is_not() {
    let limits = Limits {
        enrolments_per_window: 5,
        auth_failures_per_window: 8,
        window: Duration::from_secs(60),
        ..Limits::default()
    };
    let dir = TempDir::new().unwrap();
    let hub = TestHub::with_limits(
        SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap(),
        limits,
    );
    let (_dir, a) = enrolled(&hub, "alor-01");
    // Enrolment guesses: the sixth in the window is refused before the code is looked at
    // (the terminal's own enrolment above was the first).
    let guess = |n: usize| {
        let mut r = Raw::new("POST", "/v1/enrol");
        r.body = format!(
            "{{\"terminal_id\": \"alor-09\", \"public_key\": \"{}\", \"proof\": \"{:064x}\"}}",
            ewarong_core::seal::hex(
                &ewarong_keys::TerminalKey::from_seed(&[3; 32])
                    .public()
                    .to_bytes()
            ),
            n
        )
        .into_bytes();
        r.send(&hub.url)
    };
    for n in 0..4 {
        let (status, body) = guess(n);
        assert_eq!((status, code(&body)), (403, "bad_code"), "guess {n}");
    }
    let (status, body) = guess(5);
    assert_eq!((status, code(&body)), (429, "too_many_requests"));

    // Failed authentications: after 8, the address is refused outright, even with a good
    // signature, until the window turns.
    for n in 0..8 {
        let (status, _) = Raw::new("GET", "/v1/terminals/alor-01/head")
            .signed(&Stranger("alor-01".into()), 0)
            .send(&hub.url);
        assert_eq!(status, 403, "attempt {n}");
    }
    let (status, body) = Raw::new("GET", "/v1/terminals/alor-01/head")
        .signed(&a, 0)
        .send(&hub.url);
    assert_eq!((status, code(&body)), (429, "too_many_requests"));
    // Health and a terminal's clock refusals count for nothing.
    let (status, _) = Raw::new("GET", "/v1/health").send(&hub.url);
    assert_eq!(status, 200);
}

/// Data minimisation end to end: the roster a terminal downloads holds its region's KPM and
/// nobody else's, signed for it; a terminal of another region gets its own part.
#[test]
fn a_terminal_downloads_only_its_regions_kpm() {
    use ewarong_hub::publish::{Kind, publish};
    let hub = TestHub::start();
    let (_a_dir, a) = enrolled(&hub, "sumba-01");
    // A terminal of another region, registered as `ewarong-hub terminal enrol` would.
    let t = now();
    let code = ewarong_hub::new_enrolment_code().unwrap();
    hub.rt
        .block_on(hub.state.store.add_enrolment(
            "flores-01",
            "5303",
            ewarong_hub::code_hash(&code),
            t,
            t + chrono::Duration::days(1),
        ))
        .unwrap();
    let b_dir = TempDir::new().unwrap();
    drop(
        create(
            &DataDir::new(b_dir.path()),
            "flores-01",
            *t.offset(),
            true,
            None,
            t,
        )
        .unwrap(),
    );
    let mut b = open_signing(&DataDir::new(b_dir.path()), None).unwrap();
    let pin = HubPin::Key(hub.state.identity.public());
    ewarong::sync_client::enrol(
        &mut b,
        &hub.url,
        Duration::from_secs(10),
        &code,
        &pin,
        None,
        t,
    )
    .unwrap();
    let period = t.format("%Y-%m");
    let roster = format!(
        "card,nik,kk,name,desa,pin,entitlements,home\n\
         6032980000000010,5302081103130001,5302081103137343,Rosalina Lakilu,Watumbaka,123456,{period}=200000,sumba-01\n\
         6032980000000028,5302081103130002,5302081103137344,Yohanes Ndapa,Kambera,123456,{period}=200000,sumba-01\n\
         6032980000000036,5303081103130003,5303081103137345,Maria Goreti,Ende,123456,{period}=200000,flores-01\n"
    );
    hub.rt
        .block_on(publish(
            &hub.state.store,
            &hub.state.identity,
            Kind::Roster,
            "roster.csv",
            &roster,
            t,
        ))
        .unwrap();
    let client = hub.client();
    for (ledger, mine, theirs) in [
        (
            &a,
            ["Rosalina Lakilu", "Yohanes Ndapa"].as_slice(),
            "Maria Goreti",
        ),
        (&b, ["Maria Goreti"].as_slice(), "Rosalina Lakilu"),
    ] {
        let updates = client.updates(ledger, &Default::default()).unwrap().updates;
        let u = updates.iter().find(|u| u.kind == "roster").unwrap();
        assert!(
            u.verify(&hub.state.identity.public()),
            "signed for this terminal"
        );
        assert_eq!(u.version, 1);
        for name in mine {
            assert!(u.document.contains(name), "{}", u.document);
        }
        assert!(!u.document.contains(theirs), "{}", u.document);
    }
}

#[test]
fn garbage_on_the_weak_link_routes_is_refused_by_name_and_stores_nothing() {
    let hub = TestHub::start();
    let (_dir, a) = enrolled(&hub, "alor-01");
    let post = |body: Vec<u8>, content_type: &'static str, encoding: Option<&str>| {
        let mut r = Raw::new("POST", "/v1/terminals/alor-01/batches");
        r.body = body;
        r.content_type = content_type;
        let r = r.signed(&a, 0);
        match encoding {
            Some(e) => r.header("Content-Encoding", e),
            None => r,
        }
    };
    let bundle = ewarong_core::wire::BUNDLE_TYPE;
    // A bundle that is not one names the rule.
    let (status, body) = post(b"EWB\x01garbage".to_vec(), bundle, None).send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_batch"), "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("bundle"),
        "{body}"
    );
    // A bundle of a batch whose header is not a header: refused, as a lone batch would be.
    let fake = ewarong_core::protocol::BatchUpload {
        header: ewarong_core::protocol::b64(b"not a header"),
        signature: ewarong_core::protocol::b64(&[0u8; 64]),
        checkpoint: String::new(),
        entries: vec![],
    };
    let bytes = ewarong_core::wire::encode_bundle(&[fake]).unwrap();
    let (status, body) = post(bytes, bundle, None).send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_batch"), "{body}");
    // Ten megabytes of zeros in ten kilobytes: refused before they are unpacked whole.
    let bomb = ewarong_core::wire::deflate(&vec![0u8; 10 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    let (status, body) = post(bomb, bundle, Some("deflate")).send(&hub.url);
    assert_eq!((status, code(&body)), (413, "too_large"), "{body}");
    // Said to be deflate and not; an encoding the hub does not take.
    let (status, body) = post(b"{}".to_vec(), "application/json", Some("deflate")).send(&hub.url);
    assert_eq!((status, code(&body)), (400, "bad_body"), "{body}");
    let (status, body) = post(b"{}".to_vec(), "application/json", Some("br")).send(&hub.url);
    assert_eq!(
        (status, code(&body)),
        (415, "unsupported_encoding"),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("br"), "{body}");
    // Receipts and documents name the query's rule; nothing of another version exists.
    for (path, status_want, code_want) in [
        ("/v1/terminals/alor-01/receipts", 400, "bad_query"),
        ("/v1/terminals/alor-01/receipts?from=0", 400, "bad_query"),
        (
            "/v1/terminals/alor-01/documents/roster/1?from=0",
            400,
            "bad_query",
        ),
        (
            "/v1/terminals/alor-01/documents/roster/1?from=0&count=0",
            400,
            "bad_query",
        ),
        (
            "/v1/terminals/alor-01/documents/roster/1?from=0&count=65",
            400,
            "bad_query",
        ),
        (
            "/v1/terminals/alor-01/documents/roster/9?from=0&count=1",
            404,
            "not_found",
        ),
    ] {
        let (status, body) = Raw::new("GET", path).signed(&a, 0).send(&hub.url);
        assert_eq!(
            (status, code(&body)),
            (status_want, code_want),
            "{path}: {body}"
        );
    }
    let (status, body) = Raw::new("GET", "/v1/terminals/alor-01/receipts?from=1")
        .signed(&a, 0)
        .send(&hub.url);
    assert_eq!(status, 200);
    assert_eq!(body["receipts"], serde_json::json!([]));
    // The head announces the features; nothing above was stored.
    let (status, body) = Raw::new("GET", "/v1/terminals/alor-01/head")
        .signed(&a, 0)
        .send(&hub.url);
    assert_eq!(status, 200);
    assert_eq!(body["last_seq"], 0);
    assert_eq!(
        body["features"],
        serde_json::json!(["deflate", "bundle", "receipts", "delta", "pages"])
    );
}
