//! The hub's operations log: every enrolment code issued, terminal enrolled or revoked,
//! document published and KPM move ordered, in order. Each entry is chained to the one before
//! by SHA-256 and signed by the hub key, in an append-only table, so `ewarong-hub ops` can show
//! who was let in and what was sent out, and prove that nothing was taken out or changed.

use chrono::{DateTime, FixedOffset};

pub use super::store::Op;
use super::store::{Store, StoreError};
use super::{HubIdentity, rfc3339};
use ewarong_core::seal::hash::{hex, sha256};
use ewarong_core::seal::sign::PublicKey;

/// The hash the first entry chains to.
pub const GENESIS: [u8; 32] = [0; 32];

/// The hash of an entry: SHA-256 of `ewarong-hub-op/v1`, the seq, time, op, detail and the
/// previous hash (hex), each on its own line.
pub fn op_hash(seq: u64, at: &str, op: &str, detail: &str, prev: &[u8; 32]) -> [u8; 32] {
    sha256(
        format!(
            "ewarong-hub-op/v1\n{seq}\n{at}\n{op}\n{detail}\n{}",
            hex(prev)
        )
        .as_bytes(),
    )
}

/// Appends `op` with `detail` (JSON), signed. Two hub commands appending at once each get
/// their own seq: the store refuses a seq already taken, and the loser chains to the winner.
pub async fn record<S: Store>(
    store: &S,
    identity: &HubIdentity,
    op: &str,
    detail: &serde_json::Value,
    now: DateTime<FixedOffset>,
) -> Result<u64, StoreError> {
    let at = rfc3339(now);
    let detail = detail.to_string();
    for _ in 0..8 {
        let (seq, prev_hash) = store
            .last_op()
            .await?
            .map_or((1, GENESIS), |(seq, hash)| (seq.saturating_add(1), hash));
        let hash = op_hash(seq, &at, op, &detail, &prev_hash);
        let entry = Op {
            seq,
            at: at.clone(),
            op: op.to_owned(),
            detail: detail.clone(),
            prev_hash,
            hash,
            signature: identity.sign(&hash),
        };
        if store.append_op(entry).await? {
            tracing::info!(seq, op, "operation logged");
            return Ok(seq);
        }
    }
    Err(StoreError::Corrupt(
        "ops_log: another command kept taking the next seq".into(),
    ))
}

/// Where the log breaks: the seq and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("operations log entry {seq}: {why}")]
pub struct Broken {
    pub seq: u64,
    pub why: &'static str,
}

/// Checks the whole log: seqs from 1 without gaps, each entry's hash, its chain to the one
/// before, and its signature by `hub`. Returns how many entries were checked.
pub fn verify(ops: &[Op], hub: &PublicKey) -> Result<u64, Broken> {
    let mut prev = GENESIS;
    let mut expected = 1u64;
    for o in ops {
        let broken = |why| Broken { seq: o.seq, why };
        if o.seq != expected {
            return Err(broken("a seq is missing before it"));
        }
        if o.prev_hash != prev {
            return Err(broken("it does not chain to the entry before"));
        }
        if op_hash(o.seq, &o.at, &o.op, &o.detail, &o.prev_hash) != o.hash {
            return Err(broken("its content does not match its hash"));
        }
        if !hub.verify(&o.hash, &o.signature) {
            return Err(broken("its signature is not the hub key's"));
        }
        prev = o.hash;
        expected = expected.saturating_add(1);
    }
    Ok(expected.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-02T09:00:00+08:00").unwrap()
    }

    /// Two writers at once each get their own seq, and the log stays whole: on any store.
    fn concurrent_appends<S: Store>(store: S) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(store.migrate()).unwrap();
        let hub = HubIdentity::from_seed(&[5; 32]);
        rt.block_on(async {
            let detail = serde_json::json!({"n": 1});
            let (a, b, c) = tokio::join!(
                record(&store, &hub, "published", &detail, at()),
                record(&store, &hub, "published", &detail, at()),
                record(&store, &hub, "revoked", &detail, at()),
            );
            let mut seqs = [a.unwrap(), b.unwrap(), c.unwrap()];
            seqs.sort_unstable();
            assert_eq!(seqs, [1, 2, 3]);
        });
        let ops = rt.block_on(store.ops()).unwrap();
        assert_eq!(verify(&ops, &hub.public()), Ok(3));
    }

    #[test]
    fn concurrent_appends_on_sqlite() {
        let dir = tempfile::TempDir::new().unwrap();
        concurrent_appends(SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap());
    }

    #[test]
    fn concurrent_appends_on_postgres() {
        let Some(url) = crate::test_support::fresh_database("ops log", "hub_ops", true) else {
            return;
        };
        concurrent_appends(crate::postgres::PgStore::connect(&url).unwrap());
    }

    #[test]
    fn the_log_chains_signs_and_names_the_first_break() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let store = SqliteStore::open(&dir.path().join("hub.sqlite3")).unwrap();
        rt.block_on(store.migrate()).unwrap();
        let hub = HubIdentity::from_seed(&[5; 32]);
        for (op, id) in [
            ("code_issued", "w-01"),
            ("enrolled", "w-01"),
            ("revoked", "w-01"),
        ] {
            rt.block_on(record(
                &store,
                &hub,
                op,
                &serde_json::json!({"terminal_id": id}),
                at(),
            ))
            .unwrap();
        }
        let ops = rt.block_on(store.ops()).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!(verify(&ops, &hub.public()), Ok(3));
        assert_eq!(ops[2].op, "revoked");
        // Another key, a changed detail, a missing entry, a broken chain: each named.
        let other = HubIdentity::from_seed(&[6; 32]).public();
        assert_eq!(verify(&ops, &other).unwrap_err().seq, 1);
        let mut changed = ops.clone();
        changed[1].detail = "{\"terminal_id\":\"w-02\"}".into();
        assert_eq!(
            verify(&changed, &hub.public()),
            Err(Broken {
                seq: 2,
                why: "its content does not match its hash"
            })
        );
        let gap = [ops[0].clone(), ops[2].clone()];
        assert_eq!(verify(&gap, &hub.public()).unwrap_err().seq, 3);
        let mut unchained = ops.clone();
        unchained[2].prev_hash = GENESIS;
        assert_eq!(verify(&unchained, &hub.public()).unwrap_err().seq, 3);
        // The table itself refuses changes.
        let conn = rusqlite::Connection::open(dir.path().join("hub.sqlite3")).unwrap();
        let e = conn
            .execute("UPDATE ops_log SET detail = '{}' WHERE seq = 1", [])
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(conn.execute("DELETE FROM ops_log", []).is_err());
    }
}
