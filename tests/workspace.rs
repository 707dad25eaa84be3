//! Checks on the workspace itself: the crate graph follows the table in `ARCHITECTURE.md`, no
//! crate has a cycle between its modules, the core does no IO, SQL stays in the ledger and the
//! hub's stores, every file says what it is for, and no shipped `unwrap` goes unexplained.

// Test helpers may panic: a panic is a failed test. Arithmetic here computes expected values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::collections::{BTreeMap, BTreeSet};
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

/// Every crate of the workspace: its package name and its folder.
const CRATES: [(&str, &str); 5] = [
    ("ewarong-core", "crates/core"),
    ("ewarong-keys", "crates/keys"),
    ("ewarong-ledger", "crates/ledger"),
    ("ewarong-hub", "crates/hub"),
    ("ewarong", "."),
];

/// The source folders of all crates.
fn source_dirs() -> Vec<PathBuf> {
    CRATES
        .iter()
        .map(|(_, dir)| root().join(dir).join("src"))
        .collect()
}

/// `ewarong-core` is pure: no files, network, database, environment or clock. (Threads are
/// allowed: the audit spreads its checks over the cores, which is not IO.)
#[test]
fn the_core_does_no_io() {
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
        "ewarong_ledger",
        "ewarong_keys",
    ];
    let mut offences = Vec::new();
    for file in rust_files(&root().join("crates/core/src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        // Only the code before the test module counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for b in banned {
            if code.contains(b) {
                offences.push(format!("{}: {b}", file.display()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "ewarong-core must not do IO: {offences:#?}"
    );
}

#[test]
fn every_file_opens_with_a_doc_line() {
    let mut missing = Vec::new();
    let mut dirs = vec![root().join("tests"), root().join("benches")];
    for (_, dir) in CRATES {
        dirs.push(root().join(dir).join("src"));
        dirs.push(root().join(dir).join("tests"));
    }
    dirs.sort();
    dirs.dedup();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for file in rust_files(dir) {
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
    for file in source_dirs().iter().flat_map(|d| rust_files(d)) {
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

/// Only `ewarong-ledger` speaks SQL on the terminal; on the hub, only the stores behind the
/// `Store` trait (and the PostgreSQL test support that creates test databases).
#[test]
fn sql_stays_in_the_ledger() {
    let mut offences = Vec::new();
    let storage = [
        root().join("crates/hub/src/store.rs"),
        root().join("crates/hub/src/sqlite.rs"),
        root().join("crates/hub/src/postgres.rs"),
        root().join("crates/hub/src/test_support.rs"),
    ];
    for file in source_dirs().iter().flat_map(|d| rust_files(d)) {
        if file.starts_with(root().join("crates/ledger")) || storage.contains(&file) {
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
    assert!(
        offences.is_empty(),
        "SQL outside the ledger and the hub stores: {offences:#?}"
    );
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

/// The line with every `key!("…")` taken out.
fn without_tr(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("key!(\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "key!(\"".len()..];
        rest = after.split_once("\")").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

/// The crate table of `ARCHITECTURE.md`: each crate's name and the dependencies it may use.
fn crate_table() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("## Crates")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Crates` section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | crate | owns | may use | must not |
        let name = cells[1].trim_matches('`').to_owned();
        let may_use = cells[3]
            .split(',')
            .map(|d| d.trim().trim_matches('`').to_owned())
            .filter(|d| !d.is_empty() && d != "—")
            .collect();
        rows.push((name, may_use));
    }
    rows
}

/// The normal (not dev, not build) dependencies a crate's manifest names.
fn manifest_dependencies(dir: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    let mut deps: Vec<String> = manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    deps.sort();
    deps
}

/// What a crate may depend on is written once, in ARCHITECTURE.md's crate table; a crate that
/// gains a dependency the table does not list fails here, naming both.
#[test]
fn crates_depend_only_on_what_architecture_md_allows() {
    let table = crate_table();
    let mut offences = Vec::new();
    for (name, dir) in CRATES {
        let Some((_, may_use)) = table.iter().find(|(n, _)| n == name) else {
            offences.push(format!("{name}: no row in ARCHITECTURE.md's crate table"));
            continue;
        };
        offences.extend(forbidden_dependencies(
            name,
            &manifest_dependencies(dir),
            may_use,
        ));
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

fn forbidden_dependencies(name: &str, deps: &[String], may_use: &[String]) -> Vec<String> {
    deps.iter()
        .filter(|d| !may_use.contains(d))
        .map(|d| format!("{name} depends on {d}, which ARCHITECTURE.md does not allow it"))
        .collect()
}

/// The rule test itself can fail: a hub that gained egui, or a ledger that gained ureq, is named.
#[test]
fn the_dependency_rule_names_a_forbidden_dependency() {
    let table = crate_table();
    let hub = &table.iter().find(|(n, _)| n == "ewarong-hub").unwrap().1;
    let mut deps = manifest_dependencies("crates/hub");
    assert!(forbidden_dependencies("ewarong-hub", &deps, hub).is_empty());
    deps.push("egui".into());
    assert_eq!(
        forbidden_dependencies("ewarong-hub", &deps, hub),
        ["ewarong-hub depends on egui, which ARCHITECTURE.md does not allow it"]
    );
    let ledger = &table.iter().find(|(n, _)| n == "ewarong-ledger").unwrap().1;
    assert!(
        !ledger.contains(&"ureq".to_owned()),
        "the ledger does no network"
    );
    assert!(
        !hub.iter()
            .any(|d| d.starts_with("ewarong-ledger") || d == "ewarong")
    );
}

/// Not only the hub's own manifest: nothing it pulls in, however deep, is the GUI stack; and
/// nothing the ledger pulls in is the network. Asked of `cargo tree -e normal` (this platform,
/// no dev-dependencies), as `.ci/run` does too.
#[test]
fn the_hub_links_no_gui_library_at_any_depth() {
    let closure = |package: &str| -> Vec<String> {
        let out = std::process::Command::new(env!("CARGO"))
            .args([
                "tree",
                "--offline",
                "--locked",
                "-e",
                "normal",
                "--prefix",
                "none",
            ])
            .args(["--format", "{p}", "-p", package])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let hub = closure("ewarong-hub");
    assert!(
        hub.iter().any(|n| n == "axum"),
        "the walk sees the hub's own deps: {hub:?}"
    );
    let gui: Vec<&String> = hub
        .iter()
        .filter(|n| ["egui", "eframe", "wgpu", "winit", "glow"].contains(&n.as_str()))
        .collect();
    assert!(gui.is_empty(), "ewarong-hub pulls in {gui:?}");
    let ledger = closure("ewarong-ledger");
    let net: Vec<&String> = ledger
        .iter()
        .filter(|n| ["ureq", "axum", "tokio", "hyper", "egui", "eframe"].contains(&n.as_str()))
        .collect();
    assert!(net.is_empty(), "ewarong-ledger pulls in {net:?}");
    // The walk finds what it should: the counter does link egui.
    assert!(closure("ewarong").iter().any(|n| n == "egui"));
}

/// The modules a crate's top-level module refers to (`crate::m`, or `super::m` from a file
/// directly under `src/`), from its code before any test module.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = BTreeMap::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let mut parts = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let first = parts.next().unwrap();
        let top = first.trim_end_matches(".rs").to_owned();
        if ["lib", "main", "bin"].contains(&top.as_str()) {
            continue;
        }
        let direct = rel.components().count() == 1;
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let refs: &mut BTreeSet<String> = modules.entry(top.clone()).or_default();
        let mut prefixes = vec!["crate::"];
        if direct {
            prefixes.push("super::");
        }
        for prefix in prefixes {
            for rest in code.split(prefix).skip(1) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    refs.insert(name);
                }
            }
            // `use crate::{a, b::c}`
            for rest in code.split(&format!("{prefix}{{")).skip(1) {
                let group = rest.split('}').next().unwrap_or("");
                for item in group.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        refs.insert(name);
                    }
                }
            }
        }
    }
    // Keep only edges to modules (not to items of the crate root).
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    for refs in modules.values_mut() {
        refs.retain(|r| names.contains(r));
    }
    modules
}

/// A cycle in the graph, as a path that starts and ends at the same module.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

/// Within each crate, the top-level modules form no cycle: each can be read (and moved) with
/// only the ones below it. The crate root (`lib.rs`) is the one place that names them all.
#[test]
fn no_crate_has_a_module_cycle() {
    let mut cycles = Vec::new();
    for (name, dir) in CRATES {
        let graph = module_graph(&root().join(dir).join("src"));
        if let Some(c) = find_cycle(&graph) {
            cycles.push(format!("{name}: {}", c.join(" -> ")));
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("cli".into()).or_default().insert("ui".into());
    g.entry("ui".into()).or_default().insert("app".into());
    g.entry("app".into()).or_default();
    assert_eq!(find_cycle(&g), None);
    g.get_mut("app").unwrap().insert("cli".into());
    assert_eq!(
        find_cycle(&g).unwrap(),
        ["app", "cli", "ui", "app"].map(String::from)
    );
}
