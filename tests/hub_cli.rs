//! The two binaries end to end: `ewarong-hub serve`, `terminal enrol --file`, `import`,
//! `terminal revoke`, against `ewarong enrol`, `sync`, `export-batches`, `import-receipts`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use common::{CARD_A, CARD_B, demo, ewarong, fails, ok, sale_json, scalar};
use tempfile::TempDir;

/// The `ewarong-hub` binary of this build. It belongs to another crate of the workspace:
/// `cargo test` at the root builds it (the hub crate has integration tests of its own).
fn hub_bin() -> std::path::PathBuf {
    let path = assert_cmd::cargo::cargo_bin("ewarong-hub");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo test` at the workspace root, or `cargo build -p ewarong-hub` first",
        path.display()
    );
    path
}

fn hub(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(hub_bin());
    for var in [
        "EWARONG_HUB_DIR",
        "EWARONG_HUB_DATABASE",
        "EWARONG_HUB_DATABASE_FILE",
        "EWARONG_LANG",
        "EWARONG_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.arg("--data-dir").arg(dir);
    cmd
}

/// `ewarong-hub serve` on a free loopback port; returns the child and its URL.
fn serve(dir: &Path) -> (KillOnDrop, String) {
    serve_with(dir, None, &[])
}

/// `ewarong-hub serve` with `args`, under an open-file limit of `files` if given.
fn serve_with(dir: &Path, files: Option<u32>, args: &[&str]) -> (KillOnDrop, String) {
    let mut cmd = match files {
        Some(n) => {
            let mut c = std::process::Command::new("bash");
            c.arg("-c")
                .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                .arg(hub_bin());
            c
        }
        None => std::process::Command::new(hub_bin()),
    };
    let mut child = cmd
        .env_remove("EWARONG_HUB_DATABASE")
        .env_remove("EWARONG_HUB_DATABASE_FILE")
        .env_remove("EWARONG_LANG")
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("serve.log")).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no address in: {line}"))
        .trim_end_matches(';')
        .to_owned();
    (KillOnDrop(child), url)
}

/// The enrolment sheet `ewarong-hub terminal enrol --json` prints for `id` in region 5302
/// (code, hub fingerprint), with an enrolment file for the hub at `url` when `file` is given.
fn issue_code(dir: &Path, id: &str, file: Option<(&Path, &str)>) -> serde_json::Value {
    let mut cmd = hub(dir);
    cmd.args([
        "--json",
        "terminal",
        "enrol",
        "--terminal-id",
        id,
        "--region",
        "5302",
    ]);
    if let Some((f, url)) = file {
        cmd.arg("--file").arg(f).args(["--hub-url", url]);
    }
    serde_json::from_str(&ok(&mut cmd)).unwrap()
}

/// A demo terminal with its own id, as `ewarong init --demo` makes it.
fn demo_terminal(id: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    ok(ewarong(dir.path()).args(["init", "--terminal-id", id, "--demo", "--timezone", "WIB"]));
    dir
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The issue's impostor: a hub of the attacker's own at the address the terminal was given,
/// with a code it issued itself. A terminal that knows the real hub's fingerprint (typed from
/// the enrolment sheet, or in the enrolment file) sends it nothing and stays unenrolled; an
/// enrolled terminal is not moved to it either.
#[test]
fn a_fake_hub_cannot_take_over_a_terminal_at_enrolment() {
    let real_dir = TempDir::new().unwrap();
    let fake_dir = TempDir::new().unwrap();
    let (_real, real_url) = serve(real_dir.path());
    let (_fake, fake_url) = serve(fake_dir.path());
    let real_file = real_dir.path().join("test-01.enrol.json");
    let real = issue_code(real_dir.path(), "test-01", Some((&real_file, &real_url)));
    let fake = issue_code(fake_dir.path(), "test-01", None);
    let real_fp = real["hub_fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(real_fp.len(), 19, "{real_fp}");
    assert_ne!(real_fp, fake["hub_fingerprint"].as_str().unwrap());
    let t = demo();
    let fake_code = fake["code"].as_str().unwrap();

    // `enrol --hub` to the impostor's address with its code, and `key` as the fingerprint.
    let by_hand = |key: &str| {
        fails(ewarong(t.path()).args([
            "enrol",
            "--hub",
            &fake_url,
            "--code",
            fake_code,
            "--hub-key",
            key,
        ]))
    };
    // No fingerprint: refused before anything is sent, naming the field.
    let (code, err) =
        fails(ewarong(t.path()).args(["enrol", "--hub", &fake_url, "--code", fake_code]));
    assert_eq!(code, 1);
    assert!(
        err.contains("--hub-key") && err.contains("wajib diisi"),
        "{err}"
    );
    let (_, err) = by_hand("ab12");
    assert!(err.contains("--hub-key") && err.contains("16 hex"), "{err}");
    // The fingerprint from the real sheet, the impostor's address and code.
    let (code, err) = by_hand(&real_fp);
    assert_eq!(code, 1);
    assert!(
        err.contains(&real_fp) && err.contains("kode tidak dikirim"),
        "{err}"
    );
    // The real enrolment file, with the impostor's address put in front of it.
    let (_, err) = fails(ewarong(t.path()).args([
        "enrol",
        "--file",
        real_file.to_str().unwrap(),
        "--hub",
        &fake_url,
    ]));
    assert!(err.contains("kode tidak dikirim"), "{err}");
    // Nothing was kept: not enrolled, and the impostor holds no key for the terminal.
    let (_, err) = fails(ewarong(t.path()).arg("sync"));
    assert!(err.contains("belum terdaftar"), "{err}");
    let keys = ok(hub(fake_dir.path()).args(["terminal", "keys"]));
    assert!(!keys.contains("test-01"), "{keys}");

    // The real hub, by file: enrolled; then the impostor's code cannot move it.
    let out = ok(ewarong(t.path()).args(["enrol", "--file", real_file.to_str().unwrap()]));
    assert!(out.contains(&real_fp), "{out}");
    let fake_fp = fake["hub_fingerprint"].as_str().unwrap();
    let (_, err) = by_hand(fake_fp);
    assert!(
        err.contains("sudah terdaftar") && err.contains(&real_url),
        "{err}"
    );
    let out = ok(ewarong(t.path()).arg("sync"));
    assert!(out.contains("diterima hub"), "{out}");
}

/// The issue's flood and slowloris against a hub with 256 open files: 600 idle connections
/// from one address, 200 that trickle their headers from another, reconnecting whenever the
/// hub closes them. The hub keeps 32 from each, closes the rest at once and the tricklers at
/// the header deadline, and a real terminal syncs through it all.
#[test]
fn a_flood_and_a_slowloris_do_not_lock_a_terminal_out() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let hub_dir = TempDir::new().unwrap();
    let (server, url) = serve_with(hub_dir.path(), Some(256), &["--header-timeout", "2"]);
    let hub_files = || {
        std::fs::read_dir(format!("/proc/{}/fd", server.0.id()))
            .unwrap()
            .count()
    };
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let t = demo();
    let file = hub_dir.path().join("test-01.enrol.json");
    ok(hub(hub_dir.path()).args([
        "terminal",
        "enrol",
        "--terminal-id",
        "test-01",
        "--region",
        "5302",
        "--file",
        file.to_str().unwrap(),
        "--hub-url",
        &url,
    ]));
    ok(ewarong(t.path()).args(["enrol", "--file", file.to_str().unwrap()]));

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    // Per attacker: connections made, closed by the hub, and closed within 8 s of opening
    // (the deadline is 2 s; the rest is slack for a loaded test machine).
    let made = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let closed = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let prompt = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let attackers = [("127.0.0.2", 600usize, false), ("127.0.0.3", 200, true)];
    for (who, (from, n, trickle)) in attackers.into_iter().enumerate() {
        for _ in 0..n {
            let (stop, made, closed, prompt) =
                (stop.clone(), made.clone(), closed.clone(), prompt.clone());
            rt.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let socket = tokio::net::TcpSocket::new_v4().unwrap();
                    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
                    let Ok(mut conn) = socket.connect(addr).await else {
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    };
                    made[who].fetch_add(1, Ordering::Relaxed);
                    let opened = std::time::Instant::now();
                    if trickle {
                        let _ = conn
                            .write_all(b"POST /v1/enrol HTTP/1.1\r\nHost: x\r\n")
                            .await;
                    }
                    let mut buf = [0u8; 64];
                    loop {
                        tokio::select! {
                            r = conn.read(&mut buf) => {
                                if matches!(r, Ok(0) | Err(_)) {
                                    closed[who].fetch_add(1, Ordering::Relaxed);
                                    if opened.elapsed() < std::time::Duration::from_secs(8) {
                                        prompt[who].fetch_add(1, Ordering::Relaxed);
                                    }
                                    break;
                                }
                            }
                            () = tokio::time::sleep(std::time::Duration::from_millis(500)) => {
                                if stop.load(Ordering::Relaxed) {
                                    return;
                                }
                                if trickle && conn.write_all(b"X-Slow: 1\r\n").await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            });
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(3));
    // The attack is on: the terminal sells and syncs, three times over, and the hub never
    // holds more than its two attackers' 32 connections each and a few files of its own.
    let mut most = 0;
    for round in 0..3 {
        sale_json(t.path(), CARD_A, &["beras-medium=1"]);
        let out = ok(ewarong(t.path()).arg("sync"));
        assert!(
            out.contains("1 batch diterima hub, 0 masih menunggu"),
            "round {round}: {out}"
        );
        most = most.max(hub_files());
    }
    std::thread::sleep(std::time::Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    let [made_flood, made_slow] = [0, 1].map(|i| made[i].load(Ordering::Relaxed));
    let [closed_flood, closed_slow] = [0, 1].map(|i| closed[i].load(Ordering::Relaxed));
    let prompt_slow = prompt[1].load(Ordering::Relaxed);
    eprintln!(
        "hub files at most {most}; flood {closed_flood} closed of {made_flood}; tricklers {closed_slow} closed of {made_slow}"
    );
    assert!(most <= 64 + 24, "the hub held {most} files");
    // The attack was real: every attacker connected, and was closed, over and over. The
    // counts end in a race (connections opening as the attack stops), so only their scale is
    // asserted; the hub's own file count above is the exact bound.
    assert!(
        made_flood >= 600 && closed_flood * 2 >= made_flood,
        "{closed_flood} of {made_flood}"
    );
    assert!(
        made_slow >= 200 && closed_slow * 2 >= made_slow,
        "{closed_slow} of {made_slow}"
    );
    // No trickler outlived the header deadline by much.
    assert_eq!(prompt_slow, closed_slow, "tricklers closed late");
}

/// The hub serving TLS itself, with a certificate of its own and no public CA: one terminal
/// pins it through the hub fingerprint it typed (the hub key vouches for the certificate),
/// another from the enrolment file; both sync over https. A certificate swapped in at the
/// hub's address is not trusted; plain http to another machine is refused before anything
/// is sent; and the hub will not serve plain http off loopback unless told to.
#[test]
fn tls_on_the_hub_pinned_through_the_hub_key() {
    let hub_dir = TempDir::new().unwrap();
    let out =
        ok(hub(hub_dir.path()).args(["tls", "init", "--name", "127.0.0.1", "--name", "localhost"]));
    assert!(out.contains("tls.crt") && out.contains("SHA-256"), "{out}");
    let (_, err) = fails(hub(hub_dir.path()).args(["tls", "init", "--name", "other"]));
    assert!(err.contains("never overwritten"), "{err}");
    let pem = std::fs::read_to_string(hub_dir.path().join("tls.crt")).unwrap();
    let (server, url) = serve(hub_dir.path());
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    // By the typed fingerprint alone.
    let t1 = demo();
    let sheet = issue_code(hub_dir.path(), "test-01", None);
    let (code, fp) = (
        sheet["code"].as_str().unwrap(),
        sheet["hub_fingerprint"].as_str().unwrap(),
    );
    let plain = url.replace("https://127.0.0.1", "http://10.11.12.13");
    let (status, err) =
        fails(ewarong(t1.path()).args(["enrol", "--hub", &plain, "--code", code, "--hub-key", fp]));
    assert_eq!(status, 1);
    assert!(err.contains("tanpa TLS"), "{err}");
    let out =
        ok(ewarong(t1.path()).args(["enrol", "--hub", &url, "--code", code, "--hub-key", fp]));
    assert!(out.contains(fp), "{out}");
    let pinned: String = scalar(t1.path(), "SELECT tls_certificate FROM hub_enrolment");
    assert_eq!(pinned, pem, "the hub's certificate is pinned in the ledger");
    sale_json(t1.path(), CARD_A, &["beras-medium=1"]);
    let out = ok(ewarong(t1.path()).arg("sync"));
    assert!(
        out.contains("1 batch diterima hub, 0 masih menunggu"),
        "{out}"
    );

    // By the enrolment file, which carries the certificate.
    let t2 = demo_terminal("test-02");
    let file = hub_dir.path().join("test-02.enrol.json");
    issue_code(hub_dir.path(), "test-02", Some((&file, &url)));
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(f["tls_certificate"].as_str(), Some(pem.as_str()));
    ok(ewarong(t2.path()).args(["enrol", "--file", file.to_str().unwrap()]));
    let out = ok(ewarong(t2.path()).arg("sync"));
    assert!(out.contains("diterima hub"), "{out}");

    // The hub's address now answers with another certificate (same hub key, a new TLS key:
    // what a man in the middle would show). The terminal does not trust it; its sale waits.
    drop(server);
    let moved = TempDir::new().unwrap();
    std::fs::rename(hub_dir.path().join("tls.crt"), moved.path().join("tls.crt")).unwrap();
    std::fs::rename(hub_dir.path().join("tls.key"), moved.path().join("tls.key")).unwrap();
    ok(hub(hub_dir.path()).args(["tls", "init", "--name", "127.0.0.1"]));
    let (_server, url2) = serve(hub_dir.path());
    sale_json(t1.path(), CARD_A, &["beras-medium=1"]);
    let (status, err) = fails(ewarong(t1.path()).args(["sync", "--hub", &url2]));
    assert_eq!(status, 4, "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    let pending: i64 = scalar(
        t1.path(),
        "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = o.batch_seq)",
    );
    assert_eq!(pending, 1, "the sale waits for the real hub");

    // No TLS and not loopback: the hub refuses to serve, naming the way out.
    let bare = TempDir::new().unwrap();
    let (_, err) = fails(hub(bare.path()).args(["serve", "--listen", "0.0.0.0:0"]));
    assert!(
        err.contains("bukan loopback") && err.contains("tls init"),
        "{err}"
    );
}

/// A hub serving a certificate a CA issued (leaf and chain in one file, `--tls-cert`): the
/// hub key vouches for the whole chain, the terminal pins exactly it, and syncs.
#[test]
fn tls_with_a_certificate_a_ca_issued() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Dinsos test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let ca = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let certs = TempDir::new().unwrap();
    let chain = format!("{}{}", leaf.pem(), ca_cert.pem());
    let (cert_file, key_file) = (
        certs.path().join("chain.pem"),
        certs.path().join("leaf.key"),
    );
    std::fs::write(&cert_file, &chain).unwrap();
    std::fs::write(&key_file, leaf_key.serialize_pem()).unwrap();

    let hub_dir = TempDir::new().unwrap();
    let (_server, url) = serve_with(
        hub_dir.path(),
        None,
        &[
            "--tls-cert",
            cert_file.to_str().unwrap(),
            "--tls-key",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(url.starts_with("https://"), "{url}");
    let sheet = issue_code(hub_dir.path(), "test-01", None);
    let t = demo();
    ok(ewarong(t.path()).args([
        "enrol",
        "--hub",
        &url,
        "--code",
        sheet["code"].as_str().unwrap(),
        "--hub-key",
        sheet["hub_fingerprint"].as_str().unwrap(),
    ]));
    let pinned: String = scalar(t.path(), "SELECT tls_certificate FROM hub_enrolment");
    assert_eq!(
        pinned, chain,
        "leaf and chain pinned, as the hub key vouched"
    );
    sale_json(t.path(), CARD_A, &["beras-medium=1"]);
    let out = ok(ewarong(t.path()).arg("sync"));
    assert!(
        out.contains("1 batch diterima hub, 0 masih menunggu"),
        "{out}"
    );
}

#[test]
fn enrol_sync_usb_and_revoke_with_the_two_binaries() {
    let hub_dir = TempDir::new().unwrap();
    let (server, url) = serve(hub_dir.path());
    let t = demo();
    let enrol_file = hub_dir.path().join("test-01.enrol.json");

    // Bad input is refused with the field and the rule named, and nothing is created.
    let (_, err) = fails(hub(hub_dir.path()).args([
        "terminal",
        "enrol",
        "--terminal-id",
        "test 01",
        "--region",
        "5302",
    ]));
    assert!(
        err.contains("--terminal-id") && err.contains("letters, digits"),
        "{err}"
    );
    let (code, err) = fails(ewarong(t.path()).args(["enrol", "--code", "X"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("--hub") && err.contains("wajib diisi"),
        "{err}"
    );

    let out = ok(hub(hub_dir.path()).args([
        "terminal",
        "enrol",
        "--terminal-id",
        "test-01",
        "--region",
        "5302",
        "--file",
        enrol_file.to_str().unwrap(),
        "--hub-url",
        &url,
    ]));
    assert!(out.contains("kode pendaftaran untuk test-01"), "{out}");
    let out = ok(ewarong(t.path()).args(["enrol", "--file", enrol_file.to_str().unwrap()]));
    assert!(out.contains("terdaftar di hub"), "{out}");
    // Enrolled once: enrol never moves a terminal, whatever file or code it is given.
    let (_, err) = fails(ewarong(t.path()).args(["enrol", "--file", enrol_file.to_str().unwrap()]));
    assert!(err.contains("sudah terdaftar"), "{err}");

    sale_json(t.path(), CARD_A, &["beras-medium=2"]);
    sale_json(t.path(), CARD_B, &["telur-ayam-butir=4"]);
    let out = ok(ewarong(t.path()).arg("sync"));
    assert!(
        out.contains("1 batch diterima hub, 0 masih menunggu"),
        "{out}"
    );
    // The access log names who asked for what, and a stranger's attempt leaves a trace.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let status = agent
        .get(format!("{url}/v1/terminals/test-01/updates"))
        .call()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);
    let log = std::fs::read_to_string(hub_dir.path().join("serve.log")).unwrap();
    let access: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("ewarong_hub::access"))
        .collect();
    assert!(
        access.iter().any(|l| l.contains("terminal=test-01")
            && l.contains("method=POST path=/v1/terminals/test-01/batches status=200")),
        "{log}"
    );
    assert!(
        access
            .iter()
            .any(|l| l.contains("peer=127.0.0.1 terminal= method=GET")
                && l.contains("path=/v1/terminals/test-01/updates status=401")),
        "{log}"
    );

    // The USB stick: one more sale goes out as a file, in through the hub, and back.
    sale_json(t.path(), CARD_A, &["beras-medium=1"]);
    let stick = TempDir::new().unwrap();
    let out =
        ok(ewarong(t.path()).args(["export-batches", "--to", stick.path().to_str().unwrap()]));
    assert!(out.contains("1 batch ditulis"), "{out}");
    let out = ok(hub(hub_dir.path()).args(["import", stick.path().to_str().unwrap()]));
    assert!(out.contains("1 batch diterima, 0 ditolak"), "{out}");
    // Again: the same receipts, nothing stored twice.
    let out = ok(hub(hub_dir.path()).args(["import", stick.path().to_str().unwrap()]));
    assert!(out.contains("1 batch diterima, 0 ditolak"), "{out}");
    let out = ok(ewarong(t.path()).args(["import-receipts", stick.path().to_str().unwrap()]));
    assert!(
        out.contains("1 tanda terima baru dicatat, 0 sudah ada; 0 batch masih menunggu"),
        "{out}"
    );
    let hub_last: i64 = rusqlite::Connection::open(hub_dir.path().join("hub.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT last_seq FROM head WHERE terminal_id = 'test-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        hub_last,
        scalar::<i64>(t.path(), "SELECT MAX(seq) FROM entry")
    );

    // The downlink: published at the hub, applied at the next sync, named in its output.
    let cat = hub_dir.path().join("catalogue.csv");
    std::fs::write(&cat, ewarong_ledger::demo::DEMO_CATALOGUE_CSV).unwrap();
    let prices = hub_dir.path().join("prices.csv");
    std::fs::write(
        &prices,
        "product_id,reference_price_rupiah\nberas-medium,14250\n",
    )
    .unwrap();
    let out = ok(hub(hub_dir.path()).args(["publish", "catalogue", cat.to_str().unwrap()]));
    assert!(out.contains("catalogue versi 1 diterbitkan"), "{out}");
    ok(hub(hub_dir.path()).args(["publish", "prices", prices.to_str().unwrap()]));
    // By stick: the hub writes the terminal's updates beside its receipts, and the terminal
    // applies them with the receipts.
    sale_json(t.path(), CARD_B, &["tempe=1"]);
    let stick = TempDir::new().unwrap();
    ok(ewarong(t.path()).args(["export-batches", "--to", stick.path().to_str().unwrap()]));
    let out = ok(hub(hub_dir.path()).args(["import", stick.path().to_str().unwrap()]));
    assert!(
        out.contains("pembaruan hub ditulis untuk 1 terminal"),
        "{out}"
    );
    assert!(stick.path().join("test-01.updates.json").exists());
    let out = ok(ewarong(t.path()).args(["import-receipts", stick.path().to_str().unwrap()]));
    assert!(
        out.contains("1 tanda terima baru")
            && out.contains("diperbarui dari hub: catalogue v1, prices v1"),
        "{out}"
    );
    // Again: nothing newer, nothing applied twice.
    let out = ok(ewarong(t.path()).args(["import-receipts", stick.path().to_str().unwrap()]));
    assert!(!out.contains("diperbarui"), "{out}");
    // A changed update file is refused whole, with the kind and the reason named.
    std::fs::write(
        &prices,
        "product_id,reference_price_rupiah\nberas-medium,14300\n",
    )
    .unwrap();
    ok(hub(hub_dir.path()).args(["publish", "prices", prices.to_str().unwrap()]));
    ok(hub(hub_dir.path()).args(["import", stick.path().to_str().unwrap()]));
    let path = stick.path().join("test-01.updates.json");
    let forged = std::fs::read_to_string(&path)
        .unwrap()
        .replace("14300", "14999");
    std::fs::write(&path, forged).unwrap();
    let (_, err) =
        fails(ewarong(t.path()).args(["import-receipts", stick.path().to_str().unwrap()]));
    assert!(
        err.contains("prices") && err.contains("tanda tangan hub tidak cocok"),
        "{err}"
    );
    let list = ok(ewarong(t.path()).args(["--json", "catalogue", "list"]));
    assert!(list.contains("14250") && !list.contains("14999"), "{list}");
    // The network brings the real one.
    let out = ok(ewarong(t.path()).arg("sync"));
    assert!(out.contains("diperbarui dari hub: prices v2"), "{out}");
    let list = ok(ewarong(t.path()).args(["--json", "catalogue", "list"]));
    assert!(list.contains("14300"), "{list}");

    // The period report, as text and as JSON; a bad period is refused with the field named.
    let out = ok(hub(hub_dir.path()).arg("report"));
    assert!(out.contains("2 KPM berbelanja"), "{out}");
    assert!(out.contains("Kelebihan belanja: 0 KPM"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(hub(hub_dir.path()).args(["--json", "report"]))).unwrap();
    let spent: i64 = scalar(t.path(), "SELECT SUM(total) FROM sale");
    assert_eq!(json["total_spent"].as_i64(), Some(spent));
    assert_eq!(json["kpm_served"].as_u64(), Some(2));
    let (_, err) = fails(hub(hub_dir.path()).args(["report", "--period", "2026-13"]));
    assert!(err.contains("--period") && err.contains("YYYY-MM"), "{err}");

    // A KPM move is checked against the published roster before anything is stored.
    let (_, err) = fails(hub(hub_dir.path()).args(["kpm", "move", CARD_A, "--to", "test-01"]));
    assert!(
        err.contains(CARD_A) && err.contains("tidak ada di daftar KPM"),
        "{err}"
    );
    let (_, err) = fails(hub(hub_dir.path()).args(["kpm", "move", CARD_A, "--to", "test-99"]));
    assert!(
        err.contains("test-99") && err.contains("tidak dikenal"),
        "{err}"
    );
    // A roster that leaves a KPM without a home is refused whole, naming the column and the
    // cards: that KPM would be every terminal's to serve in full.
    let roster = hub_dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        format!(
            "card,nik,kk,name,desa,pin,entitlements,home\n\
             {CARD_A},,5302081103137343,Rosalina Lakilu,Watumbaka,123456,2026-11=200000,test-01\n\
             {CARD_B},,5302091103106536,Frans Nggiku,Kawangu,123456,2026-11=200000,\n"
        ),
    )
    .unwrap();
    let (code, err) =
        fails(hub(hub_dir.path()).args(["publish", "roster", roster.to_str().unwrap()]));
    assert_eq!(code, 1);
    assert!(
        err.contains("column home") && err.contains(CARD_B) && !err.contains(CARD_A),
        "{err}"
    );
    let (_, err) = fails(hub(hub_dir.path()).args(["kpm", "move", CARD_A, "--to", "test-01"]));
    assert!(
        err.contains("tidak ada di daftar KPM"),
        "nothing was published: {err}"
    );

    // A second terminal, to hear about the revocation below.
    let t2 = demo_terminal("test-02");
    let enrol_2 = hub_dir.path().join("test-02.enrol.json");
    ok(hub(hub_dir.path()).args([
        "terminal",
        "enrol",
        "--terminal-id",
        "test-02",
        "--region",
        "5302",
        "--file",
        enrol_2.to_str().unwrap(),
        "--hub-url",
        &url,
    ]));
    ok(ewarong(t2.path()).args(["enrol", "--file", enrol_2.to_str().unwrap()]));
    let receipt = sale_json(t.path(), CARD_B, &["beras-medium=1"]);
    let receipt_code = receipt["receipt_code"].as_str().unwrap().to_owned();

    // Revoked: refused everywhere, and the terminal says so.
    ok(hub(hub_dir.path()).args(["terminal", "revoke", "test-01"]));
    sale_json(t.path(), CARD_A, &["beras-medium=1"]);
    let (code, err) = fails(ewarong(t.path()).arg("sync"));
    assert_eq!(code, 1);
    assert!(
        err.contains("403") && err.contains("dicabut oleh hub"),
        "{err}"
    );
    // The other terminals hear of it in their downlink, and a receipt from the revoked one
    // still verifies there, with a warning.
    let out = ok(ewarong(t2.path()).arg("sync"));
    assert!(out.contains("revoked v1"), "{out}");
    // `verify-receipt` run in `dir` on the receipt, against test-01's ledger: (stdout, stderr).
    let verify_in = |dir: &Path| {
        let out = ewarong(dir)
            .args(["verify-receipt", &receipt_code, "--ledger"])
            .arg(t.path().join("ledger.sqlite3"))
            .assert()
            .success()
            .get_output()
            .clone();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (stdout, stderr) = verify_in(t2.path());
    assert!(stdout.contains("test-01"), "{stdout}");
    assert!(
        stderr.contains("PERINGATAN: hub mencabut terminal test-01"),
        "{stderr}"
    );
    // On the revoked terminal itself nothing is known of it, and nothing is warned.
    let (_, stderr) = verify_in(t.path());
    assert!(!stderr.contains("PERINGATAN"), "no list there");

    // No hub at all: exit 4, in plain words, nothing lost.
    drop(server);
    let (code, err) = fails(ewarong(t.path()).arg("sync"));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("tidak bisa dihubungi"), "{err}");

    // The operations log holds what was done, in order, chained and signed.
    let out = hub(hub_dir.path())
        .arg("ops")
        .assert()
        .success()
        .get_output()
        .clone();
    let (log, verdict) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    let ops: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(
        ops,
        [
            "code_issued",
            "enrolled",
            "published",
            "published",
            "published",
            "code_issued",
            "enrolled",
            "revoked"
        ],
        "{log}"
    );
    assert!(verdict.contains("log operasi utuh: 8 entri"), "{verdict}");
    // Changed behind the hub's back (the append-only trigger dropped first): named.
    let db = rusqlite::Connection::open(hub_dir.path().join("hub.sqlite3")).unwrap();
    db.execute_batch(
        "DROP TRIGGER ops_log_no_update;
         UPDATE ops_log SET detail = replace(detail, 'test-01', 'test-09') WHERE op = 'revoked';",
    )
    .unwrap();
    drop(db);
    let (code, err) = fails(hub(hub_dir.path()).arg("ops"));
    assert_eq!(code, 1);
    assert!(err.contains("RUSAK pada entri 8"), "{err}");
}

/// `ewarong-hub link-sim`: a terminal enrolled at the simulated link's address reaches the real
/// hub through it, over 2G/EDGE; a link the tool does not know is refused naming the flag.
#[test]
fn a_terminal_syncs_through_the_link_simulator() {
    let hub_dir = TempDir::new().unwrap();
    let (_server, url) = serve(hub_dir.path());
    let target = url.trim_start_matches("http://").to_owned();
    let mut child = std::process::Command::new(hub_bin())
        .args(["link-sim", "--target", &target, "--profile", "edge"])
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _link = KillOnDrop(child);
    assert!(line.starts_with("edge: http://127.0.0.1:"), "{line}");
    let link = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();

    let t = demo_terminal("sumba-09");
    let sheet = issue_code(hub_dir.path(), "sumba-09", None);
    ok(ewarong(t.path()).args([
        "enrol",
        "--hub",
        &link,
        "--code",
        sheet["code"].as_str().unwrap(),
        "--hub-key",
        sheet["hub_fingerprint"].as_str().unwrap(),
    ]));
    sale_json(t.path(), CARD_A, &["beras-medium=2"]);
    let started = std::time::Instant::now();
    ok(ewarong(t.path()).arg("sync"));
    // At least the round trips of head, upload and the update check at 600 ms each.
    assert!(started.elapsed() >= std::time::Duration::from_millis(1_500));
    let last: u64 = scalar(t.path(), "SELECT MAX(seq) FROM entry");
    let report: serde_json::Value =
        serde_json::from_str(&ok(hub(hub_dir.path()).args(["--json", "report"]))).unwrap();
    assert_eq!(report["total_spent"], 27_000, "{report}");
    assert_eq!(
        scalar::<i64>(
            t.path(),
            "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM batch_ack a WHERE a.batch_seq = o.batch_seq)"
        ),
        0
    );
    assert!(last > 0);

    let (code, err) =
        fails(hub(hub_dir.path()).args(["link-sim", "--target", &target, "--profile", "gprs"]));
    assert_eq!(code, 2);
    assert!(err.contains("--profile") && err.contains("gprs"), "{err}");
}
