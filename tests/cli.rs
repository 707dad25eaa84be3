//! The real `ewarong` binary on temporary data directories: every subcommand, and every refusal leaving the ledger untouched.

// Test helpers may panic: a panic is a failed test. Arithmetic here computes expected values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use crate::common;

use common::{
    CARD_A, CARD_B, demo, ewarong, ewarong_on_full_disk, fails, ledger_path, ok, public_key,
    sale_json, scalar, snapshot,
};
use ewarong_core::domain::{CardNumber, Nik};
use serde_json::Value;

const KASIR: [&str; 4] = ["--operator", "kasir", "--operator-pin", "1111"];

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::TempDir::new().unwrap();
    let paths: &[&[&str]] = &[
        &[],
        &["init"],
        &["roster", "list"],
        &["catalogue", "list"],
        &["sale"],
        &["balance"],
        &["void"],
        &["history"],
        &["x-report"],
        &["close-day"],
        &["complaint"],
        &["import"],
        &["operator", "add"],
        &["check"],
        &["key"],
        &["key", "show"],
        &["key", "init"],
        &["seal"],
        &["batches"],
        &["verify-receipt"],
        &["audit"],
    ];
    for path in paths {
        let out = ok(ewarong(dir.path()).args(*path).arg("--help"));
        assert!(out.contains("Usage: ewarong"), "{path:?}: {out}");
        assert!(
            out.contains(" / "),
            "{path:?}: help should be bilingual: {out}"
        );
    }
}

#[test]
fn demo_programme_is_loaded() {
    let dir = demo();
    let roster: Vec<Value> =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "roster", "list"]))).unwrap();
    assert!(roster.len() >= 200, "{} KPM", roster.len());
    let mut without_nik = 0;
    for k in &roster {
        k["card"].as_str().unwrap().parse::<CardNumber>().unwrap();
        match k["nik"].as_str() {
            Some(n) => drop(n.parse::<Nik>().unwrap()),
            None => without_nik += 1,
        }
        assert!(!k["name"].as_str().unwrap().is_empty());
    }
    assert!(
        without_nik > 0,
        "some demo KPM should have no NIK, as in parts of Papua"
    );
    let catalogue: Vec<Value> = serde_json::from_str(&ok(ewarong(dir.path()).args([
        "--json",
        "catalogue",
        "list",
    ])))
    .unwrap();
    let allowed = catalogue.iter().filter(|p| p["group"].is_string()).count();
    assert!(allowed >= 40, "{allowed} staples");
    for forbidden in ["minyak-goreng", "gula-pasir", "mie-instan", "rokok"] {
        assert!(
            catalogue
                .iter()
                .any(|p| p["forbidden"].as_str() == Some(forbidden)),
            "demo catalogue lacks a {forbidden} example"
        );
    }
    let text = ok(ewarong(dir.path()).args(["catalogue", "list"]));
    assert!(
        text.contains("Beras medium") && text.contains("DILARANG"),
        "{text}"
    );
}

#[test]
fn sale_prints_receipt_and_updates_balance() {
    let dir = demo();
    let before: Value = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "balance", "--card", CARD_A])
    ))
    .unwrap();
    assert_eq!(before["available_rupiah"], 400_000);
    assert_eq!(before["carried_over_rupiah"], 200_000);
    let text = ok(ewarong(dir.path())
        .args([
            "sale",
            "--card",
            CARD_A,
            "--pin",
            "123456",
            "--item",
            "beras-medium=5",
            "--item",
            "telur-ayam=1,5",
            "--item",
            "tempe=2",
        ])
        .args(KASIR));
    for needle in [
        "STRUK PROGRAM SEMBAKO",
        "No. transaksi:",
        "Rp 125.250",
        "Sisa saldo",
        "Rp 274.750",
        "Tersimpan",
        "6032 98••",
    ] {
        assert!(text.contains(needle), "receipt lacks {needle}:\n{text}");
    }
    let after: Value = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "balance", "--card", CARD_A])
    ))
    .unwrap();
    assert_eq!(after["available_rupiah"], 400_000 - 125_250);
    let receipt = sale_json(dir.path(), CARD_A, &["kangkung=2"]);
    assert_eq!(receipt["seq"], 2);
    assert_eq!(receipt["total_rupiah"], 7_000);
    assert_eq!(receipt["balance_after_rupiah"], 400_000 - 125_250 - 7_000);
    let history: Vec<Value> = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "history", "--card", CARD_A])
    ))
    .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["lines"].as_array().unwrap().len(), 3);
    assert!(ok(ewarong(dir.path()).arg("check")).contains("utuh: 2 entri"));
}

#[test]
fn refused_sales_change_nothing() {
    let dir = demo();
    sale_json(dir.path(), CARD_B, &["beras-medium=2"]);
    let before = snapshot(&ledger_path(dir.path()));
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "garbage card",
            &["--card", "12ab", "--item", "beras-medium=1"],
            "--card: nomor kartu KKS harus 16 angka",
        ),
        (
            "Luhn",
            &["--card", "6032980000000011", "--item", "beras-medium=1"],
            "gagal cek Luhn",
        ),
        (
            "unknown card",
            &["--card", "4111111111111111", "--item", "beras-medium=1"],
            "tidak terdaftar",
        ),
        (
            "unknown product",
            &["--card", CARD_A, "--item", "sabun-mandi=1"],
            "produk 'sabun-mandi' tidak ada di katalog",
        ),
        (
            "qty -1",
            &["--card", CARD_A, "--item", "beras-medium=-1"],
            "harus lebih dari nol",
        ),
        (
            "qty 0",
            &["--card", CARD_A, "--item", "beras-medium=0"],
            "harus lebih dari nol",
        ),
        (
            "qty 1e9",
            &["--card", CARD_A, "--item", "beras-medium=1e9"],
            "'1e9' bukan angka",
        ),
        (
            "qty huge",
            &["--card", CARD_A, "--item", "beras-medium=1000000000"],
            "tidak wajar",
        ),
        (
            "qty abc",
            &["--card", CARD_A, "--item", "beras-medium=abc"],
            "'abc' bukan angka",
        ),
        (
            "half an egg",
            &["--card", CARD_A, "--item", "telur-ayam-butir=1,5"],
            "bilangan bulat",
        ),
        (
            "forbidden in a valid basket",
            &[
                "--card",
                CARD_A,
                "--item",
                "beras-medium=2",
                "--item",
                "minyak-goreng=1",
                "--item",
                "tempe=1",
            ],
            "Minyak goreng tidak termasuk bahan pangan Program Sembako",
        ),
        (
            "forbidden by barcode",
            &["--card", CARD_A, "--item", "8991002000032=1"],
            "Mie instan",
        ),
        (
            "over balance",
            &["--card", CARD_B, "--item", "daging-sapi=2"],
            "kurang Rp 107.000",
        ),
        (
            "price above reference",
            &["--card", CARD_A, "--item", "beras-medium=1@20000"],
            "--override-reason",
        ),
        (
            "item syntax",
            &["--card", CARD_A, "--item", "beras-medium"],
            "PRODUK=JUMLAH",
        ),
        (
            "bad price",
            &["--card", CARD_A, "--item", "beras-medium=1@-5"],
            "negatif",
        ),
    ];
    for (name, args, needle) in cases {
        let (code, err) = fails(
            ewarong(dir.path())
                .arg("sale")
                .args(*args)
                .args(["--pin", "123456"])
                .args(KASIR),
        );
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(needle), "{name}: expected {needle:?} in {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{name}: one line please: {err}"
        );
        assert_eq!(
            snapshot(&ledger_path(dir.path())),
            before,
            "{name} changed the ledger"
        );
    }
    let (_, err) = fails(ewarong(dir.path()).args([
        "sale",
        "--card",
        CARD_A,
        "--pin",
        "123456",
        "--item",
        "tempe=1",
        "--operator",
        "kasir",
        "--operator-pin",
        "2222",
    ]));
    assert!(err.contains("PIN operator 'kasir' salah"), "{err}");
    let (_, err) = fails(ewarong(dir.path()).args([
        "sale", "--card", CARD_A, "--pin", "123456", "--item", "tempe=1",
    ]));
    assert!(err.contains("--operator"), "{err}");
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
}

