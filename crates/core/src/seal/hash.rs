//! Leaf hashing (RFC 6962 style, ready for the Merkle tree) and the per-entry hash chain.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash32 = [u8; 32];

/// The chain's starting point: 32 zero bytes.
pub const GENESIS: Hash32 = [0u8; 32];

/// Leaf hash = SHA-256(0x00 ‖ canonical entry bytes), as RFC 6962 hashes Merkle leaves.
pub fn leaf_hash(canonical: &[u8]) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(canonical);
    h.finalize().into()
}

/// Chain hash = SHA-256(0x02 ‖ previous chain hash ‖ leaf hash). 0x02 keeps it apart from Merkle nodes (0x01).
pub fn chain_hash(prev: &Hash32, leaf: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0x02]);
    h.update(prev);
    h.update(leaf);
    h.finalize().into()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Plain SHA-256 of some bytes: imported files, published documents, batch headers, codes.
pub fn sha256(bytes: &[u8]) -> Hash32 {
    Sha256::digest(bytes).into()
}

/// Converts a stored BLOB back to a digest, if it has the right length.
pub fn to_hash32(bytes: &[u8]) -> Option<Hash32> {
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_hash_of_empty_matches_rfc6962() {
        // RFC 6962 test vector: the hash of an empty leaf.
        assert_eq!(
            hex(&leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn chain_depends_on_order() {
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        let ab = chain_hash(&chain_hash(&GENESIS, &a), &b);
        let ba = chain_hash(&chain_hash(&GENESIS, &b), &a);
        assert_ne!(ab, ba);
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
