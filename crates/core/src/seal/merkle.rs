//! The RFC 6962 / RFC 9162 Merkle tree over entry leaf hashes: roots, inclusion and consistency
//! proofs, their verification, and the compact running state ("frontier") kept with each entry.

use sha2::{Digest, Sha256};

use super::hash::Hash32;

/// Node hash = SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of an empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash32 {
    Sha256::digest([]).into()
}

/// The largest power of two strictly less than `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1usize;
    while k.saturating_mul(2) < n {
        k = k.saturating_mul(2);
    }
    k
}

/// MTH(D[n]): the root over these leaf hashes.
pub fn root(leaves: &[Hash32]) -> Hash32 {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let (left, right) = leaves.split_at(split(leaves.len()));
            node_hash(&root(left), &root(right))
        }
    }
}

/// PATH(m, D[n]): the audit path of leaf `index`, or `None` if it is outside the tree.
pub fn inclusion_proof(index: usize, leaves: &[Hash32]) -> Option<Vec<Hash32>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    path(index, leaves, &mut proof);
    Some(proof)
}

fn path(index: usize, leaves: &[Hash32], out: &mut Vec<Hash32>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    let (left, right) = leaves.split_at(k);
    if index < k {
        path(index, left, out);
        out.push(root(right));
    } else {
        path(index.saturating_sub(k), right, out);
        out.push(root(left));
    }
}

/// PROOF(m, D[n]): proof that the tree of the first `m` leaves is a prefix of this one.
pub fn consistency_proof(m: usize, leaves: &[Hash32]) -> Option<Vec<Hash32>> {
    if m > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    if m > 0 {
        subproof(m, leaves, true, &mut proof);
    }
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash32], complete: bool, out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    let (left, right) = leaves.split_at(k);
    if m <= k {
        subproof(m, left, complete, out);
        out.push(root(right));
    } else {
        subproof(m.saturating_sub(k), right, false, out);
        out.push(root(left));
    }
}

