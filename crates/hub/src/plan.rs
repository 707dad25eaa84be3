//! The steps of storing one upload, written once for both stores. Inside its transaction a
//! store reads the head and any batch stored at the same number, asks [`plan`] what to do, and
//! executes the [`Write`]s it returns in order, each in its own SQL dialect. Which rows are
//! written, in what order, and what the terminal is told are decided here and nowhere else.

use ewarong_core::protocol::HubReceipt;
use ewarong_core::seal::Hash32;

use crate::ingest::{Decision, Prepared, PreparedEntry, ReleaseFact, StoredHead, decide};
use crate::store::{Ingested, StoreError};

/// A batch already stored at the upload's batch number, as read from the `batch` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBatch {
    pub header_hash: Hash32,
    /// The receipt given when it was stored, as JSON.
    pub receipt: String,
}

/// The most forks kept per terminal. A fork is a signed header contradicting what the hub holds:
/// one is enough to flag the terminal, and a bound keeps replays (which need no key: the header
/// is already signed) from filling the disk. Each distinct header is kept once.
pub const MAX_FORKS_PER_TERMINAL: i64 = 16;

/// One write of an upload. Every field is what goes into the row; the store adds only its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write<'a> {
    /// `INSERT INTO fork`: the upload kept whole as evidence, unless a fork with the same header
    /// hash is kept already or the terminal has [`MAX_FORKS_PER_TERMINAL`] (then nothing).
    Fork {
        terminal_id: &'a str,
        batch_seq: u64,
        header_hash: Hash32,
        reason: String,
        upload: String,
        received_at: &'a str,
    },
    /// `INSERT INTO entry` for every entry of the batch (one statement or one per row).
    Entries {
        terminal_id: &'a str,
        batch_seq: u64,
        entries: &'a [PreparedEntry],
    },
    /// `INSERT INTO spend` for every entry of the batch that has a spend, if any does.
    Spends {
        terminal_id: &'a str,
        entries: &'a [PreparedEntry],
    },
    /// `UPDATE kpm_move`: marks the waiting move a release entry answers. A store reports how
    /// many rows changed; none means the release answers no waiting move (logged, not refused).
    Release {
        terminal_id: &'a str,
        seq: u64,
        fact: &'a ReleaseFact,
        received_at: &'a str,
    },
    /// `INSERT INTO batch`: the header, its signature and the receipt given for it.
    Batch {
        prepared: &'a Prepared,
        receipt: String,
        received_at: &'a str,
    },
    /// `UPDATE head`: the terminal's accepted history now ends here.
    Head {
        terminal_id: &'a str,
        next: StoredHead,
        received_at: &'a str,
    },
}

/// What a store does with one upload: the writes, then the answer once they are committed.
#[derive(Debug)]
pub struct Plan<'a> {
    /// Empty when nothing is written (a repeat, a gap, a damaged batch): no commit is needed.
    pub writes: Vec<Write<'a>>,
    pub outcome: Ingested,
}

/// Decides (see [`decide`]) and lists the writes, given what the store read in its transaction.
pub fn plan<'a>(
    head: StoredHead,
    stored: Option<StoredBatch>,
    p: &'a Prepared,
    receipt: &'a HubReceipt,
) -> Result<Plan<'a>, StoreError> {
    let id = p.header.terminal_id.as_str();
    let received_at = receipt.received_at.as_str();
    let nothing = |outcome| {
        Ok(Plan {
            writes: Vec::new(),
            outcome,
        })
    };
    match decide(&head, stored.as_ref().map(|s| s.header_hash), p) {
        Decision::Duplicate => {
            let json = stored
                .ok_or_else(|| StoreError::Corrupt("batch".into()))?
                .receipt;
            let given = serde_json::from_str(&json)
                .map_err(|_| StoreError::Corrupt("batch.receipt".into()))?;
            nothing(Ingested::Duplicate(given))
        }
        Decision::OutOfOrder => nothing(Ingested::OutOfOrder(head)),
        Decision::RootMismatch => nothing(Ingested::RootMismatch),
        Decision::Fork(reason) => Ok(Plan {
            writes: vec![Write::Fork {
                terminal_id: id,
                batch_seq: p.header.batch_seq,
                header_hash: p.header_hash,
                reason: reason.clone(),
                upload: p.evidence(),
                received_at,
            }],
            outcome: Ingested::Fork { reason, head },
        }),
        Decision::Store(next) => {
            let json =
                serde_json::to_string(receipt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut writes = vec![Write::Entries {
                terminal_id: id,
                batch_seq: p.header.batch_seq,
                entries: &p.entries,
            }];
            if p.entries.iter().any(|e| e.spend.is_some()) {
                writes.push(Write::Spends {
                    terminal_id: id,
                    entries: &p.entries,
                });
            }
            writes.extend(p.entries.iter().filter_map(|e| {
                e.release.as_ref().map(|fact| Write::Release {
                    terminal_id: id,
                    seq: e.seq,
                    fact,
                    received_at,
                })
            }));
            writes.push(Write::Batch {
                prepared: p,
                receipt: json,
                received_at,
            });
            writes.push(Write::Head {
                terminal_id: id,
                next,
                received_at,
            });
            Ok(Plan {
                writes,
                outcome: Ingested::Stored(receipt.clone()),
            })
        }
    }
}

