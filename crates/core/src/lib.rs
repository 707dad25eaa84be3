//! ewarong's pure core: programme rules, the canonical bytes and Merkle tree, the offline audit,
//! import parsers, the wire protocol and USB file format, and the translation table.
//!
//! Nothing here does IO, reads the clock or speaks SQL (`tests/workspace.rs` checks it); the
//! ledger, the hub and the counter build on it. See `ARCHITECTURE.md`.

// Tests compute expected values with plain arithmetic; shipped code stays checked.
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::type_complexity,
        clippy::cast_possible_truncation
    )
)]

/// This build: the package version and the git commit it was built from, e.g.
/// `0.1.0+3f2a9c1b7d0e` (`unknown` when built outside a git checkout without
/// `EWARONG_GIT_COMMIT`). `--version` prints it; the ledger records it with each batch.
pub const PROGRAM_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), "+", env!("EWARONG_GIT_COMMIT"));

pub mod audit;
pub mod domain;
pub mod hub_auth;
pub mod i18n;
pub mod import;
pub mod protocol;
pub mod seal;
pub mod usb;
pub mod wire;