/// A PIN typed with a stray byte is not UTF-8: exit 2 naming the option, no panic, and the
/// PIN never appears, in either form of the option, and nothing is saved.
#[test]
fn an_argument_that_is_not_utf8_is_named_and_never_echoed() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = demo();
    let before = snapshot(&ledger_path(dir.path()));
    let bad_pin = OsStr::from_bytes(b"123456\xff");
    let mut pin_eq = b"--pin=".to_vec();
    pin_eq.extend_from_slice(b"123456\xff");
    for pin_args in [
        vec![OsStr::new("--pin").to_owned(), bad_pin.to_owned()],
        vec![OsStr::from_bytes(&pin_eq).to_owned()],
    ] {
        let out = ewarong(dir.path())
            .args(["sale", "--card", CARD_A, "--item", "beras-medium=1"])
            .args(&pin_args)
            .args(KASIR)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--pin") && err.contains("UTF-8"), "{err}");
        assert!(
            !err.contains("123456") && !err.contains("panicked"),
            "{err}"
        );
    }
    let out = ewarong(dir.path())
        .args(["--lang", "en", "balance", "--card"])
        .arg(OsStr::from_bytes(b"6032\xfe"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--card: not valid text (UTF-8)"), "{err}");
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
}

/// A copied-off ledger holds every KPM's PIN verifier: `init` makes the data directory it
/// creates owner-only (0700) and the ledger, its WAL files and the key owner-only (0600). A
/// directory the user already had keeps its own mode.
#[test]
fn init_leaves_the_data_directory_and_its_files_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let parent = tempfile::TempDir::new().unwrap();
    let dir = parent.path().join("warung");
    ok(ewarong(&dir).args(["init", "--terminal-id", "t-07", "--demo"]));
    ok(ewarong(&dir)
        .args([
            "sale",
            "--card",
            CARD_A,
            "--pin",
            "123456",
            "--item",
            "beras-medium=1",
        ])
        .args(KASIR));
    assert_eq!(mode(&dir), 0o700);
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    assert!(files >= 2, "ledger and key at least");

    let shared = tempfile::TempDir::new().unwrap();
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    ok(ewarong(shared.path()).args(["init", "--terminal-id", "t-08"]));
    assert_eq!(
        mode(shared.path()),
        0o755,
        "a directory the user chose keeps its mode"
    );
    assert_eq!(mode(&shared.path().join("ledger.sqlite3")), 0o600);
}

#[test]
fn price_override_reason_is_recorded() {
    let dir = demo();
    let out = ok(ewarong(dir.path())
        .args([
            "--json",
            "sale",
            "--card",
            CARD_A,
            "--pin",
            "123456",
            "--item",
            "beras-medium=2@16000",
        ])
        .args(["--override-reason", "harga beras naik di pasar"])
        .args(KASIR));
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["override_reason"], "harga beras naik di pasar");
    let stored: String = scalar(dir.path(), "SELECT override_reason FROM sale WHERE seq = 1");
    assert_eq!(stored, "harga beras naik di pasar");
}

#[test]
fn wrong_pin_three_times_locks_the_card_for_the_day() {
    let dir = demo();
    let sale = |pin: &str| {
        let mut cmd = ewarong(dir.path());
        cmd.args(["sale", "--card", CARD_A, "--pin", pin, "--item", "tempe=1"])
            .args(KASIR);
        cmd
    };
    let sales_before = snapshot(&ledger_path(dir.path()))["sale"].clone();
    for (pin, needle) in [
        ("000000", "sisa 2"),
        ("000000", "sisa 1"),
        ("000000", "dikunci"),
        ("123456", "terkunci hari ini"),
    ] {
        let (code, err) = fails(&mut sale(pin));
        assert_eq!(code, 1);
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let snap = snapshot(&ledger_path(dir.path()));
    assert_eq!(snap["sale"], sales_before);
    assert_eq!(snap["pin_failure"].len(), 3);
    assert_eq!(snap["lockout"].len(), 1, "the lockout is recorded");
    let history = ok(ewarong(dir.path()).args(["history", "--card", CARD_A]));
    assert!(history.contains("kunci kartu"), "{history}");
    // Another card is not affected.
    sale_json(dir.path(), CARD_B, &["tempe=1"]);
}

#[test]
fn void_needs_a_supervisor_and_a_reason() {
    let dir = demo();
    let r = sale_json(dir.path(), CARD_B, &["beras-medium=10"]);
    assert_eq!(r["balance_after_rupiah"], 65_000);
    let before = snapshot(&ledger_path(dir.path()));
    let void = |reason: &str, pin: &str| {
        let mut cmd = ewarong(dir.path());
        cmd.args([
            "void",
            "--seq",
            "1",
            "--reason",
            reason,
            "--supervisor-pin",
            pin,
        ]);
        cmd
    };
    let (code, err) = fails(&mut void("salah input", "1111"));
    assert_eq!(code, 1);
    assert!(
        err.contains("--supervisor-pin") && err.contains("supervisor"),
        "{err}"
    );
    let (_, err) = fails(&mut void("   ", "9999"));
    assert!(err.contains("--reason tidak boleh kosong"), "{err}");
    let (_, err) = fails(ewarong(dir.path()).args([
        "void",
        "--seq",
        "7",
        "--reason",
        "x",
        "--supervisor-pin",
        "9999",
    ]));
    assert!(err.contains("--seq 7"), "{err}");
    let (_, err) = fails(ewarong(dir.path()).args([
        "void",
        "--seq",
        "satu",
        "--reason",
        "x",
        "--supervisor-pin",
        "9999",
    ]));
    assert!(err.contains("--seq"), "{err}");
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
    let out = ok(&mut void("salah input jumlah", "9999"));
    assert!(out.contains("Transaksi 1 dibatalkan oleh entri 2"), "{out}");
    let (_, err) = fails(&mut void("lagi", "9999"));
    assert!(err.contains("sudah dibatalkan oleh entri 2"), "{err}");
    let b: Value = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "balance", "--card", CARD_B])
    ))
    .unwrap();
    assert_eq!(b["available_rupiah"], 200_000);
    let history = ok(ewarong(dir.path()).args(["history", "--card", CARD_B]));
    assert!(
        history.contains("dibatalkan oleh 2") && history.contains("membatalkan 1"),
        "{history}"
    );
    let who: String = scalar(dir.path(), "SELECT supervisor FROM void WHERE sale_seq = 1");
    assert_eq!(who, "supervisor");
}

