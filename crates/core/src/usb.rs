//! The USB stick's files: a batch, the hub's acknowledgement of it, and the hub's updates for a
//! terminal, with the names that sort them. The same messages as over the network.

use serde::{Deserialize, Serialize};

use crate::protocol::BatchUpload;

/// A batch on a USB stick: the same upload as over the network, with its terminal named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchFile {
    pub terminal_id: String,
    pub batch_seq: u64,
    /// Hex SHA-256 of the header, to match receipts to batches by eye.
    pub header_hash: String,
    pub upload: BatchUpload,
}

/// The file name of a batch: sorts by terminal, then batch.
pub fn batch_file_name(terminal_id: &str, batch_seq: u64) -> String {
    format!("{terminal_id}-b{batch_seq:08}.batch.json")
}

/// The file name of a receipt for a batch.
pub fn receipt_file_name(terminal_id: &str, batch_seq: u64) -> String {
    format!("{terminal_id}-b{batch_seq:08}.receipt.json")
}

/// The hub's updates for one terminal on a USB stick, written by `ewarong-hub import`.
pub fn updates_file_name(terminal_id: &str) -> String {
    format!("{terminal_id}.updates.json")
}
