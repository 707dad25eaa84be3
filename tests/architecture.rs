//! Checks on the source tree itself: pure modules do no IO, every file says what it is for.

// Test helpers may panic: a panic is a failed test. Arithmetic here computes expected values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `domain`, `seal` and `audit` are pure: no files, network, database, environment or clock.
/// (Threads are allowed: the audit spreads its checks over the cores, which is not IO.)
#[test]
fn pure_modules_do_no_io() {
    let banned = [
        "std::fs",
        "std::net",
        "std::io",
        "std::env",
        "std::process",
        "rusqlite",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
        "getrandom",
        "tokio",
        "crate::ledger",
        "crate::cli",
        "crate::import",
    ];
    let mut offences = Vec::new();
    for module in ["src/domain", "src/seal", "src/audit.rs"] {
        let path = root().join(module);
        let files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Only the code before the test module counts.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for b in banned {
                if code.contains(b) {
                    offences.push(format!("{}: {b}", file.display()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "pure modules must not do IO: {offences:#?}"
    );
}

#[test]
fn every_file_opens_with_a_doc_line() {
    let mut missing = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.starts_with("//!") {
                missing.push(file.display().to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "files without an opening //! line: {missing:#?}"
    );
}

/// No `unwrap`/`expect` in shipped code unless a comment on the line above says why it cannot fail.
#[test]
fn no_unexplained_unwrap_in_shipped_code() {
    let mut offences = Vec::new();
    for file in rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let called = line.contains(".unwrap()") || line.contains(".expect(");
            let explained = i > 0 && lines[i - 1].trim_start().starts_with("//");
            if called && !explained {
                offences.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// Only `ledger/` speaks SQL on the terminal; on the hub, only the store behind the `Store` trait.
#[test]
fn sql_stays_in_the_ledger() {
    let mut offences = Vec::new();
    let storage = [
        root().join("src/hub/store.rs"),
        root().join("src/hub/sqlite.rs"),
        root().join("src/hub/postgres.rs"),
    ];
    for file in rust_files(&root().join("src")) {
        if file.starts_with(root().join("src/ledger")) || storage.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for needle in [
            "rusqlite",
            ".query_row(",
            ".prepare(",
            ".prepare_cached(",
            "execute_batch",
            ".connection()",
        ] {
            if code.contains(needle) {
                offences.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(offences.is_empty(), "SQL outside src/ledger: {offences:#?}");
}

/// The UI passes no text literal to anything that shows text: every string comes from the
/// translation table (an empty spacer label is fine).
#[test]
fn ui_text_comes_from_the_translation_table() {
    let calls = [
        ".label(\"",
        ".heading(\"",
        ".button(\"",
        "Button::new(\"",
        "RichText::new(\"",
        "Label::new(\"",
        ".on_hover_text(\"",
        ".hint_text(\"",
    ];
    let mut offences = Vec::new();
    for file in rust_files(&root().join("src/ui")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for call in calls {
                for rest in code.split(call).skip(1) {
                    if !rest.starts_with('"') {
                        offences.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                    }
                }
            }
            if code.contains("selectable_value(") && without_tr(code).contains('"') {
                offences.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "text literals in the UI: {offences:#?}"
    );
}

/// The line with every `tr(lang, "key")` taken out.
fn without_tr(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("tr(lang, \"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "tr(lang, \"".len()..];
        rest = after.split_once("\")").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}