#[test]
fn malformed_imports_change_nothing() {
    let dir = demo();
    let before = snapshot(&ledger_path(dir.path()));
    let files = tempfile::TempDir::new().unwrap();
    let write = |name: &str, text: &str| {
        let p = files.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let head = "id,barcode,name,unit,group,forbidden,reference_price_rupiah\n";
    let cases = [
        (
            "catalogue",
            write(
                "katalog.csv",
                &format!(
                    "{head}beras,,Beras,kg,karbohidrat,,13500\ntelur,,Telur,kg,protein-hewani,,abc\n"
                ),
            ),
            "baris 3",
        ),
        (
            "catalogue",
            write("katalog.json", "[{\"id\": \"beras\"}]"),
            "baris 1",
        ),
        (
            "catalogue",
            write("katalog.xlsx", "x"),
            "format tidak dikenal",
        ),
        (
            "roster",
            write(
                "roster.csv",
                "card,nik,kk,name,desa,pin\n6032980000000010,,5302081103137343,A,Desa,123456\n6032980000000011,,5302081103137343,B,Desa,123456\n",
            ),
            "baris 3",
        ),
        (
            "roster",
            write(
                "roster.json",
                "[\n{\"card\": \"6032980000000010\", \"kk\": \"5302081103137343\", \"name\": \"A\", \"desa\": \"D\", \"pin\": \"12\"}\n]",
            ),
            "baris 2",
        ),
        (
            "policy",
            write("kebijakan.toml", "id = \"x\"\n"),
            "kebijakan",
        ),
        ("policy", write("kebijakan.json", "{}"), "kebijakan"),
    ];
    for (what, path, needle) in &cases {
        let (code, err) = fails(ewarong(dir.path()).args(["import", what]).arg(path));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(needle),
            "{what} {}: expected {needle:?} in {err}",
            path.display()
        );
        assert_eq!(
            snapshot(&ledger_path(dir.path())),
            before,
            "{} changed the ledger",
            path.display()
        );
    }
    // A policy that drops a food group the catalogue uses is refused too.
    let policy = ewarong_core::domain::policy::DEFAULT_POLICY_TOML
        .replace("id = \"karbohidrat\"", "id = \"pokok\"");
    let (_, err) = fails(
        ewarong(dir.path())
            .args(["import", "policy"])
            .arg(write("p.toml", &policy)),
    );
    assert!(err.contains("karbohidrat"), "{err}");
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
    // And a good file goes in as a new version.
    let good = write(
        "baru.json",
        r#"[{"id": "beras-lokal", "name": "Beras lokal", "unit": "kg", "group": "karbohidrat", "reference_price_rupiah": 12000}]"#,
    );
    let out = ok(ewarong(dir.path()).args(["import", "catalogue"]).arg(&good));
    assert!(out.contains("1 baris diimpor (versi 2)"), "{out}");
    let list = ok(ewarong(dir.path()).args(["catalogue", "list"]));
    assert!(
        list.contains("beras-lokal") && !list.contains("beras-medium"),
        "{list}"
    );
}

#[test]
fn close_day_totals_match_the_ledger() {
    let dir = demo();
    sale_json(
        dir.path(),
        CARD_A,
        &["beras-medium=5", "tempe=2", "bayam=3"],
    );
    sale_json(dir.path(), CARD_B, &["telur-ayam=1", "tahu=10"]);
    sale_json(dir.path(), CARD_B, &["ikan-kembung=0,5"]);
    ok(ewarong(dir.path()).args([
        "void",
        "--seq",
        "3",
        "--reason",
        "ikan busuk",
        "--supervisor-pin",
        "9999",
    ]));
    let x: Value =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "x-report"]))).unwrap();
    let z: Value = serde_json::from_str(&ok(ewarong(dir.path())
        .args(["--json", "close-day"])
        .args(KASIR)))
    .unwrap();
    assert_eq!(x["totals"], z["totals"]);
    assert_eq!(z["sale_count"], 3);
    assert_eq!(z["kpm_count"], 2);
    assert_eq!(z["void_count"], 1);
    assert_eq!(z["close_seq"], 5);
    // Compare with sums straight from the ledger's items.
    let conn = rusqlite::Connection::open(ledger_path(dir.path())).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT group_id, SUM(line_total) FROM sale_item WHERE seq NOT IN (SELECT sale_seq FROM void)
             GROUP BY group_id ORDER BY group_id",
        )
        .unwrap();
    let want: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let got: Vec<(String, i64)> = z["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["group_id"].as_str().unwrap().to_owned(),
                t["amount_rupiah"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    let net: i64 = got.iter().map(|(_, a)| a).sum();
    assert_eq!(z["net_total_rupiah"].as_i64().unwrap(), net);
    let stored: i64 = conn
        .query_row("SELECT net_total FROM day_close", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, net);
    let (_, err) = fails(ewarong(dir.path()).arg("close-day").args(KASIR));
    assert!(err.contains("sudah ditutup"), "{err}");
    let text = ok(ewarong(dir.path()).arg("x-report"));
    assert!(
        text.contains("LAPORAN BERJALAN (X)") && text.contains("Rp 0"),
        "{text}"
    );
}

#[test]
fn a_day_close_prints_the_z_report() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["beras-medium=2"]);
    let z = ok(ewarong(dir.path()).arg("close-day").args(KASIR));
    for needle in [
        "LAPORAN TUTUP HARI (Z)",
        "Seq:",
        "1-1",
        "Karbohidrat",
        "Rp 27.000",
    ] {
        assert!(z.contains(needle), "{needle}:\n{z}");
    }
    let x = ok(ewarong(dir.path()).args(["--lang", "en", "x-report"]));
    assert!(
        x.contains("RUNNING REPORT (X)") && x.contains("Seq:") && x.contains(" -"),
        "{x}"
    );
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let dir = demo();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ewarong"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["roster", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end, as `| head -1` does once it has its line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn complaints_are_recorded_and_checked() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["beras-medium=1"]);
    let out = ok(ewarong(dir.path()).args([
        "complaint",
        "--card",
        CARD_A,
        "--seq",
        "1",
        "--category",
        "kualitas",
        "--text",
        "beras berkutu",
    ]));
    assert!(out.contains("entri 2"), "{out}");
    ok(ewarong(dir.path()).args([
        "complaint",
        "--card",
        CARD_B,
        "--category",
        "pemaketan",
        "--text",
        "dipaksa beli paket",
    ]));
    let before = snapshot(&ledger_path(dir.path()));
    for (args, needle) in [
        (
            vec![
                "--card",
                CARD_B,
                "--seq",
                "1",
                "--category",
                "harga",
                "--text",
                "x",
            ],
            "bukan milik kartu",
        ),
        (
            vec!["--card", CARD_B, "--category", "makanan", "--text", "x"],
            "--category 'makanan'",
        ),
        (
            vec!["--card", CARD_B, "--category", "harga", "--text", " "],
            "--text tidak boleh kosong",
        ),
        (
            vec!["--card", "123", "--category", "harga", "--text", "x"],
            "--card",
        ),
    ] {
        let (_, err) = fails(ewarong(dir.path()).arg("complaint").args(&args));
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
    let history = ok(ewarong(dir.path()).args(["history", "--card", CARD_B]));
    assert!(
        history.contains("pemaketan: dipaksa beli paket"),
        "{history}"
    );
}