/// What a store reports after a [`Write::Release`] changed `rows` rows: a release that answers
/// no waiting move (a card or target that does not match) is stored with its batch like any
/// entry and logged; it moves nothing.
pub fn released(terminal_id: &str, fact: &ReleaseFact, rows: u64) {
    if rows == 0 {
        tracing::warn!(
            terminal_id,
            move_id = fact.move_id,
            card = fact.card.as_str(),
            "release entry answers no waiting move"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Spend;
    use ewarong_core::seal::Frontier;
    use ewarong_core::seal::batch::BatchHeader;
    use ewarong_core::seal::hash::sha256;

    fn entry(seq: u64, spend: bool, release: bool) -> PreparedEntry {
        let canonical = format!("entry {seq}").into_bytes();
        PreparedEntry {
            seq,
            kind: "sale",
            recorded_at: "2026-11-02T09:00:00+08:00".into(),
            month: "2026-11".into(),
            leaf: ewarong_core::seal::leaf_hash(&canonical),
            canonical,
            spend: spend.then(|| Spend {
                card: "6013010000001091".into(),
                period: "2026-11".into(),
                amount: 30_000,
                balance_before: Some(200_000),
            }),
            release: release.then(|| ReleaseFact {
                move_id: 7,
                card: "6013010000001091".into(),
                period: "2026-11".into(),
                to_terminal: "sumba-02".into(),
                amount: 170_000,
            }),
        }
    }

    /// Batch 1 of `sumba-01` holding `entries` (seq 1..), with the root they make.
    fn prepared(entries: Vec<PreparedEntry>) -> Prepared {
        let mut frontier = Frontier::default();
        for e in &entries {
            frontier.append(e.leaf);
        }
        let header = BatchHeader {
            terminal_id: "sumba-01".into(),
            batch_seq: 1,
            first_seq: 1,
            last_seq: entries.len() as u64,
            tree_size: entries.len() as u64,
            root: frontier.root(),
            prev_header_hash: [0; 32],
            sealed_at: "2026-11-02T10:00:00+08:00".into(),
            policy_version: 1,
            catalogue_version: 1,
            roster_version: 1,
        };
        let header_bytes = header.canonical();
        Prepared {
            header_hash: sha256(&header_bytes),
            header,
            header_bytes,
            signature: [1; 64],
            checkpoint: "checkpoint".into(),
            entries,
        }
    }

    fn receipt() -> HubReceipt {
        HubReceipt {
            terminal_id: "sumba-01".into(),
            batch_seq: 1,
            first_seq: 1,
            last_seq: 2,
            header_hash: "00".into(),
            received_at: "2026-11-03T08:00:00+08:00".into(),
            hub_signature: "sig".into(),
        }
    }

    fn names(writes: &[Write<'_>]) -> Vec<&'static str> {
        writes
            .iter()
            .map(|w| match w {
                Write::Fork { .. } => "fork",
                Write::Entries { .. } => "entries",
                Write::Spends { .. } => "spends",
                Write::Release { .. } => "release",
                Write::Batch { .. } => "batch",
                Write::Head { .. } => "head",
            })
            .collect()
    }

    #[test]
    fn a_new_batch_writes_entries_spends_releases_the_batch_then_the_head() {
        let p = prepared(vec![entry(1, true, false), entry(2, false, true)]);
        let r = receipt();
        let plan = plan(StoredHead::default(), None, &p, &r).unwrap();
        assert_eq!(
            names(&plan.writes),
            ["entries", "spends", "release", "batch", "head"]
        );
        assert_eq!(plan.outcome, Ingested::Stored(r.clone()));
        let Some(Write::Head { next, .. }) = plan.writes.last() else {
            panic!("the head is written last")
        };
        assert_eq!((next.last_seq, next.last_batch_seq), (2, 1));
        assert_eq!(next.last_header_hash, p.header_hash);
        let Some(Write::Batch { receipt: json, .. }) = plan.writes.get(3) else {
            panic!("the batch row comes before the head")
        };
        assert_eq!(serde_json::from_str::<HubReceipt>(json).unwrap(), r);
    }

    #[test]
    fn a_batch_with_no_spending_writes_no_spend_rows() {
        let p = prepared(vec![entry(1, false, false)]);
        let r = receipt();
        let plan = plan(StoredHead::default(), None, &p, &r).unwrap();
        assert_eq!(names(&plan.writes), ["entries", "batch", "head"]);
    }

    #[test]
    fn a_repeat_writes_nothing_and_answers_with_the_receipt_given_then() {
        let p = prepared(vec![entry(1, true, false)]);
        let r = receipt();
        let first = plan(StoredHead::default(), None, &p, &r).unwrap();
        let Some(Write::Head { next, .. }) = first.writes.last() else {
            panic!("stored")
        };
        let given = HubReceipt {
            received_at: "2026-11-01T00:00:00+08:00".into(),
            ..r.clone()
        };
        let stored = StoredBatch {
            header_hash: p.header_hash,
            receipt: serde_json::to_string(&given).unwrap(),
        };
        let again = plan(next.clone(), Some(stored.clone()), &p, &r).unwrap();
        assert!(again.writes.is_empty());
        assert_eq!(again.outcome, Ingested::Duplicate(given));

        let damaged = StoredBatch {
            receipt: "{not json".into(),
            ..stored
        };
        let e = plan(next.clone(), Some(damaged), &p, &r).unwrap_err();
        assert!(e.to_string().contains("batch.receipt"), "{e}");
    }

    #[test]
    fn a_different_batch_at_a_stored_number_is_kept_as_a_fork_and_nothing_else() {
        let p = prepared(vec![entry(1, true, false)]);
        let r = receipt();
        let head = StoredHead {
            last_seq: 1,
            last_batch_seq: 1,
            ..StoredHead::default()
        };
        let stored = StoredBatch {
            header_hash: [9; 32],
            receipt: String::new(),
        };
        let plan = plan(head.clone(), Some(stored), &p, &r).unwrap();
        assert_eq!(names(&plan.writes), ["fork"]);
        let Some(Write::Fork { upload, reason, .. }) = plan.writes.first() else {
            panic!("fork")
        };
        assert_eq!(*upload, p.evidence());
        assert!(reason.contains("batch 1"), "{reason}");
        assert!(matches!(plan.outcome, Ingested::Fork { head: h, .. } if h == head));
    }

    #[test]
    fn a_gap_or_a_damaged_root_writes_nothing() {
        let mut p = prepared(vec![entry(1, true, false)]);
        p.header.batch_seq = 3;
        let r = receipt();
        let gap = plan(StoredHead::default(), None, &p, &r).unwrap();
        assert!(gap.writes.is_empty());
        assert_eq!(gap.outcome, Ingested::OutOfOrder(StoredHead::default()));

        let mut p = prepared(vec![entry(1, true, false)]);
        p.header.root = [0; 32];
        let damaged = plan(StoredHead::default(), None, &p, &r).unwrap();
        assert!(damaged.writes.is_empty());
        assert_eq!(damaged.outcome, Ingested::RootMismatch);
    }
}
