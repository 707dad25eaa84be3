//! Canonical bytes and hashing for ledger entries. Pure. Merkle trees and signatures build on this.

pub mod canonical;
pub mod hash;

pub use canonical::{EntryKind, Writer};
pub use hash::{GENESIS, Hash32, chain_hash, hex, leaf_hash};
