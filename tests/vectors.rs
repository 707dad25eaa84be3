//! Canonical-encoding test vectors: the committed bytes in `tests/vectors/` must match the encoder,
//! the hashing rules of `docs/ledger-format.md`, and a hand-built encoding of the sale.
//!
//! `ledger-v2.json` is what this build writes; regenerate it deliberately (a format change) with
//! `EWARONG_WRITE_VECTORS=1 cargo test --test ewarong vectors::`. `ledger-v1.json` is frozen: the
//! bytes of format version 1, which every ledger written before version 2 holds and which must
//! keep verifying.

// Test helpers may panic: a panic is a failed test. Arithmetic here computes expected values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::path::PathBuf;

use chrono::{FixedOffset, TimeZone};
use ewarong_core::domain::{
    Entitlement, KkNumber, Kpm, LineInput, Pin, PinVerifier, Policy, Rupiah,
};
use ewarong_core::import;
use ewarong_ledger::{Ledger, Role};
use serde_json::{Value, json};

fn merkle_root(leaves: &[[u8; 32]]) -> [u8; 32] {
    ewarong_core::seal::merkle::root(leaves)
}
use sha2::{Digest, Sha256};

/// The vector terminal's key seed. Public on purpose: only these vectors use it.
const VECTOR_SEED: [u8; 32] = [0x42; 32];

/// The format version this build writes.
const WRITTEN: u8 = ewarong_core::seal::canonical::FORMAT_VERSION;

fn vectors_path(version: u8) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/vectors/ledger-v{version}.json"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn at(h: u32, m: u32) -> chrono::DateTime<FixedOffset> {
    let zone = FixedOffset::east_opt(9 * 3600).unwrap(); // WIT
    zone.with_ymd_and_hms(2026, 11, 3, h, m, 0).unwrap()
}

/// The two sale lines of the vector sale.
fn vector_lines() -> [LineInput; 2] {
    [
        LineInput {
            product: "sagu".into(),
            quantity: "2,5".into(),
            unit_price: None,
        },
        LineInput {
            product: "ikan-tongkol".into(),
            quantity: "1".into(),
            unit_price: Some(Rupiah::new(40_000).unwrap()),
        },
    ]
}

/// The vector terminal's ledger in `dir`: programme, two KPM, the key, supervisor `mama-yosina`.
fn vector_ledger(dir: &std::path::Path) -> Ledger {
    let t = |h, m| at(h, m);
    let zone = *at(0, 0).offset();
    let mut l =
        Ledger::create(&dir.join("l.sqlite3"), "warung-jayapura-01", zone, t(7, 0)).unwrap();
    let policy = Policy::default_sembako().unwrap();
    l.import_policy(&policy, "v", &[0; 32], t(7, 0)).unwrap();
    let products =
        import::parse_catalogue("c.csv", ewarong_ledger::demo::DEMO_CATALOGUE_CSV, &policy)
            .unwrap();
    l.import_catalogue(products, "v", &[0; 32], t(7, 0))
        .unwrap();
    let salt = [9u8; 16];
    let kpm = |card: &str| Kpm {
        card: card.parse().unwrap(),
        nik: None,
        kk: "9471021103130001".parse::<KkNumber>().unwrap(),
        name: "Yakobus Wenda".into(),
        desa: "Waena".into(),
        pin_verifier: PinVerifier::create(&Pin::new("123456").unwrap(), &salt).unwrap(),
        entitlements: vec![Entitlement {
            period: "2026-11".parse().unwrap(),
            amount: Rupiah::new(200_000).unwrap(),
        }],
        home: None,
    };
    l.import_roster(
        &[kpm("6032980000000010"), kpm("6032980000000028")],
        "v",
        &[0; 32],
        t(7, 0),
    )
    .unwrap();
    let key = ewarong_keys::TerminalKey::from_seed(&VECTOR_SEED);
    l.record_public_key(&key.public(), t(7, 0)).unwrap();
    l.attach_key(key).unwrap();
    let v = PinVerifier::create(&Pin::new("9999").unwrap(), &salt).unwrap();
    l.add_operator("mama-yosina", Role::Supervisor, &v, t(7, 0))
        .unwrap();
    l
}

