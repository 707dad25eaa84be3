//! The Merkle tree against the published RFC 6962 test vectors in `tests/vectors/rfc6962.json`.

// Test helpers may panic: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use ewarong_core::seal::merkle::{self, Frontier};
use ewarong_core::seal::{Hash32, hex, leaf_hash};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/rfc6962.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn h(s: &str) -> Hash32 {
    unhex(s).try_into().unwrap()
}

fn leaves(v: &Value) -> Vec<Hash32> {
    v["leaf_inputs_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| leaf_hash(&unhex(x.as_str().unwrap())))
        .collect()
}

fn proof(v: &Value) -> Vec<Hash32> {
    v["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| h(x.as_str().unwrap()))
        .collect()
}

#[test]
fn roots_match_for_every_size() {
    let v = vectors();
    let ls = leaves(&v);
    assert_eq!(hex(&merkle::root(&[])), v["empty_root"].as_str().unwrap());
    let mut frontier = Frontier::default();
    for n in 1..=ls.len() {
        frontier.append(ls[n - 1]);
        let want = v["roots_by_size"][n.to_string()].as_str().unwrap();
        assert_eq!(
            hex(&merkle::root(&ls[..n])),
            want,
            "recursive root, size {n}"
        );
        assert_eq!(hex(&frontier.root()), want, "running root, size {n}");
    }
}

#[test]
fn inclusion_proofs_match_and_verify() {
    let v = vectors();
    let ls = leaves(&v);
    for case in v["inclusion"].as_array().unwrap() {
        let index = case["leaf_index"].as_u64().unwrap();
        let size = case["tree_size"].as_u64().unwrap();
        let want = proof(case);
        let got = merkle::inclusion_proof(index as usize, &ls[..size as usize]).unwrap();
        assert_eq!(got, want, "inclusion {index} in {size}");
        let root = h(v["roots_by_size"][size.to_string()].as_str().unwrap());
        assert!(merkle::verify_inclusion(
            index,
            size,
            &ls[index as usize],
            &want,
            &root
        ));
        // The same proof against any other size's root fails.
        for other in 1..=8u64 {
            if other != size {
                let r = h(v["roots_by_size"][other.to_string()].as_str().unwrap());
                assert!(!merkle::verify_inclusion(
                    index,
                    size,
                    &ls[index as usize],
                    &want,
                    &r
                ));
            }
        }
        // A proof with one hash changed fails.
        let mut bad = want.clone();
        bad[0][0] ^= 0x80;
        assert!(!merkle::verify_inclusion(
            index,
            size,
            &ls[index as usize],
            &bad,
            &root
        ));
    }
    assert!(merkle::inclusion_proof(8, &ls).is_none());
    assert!(!merkle::verify_inclusion(
        8,
        8,
        &ls[0],
        &[],
        &merkle::root(&ls)
    ));
}

#[test]
fn consistency_proofs_match_and_verify() {
    let v = vectors();
    let ls = leaves(&v);
    for case in v["consistency"].as_array().unwrap() {
        let m = case["first"].as_u64().unwrap();
        let n = case["second"].as_u64().unwrap();
        let want = proof(case);
        let got = merkle::consistency_proof(m as usize, &ls[..n as usize]).unwrap();
        assert_eq!(got, want, "consistency {m} -> {n}");
        let rm = h(v["roots_by_size"][m.to_string()].as_str().unwrap());
        let rn = h(v["roots_by_size"][n.to_string()].as_str().unwrap());
        assert!(
            merkle::verify_consistency(m, n, &want, &rm, &rn),
            "{m} -> {n}"
        );
        assert!(
            !merkle::verify_consistency(m, n, &want, &rn, &rm) || m == n,
            "swapped roots {m} -> {n}"
        );
        if !want.is_empty() {
            let mut bad = want.clone();
            bad[want.len() - 1][5] ^= 1;
            assert!(
                !merkle::verify_consistency(m, n, &bad, &rm, &rn),
                "tampered {m} -> {n}"
            );
        }
    }
    // Every pair of sizes in the 8-leaf tree.
    for n in 1..=8usize {
        for m in 1..=n {
            let p = merkle::consistency_proof(m, &ls[..n]).unwrap();
            assert!(merkle::verify_consistency(
                m as u64,
                n as u64,
                &p,
                &merkle::root(&ls[..m]),
                &merkle::root(&ls[..n])
            ));
        }
    }
    assert!(merkle::consistency_proof(9, &ls).is_none());
    assert!(!merkle::verify_consistency(
        5,
        4,
        &[],
        &merkle::root(&ls[..5]),
        &merkle::root(&ls[..4])
    ));
}