/// Verifies an inclusion proof (RFC 9162, section 2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash32,
    proof: &[Hash32],
    expected_root: &Hash32,
) -> bool {
    if index >= size {
        return false;
    }
    let mut fn_ = index;
    let mut sn = size.saturating_sub(1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *expected_root
}

/// Verifies a consistency proof between a tree of `m` leaves and one of `n` (RFC 9162, 2.1.4.2).
pub fn verify_consistency(
    m: u64,
    n: u64,
    proof: &[Hash32],
    root_m: &Hash32,
    root_n: &Hash32,
) -> bool {
    if m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && root_m == root_n;
    }
    if m == 0 {
        // Every tree extends the empty one.
        return proof.is_empty();
    }
    let mut path: Vec<Hash32> = Vec::with_capacity(proof.len().saturating_add(1));
    if m.is_power_of_two() {
        path.push(*root_m);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let mut fn_ = m.saturating_sub(1);
    let mut sn = n.saturating_sub(1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let mut fr = *first;
    let mut sr = *first;
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    fr == *root_m && sr == *root_n && sn == 0
}

/// The running state of an append-only tree: the roots of its perfect subtrees, largest first.
/// Appending a leaf and computing the root cost O(log n).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash32>,
}

/// A stored frontier that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored Merkle frontier is malformed")]
pub struct FrontierError;

impl Frontier {
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Adds a leaf hash as the next leaf.
    pub fn append(&mut self, leaf: Hash32) {
        let mut h = leaf;
        let mut s = self.size;
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        while s & 1 == 1 {
            match self.nodes.pop() {
                Some(left) => h = node_hash(&left, &h),
                None => break,
            }
            s >>= 1;
        }
        self.nodes.push(h);
        self.size = self.size.saturating_add(1);
    }

    /// The tree's root: the subtree roots folded from the smallest up.
    pub fn root(&self) -> Hash32 {
        let mut iter = self.nodes.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// Storage form: size (u64, big-endian), then each subtree root, largest first.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.nodes.len().saturating_mul(32).saturating_add(8));
        out.extend_from_slice(&self.size.to_be_bytes());
        for n in &self.nodes {
            out.extend_from_slice(n);
        }
        out
    }

    /// Whether `bytes` is exactly [`Frontier::encode`] of this frontier, compared in place.
    pub fn is_encoded_as(&self, bytes: &[u8]) -> bool {
        let Some((size, rest)) = bytes.split_first_chunk::<8>() else {
            return false;
        };
        u64::from_be_bytes(*size) == self.size
            && rest.len() == self.nodes.len().saturating_mul(32)
            && rest
                .chunks_exact(32)
                .zip(&self.nodes)
                .all(|(stored, node)| stored == node)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FrontierError> {
        let (size, rest) = bytes.split_first_chunk::<8>().ok_or(FrontierError)?;
        let size = u64::from_be_bytes(*size);
        if rest.len() % 32 != 0 || u64::from(size.count_ones()) != (rest.len() / 32) as u64 {
            return Err(FrontierError);
        }
        let nodes = rest
            .chunks_exact(32)
            .filter_map(|c| c.try_into().ok())
            .collect();
        Ok(Self { size, nodes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frontier_is_recognised_only_in_its_exact_encoding() {
        let mut f = Frontier::default();
        for i in 0..13u8 {
            f.append([i; 32]);
            let bytes = f.encode();
            assert!(f.is_encoded_as(&bytes));
            for at in [0, 7, 8, bytes.len() - 1] {
                let mut flipped = bytes.clone();
                flipped[at] ^= 1;
                assert!(!f.is_encoded_as(&flipped), "byte {at} of size {}", f.size());
            }
            assert!(!f.is_encoded_as(&bytes[..bytes.len() - 1]));
            let mut longer = bytes.clone();
            longer.extend_from_slice(&[0; 32]);
            assert!(!f.is_encoded_as(&longer));
        }
        assert!(Frontier::default().is_encoded_as(&0u64.to_be_bytes()));
        assert!(!Frontier::default().is_encoded_as(&[]));
    }
    use crate::seal::hash::{hex, leaf_hash};
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn frontier_matches_the_recursive_root_at_every_size() {
        let all = leaves(70);
        let mut f = Frontier::default();
        assert_eq!(f.root(), empty_root());
        for (i, l) in all.iter().enumerate() {
            f.append(*l);
            assert_eq!(f.root(), root(&all[..=i]), "size {}", i + 1);
            assert_eq!(Frontier::decode(&f.encode()), Ok(f.clone()));
        }
    }

    #[test]
    fn malformed_frontiers_are_refused() {
        let mut f = Frontier::default();
        for l in leaves(5) {
            f.append(l);
        }
        let mut bytes = f.encode();
        bytes.pop();
        assert_eq!(Frontier::decode(&bytes), Err(FrontierError));
        assert_eq!(Frontier::decode(&[0; 4]), Err(FrontierError));
        let mut wrong_size = f.encode();
        wrong_size[7] = 6; // six leaves need two subtrees, and two are there: still consistent
        assert!(Frontier::decode(&wrong_size).is_ok());
        wrong_size[7] = 7; // seven leaves need three
        assert_eq!(Frontier::decode(&wrong_size), Err(FrontierError));
        assert_eq!(
            hex(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    proptest! {
        #[test]
        fn every_inclusion_proof_verifies_and_tampering_fails(n in 1usize..80, seed in any::<u64>()) {
            let ls = leaves(n);
            let r = root(&ls);
            let i = (seed as usize) % n;
            let proof = inclusion_proof(i, &ls).unwrap();
            prop_assert!(verify_inclusion(i as u64, n as u64, &ls[i], &proof, &r));
            let mut bad = ls[i];
            bad[0] ^= 1;
            prop_assert!(!verify_inclusion(i as u64, n as u64, &bad, &proof, &r));
            // (A claimed size is not bound by the proof alone: the signed checkpoint binds size and root.)
            if n > 1 {
                prop_assert!(!verify_inclusion(((i + 1) % n) as u64, n as u64, &ls[i], &proof, &r));
            }
        }

        #[test]
        fn every_consistency_proof_verifies_and_tampering_fails(n in 1usize..80, seed in any::<u64>()) {
            let ls = leaves(n);
            let m = 1 + (seed as usize) % n;
            let proof = consistency_proof(m, &ls).unwrap();
            let (rm, rn) = (root(&ls[..m]), root(&ls));
            prop_assert!(verify_consistency(m as u64, n as u64, &proof, &rm, &rn));
            let mut bad = rm;
            bad[31] ^= 1;
            prop_assert!(!verify_consistency(m as u64, n as u64, &proof, &bad, &rn));
            if m < n {
                // A tree that rewrote leaf 0 is not an extension of the first m leaves.
                let mut forked = ls.clone();
                forked[0][0] ^= 1;
                let fork_proof = consistency_proof(m, &forked).unwrap();
                prop_assert!(!verify_consistency(m as u64, n as u64, &fork_proof, &rm, &root(&forked)));
            }
        }
    }
}