#[test]
fn english_on_request() {
    let dir = demo();
    let (_, err) =
        fails(ewarong(dir.path()).args(["--lang", "en", "balance", "--card", "6032980000000011"]));
    assert!(err.contains("fails the Luhn check"), "{err}");
    let (_, err) = fails(
        ewarong(dir.path())
            .env("EWARONG_LANG", "en")
            .args([
                "sale",
                "--card",
                CARD_A,
                "--pin",
                "123456",
                "--item",
                "minyak-goreng=1",
            ])
            .args(KASIR),
    );
    assert!(
        err.contains("Cooking oil is not a Program Sembako food item"),
        "{err}"
    );
    let out = ok(ewarong(dir.path()).args(["--lang", "en", "balance", "--card", CARD_A]));
    assert!(
        out.contains("Available:") && out.contains("Rp 400.000"),
        "{out}"
    );
    let (code, err) = fails(ewarong(dir.path()).args(["--lang", "en", "void", "--seq", "1"]));
    assert_eq!(code, 2);
    assert!(err.contains("required argument is missing"), "{err}");
}

#[test]
fn storage_problems_are_explained() {
    let empty = tempfile::TempDir::new().unwrap();
    let (code, err) = fails(ewarong(empty.path()).args(["balance", "--card", CARD_A]));
    assert_eq!(code, 3);
    assert!(err.contains("ewarong init --terminal-id"), "{err}");
    let dir = demo();
    let (_, err) = fails(ewarong(dir.path()).args(["init", "--terminal-id", "lain"]));
    assert!(err.contains("tidak menimpa"), "{err}");
    let (_, err) = fails(ewarong(empty.path()).args(["init", "--terminal-id", "Warung Satu"]));
    assert!(err.contains("--terminal-id"), "{err}");
    let (_, err) =
        fails(ewarong(empty.path()).args(["init", "--terminal-id", "w1", "--timezone", "GMT"]));
    assert!(err.contains("--timezone"), "{err}");
    // A ledger from a newer ewarong is refused, not "upgraded".
    rusqlite::Connection::open(ledger_path(dir.path()))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let (code, err) = fails(ewarong(dir.path()).args(["balance", "--card", CARD_A]));
    assert_eq!(code, 3);
    assert!(
        err.contains("versi ewarong yang lebih baru") && err.contains("99"),
        "{err}"
    );
    // Not a ledger at all.
    let junk = tempfile::TempDir::new().unwrap();
    std::fs::write(
        ledger_path(junk.path()),
        b"this is not sqlite, just text that is long enough to look like a header",
    )
    .unwrap();
    let (code, err) = fails(ewarong(junk.path()).args(["balance", "--card", CARD_A]));
    assert_eq!(code, 3);
    assert!(err.contains("rusak"), "{err}");
}

#[test]
fn reading_commands_work_on_a_full_disk_and_a_sale_there_saves_nothing() {
    let dir = demo();
    let sold = sale_json(dir.path(), CARD_A, &["beras-medium=2"]);
    let seq = sold["seq"].as_u64().unwrap().to_string();
    let public =
        serde_json::from_str::<Value>(&ok(ewarong(dir.path()).args(["--json", "key", "show"])))
            .unwrap()["public_key"]
            .as_str()
            .unwrap()
            .to_owned();
    let code = sold["receipt_code"].as_str().unwrap().to_owned();
    let before = snapshot(&ledger_path(dir.path()));
    let bytes = std::fs::read(ledger_path(dir.path())).unwrap();
    let run = |args: &[&str]| {
        let out = ewarong_on_full_disk(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A sale cannot be saved: exit 3, it says so, and nothing of it is in the ledger.
    let sale = common::sale_args(CARD_B, &["telur=10"]);
    let (status, _, err) = run(&sale.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(status, Some(3), "{err}");
    assert!(err.contains("TIDAK disimpan"), "{err}");
    // Every reading command still answers, and none speaks of a transaction.
    let ledger = ledger_path(dir.path());
    let ledger = ledger.to_str().unwrap();
    for (args, expect) in [
        (&["check"][..], "utuh"),
        (&["history"][..], seq.as_str()),
        (&["balance", "--card", CARD_A][..], "Saldo tersedia"),
        (&["x-report"][..], "Rp"),
        (&["batches"][..], ""),
        (&["key", "show"][..], public.as_str()),
        (
            &["audit", "--ledger", ledger, "--pubkey", &public][..],
            "BERSIH",
        ),
        (&["verify-receipt", &code, "--ledger", ledger][..], "sah"),
    ] {
        let (status, out, err) = run(args);
        assert_eq!(status, Some(0), "{args:?}: {out}{err}");
        assert!(out.contains(expect), "{args:?} shows {expect:?}: {out}");
        assert!(!err.contains("disimpan"), "{args:?}: {err}");
    }
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
    assert_eq!(std::fs::read(ledger_path(dir.path())).unwrap(), bytes);
}

/// `ewarong verify-receipt CODE` in `dir`, with `--pubkey` and `--ledger` when given.
fn verify_receipt(
    dir: &std::path::Path,
    code: &str,
    pubkey: Option<&str>,
    ledger: Option<&std::path::Path>,
) -> assert_cmd::Command {
    let mut cmd = ewarong(dir);
    cmd.args(["verify-receipt", code]);
    if let Some(k) = pubkey {
        cmd.args(["--pubkey", k]);
    }
    if let Some(l) = ledger {
        cmd.arg("--ledger").arg(l);
    }
    cmd
}

/// The `EWR1` code of sale `seq`, as ewarong printed before `EWR2`: built from the stored leaf,
/// tree root and checkpoint signature.
fn v1_code(dir: &std::path::Path, seq: u64) -> String {
    let conn = rusqlite::Connection::open(ledger_path(dir)).unwrap();
    let (leaf, root, signature): (Vec<u8>, Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT e.leaf_hash, t.root, s.signature FROM entry e JOIN tree_state t ON t.seq = e.seq
             JOIN entry_signature s ON s.seq = e.seq WHERE e.seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    ewarong_core::seal::receipt_code::ReceiptProof {
        terminal_id: "test-01".into(),
        seq,
        leaf: leaf.try_into().unwrap(),
        tree_size: seq,
        root: root.try_into().unwrap(),
        signature: signature.try_into().unwrap(),
    }
    .to_string()
}

#[test]
fn a_receipt_code_proves_with_the_key_alone_the_sale_it_was_printed_for() {
    let dir = demo();
    let a = sale_json(dir.path(), CARD_A, &["beras-medium=2", "kangkung=1"]);
    let b = sale_json(dir.path(), CARD_B, &["tempe=3"]);
    let code = |v: &Value| v["receipt_code"].as_str().unwrap().to_owned();
    let (code_a, code_b) = (code(&a), code(&b));
    let public = public_key(dir.path());
    let verify = |code: &str| verify_receipt(dir.path(), code, Some(&public), None);
    // The key alone shows what the terminal signed: the sale as printed.
    let out = ok(&mut verify(&code_a));
    for shown in [
        "transaksi 1",
        "**** 0010",
        "beras-medium × 2",
        "kangkung × 1",
        &format!(
            "Total {}",
            ewarong_core::domain::Rupiah::new(a["total_rupiah"].as_i64().unwrap()).unwrap()
        ),
    ] {
        assert!(out.contains(shown), "{shown:?} in {out}");
    }
    let json: Value = serde_json::from_str(&ok(verify(&code_a).arg("--json"))).unwrap();
    assert_eq!(json["signed"]["code_version"], 2);
    assert_eq!(json["signed"]["total_rupiah"], a["total_rupiah"]);
    assert_eq!(json["signed"]["lines"][0]["product_id"], "beras-medium");
    // Pieces of one sale's code on another's, or any amount changed: the signature fails.
    let (body_a, sig_a) = code_a.rsplit_once('.').unwrap();
    let (body_b, sig_b) = code_b.rsplit_once('.').unwrap();
    let lines_a = body_a.rsplit_once('.').unwrap().1;
    let lines_b = body_b.rsplit_once('.').unwrap().1;
    let total_a = format!(".{}.", a["total_rupiah"]);
    let forged = [
        format!("{body_a}.{sig_b}"),
        format!("{body_b}.{sig_a}"),
        format!("{}.{sig_a}", body_a.replace(lines_a, lines_b)),
        format!("{}.{sig_a}", body_a.replacen(&total_a, ".1000.", 1)),
        format!("{}.{sig_a}", body_a.replacen(".0010.", ".0028.", 1)),
        format!(
            "{}.{sig_a}",
            body_a.replacen("beras-medium:2000", "beras-medium:1000", 1)
        ),
    ];
    for f in &forged {
        let (exit, err) = fails(&mut verify(f));
        assert_eq!(exit, 1, "{f}");
        assert!(err.contains("TIDAK SAH"), "{f}: {err}");
    }
    // An older EWR1 code still verifies, and says that the key alone proves only the tree head.
    let old = v1_code(dir.path(), 1);
    let out = ok(&mut verify(&old));
    assert!(
        out.contains("EWR1") && out.contains("BUKAN isi penjualan"),
        "{out}"
    );
    let ledger = ledger_path(dir.path());
    let out = ok(&mut verify_receipt(dir.path(), &old, None, Some(&ledger)));
    assert!(out.contains("Struk sah dan tercatat"), "{out}");
    // Its leaf swapped for sale 2's: the key alone cannot tell (it says so); the ledger can.
    let leaf_b = v1_code(dir.path(), 2).split('.').nth(3).unwrap().to_owned();
    let mut parts: Vec<&str> = old.split('.').collect();
    parts[3] = &leaf_b;
    let swapped = parts.join(".");
    assert!(ok(&mut verify(&swapped)).contains("BUKAN isi penjualan"));
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &swapped,
        None,
        Some(&ledger),
    ));
    assert!(err.contains("TIDAK ADA di ledger"), "{err}");
    // The EWR2 code against a copy whose sale was changed: not the sale the receipt describes.
    let copy_dir = tempfile::TempDir::new().unwrap();
    let copy = common::tampered_copy(
        &ledger,
        copy_dir.path(),
        "DROP TRIGGER entry_no_update;
         UPDATE entry SET canonical = CAST(replace(CAST(canonical AS TEXT), 'kangkung', 'kangkunG') AS BLOB) WHERE seq = 1;",
    );
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &code_a,
        Some(&public),
        Some(&copy),
    ));
    assert!(err.contains("TIDAK ADA di ledger"), "{err}");
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &code_b,
        Some(&public),
        Some(&copy),
    ));
    assert!(
        err.contains("BERBEDA"),
        "sale 2 is whole, entry 1 under it is not: {err}"
    );
}

