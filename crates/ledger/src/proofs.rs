//! Checking a receipt against a ledger: the sale is there, the tree the terminal signed for it is
//! the ledger's own history, and the ledger's latest signed checkpoint extends that tree.

use serde::Serialize;

use super::{Ledger, LedgerError};
use ewarong_core::seal::batch::checkpoint_text;
use ewarong_core::seal::canonical::decode_entry;
use ewarong_core::seal::merkle;
use ewarong_core::seal::receipt_code::{ReceiptProof, SaleReceipt};
use ewarong_core::seal::sign::PublicKey;
use ewarong_core::seal::{Hash32, leaf_hash};
use ewarong_keys::TerminalKey;

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
    /// The entries the ledger holds now are not those the terminal signed in its latest
    /// checkpoint (of `latest_size` entries): one was changed, added or removed since.
    LedgerDiffers { latest_size: u64 },
}

/// The `EWR2` receipt code of a sale entry's canonical bytes, signed with `key`; `None` when the
/// bytes are no sale. Ed25519 signatures are deterministic: a reprint gets the same code.
pub(crate) fn sale_receipt_code(key: &TerminalKey, canonical: &[u8]) -> Option<String> {
    let entry = decode_entry(canonical).ok()?;
    SaleReceipt::of_entry(&entry, |message| key.sign(message)).map(|r| r.to_string())
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
        if let Some(other) = self.other_terminal(&proof.terminal_id) {
            return Ok(other);
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
        let Some((latest_size, latest_root)) = self.signed_head(key)? else {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        };
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
        if !consistent {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        }
        Ok(ReceiptCodeCheck::Valid { latest_size })
    }

    /// `OtherTerminal` when a receipt of `terminal_id` is checked against this ledger.
    fn other_terminal(&self, terminal_id: &str) -> Option<ReceiptCodeCheck> {
        (terminal_id != self.terminal.terminal_id).then(|| ReceiptCodeCheck::OtherTerminal {
            ledger_terminal: self.terminal.terminal_id.clone(),
        })
    }

    /// The latest checkpoint (the newest entry's stored tree size and root), when its stored
    /// signature verifies with `key`; `None` when there is none or it does not.
    fn signed_head(&self, key: &PublicKey) -> Result<Option<(u64, Hash32)>, LedgerError> {
        let latest: Option<(u64, Hash32, [u8; 64])> =
            rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT t.seq, t.root, s.signature FROM tree_state t JOIN entry_signature s ON s.seq = t.seq
                 ORDER BY t.seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ))?;
        Ok(latest.and_then(|(size, root, signature)| {
            let text = checkpoint_text(&self.terminal.terminal_id, size, &root);
            key.verify(text.as_bytes(), &signature)
                .then_some((size, root))
        }))
    }

    /// Checks an `EWR2` receipt against this ledger with `key`: entry `seq` is the very sale the
    /// receipt describes, and the ledger's latest signed checkpoint is the tree of the entries
    /// it holds now, that sale among them.
    pub fn check_sale_receipt(
        &self,
        receipt: &SaleReceipt,
        key: &PublicKey,
    ) -> Result<ReceiptCodeCheck, LedgerError> {
        if let Some(other) = self.other_terminal(&receipt.terminal_id) {
            return Ok(other);
        }
        let canonical: Option<Vec<u8>> =
            rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT canonical FROM entry WHERE seq = ?1",
                [receipt.seq],
                |r| r.get(0),
            ))?;
        let described = canonical
            .and_then(|c| decode_entry(&c).ok())
            .is_some_and(|entry| receipt.describes(&entry));
        // Only then is every entry read and hashed.
        if !described {
            return Ok(ReceiptCodeCheck::Missing);
        }
        let Some(leaves) = self.recomputed_leaves()? else {
            return Ok(ReceiptCodeCheck::Missing);
        };
        let Some((latest_size, latest_root)) = self.signed_head(key)? else {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        };
        let covers = usize::try_from(latest_size)
            .ok()
            .and_then(|n| leaves.get(..n))
            .is_some_and(|held| merkle::root(held) == latest_root);
        if receipt.seq > latest_size {
            return Ok(ReceiptCodeCheck::LatestCheckpointBad);
        }
        if !covers {
            return Ok(ReceiptCodeCheck::LedgerDiffers { latest_size });
        }
        Ok(ReceiptCodeCheck::Valid { latest_size })
    }
}
