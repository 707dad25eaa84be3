//! Checking a receipt against a ledger: the sale is there, the tree the terminal signed for it is
//! the ledger's own history, and the ledger's latest signed checkpoint extends that tree.

use serde::Serialize;

use super::{Ledger, LedgerError};
use ewarong_core::seal::batch::checkpoint_text;
use ewarong_core::seal::merkle;
use ewarong_core::seal::receipt_code::ReceiptProof;
use ewarong_core::seal::sign::PublicKey;
use ewarong_core::seal::{Hash32, leaf_hash};

/// The outcome of checking a receipt against a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReceiptCodeCheck {
    /// The sale is in the ledger and the ledger's latest checkpoint (of `latest_size` entries)
    /// extends the tree signed on the receipt.
    Valid { latest_size: u64 },
    /// The receipt is from another terminal than this ledger's.
    OtherTerminal { ledger_terminal: String },
    /// No entry with that seq and content: removed, changed, or never recorded here.
    Missing,
    /// The entries before the sale differ from those the terminal signed.
    HistoryDiffers,
    /// The ledger's latest checkpoint does not extend the signed tree, or its signature fails.
    LatestCheckpointBad,
}

impl Ledger {
    /// Leaf hashes recomputed from the canonical bytes, in seq order; `None` if seq has a gap.
    pub(crate) fn recomputed_leaves(&self) -> Result<Option<Vec<Hash32>>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, canonical FROM entry ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut leaves = Vec::new();
        while let Some(r) = rows.next()? {
            let seq: u64 = r.get(0)?;
            if seq != (leaves.len() as u64).saturating_add(1) {
                return Ok(None);
            }
            let canonical: Vec<u8> = r.get(1)?;
            leaves.push(leaf_hash(&canonical));
        }
        Ok(Some(leaves))
    }

    /// Checks a receipt's proof against this ledger with the given public key.
    pub fn check_receipt(
        &self,
        proof: &ReceiptProof,
        key: &PublicKey,
    ) -> Result<ReceiptCodeCheck, LedgerError> {
        if proof.terminal_id != self.terminal.terminal_id {
            return Ok(ReceiptCodeCheck::OtherTerminal {
                ledger_terminal: self.terminal.terminal_id.clone(),
            });
        }
        let Some(leaves) = self.recomputed_leaves()? else {
            return Ok(ReceiptCodeCheck::Missing);
        };
        let index = usize::try_from(proof.seq.saturating_sub(1)).unwrap_or(usize::MAX);
        let size = usize::try_from(proof.tree_size).unwrap_or(usize::MAX);
        if leaves.get(index) != Some(&proof.leaf) || size > leaves.len() {
            return Ok(ReceiptCodeCheck::Missing);
        }
        let Some(prefix) = leaves.get(..size) else {
            return Ok(ReceiptCodeCheck::Missing);
        };
        let Some(path) = merkle::inclusion_proof(index, prefix) else {
            return Ok(ReceiptCodeCheck::Missing);
        };
        if !merkle::verify_inclusion(
            proof.seq.saturating_sub(1),
            proof.tree_size,
            &proof.leaf,
            &path,
            &proof.root,
        ) {
            return Ok(ReceiptCodeCheck::HistoryDiffers);
        }
        // The latest signed checkpoint: the newest entry's stored root and signature.
        let latest: Option<(u64, [u8; 32], [u8; 64])> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT t.seq, t.root, s.signature FROM tree_state t JOIN entry_signature s ON s.seq = t.seq
             ORDER BY t.seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        ))?;
        let Some((latest_size, latest_root, latest_sig)) = latest else {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        };
        let signed = key.verify(
            checkpoint_text(&proof.terminal_id, latest_size, &latest_root).as_bytes(),
            &latest_sig,
        );
        let latest_len = usize::try_from(latest_size).unwrap_or(usize::MAX);
        let consistent = leaves
            .get(..latest_len)
            .and_then(|all| merkle::consistency_proof(size, all))
            .is_some_and(|p| {
                merkle::verify_consistency(
                    proof.tree_size,
                    latest_size,
                    &p,
                    &proof.root,
                    &latest_root,
                )
            });
        if !signed || !consistent {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        }
        Ok(ReceiptCodeCheck::Valid { latest_size })
    }
}