#[test]
fn check_names_the_first_broken_seq() {
    let dir = demo();
    for items in [["beras-medium=1"], ["tempe=1"], ["tahu=2"]] {
        sale_json(dir.path(), CARD_A, &items);
    }
    assert!(ok(ewarong(dir.path()).arg("check")).contains("3 entri"));
    let conn = rusqlite::Connection::open(ledger_path(dir.path())).unwrap();
    conn.execute_batch(
        "DROP TRIGGER entry_no_update;
         UPDATE entry SET canonical = CAST(replace(CAST(canonical AS TEXT), 'tempe', 'tahu_') AS BLOB) WHERE seq = 2;",
    )
    .unwrap();
    let (code, err) = fails(ewarong(dir.path()).arg("check"));
    assert_eq!(code, 1);
    assert!(err.contains("seq 2"), "{err}");
}

#[test]
fn pins_never_appear_in_debug_output() {
    use clap::Parser;
    let cli = ewarong::cli::Cli::try_parse_from([
        "ewarong",
        "sale",
        "--card",
        CARD_A,
        "--pin",
        "864213",
        "--item",
        "tempe=1",
        "--operator",
        "kasir",
        "--operator-pin",
        "975310",
    ])
    .unwrap();
    let shown = format!("{cli:?}");
    assert!(
        !shown.contains("864213") && !shown.contains("975310"),
        "{shown}"
    );
    assert!(
        shown.contains("tempe=1"),
        "the rest is still shown: {shown}"
    );
    // A malformed PIN is refused without being echoed.
    let dir = demo();
    let (_, err) = fails(
        ewarong(dir.path())
            .args([
                "sale", "--card", CARD_A, "--pin", "12x4567", "--item", "tempe=1",
            ])
            .args(KASIR),
    );
    assert!(err.contains("--pin") && !err.contains("12x4567"), "{err}");
}

#[test]
fn the_default_data_directory_follows_xdg() {
    let home = tempfile::TempDir::new().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("ewarong").unwrap();
    cmd.env_remove("EWARONG_DATA_DIR")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"));
    let out = ok(cmd.args(["init", "--terminal-id", "xdg-01"]));
    assert!(
        home.path().join("data/ewarong/ledger.sqlite3").exists(),
        "{out}"
    );
}

