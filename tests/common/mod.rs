//! Shared test helpers: a demo ledger built once per test binary, fresh copies of it, table snapshots.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use rusqlite::types::ValueRef;
use tempfile::TempDir;

/// The first demo KPM: entitled last month and this month (Rp 400.000 with carry-over).
pub const CARD_A: &str = "6032980000000010";
/// The second demo KPM: entitled this month only (Rp 200.000).
pub const CARD_B: &str = "6032980000000028";

/// The environment a test's `ewarong` never inherits.
const CLEARED_ENV: [&str; 8] = [
    "EWARONG_DATA_DIR",
    "EWARONG_LANG",
    "EWARONG_OPERATOR",
    "EWARONG_OPERATOR_PIN",
    "EWARONG_SUPERVISOR_PIN",
    "EWARONG_LOG",
    "EWARONG_KPM_PIN",
    "EWARONG_KEY_PASSPHRASE",
];

/// The `ewarong` binary with a clean environment and the given data directory.
pub fn ewarong(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ewarong").unwrap();
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    cmd.arg("--data-dir").arg(dir);
    cmd
}

/// [`ewarong`] as a plain `std::process::Command`, for tests that choose where stdout goes.
pub fn ewarong_std(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("ewarong"));
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    cmd.arg("--data-dir").arg(dir);
    cmd
}

/// [`ewarong_std`] where no file may grow by a byte (`ulimit -f 0`, its signal ignored): what a
/// full disk does to every write, for a test on a machine whose disk is not full.
pub fn ewarong_on_full_disk(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("bash");
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    cmd.arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 0; exec "$@""#)
        .arg("bash")
        .arg(assert_cmd::cargo::cargo_bin!("ewarong"))
        .arg("--data-dir")
        .arg(dir);
    cmd
}

fn template() -> &'static Path {
    static TEMPLATE: OnceLock<TempDir> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let dir = TempDir::new().unwrap();
            ewarong(dir.path())
                .args([
                    "init",
                    "--terminal-id",
                    "test-01",
                    "--demo",
                    "--timezone",
                    "WIB",
                ])
                .assert()
                .success();
            dir
        })
        .path()
}

/// A fresh copy of the demo ledger.
pub fn demo() -> TempDir {
    let dir = TempDir::new().unwrap();
    for entry in std::fs::read_dir(template()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

pub fn ledger_path(dir: &Path) -> PathBuf {
    dir.join("ledger.sqlite3")
}

/// Every row of every table, as text, in rowid order.
pub fn snapshot(path: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Null => "NULL".to_owned(),
                        ValueRef::Integer(v) => v.to_string(),
                        ValueRef::Real(v) => v.to_string(),
                        ValueRef::Text(v) => String::from_utf8_lossy(v).into_owned(),
                        ValueRef::Blob(v) => v.iter().map(|b| format!("{b:02x}")).collect(),
                    })
                    .collect::<Vec<_>>())
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        out.insert(t, rows);
    }
    out
}

/// Runs a successful command and returns its stdout.
pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// Runs a failing command; returns (exit code, stderr).
pub fn fails(cmd: &mut Command) -> (i32, String) {
    let out = cmd.assert().failure().get_output().clone();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A sale by the demo kasir, as JSON.
pub fn sale_json(dir: &Path, card: &str, items: &[&str]) -> serde_json::Value {
    let mut cmd = ewarong(dir);
    cmd.arg("--json").args(sale_args(card, items));
    serde_json::from_str(&ok(&mut cmd)).unwrap()
}

/// The arguments of a sale by the demo kasir to `card` (the demo KPM PIN) of `items`.
pub fn sale_args(card: &str, items: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "sale",
        "--card",
        card,
        "--pin",
        "123456",
        "--operator",
        "kasir",
        "--operator-pin",
        "1111",
    ]
    .map(str::to_owned)
    .into();
    for i in items {
        args.extend(["--item".to_owned(), (*i).to_owned()]);
    }
    args
}

/// A copy of the ledger file `ledger`, as `salinan.sqlite3` in `into`, with `sql` run on it
/// (a forger's edit: the SQL drops the triggers it needs).
pub fn tampered_copy(ledger: &Path, into: &Path, sql: &str) -> PathBuf {
    let copy = into.join("salinan.sqlite3");
    std::fs::copy(ledger, &copy).unwrap();
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
    copy
}

/// One value from the ledger of a data directory.
pub fn scalar<T: rusqlite::types::FromSql>(dir: &Path, sql: &str) -> T {
    rusqlite::Connection::open(ledger_path(dir))
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The terminal's public key (base64), as `key show --json` reports it.
pub fn public_key(dir: &Path) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&ok(ewarong(dir).args(["--json", "key", "show"]))).unwrap();
    shown["public_key"].as_str().unwrap().to_owned()
}

