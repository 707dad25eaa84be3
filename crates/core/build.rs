//! Build script: the git commit this build is made from, for `--version` and for the program
//! version the ledger records with each batch (`ewarong_core::PROGRAM_VERSION`).
//!
//! `EWARONG_GIT_COMMIT` set in the environment wins (a build from a source tarball, or a
//! packager's own); else `git rev-parse` in this checkout; else `unknown`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=EWARONG_GIT_COMMIT");
    let commit = std::env::var("EWARONG_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=EWARONG_GIT_COMMIT={}", commit.trim());
}

/// The short commit of HEAD, after telling cargo which git files move when HEAD does. Only
/// files that exist are named: cargo reruns a script on every build for a missing one.
fn git_commit() -> Option<String> {
    let dir = git(&["rev-parse", "--absolute-git-dir"])?;
    let mut watch = vec![format!("{dir}/HEAD"), format!("{dir}/packed-refs")];
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(format!("{dir}/{reference}"));
    }
    for path in watch {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