#[test]
fn demo_tour_sets_up_once_and_no_arguments_opens_the_window() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = ok(ewarong(dir.path()).arg("demo"));
    assert!(out.contains("240 KPM") && out.contains("Coba:"), "{out}");
    // A second start opens the same ledger instead of re-creating it.
    let again = ok(ewarong(dir.path()).arg("demo"));
    assert!(!again.contains("Program demo dimuat"), "{again}");
    assert!(again.contains("demo-01"), "{again}");
    // With no arguments it is the counter window; with no display it says so, in one line.
    let (code, err) = fails(
        ewarong(dir.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY"),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("layar tidak bisa dibuka"), "{err}");
}

#[test]
fn operators_are_managed_by_a_supervisor() {
    let dir = demo();
    let (_, err) = fails(ewarong(dir.path()).args([
        "operator",
        "add",
        "--name",
        "budi",
        "--role",
        "kasir",
        "--pin",
        "4321",
        "--supervisor-pin",
        "1111",
    ]));
    assert!(err.contains("supervisor"), "{err}");
    ok(ewarong(dir.path()).args([
        "operator",
        "add",
        "--name",
        "budi",
        "--role",
        "kasir",
        "--pin",
        "4321",
        "--supervisor-pin",
        "9999",
    ]));
    let (_, err) = fails(ewarong(dir.path()).args([
        "operator",
        "add",
        "--name",
        "budi",
        "--role",
        "kasir",
        "--pin",
        "5555",
        "--supervisor-pin",
        "9999",
    ]));
    assert!(err.contains("sudah ada"), "{err}");
    let r: Value = serde_json::from_str(&ok(ewarong(dir.path())
        .args([
            "--json", "sale", "--card", CARD_A, "--pin", "123456", "--item", "tempe=1",
        ])
        .env("EWARONG_OPERATOR", "budi")
        .env("EWARONG_OPERATOR_PIN", "4321")))
    .unwrap();
    assert_eq!(r["operator"], "budi");
    let fresh = tempfile::TempDir::new().unwrap();
    ok(ewarong(fresh.path()).args(["init", "--terminal-id", "baru"]));
    let (_, err) = fails(ewarong(fresh.path()).args([
        "operator", "add", "--name", "ani", "--role", "kasir", "--pin", "4321",
    ]));
    assert!(err.contains("harus supervisor"), "{err}");
    ok(ewarong(fresh.path()).args([
        "operator",
        "add",
        "--name",
        "ani",
        "--role",
        "supervisor",
        "--pin",
        "4321",
    ]));
}

#[test]
fn init_creates_an_owner_only_key_that_is_never_shown() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = ok(ewarong(dir.path()).args(["init", "--terminal-id", "kunci-01"]));
    let key_file = dir.path().join("terminal.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let secret = std::fs::read_to_string(&key_file)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    let shown: Value =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "key", "show"]))).unwrap();
    let fingerprint = shown["fingerprint"].as_str().unwrap();
    assert!(
        out.contains(fingerprint),
        "init prints the fingerprint: {out}"
    );
    let public: ewarong_core::seal::sign::PublicKey =
        shown["public_key"].as_str().unwrap().parse().unwrap();
    assert_eq!(public.fingerprint(), fingerprint);
    let text = ok(ewarong(dir.path()).args(["key", "show"]));
    assert!(
        text.contains("Kunci publik:") && text.contains(fingerprint),
        "{text}"
    );
    for output in [&out, &text, &shown.to_string()] {
        assert!(
            !output.contains(&secret),
            "the private key leaked: {output}"
        );
    }
    // Never overwritten, by init or key init.
    let (_, err) = fails(ewarong(dir.path()).args(["key", "init"]));
    assert!(err.contains("tidak pernah ditimpa"), "{err}");
    assert!(
        std::fs::read_to_string(&key_file)
            .unwrap()
            .contains(&secret)
    );
    // A key file that is not the recorded key is refused.
    let other = tempfile::TempDir::new().unwrap();
    ok(ewarong(other.path()).args(["init", "--terminal-id", "lain-01"]));
    std::fs::copy(other.path().join("terminal.key"), &key_file).unwrap();
    let (_, err) = fails(ewarong(dir.path()).args(["key", "show"]));
    assert!(err.contains("bukan kunci yang tercatat"), "{err}");
}

#[test]
fn an_older_ledger_gets_a_key_on_request() {
    use chrono::TimeZone;
    let dir = tempfile::TempDir::new().unwrap();
    let zone = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let now = zone.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    drop(ewarong_ledger::Ledger::create(&ledger_path(dir.path()), "lama-01", zone, now).unwrap());
    let (_, err) = fails(ewarong(dir.path()).args(["key", "show"]));
    assert!(err.contains("ewarong key init"), "{err}");
    let out = ok(ewarong(dir.path()).args(["key", "init"]));
    assert!(out.contains("sidik jari"), "{out}");
    ok(ewarong(dir.path()).args(["key", "show"]));
}

#[test]
fn sales_are_signed_and_sealed_into_batches() {
    use ewarong_core::seal::batch::{checkpoint_text, verify_checkpoint_note};
    let dir = demo();
    let public: ewarong_core::seal::sign::PublicKey = public_key(dir.path()).parse().unwrap();
    let r = sale_json(dir.path(), CARD_A, &["beras-medium=2"]);
    // The receipt's signature covers the checkpoint right after this sale.
    let root: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&r["tree_root"].as_str().unwrap()[i..i + 2], 16).unwrap())
        .collect();
    let root: [u8; 32] = root.try_into().unwrap();
    let sig = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        r["signature"].as_str().unwrap(),
    )
    .unwrap();
    let sig: [u8; 64] = sig.try_into().unwrap();
    assert_eq!(r["tree_size"], 1);
    assert!(public.verify(checkpoint_text("test-01", 1, &root).as_bytes(), &sig));
    assert!(!public.verify(checkpoint_text("test-01", 2, &root).as_bytes(), &sig));
    sale_json(dir.path(), CARD_B, &["tempe=1"]);
    let out = ok(ewarong(dir.path()).arg("seal"));
    assert!(out.contains("Batch 1 disegel: entri 1-2"), "{out}");
    assert!(ok(ewarong(dir.path()).arg("seal")).contains("Tidak ada entri baru"));
    let batches: Vec<Value> =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "batches"]))).unwrap();
    assert_eq!(batches.len(), 1);
    let cp = verify_checkpoint_note(batches[0]["checkpoint"].as_str().unwrap(), &public)
        .expect("signed note verifies");
    assert_eq!(cp.tree_size, 2);
    // Changing the threshold needs a supervisor.
    let (_, err) =
        fails(ewarong(dir.path()).args(["seal", "--every", "2", "--supervisor-pin", "1111"]));
    assert!(err.contains("supervisor"), "{err}");
    ok(ewarong(dir.path()).args(["seal", "--every", "2", "--supervisor-pin", "9999"]));
    sale_json(dir.path(), CARD_A, &["tempe=1"]);
    sale_json(dir.path(), CARD_A, &["tahu=1"]);
    let batches: Vec<Value> =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "batches"]))).unwrap();
    assert_eq!(
        batches.len(),
        2,
        "sealed automatically after 2 more entries"
    );
    assert_eq!(
        (
            batches[1]["first_seq"].as_u64(),
            batches[1]["reason"].as_str()
        ),
        (Some(3), Some("count"))
    );
    // A keyed ledger does not write without its key.
    std::fs::remove_file(dir.path().join("terminal.key")).unwrap();
    let before = snapshot(&ledger_path(dir.path()));
    let (_, err) = fails(
        ewarong(dir.path())
            .args([
                "sale", "--card", CARD_A, "--pin", "123456", "--item", "tempe=1",
            ])
            .args(KASIR),
    );
    assert!(err.contains("kembalikan berkas kunci"), "{err}");
    assert_eq!(snapshot(&ledger_path(dir.path())), before);
}