/// A hub serving on 127.0.0.1:0 on its own runtime, on any store; embedded SQLite unless
/// told otherwise. Dropping it stops it.
pub struct TestHub<S: ewarong_hub::Store = ewarong_hub::sqlite::SqliteStore> {
    pub rt: tokio::runtime::Runtime,
    pub state: std::sync::Arc<ewarong_hub::server::HubState<S>>,
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestHub {
    /// A hub on a fresh SQLite file.
    pub fn start() -> Self {
        let dir = TempDir::new().unwrap();
        let store =
            ewarong_hub::sqlite::SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap();
        let mut hub = TestHub::on(store);
        hub._dir = Some(dir);
        hub
    }
}

impl<S: ewarong_hub::Store> TestHub<S> {
    /// A hub on `store`, migrated, with the hub key from a fixed seed.
    pub fn on(store: S) -> Self {
        Self::with_limits(store, ewarong_hub::limits::Limits::default())
    }

    /// A hub on `store` under `limits`.
    pub fn with_limits(store: S, limits: ewarong_hub::limits::Limits) -> Self {
        Self::with(
            store,
            limits,
            ewarong_hub::HubIdentity::from_seed(&[42; 32]),
        )
    }

    /// A second hub, on `store`, with its own key from `seed`.
    pub fn other(store: S, seed: u8) -> Self {
        Self::with(
            store,
            ewarong_hub::limits::Limits::default(),
            ewarong_hub::HubIdentity::from_seed(&[seed; 32]),
        )
    }

    /// A hub on `store` that announces no feature beyond the first protocol, as an older
    /// hub does.
    pub fn first_protocol(store: S) -> Self {
        Self::with_features(
            store,
            ewarong_hub::limits::Limits::default(),
            ewarong_hub::HubIdentity::from_seed(&[42; 32]),
            &[],
        )
    }

    fn with(
        store: S,
        limits: ewarong_hub::limits::Limits,
        identity: ewarong_hub::HubIdentity,
    ) -> Self {
        Self::with_features(store, limits, identity, ewarong_core::wire::FEATURES)
    }

    fn with_features(
        store: S,
        limits: ewarong_hub::limits::Limits,
        identity: ewarong_hub::HubIdentity,
        features: &'static [&'static str],
    ) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(store.migrate()).unwrap();
        let state = std::sync::Arc::new(
            ewarong_hub::server::HubState::with_limits(store, identity, limits)
                .with_features(features),
        );
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(ewarong_hub::server::serve(
            listener,
            std::sync::Arc::clone(&state),
            std::future::pending(),
        ));
        Self {
            rt,
            state,
            url,
            _dir: None,
        }
    }

    /// A client for this hub.
    pub fn client(&self) -> ewarong::sync_client::HubClient {
        ewarong::sync_client::HubClient::new(&self.url, std::time::Duration::from_secs(10))
    }

    /// A one-time enrolment code for `terminal_id`, as `ewarong-hub terminal enrol` makes.
    pub fn code(&self, terminal_id: &str) -> String {
        let code = ewarong_hub::new_enrolment_code().unwrap();
        let t = chrono::Local::now().fixed_offset();
        assert!(
            self.rt
                .block_on(self.state.store.add_enrolment(
                    terminal_id,
                    "5302",
                    ewarong_hub::code_hash(&code),
                    t,
                    t + chrono::Duration::days(1),
                ))
                .unwrap()
        );
        code
    }

    /// Enrols `ledger` (terminal `terminal_id`) with this hub through the client code, with a
    /// new code and the hub key pinned.
    pub fn enrol(&self, ledger: &mut ewarong_ledger::Ledger, terminal_id: &str) {
        let code = self.code(terminal_id);
        ewarong::sync_client::enrol(
            ledger,
            &self.url,
            std::time::Duration::from_secs(10),
            &code,
            &ewarong_core::hub_auth::HubPin::Key(self.state.identity.public()),
            None,
            chrono::Local::now().fixed_offset(),
        )
        .unwrap();
    }

    /// Enrols the terminal in `dir` with this hub as a person does: `ewarong enrol` with a new
    /// code and the hub's fingerprint.
    pub fn enrol_by_cli(&self, dir: &Path, terminal_id: &str) {
        ok(ewarong(dir).args([
            "enrol",
            "--hub",
            &self.url,
            "--code",
            &self.code(terminal_id),
            "--hub-key",
            &self.state.identity.public().fingerprint(),
        ]));
    }

    /// The last seq the hub holds for `terminal_id`.
    pub fn head_seq(&self, terminal_id: &str) -> u64 {
        self.rt
            .block_on(self.state.store.head(terminal_id))
            .unwrap()
            .last_seq
    }
}

/// Imports into the demo terminal in `dir` a roster of the two demo KPM with Rp 200.000 each
/// for this period (the demo's WIB month) and the home e-warong given for each (`None`: left
/// out of the roster).
pub fn import_roster_with_homes(dir: &Path, home_a: &str, home_b: Option<&str>) {
    let period = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m")
        .to_string();
    let mut text = format!(
        "card,nik,kk,name,desa,pin,entitlements,home\n\
         {CARD_A},,5302081103137343,Rosalina Lakilu,Watumbaka,123456,{period}=200000,{home_a}\n"
    );
    if let Some(home_b) = home_b {
        text.push_str(&format!(
            "{CARD_B},,5302091103106536,Frans Nggiku,Kawangu,123456,{period}=200000,{home_b}\n"
        ));
    }
    let roster = dir.join("roster-homes.csv");
    std::fs::write(&roster, text).unwrap();
    ok(ewarong(dir).args(["import", "roster"]).arg(&roster));
}
