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

/// A terminal's request for its updates, on a USB stick: written by every `export-batches`,
/// with or without batches, so a terminal with nothing to send still gets the downlink. Signed
/// like an online request (`hub_auth`) for method `USB` and its updates path, so only the
/// terminal's own key can ask for its part of the roster, and no online request can be
/// replayed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdatesRequest {
    pub terminal_id: String,
    /// The `Signature-Input` value.
    pub signature_input: String,
    /// The `Signature` value.
    pub signature: String,
}

/// The method a USB request is signed for: no HTTP request has it.
pub const USB_METHOD: &str = "USB";

impl UpdatesRequest {
    /// The path the request is signed for.
    pub fn path(terminal_id: &str) -> String {
        format!("/v1/terminals/{terminal_id}/updates")
    }

    /// The signature base for `params` (an empty body).
    pub fn base(terminal_id: &str, params: &crate::hub_auth::SignatureParams) -> String {
        crate::hub_auth::signature_base(
            USB_METHOD,
            &Self::path(terminal_id),
            "",
            &crate::hub_auth::content_digest(b""),
            params,
        )
    }
}

/// The file name of a terminal's request for its updates.
pub fn request_file_name(terminal_id: &str) -> String {
    format!("{terminal_id}.request.json")
}

/// The hub's updates for one terminal on a USB stick, written by `ewarong-hub import`.
pub fn updates_file_name(terminal_id: &str) -> String {
    format!("{terminal_id}.updates.json")
}
