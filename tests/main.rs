//! The product's end-to-end tests in one binary (linking the GUI stack once, not nine times):
//! the real `ewarong` and `ewarong-hub` binaries, the counter driven by egui_kittest, the ledger
//! under faults, the audit against tampering, the hub on SQLite and PostgreSQL, the byte
//! vectors, and the workspace's own rules. Each crate's unit tests live in the crate.

// Test code may panic (a panic is a failed test) and computes expected values with plain
// arithmetic; each module keeps its own list too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

mod common;

mod audit;
mod cli;
mod gui;
mod hub_cli;
mod hub_guard;
mod ledger;
mod merkle;
mod sync;
mod vectors;
mod weak_links;
mod workspace;