/// Builds the same five entries every time: a sale, a void, a complaint, a lockout and a day close.
fn build() -> Value {
    let dir = tempfile::TempDir::new().unwrap();
    let t = |h, m| at(h, m);
    let mut l = vector_ledger(dir.path());
    let op = l
        .authenticate_operator("mama-yosina", &Pin::new("9999").unwrap())
        .unwrap();
    let card = "6032980000000010".parse().unwrap();
    let presence = l
        .verify_kpm_pin(&card, &Pin::new("123456").unwrap(), t(9, 15))
        .unwrap();
    l.record_sale(
        &presence,
        &op,
        &vector_lines(),
        Some("ikan dari Biak, ongkos kapal"),
        t(9, 15),
    )
    .unwrap();
    l.void_sale(1, "salah kartu", &op, t(9, 20)).unwrap();
    l.record_complaint(
        &card,
        Some(1),
        "harga".parse().unwrap(),
        "harga ikan terlalu mahal",
        t(9, 30),
    )
    .unwrap();
    let other = "6032980000000028".parse().unwrap();
    for m in 40..43 {
        let _ = l.verify_kpm_pin(&other, &Pin::new("000000").unwrap(), t(10, m));
    }
    l.close_day(&op, t(17, 0)).unwrap();
    let conn = l.connection();
    let entries: Vec<Value> = conn
        .prepare(
            "SELECT e.seq, e.kind, e.canonical, e.leaf_hash, e.prev_hash, e.chain_hash, t.root, s.signature
             FROM entry e JOIN tree_state t ON t.seq = e.seq JOIN entry_signature s ON s.seq = e.seq ORDER BY e.seq",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(json!({
                "seq": r.get::<_, i64>(0)?,
                "kind": r.get::<_, String>(1)?,
                "canonical_hex": hex(&r.get::<_, Vec<u8>>(2)?),
                "leaf_hash": hex(&r.get::<_, Vec<u8>>(3)?),
                "prev_hash": hex(&r.get::<_, Vec<u8>>(4)?),
                "chain_hash": hex(&r.get::<_, Vec<u8>>(5)?),
                "tree_root": hex(&r.get::<_, Vec<u8>>(6)?),
                "checkpoint_signature": hex(&r.get::<_, Vec<u8>>(7)?),
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let batches: Vec<Value> = conn
        .prepare("SELECT batch_seq, header, header_hash, signature, checkpoint FROM batch ORDER BY batch_seq")
        .unwrap()
        .query_map([], |r| {
            Ok(json!({
                "batch_seq": r.get::<_, i64>(0)?,
                "header_hex": hex(&r.get::<_, Vec<u8>>(1)?),
                "header_hash": hex(&r.get::<_, Vec<u8>>(2)?),
                "signature": hex(&r.get::<_, Vec<u8>>(3)?),
                "checkpoint": r.get::<_, String>(4)?,
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let public = l.public_key().unwrap().unwrap();
    let receipt_code = l.sale_receipt(1).unwrap().receipt_code.unwrap();
    json!({
        "receipt_code": receipt_code,
        "public_key": public.to_string(),
        "note_verifier_key": ewarong_core::seal::batch::note_verifier_key("ewarong/warung-jayapura-01", &public),
        "entries": entries,
        "batches": batches,
    })
}

fn committed(version: u8) -> Value {
    serde_json::from_str(&std::fs::read_to_string(vectors_path(version)).unwrap()).unwrap()
}

#[test]
fn the_encoder_matches_the_committed_vectors() {
    let fresh = build();
    if std::env::var_os("EWARONG_WRITE_VECTORS").is_some() {
        let mut doc = fresh.clone();
        doc["format"] = json!(format!("ewarong ledger v{WRITTEN}"));
        doc["spec"] = json!("docs/ledger-format.md");
        doc["key_seed_hex"] = json!(hex(&VECTOR_SEED));
        std::fs::write(
            vectors_path(WRITTEN),
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        )
        .unwrap();
    }
    let committed = committed(WRITTEN);
    for part in [
        "public_key",
        "note_verifier_key",
        "entries",
        "batches",
        "receipt_code",
    ] {
        assert_eq!(committed[part], fresh[part], "{part}");
    }
    let kinds: Vec<&str> = fresh["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["sale", "void", "complaint", "lockout", "day_close"]);
}

#[test]
fn the_vectors_follow_the_documented_hashing() {
    for version in [1, 2] {
        vectors_follow_the_documented_hashing(version);
    }
}

fn vectors_follow_the_documented_hashing(version: u8) {
    let committed = committed(version);
    let public: ewarong_core::seal::sign::PublicKey =
        committed["public_key"].as_str().unwrap().parse().unwrap();
    let mut prev = [0u8; 32];
    let mut leaves: Vec<[u8; 32]> = Vec::new();
    for e in committed["entries"].as_array().unwrap() {
        let canonical = unhex(e["canonical_hex"].as_str().unwrap());
        assert_eq!(canonical[3], version, "the entry's format version byte");
        let decoded = ewarong_core::seal::canonical::decode_entry(&canonical).unwrap();
        assert_eq!(decoded.format_version, version);
        let leaf: [u8; 32] = Sha256::new()
            .chain_update([0x00])
            .chain_update(&canonical)
            .finalize()
            .into();
        let chain: [u8; 32] = Sha256::new()
            .chain_update([0x02])
            .chain_update(prev)
            .chain_update(leaf)
            .finalize()
            .into();
        assert_eq!(e["leaf_hash"], hex(&leaf));
        assert_eq!(e["prev_hash"], hex(&prev));
        assert_eq!(e["chain_hash"], hex(&chain));
        prev = chain;
        leaves.push(leaf);
        let sig: [u8; 64] = unhex(e["checkpoint_signature"].as_str().unwrap())
            .try_into()
            .unwrap();
        let seq = e["seq"].as_u64().unwrap();
        let checkpoint = ewarong_core::seal::batch::checkpoint_text(
            "warung-jayapura-01",
            seq,
            &merkle_root(&leaves),
        );
        assert!(
            public.verify(checkpoint.as_bytes(), &sig),
            "checkpoint signature of entry {seq}"
        );
        assert_eq!(
            e["tree_root"],
            hex(&ewarong_core::seal::merkle::root(&leaves)),
            "tree root after seq {}",
            e["seq"]
        );
    }
}

/// The sale entry, encoded by hand from the field table in docs/ledger-format.md, in both
/// format versions: version 2 adds each line's product name after its product id.
#[test]
fn the_sale_vector_matches_a_hand_built_encoding() {
    for version in [1, 2] {
        sale_vector_matches_a_hand_built_encoding(version);
    }
}

fn sale_vector_matches_a_hand_built_encoding(version: u8) {
    fn s(out: &mut Vec<u8>, v: &str) {
        out.extend_from_slice(&(v.len() as u32).to_be_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    fn i(out: &mut Vec<u8>, v: i64) {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut b = b"EWL".to_vec();
    b.push(version); // format version
    b.push(1); // kind: sale
    s(&mut b, "warung-jayapura-01");
    b.extend_from_slice(&1u64.to_be_bytes()); // seq
    s(&mut b, "2026-11-03T09:15:00+09:00");
    s(&mut b, "2026-11"); // period
    s(&mut b, "6032980000000010"); // card
    s(&mut b, "mama-yosina"); // operator
    for version in [1u64, 1, 1] {
        b.extend_from_slice(&version.to_be_bytes()); // policy, catalogue, roster versions
    }
    b.extend_from_slice(&2u32.to_be_bytes()); // two lines, sorted by product id
    for (id, name, group, unit, qty, price, reference, total) in [
        (
            "ikan-tongkol",
            "Ikan tongkol",
            "protein-hewani",
            "kg",
            1000,
            40_000,
            36_000,
            40_000,
        ),
        (
            "sagu",
            "Sagu basah",
            "karbohidrat",
            "kg",
            2500,
            12_000,
            12_000,
            30_000,
        ),
    ] {
        s(&mut b, id);
        if version >= 2 {
            s(&mut b, name);
        }
        s(&mut b, group);
        s(&mut b, unit);
        for v in [qty, price, reference, total] {
            i(&mut b, v);
        }
    }
    i(&mut b, 70_000); // total
    i(&mut b, 200_000); // balance before
    b.push(1); // override reason present
    s(&mut b, "ikan dari Biak, ongkos kapal");
    let committed = committed(version);
    assert_eq!(
        committed["entries"][0]["canonical_hex"].as_str().unwrap(),
        hex(&b)
    );
}

/// The worked example in docs/ledger-format.md is the first vector, byte for byte.
#[test]
fn the_documented_example_is_the_first_vector() {
    let doc = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/ledger-format.md"),
    )
    .unwrap();
    let block = doc
        .split("## Worked example")
        .nth(1)
        .unwrap()
        .split("```")
        .nth(1)
        .unwrap();
    let mut hex_text = String::new();
    for line in block.lines() {
        // Leading hex tokens are bytes; the first other token starts the description.
        for token in line.split('"').next().unwrap().split_whitespace() {
            if token.len() % 2 == 0 && token.chars().all(|c| c.is_ascii_hexdigit()) {
                hex_text.push_str(token);
            } else {
                break;
            }
        }
    }
    let committed = committed(WRITTEN);
    let first = &committed["entries"][0];
    assert_eq!(hex_text, first["canonical_hex"].as_str().unwrap());
    assert!(doc.contains(first["leaf_hash"].as_str().unwrap()));
    assert!(doc.contains(first["chain_hash"].as_str().unwrap()));
}

/// The batch vector: header bytes built by hand from docs/ledger-format.md, its hash, the
/// signature over it, and the C2SP checkpoint note, all checked with the public key alone.
#[test]
fn the_batch_vector_follows_the_documented_layout() {
    for version in [1, 2] {
        batch_vector_follows_the_documented_layout(version);
    }
}

fn batch_vector_follows_the_documented_layout(version: u8) {
    use ewarong_core::seal::batch::verify_checkpoint_note;
    let committed = committed(version);
    let public: ewarong_core::seal::sign::PublicKey =
        committed["public_key"].as_str().unwrap().parse().unwrap();
    let entries = committed["entries"].as_array().unwrap();
    let last = entries.last().unwrap();
    let b = &committed["batches"][0];
    let mut h = b"EWB".to_vec();
    h.push(1);
    let id = "warung-jayapura-01";
    h.extend_from_slice(&(id.len() as u32).to_be_bytes());
    h.extend_from_slice(id.as_bytes());
    for v in [1u64, 1, 5, 5] {
        h.extend_from_slice(&v.to_be_bytes()); // batch seq, first seq, last seq, tree size
    }
    h.extend_from_slice(&unhex(last["tree_root"].as_str().unwrap()));
    h.extend_from_slice(&[0u8; 32]); // no previous batch
    let sealed_at = "2026-11-03T17:00:00+09:00";
    h.extend_from_slice(&(sealed_at.len() as u32).to_be_bytes());
    h.extend_from_slice(sealed_at.as_bytes());
    for v in [1u64, 1, 1] {
        h.extend_from_slice(&v.to_be_bytes()); // policy, catalogue, roster versions
    }
    assert_eq!(b["header_hex"].as_str().unwrap(), hex(&h));
    let digest: [u8; 32] = Sha256::digest(&h).into();
    assert_eq!(b["header_hash"].as_str().unwrap(), hex(&digest));
    let sig: [u8; 64] = unhex(b["signature"].as_str().unwrap()).try_into().unwrap();
    assert!(public.verify(&h, &sig));
    let cp = verify_checkpoint_note(b["checkpoint"].as_str().unwrap(), &public)
        .expect("checkpoint note verifies");
    assert_eq!(
        (cp.origin.as_str(), cp.tree_size),
        ("ewarong/warung-jayapura-01", 5)
    );
    assert_eq!(hex(&cp.root), last["tree_root"].as_str().unwrap());
    // One changed character anywhere in the note text breaks it.
    let note = b["checkpoint"].as_str().unwrap().replacen('5', "6", 1);
    assert!(verify_checkpoint_note(&note, &public).is_none());
}

/// A ledger begun before format version 2 holds version 1 sales, then version 2 sales, in one
/// chain, one tree and one batch: all of it verifies with the terminal's key, and only the
/// version 2 sale's product names are signed.
#[test]
fn version_1_and_version_2_entries_verify_in_one_ledger() {
    use ewarong_core::audit::{AuditOptions, Verdict};
    use ewarong_core::seal::batch::checkpoint_text;
    use ewarong_core::seal::canonical::{EntryKind, SignedBody, Writer, decode_entry};
    use ewarong_core::seal::{Frontier, GENESIS, chain_hash, leaf_hash};
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("l.sqlite3");
    let mut l = vector_ledger(dir.path());
    let op = l
        .authenticate_operator("mama-yosina", &Pin::new("9999").unwrap())
        .unwrap();
    let card = "6032980000000010".parse().unwrap();
    let sell = |l: &mut Ledger, minute| {
        let presence = l
            .verify_kpm_pin(&card, &Pin::new("123456").unwrap(), at(9, minute))
            .unwrap();
        l.record_sale(&presence, &op, &vector_lines()[..1], None, at(9, minute))
            .unwrap()
    };
    sell(&mut l, 15);
    // Entry 1 as an ewarong before version 2 wrote it: no name in its line, version byte 1,
    // hashed and signed by the terminal's own key.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER entry_no_update; DROP TRIGGER tree_state_no_update;
         DROP TRIGGER entry_signature_no_update; DROP TRIGGER sale_item_no_update;",
    )
    .unwrap();
    let v2: Vec<u8> = raw
        .query_row("SELECT canonical FROM entry WHERE seq = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let e = decode_entry(&v2).unwrap();
    let SignedBody::Sale {
        period,
        card: sold_to,
        operator,
        policy_version,
        catalogue_version,
        roster_version,
        lines,
        total,
        balance_before,
        override_reason,
    } = e.body
    else {
        panic!("entry 1 is a sale");
    };
    assert_eq!(lines[0].name.as_deref(), Some("Sagu basah"));
    let mut w = Writer::entry(EntryKind::Sale, &e.terminal_id, 1, &e.recorded_at);
    w.str(&period)
        .str(&sold_to)
        .str(&operator)
        .u64(policy_version)
        .u64(catalogue_version)
        .u64(roster_version)
        .list(&lines, |w, line| {
            w.str(&line.product_id)
                .str(&line.group_id)
                .str(&line.unit)
                .i64(line.quantity_milli)
                .i64(line.unit_price)
                .i64(line.reference_price)
                .i64(line.line_total);
        })
        .i64(total)
        .i64(balance_before)
        .opt_str(override_reason.as_deref());
    let mut v1 = w.finish();
    v1[3] = 1;
    assert_eq!(decode_entry(&v1).unwrap().format_version, 1);
    let leaf = leaf_hash(&v1);
    let mut frontier = Frontier::default();
    frontier.append(leaf);
    let key = ewarong_keys::TerminalKey::from_seed(&VECTOR_SEED);
    let signature = key.sign(checkpoint_text("warung-jayapura-01", 1, &frontier.root()).as_bytes());
    raw.execute(
        "UPDATE entry SET canonical = ?1, leaf_hash = ?2, chain_hash = ?3 WHERE seq = 1",
        rusqlite::params![v1, leaf, chain_hash(&GENESIS, &leaf)],
    )
    .unwrap();
    raw.execute(
        "UPDATE tree_state SET root = ?1, frontier = ?2 WHERE seq = 1",
        rusqlite::params![frontier.root(), frontier.encode()],
    )
    .unwrap();
    raw.execute(
        "UPDATE entry_signature SET signature = ?1 WHERE seq = 1",
        [signature],
    )
    .unwrap();
    // Then this build writes on: entry 2 is version 2, chained to entry 1, and one batch seals both.
    sell(&mut l, 20);
    l.seal(ewarong_ledger::SealReason::Manual, at(17, 0))
        .unwrap()
        .unwrap();
    let versions: Vec<u8> = raw
        .prepare("SELECT canonical FROM entry ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|c| c.unwrap()[3])
        .collect();
    assert_eq!(versions, [1, 2]);
    let pinned = AuditOptions {
        pinned_key: Some(key.public()),
        all_signatures: true,
        ..AuditOptions::default()
    };
    let audit = || ewarong_ledger::audit_file(&path, &pinned, &mut |_, _| {}).unwrap();
    let r = audit();
    assert_eq!(r.verdict(), Verdict::Clean, "{:#?}", r.findings);
    assert!(r.signatures_checked >= 2);
    // The version 1 line's name is not signed; the version 2 line's name is.
    raw.execute(
        "UPDATE sale_item SET name = 'Rokok kretek' WHERE seq = 1",
        [],
    )
    .unwrap();
    assert_eq!(audit().verdict(), Verdict::Clean);
    raw.execute(
        "UPDATE sale_item SET name = 'Rokok kretek' WHERE seq = 2",
        [],
    )
    .unwrap();
    let r = audit();
    assert!(
        r.findings
            .iter()
            .any(|f| f.table == "sale_item" && f.seq == 2 && f.code == "column"),
        "{:#?}",
        r.findings
    );
    assert!(!r.findings.iter().any(|f| f.seq == 1), "{:#?}", r.findings);
}

/// The sale's `EWR2` receipt code, checked as docs/ledger-format.md says: its fields are the
/// sale entry's, and the signature covers `ewarong-receipt/v2`, a newline, and the code up to
/// its last `.`.
#[test]
fn the_receipt_code_vector_follows_the_documented_layout() {
    use base64::Engine;
    let committed = committed(WRITTEN);
    let code = committed["receipt_code"].as_str().unwrap();
    assert_eq!(
        code.rsplit_once('.').unwrap().0,
        "EWR2.warung-jayapura-01.1.2026-11-03T09:15:00+09:00.0010.70000.200000.\
         ikan-tongkol:1000:40000,sagu:2500:30000"
    );
    let (body, signature) = code.rsplit_once('.').unwrap();
    let signature: [u8; 64] = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .unwrap()
        .try_into()
        .unwrap();
    let public: ewarong_core::seal::sign::PublicKey =
        committed["public_key"].as_str().unwrap().parse().unwrap();
    let message = format!("ewarong-receipt/v2\n{body}");
    assert!(public.verify(message.as_bytes(), &signature));
    assert!(!public.verify(body.as_bytes(), &signature));
    let other = message.replace(".70000.", ".60000.");
    assert!(!public.verify(other.as_bytes(), &signature));
}
