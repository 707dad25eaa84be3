//! The hub crate on its own: the `ewarong-hub` binary on a new data directory, and the two
//! stores' schemas, which must hold the same tables and columns. (The terminal ↔ hub scenarios
//! are the workspace's end-to-end tests, in the root `tests/`.)

// A panic in a test is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::Command;

use ewarong_hub::Store;
use ewarong_hub::postgres::PgStore;
use ewarong_hub::sqlite::SqliteStore;

fn hub(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ewarong-hub"));
    cmd.env_remove("EWARONG_LANG")
        .env_remove("EWARONG_HUB_DIR")
        .env_remove("EWARONG_HUB_DATABASE")
        .env_remove("EWARONG_HUB_DATABASE_FILE")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

#[test]
fn a_new_data_directory_gets_a_key_a_database_and_a_code() {
    let parent = tempfile::tempdir().unwrap();
    // A directory the hub makes itself (a temporary directory is owner-only already).
    let dir = parent.path().join("hub");
    let dir = dir.as_path();
    let out = hub(dir).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("hub.key").is_file());
    assert!(dir.join("hub.sqlite3").is_file());
    // The key and the database (rosters: names, NIK, KK) are the hub operator's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir), 0o700, "data directory");
        for f in [
            "hub.key",
            "hub.sqlite3",
            "hub.sqlite3-wal",
            "hub.sqlite3-shm",
        ] {
            let p = dir.join(f);
            if p.exists() {
                assert_eq!(mode(&p), 0o600, "{f}");
            }
        }
    }
    let out = hub(dir)
        .args([
            "terminal",
            "enrol",
            "--terminal-id",
            "warung-07",
            "--region",
            "5302",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).trim().is_empty());
}

#[test]
fn an_unknown_database_url_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = hub(dir.path())
        .args([
            "--database",
            "mysql://user:secret@db.example/hub",
            "migrate",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("db.example/hub"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is never echoed: {err}"
    );
}

/// The URL, password and all, can come from a file, so it never shows in `ps`; the file is
/// read as the URL would be, and a missing one is named.
#[test]
fn the_database_url_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("database.url");
    std::fs::write(&file, "mysql://user:secret@db.example/hub\n").unwrap();
    let out = hub(dir.path())
        .arg("--database-file")
        .arg(&file)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("db.example/hub") && !err.contains("secret"),
        "{err}"
    );
    let missing = dir.path().join("nope.url");
    let out = hub(dir.path())
        .arg("--database-file")
        .arg(&missing)
        .arg("migrate")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.url"), "{err}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Table → sorted column names.
type Schema = BTreeMap<String, Vec<String>>;

fn sqlite_schema(path: &std::path::Path) -> Schema {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut tables = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap();
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut schema = Schema::new();
    for table in names {
        let mut cols = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap();
        let mut columns: Vec<String> = cols
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        columns.sort();
        schema.insert(table, columns);
    }
    schema
}

fn postgres_schema(url: &str) -> Schema {
    let rt = runtime();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        // Partitions of `entry` are storage, not schema: only the parent tables count.
        let rows = client
            .query(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c \
                 JOIN pg_class k ON k.relname = c.table_name \
                 WHERE c.table_schema = 'public' AND NOT k.relispartition \
                 ORDER BY 1, 2",
                &[],
            )
            .await
            .unwrap();
        let mut schema = Schema::new();
        for row in rows {
            schema
                .entry(row.get::<_, String>(0))
                .or_default()
                .push(row.get(1));
        }
        schema
    })
}

/// The hub keeps one schema in two dialects; a column added to one and not the other is found
/// here, not in production. (`hub_schema` is the PostgreSQL migration runner's own bookkeeping.)
#[test]
fn both_stores_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite3");
    let rt = runtime();
    rt.block_on(SqliteStore::open(&path).unwrap().migrate())
        .unwrap();
    let sqlite = sqlite_schema(&path);
    assert!(
        sqlite.contains_key("batch") && sqlite.contains_key("kpm_move"),
        "{sqlite:?}"
    );

    let Some(url) = ewarong_hub::test_support::fresh_database(
        "both_stores_have_the_same_tables_and_columns",
        "hub_schemas",
        true,
    ) else {
        return;
    };
    rt.block_on(PgStore::connect(&url).unwrap().migrate())
        .unwrap();
    let mut postgres = postgres_schema(&url);
    postgres.remove("hub_schema");
    assert_eq!(sqlite, postgres);
}

/// A hub database from before (the first two migrations, `user_version` 2, as the embedded hub
/// has always recorded it) takes only the third; one written by a newer hub is refused.
#[test]
fn an_older_sqlite_hub_is_upgraded_and_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &ewarong_hub::schema::MIGRATIONS[..2] {
            conn.execute_batch(m.sqlite).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute(
            "INSERT INTO terminal (terminal_id, region, created_at) VALUES ('old-01', '5302', '2026-01-01T00:00:00+08:00')",
            [],
        )
        .unwrap();
    }
    let rt = runtime();
    rt.block_on(SqliteStore::open(&path).unwrap().migrate())
        .unwrap();
    let schema = sqlite_schema(&path);
    assert!(schema.contains_key("kpm_move"), "{schema:?}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, ewarong_hub::schema::latest());
    let kept: String = conn
        .query_row("SELECT terminal_id FROM terminal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "old-01");

    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = rt
        .block_on(SqliteStore::open(&path).unwrap().migrate())
        .unwrap_err();
    assert!(err.to_string().contains("schema 99"), "{err}");
}

#[test]
fn the_trust_file_for_supervisors_names_the_hub_key_and_only_enrolled_terminals() {
    let dir = tempfile::tempdir().unwrap();
    let enrol = hub(dir.path())
        .args([
            "terminal",
            "enrol",
            "--terminal-id",
            "warung-07",
            "--region",
            "5302",
        ])
        .output()
        .unwrap();
    assert!(enrol.status.success());
    let out = hub(dir.path()).args(["terminal", "keys"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["format"], "ewarong-trust/v1");
    let hub_key = printed["hub_public_key"].as_str().unwrap();
    assert_eq!(hub_key.len(), 64, "{hub_key}");
    // A code was issued, but nothing enrolled yet: no key to vouch for.
    assert_eq!(printed["terminals"].as_array().unwrap().len(), 0);
    let file = dir.path().join("trust.json");
    let out = hub(dir.path())
        .args(["terminal", "keys", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("trust.json"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written, printed);
}

/// Commands started together on a new data directory wait for each other while it is set up
/// (one key, one schema), and a second `serve` on the same SQLite directory is refused by name.
#[test]
fn concurrent_commands_share_a_directory_and_one_hub_serves_it() {
    use std::io::BufRead;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("hub");
    let started: Vec<_> = (0..6)
        .map(|_| {
            hub(&dir)
                .arg("migrate")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in started {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let key = std::fs::read(dir.join("hub.key")).unwrap();
    let mut first = hub(&dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(first.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("127.0.0.1"), "{line}");
    let mut second = hub(&dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It must give up at once; a second hub still running after 10 s is the failure.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while second.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let still_running = second.try_wait().unwrap().is_none();
    for child in [&mut first, &mut second] {
        let _ = child.kill();
    }
    let second = second.wait_with_output().unwrap();
    let _ = first.wait();
    assert!(
        !still_running,
        "a second hub serves the same SQLite directory"
    );
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("sudah melayani folder data"), "{err}");
    assert_eq!(
        std::fs::read(dir.join("hub.key")).unwrap(),
        key,
        "one key, never rewritten"
    );
}
