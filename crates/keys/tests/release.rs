//! `ewarong-release` as a release manager and a district IT officer use it: make the key, sign
//! SHA256SUMS, verify it with the tool and with OpenSSL; a changed file, a changed signature
//! and another key are refused by both.

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn release(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ewarong-release"))
        .args(args)
        .env_remove("EWARONG_KEY_PASSPHRASE")
        .env("EWARONG_LANG", "en")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// OpenSSL's verdict on `sums` with the PEM key: what the README tells an IT officer to run.
fn openssl_verifies(pem: &Path, sums: &Path) -> bool {
    let sig = format!("{}.sig", sums.display());
    let o = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
        .arg(pem)
        .args(["-rawin", "-in"])
        .arg(sums)
        .args(["-sigfile", &sig])
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    o.status.success()
}

#[test]
fn a_signed_sums_file_verifies_and_every_change_is_refused() {
    let dir = tempfile::TempDir::new().unwrap();
    let key = dir.path().join("release.key");
    let k = key.to_str().unwrap();
    let made = release(&["init", "--key", k]);
    assert!(made.status.success(), "{}", text(&made));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the release key is owner-only");
    }
    // Never overwritten.
    let again = release(&["init", "--key", k]);
    assert!(!again.status.success(), "{}", text(&again));

    let sums = dir.path().join("SHA256SUMS");
    std::fs::write(
        &sums,
        "0123abcd  ewarong_0.1.0_amd64.deb\n4567ef01  ewarong-hub_0.1.0_amd64.deb\n",
    )
    .unwrap();
    let s = sums.to_str().unwrap();
    let signed = release(&["sign", "--key", k, s]);
    assert!(signed.status.success(), "{}", text(&signed));
    assert_eq!(std::fs::read(format!("{s}.sig")).unwrap().len(), 64);
    let public = release(&["public", "--key", k]);
    assert!(public.status.success());
    let pem = dir.path().join("release-key.pem");
    std::fs::write(&pem, &public.stdout).unwrap();
    let p = pem.to_str().unwrap();
    // The key never appears in what is printed.
    let seed_file = std::fs::read_to_string(&key).unwrap();
    let seed = seed_file.lines().nth(1).unwrap();
    for o in [&made, &signed, &public] {
        assert!(!text(o).contains(seed), "the private key was printed");
    }

    let ok = release(&["verify", "--public", p, s]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("GOOD"), "{}", text(&ok));
    assert!(openssl_verifies(&pem, &sums));

    // One byte of the sums changed (a swapped package): refused by both.
    std::fs::write(
        &sums,
        "0123abcd  ewarong_0.1.0_amd64.deb\n4567ef02  ewarong-hub_0.1.0_amd64.deb\n",
    )
    .unwrap();
    let bad = release(&["verify", "--public", p, s]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("REFUSED"), "{}", text(&bad));
    assert!(!openssl_verifies(&pem, &sums));

    // Another key's signature over the same file: refused.
    let other = dir.path().join("other.key");
    assert!(
        release(&["init", "--key", other.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        release(&["sign", "--key", other.to_str().unwrap(), s])
            .status
            .success()
    );
    let bad = release(&["verify", "--public", p, s]);
    assert!(!bad.status.success(), "{}", text(&bad));
    assert!(!openssl_verifies(&pem, &sums));

    // Not a key at all: named.
    std::fs::write(
        &pem,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    let bad = release(&["verify", "--public", p, s]);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("not an Ed25519 public key"),
        "{}",
        text(&bad)
    );
}
