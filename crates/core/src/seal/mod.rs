//! Canonical bytes, hashing and the Merkle tree for ledger entries. Pure. Signatures build on this.

pub mod batch;
pub mod canonical;
pub mod hash;
pub mod merkle;
pub mod receipt_code;
pub mod sign;

pub use canonical::{EntryKind, Writer};
pub use hash::{GENESIS, Hash32, chain_hash, hex, leaf_hash};
pub use merkle::Frontier;