#[test]
fn receipts_verify_offline_and_catch_what_was_changed() {
    let dir = demo();
    let ledger = ledger_path(dir.path());
    let first = sale_json(dir.path(), CARD_A, &["beras-medium=2"]);
    let code = first["receipt_code"].as_str().unwrap().to_owned();
    sale_json(dir.path(), CARD_B, &["tempe=1"]);
    sale_json(dir.path(), CARD_A, &["tahu=3"]);
    let text = ok(ewarong(dir.path())
        .args([
            "sale", "--card", CARD_B, "--pin", "123456", "--item", "bayam=1", "--qr",
        ])
        .args(KASIR));
    assert!(
        text.contains("Kode verifikasi:") && text.contains('█'),
        "{text}"
    );
    let public = public_key(dir.path());
    // With the key alone, and against the ledger file (read only: nothing changes).
    let out = ok(ewarong(dir.path()).args(["verify-receipt", &code, "--pubkey", &public]));
    assert!(
        out.contains("Tanda tangan sah") && out.contains("transaksi 1"),
        "{out}"
    );
    let before = snapshot(&ledger);
    let out = ok(&mut verify_receipt(dir.path(), &code, None, Some(&ledger)));
    assert!(
        out.contains("Struk sah dan tercatat") && out.contains("4 entri"),
        "{out}"
    );
    assert_eq!(snapshot(&ledger), before, "verification must not write");
    // One character changed: refused.
    let mut chars: Vec<char> = code.chars().collect();
    let at = chars.len() - 10;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let changed: String = chars.into_iter().collect();
    let (code_changed, err) = fails(&mut verify_receipt(
        dir.path(),
        &changed,
        None,
        Some(&ledger),
    ));
    assert_eq!(code_changed, 1);
    assert!(
        err.contains("TIDAK SAH") || err.contains("bukan kode"),
        "{err}"
    );
    // A receipt from another terminal.
    let other = tempfile::TempDir::new().unwrap();
    ok(ewarong(other.path()).args(["init", "--terminal-id", "lain-01", "--demo"]));
    let foreign = sale_json(other.path(), CARD_A, &["tempe=1"])["receipt_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &foreign,
        None,
        Some(&ledger),
    ));
    assert!(
        err.contains("TIDAK SAH"),
        "the other terminal's key does not match this ledger's: {err}"
    );
    let other_key = public_key(other.path());
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &foreign,
        Some(&other_key),
        Some(&ledger),
    ));
    assert!(err.contains("lain-01") && err.contains("test-01"), "{err}");
    // The sale removed from a copy of the ledger: reported missing.
    let copy_dir = tempfile::TempDir::new().unwrap();
    let copy = common::tampered_copy(
        &ledger,
        copy_dir.path(),
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER entry_no_delete; DROP TRIGGER sale_no_delete; DROP TRIGGER sale_item_no_delete;
         DELETE FROM sale_item WHERE seq = 1; DELETE FROM sale WHERE seq = 1; DELETE FROM entry WHERE seq = 1;",
    );
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &code,
        Some(&public),
        Some(&copy),
    ));
    assert!(err.contains("TIDAK ADA di ledger"), "{err}");
    // An earlier entry changed under a later receipt: the history differs.
    let later = sale_json(dir.path(), CARD_B, &["tempe=2"])["receipt_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let copy = common::tampered_copy(
        &ledger,
        copy_dir.path(),
        "DROP TRIGGER entry_no_update;
         UPDATE entry SET canonical = CAST(replace(CAST(canonical AS TEXT), 'tempe', 'tahu_') AS BLOB) WHERE seq = 2;",
    );
    let (_, err) = fails(&mut verify_receipt(
        dir.path(),
        &later,
        Some(&public),
        Some(&copy),
    ));
    assert!(err.contains("BERBEDA"), "{err}");
    let (_, err) = fails(ewarong(dir.path()).args(["verify-receipt", "EWR1.rusak"]));
    assert!(err.contains("bukan kode verifikasi"), "{err}");
}

#[test]
fn a_passphrase_protects_the_key_of_a_terminal() {
    let dir = tempfile::TempDir::new().unwrap();
    let pass = "kata sandi toko sembako";
    ok(ewarong(dir.path())
        .env("EWARONG_KEY_PASSPHRASE", pass)
        .args(["init", "--terminal-id", "rahasia-01", "--demo"]));
    let text = std::fs::read_to_string(dir.path().join("terminal.key")).unwrap();
    assert!(
        text.starts_with("ewarong terminal key v1 encrypted"),
        "{text}"
    );
    let sale = |p: Option<&str>| {
        let mut cmd = ewarong(dir.path());
        cmd.args([
            "sale", "--card", CARD_A, "--pin", "123456", "--item", "tempe=1",
        ])
        .args(KASIR);
        if let Some(p) = p {
            cmd.env("EWARONG_KEY_PASSPHRASE", p);
        }
        cmd
    };
    let before = snapshot(&ledger_path(dir.path()));
    let (_, err) = fails(&mut sale(None));
    assert!(err.contains("EWARONG_KEY_PASSPHRASE"), "{err}");
    let (_, err) = fails(&mut sale(Some("kata sandi yang lain")));
    assert!(err.contains("salah"), "{err}");
    let (_, err) = fails(&mut sale(Some("pendek")));
    assert!(err.contains("minimal 8"), "{err}");
    assert_eq!(
        snapshot(&ledger_path(dir.path())),
        before,
        "no sale without the key"
    );
    let out = ok(&mut sale(Some(pass)));
    assert!(out.contains("Tersimpan") && !out.contains(pass), "{out}");
    // Reading needs no passphrase.
    ok(ewarong(dir.path()).args(["balance", "--card", CARD_A]));
}

