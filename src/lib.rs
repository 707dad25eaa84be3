//! ewarong: an offline-first transaction terminal for Program Sembako e-warong shops.
//!
//! See `ARCHITECTURE.md` for the module map and the invariants.

// Tests compute expected values with plain arithmetic; shipped code stays checked.
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::type_complexity,
        clippy::cast_possible_truncation
    )
)]

pub mod app;
pub mod audit;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod hub;
pub mod i18n;
pub mod import;
pub mod keys;
pub mod ledger;
pub mod receipt;
pub mod seal;
pub mod sync;
pub mod terminal;
pub mod ui;
