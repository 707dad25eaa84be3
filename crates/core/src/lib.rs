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

pub mod audit;
pub mod domain;
pub mod hub_auth;
pub mod i18n;
pub mod import;
pub mod protocol;
pub mod seal;
pub mod usb;