#[test]
fn a_visitor_is_served_only_up_to_the_cap_and_told_where_the_balance_is() {
    let dir = demo();
    common::import_roster_with_homes(dir.path(), "lain-01", Some("test-01"));
    let out = ok(ewarong(dir.path()).args(["balance", "--card", CARD_A]));
    assert!(
        out.contains("Rp 50.000") && out.contains("KPM tamu") && out.contains("lain-01"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "balance", "--card", CARD_A])
    ))
    .unwrap();
    assert_eq!(json["visitor_cap_left_rupiah"].as_i64(), Some(50_000));
    assert_eq!(json["home"].as_str(), Some("lain-01"));
    // At home the whole balance, and no visitor fields.
    let json: serde_json::Value = serde_json::from_str(&ok(
        ewarong(dir.path()).args(["--json", "balance", "--card", CARD_B])
    ))
    .unwrap();
    assert_eq!(json["available_rupiah"].as_i64(), Some(200_000));
    assert!(json.get("home").is_none(), "{json}");

    // Over the cap: refused with the cap and the home named; nothing saved.
    let before: i64 = scalar(dir.path(), "SELECT COUNT(*) FROM sale");
    let (code, err) = fails(ewarong(dir.path()).args([
        "sale",
        "--card",
        CARD_A,
        "--pin",
        "123456",
        "--operator",
        "kasir",
        "--operator-pin",
        "1111",
        "--item",
        "beras-medium=4",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("batas KPM tamu") && err.contains("lain-01") && err.contains("Rp 50.000"),
        "{err}"
    );
    assert_eq!(
        scalar::<i64>(dir.path(), "SELECT COUNT(*) FROM sale"),
        before
    );
    // Within it: sold.
    let sale = sale_json(dir.path(), CARD_A, &["beras-medium=2"]);
    assert_eq!(sale["total_rupiah"].as_i64(), Some(27_000));
    let out = ok(ewarong(dir.path()).args(["balance", "--card", CARD_A]));
    assert!(out.contains("Rp 23.000"), "{out}");
}

/// A committed entry whose output cannot be written (stdout on a full disk) is exit 6 naming
/// its seq, never exit 3 ("nothing was saved"), which would invite charging the family twice.
#[test]
fn a_saved_sale_whose_output_fails_is_exit_6_naming_the_seq() {
    let dir = demo();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = common::ewarong_std(dir.path())
        .args(common::sale_args(CARD_A, &["tempe=1"]))
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(6), "{err}");
    let seq: i64 = scalar(dir.path(), "SELECT MAX(seq) FROM sale");
    assert!(
        err.contains(&format!("TERSIMPAN sebagai seq {seq}")),
        "{err}"
    );
    assert!(err.contains("JANGAN ulangi"), "{err}");
    assert_eq!(scalar::<i64>(dir.path(), "SELECT COUNT(*) FROM sale"), 1);
    // The same for a complaint, in English.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = common::ewarong_std(dir.path())
        .args([
            "--lang",
            "en",
            "complaint",
            "--card",
            CARD_A,
            "--category",
            "harga",
            "--text",
            "mahal",
        ])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains("SAVED as seq") && err.contains("do NOT repeat"),
        "{err}"
    );
    // A reader that goes away (`| head`) is not a failure: the sale is saved and said so.
    let out = common::ewarong_std(dir.path())
        .args(common::sale_args(CARD_A, &["tempe=1"]))
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// The copy a supervisor takes away audits clean against the terminal's key, but holds no PIN
/// verifier, not even in a freed page: nothing to search a KPM's or operator's PIN against.
#[test]
fn the_audit_copy_holds_every_signed_entry_and_no_pin_verifier() {
    let dir = demo();
    sale_json(dir.path(), CARD_A, &["tempe=1"]);
    let original = std::fs::read(ledger_path(dir.path())).unwrap();
    assert!(
        original.windows(9).any(|w| w == b"$argon2id"),
        "the shop's own ledger has them"
    );
    let copy = dir.path().join("stick.sqlite3");
    let out = ok(ewarong(dir.path())
        .args(["--json", "audit-copy", "--out"])
        .arg(&copy));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["verifiers_removed"], 240 + 2);
    let bytes = std::fs::read(&copy).unwrap();
    assert!(
        !bytes.windows(7).any(|w| w == b"argon2i"),
        "no verifier left in the copy"
    );
    assert!(!dir.path().join("stick.sqlite3-wal").exists());
    let audited = ok(ewarong(dir.path())
        .args(["audit", "--ledger"])
        .arg(&copy)
        .args(["--pubkey", &public_key(dir.path())]));
    assert!(audited.contains("BERSIH"), "{audited}");
    // Never over an existing file, and the refusal names the option.
    let (code, err) = fails(ewarong(dir.path()).args(["audit-copy", "--out"]).arg(&copy));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--out") && err.contains("sudah ada"), "{err}");
    // The shop goes on selling with its PINs.
    sale_json(dir.path(), CARD_A, &["tempe=1"]);
}

/// Every refusal names its field and rule, echoes at most the start of a long value, and saves
/// nothing.
#[test]
fn refusals_name_the_field_cut_long_values_and_save_nothing() {
    let dir = demo();
    let before = snapshot(&ledger_path(dir.path()));
    let big = "9".repeat(100_000);
    let sale = |card: &str, item: &str| {
        let mut cmd = ewarong(dir.path());
        cmd.args([
            "sale",
            "--card",
            card,
            "--pin",
            "123456",
            "--operator",
            "kasir",
            "--operator-pin",
            "1111",
            "--item",
            item,
        ]);
        fails(&mut cmd)
    };
    let long_item = format!("tempe={big}");
    for (card, item, names) in [
        (big.as_str(), "tempe=1", "--card"),
        (CARD_A, long_item.as_str(), "tempe"),
        (CARD_A, big.as_str(), "--item"),
        (CARD_A, "beras-medium=1@0", "beras-medium"),
    ] {
        let (code, err) = sale(card, item);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(names), "{names}: {err}");
        assert!(
            err.len() < 400,
            "one readable line, not the value: {} bytes",
            err.len()
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    let (code, err) = sale(CARD_A, "beras-medium=1@0");
    assert!(code == 1 && err.contains("Rp 0"), "{err}");
    for cmd in [
        &[
            "void",
            "--seq",
            "-1",
            "--reason",
            "x",
            "--supervisor-pin",
            "9999",
        ][..],
        &[
            "complaint",
            "--card",
            CARD_A,
            "--seq",
            "-5",
            "--category",
            "harga",
            "--text",
            "x",
        ][..],
    ] {
        let (code, err) = fails(ewarong(dir.path()).args(cmd));
        assert_eq!(code, 1, "{cmd:?}: {err}");
        assert!(err.contains("--seq"), "{cmd:?}: {err}");
    }
    assert_eq!(snapshot(&ledger_path(dir.path())), before, "nothing saved");
}

/// `--version` names the build (package version and git commit); each batch records the build
/// that sealed it, and the audit says which build wrote which batches, old batches included.
#[test]
fn the_version_names_the_commit_and_every_batch_records_its_build() {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |o| String::from_utf8(o.stdout).unwrap().trim().to_owned(),
        );
    let build = format!("{}+{commit}", env!("CARGO_PKG_VERSION"));
    assert_eq!(ewarong_core::PROGRAM_VERSION, build);
    let dir = demo();
    let out = ok(ewarong(dir.path()).arg("--version"));
    assert_eq!(out.trim(), format!("ewarong {build}"));
    sale_json(dir.path(), CARD_A, &["tempe=1"]);
    ok(ewarong(dir.path()).arg("seal"));
    sale_json(dir.path(), CARD_B, &["tahu=1"]);
    ok(ewarong(dir.path()).arg("seal"));
    let batches: Vec<Value> =
        serde_json::from_str(&ok(ewarong(dir.path()).args(["--json", "batches"]))).unwrap();
    assert_eq!(batches.len(), 2);
    assert!(
        batches.iter().all(|b| b["program"] == build.as_str()),
        "{batches:?}"
    );
    assert!(ok(ewarong(dir.path()).arg("batches")).contains(&format!("program {build}")));
    // A batch sealed before the ledger recorded the build (migration 0009) reads as unknown,
    // and the audit stays clean: the column is bookkeeping no signature covers.
    let copy = tempfile::TempDir::new().unwrap();
    let path = common::tampered_copy(
        &ledger_path(dir.path()),
        copy.path(),
        "DROP TRIGGER batch_no_update; UPDATE batch SET program = NULL WHERE batch_seq = 1;",
    );
    let public = public_key(dir.path());
    let report: Value = serde_json::from_str(&ok(ewarong(dir.path()).args([
        "--json",
        "audit",
        "--ledger",
        path.to_str().unwrap(),
        "--pubkey",
        &public,
    ])))
    .unwrap();
    assert_eq!(report["verdict"], "clean", "{report}");
    assert_eq!(
        report["programs"],
        serde_json::json!([
            {"program": null, "first_batch": 1, "last_batch": 1},
            {"program": build, "first_batch": 2, "last_batch": 2},
        ])
    );
    let out = ok(ewarong(dir.path()).args([
        "audit",
        "--ledger",
        path.to_str().unwrap(),
        "--pubkey",
        &public,
    ]));
    assert!(
        out.contains(&format!("batch 2-2 disegel oleh ewarong {build}")),
        "{out}"
    );
    assert!(
        out.contains("batch 1-1 disegel oleh ewarong (versi tidak tercatat"),
        "{out}"
    );
}
