//! The receipt code: the proof a struk carries (its QR code): which entry, the tree after it, and the terminal's
//! signature over that checkpoint. Compact text, checkable offline with the public key.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::batch::checkpoint_text;
use super::hash::Hash32;
use super::sign::PublicKey;

/// Opens every receipt payload; the digit is the payload version.
pub const RECEIPT_PREFIX: &str = "EWR1";

/// What a receipt proves: entry `seq` of `terminal_id` has leaf hash `leaf`, and the terminal
/// signed the tree of `tree_size` leaves with root `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptProof {
    pub terminal_id: String,
    pub seq: u64,
    pub leaf: Hash32,
    pub tree_size: u64,
    pub root: Hash32,
    pub signature: [u8; 64],
}

/// A payload that is not a receipt proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ewarong receipt code")]
pub struct ReceiptFormatError;

impl ReceiptProof {
    /// True when the signature is `key`'s over this receipt's checkpoint.
    pub fn signature_valid(&self, key: &PublicKey) -> bool {
        key.verify(
            checkpoint_text(&self.terminal_id, self.tree_size, &self.root).as_bytes(),
            &self.signature,
        )
    }
}

impl fmt::Display for ReceiptProof {
    /// `EWR1.<terminal>.<seq>.<leaf>.<size>.<root>.<signature>`, hashes in unpadded base64url.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{RECEIPT_PREFIX}.{}.{}.{}.{}.{}.{}",
            self.terminal_id,
            self.seq,
            URL_SAFE_NO_PAD.encode(self.leaf),
            self.tree_size,
            URL_SAFE_NO_PAD.encode(self.root),
            URL_SAFE_NO_PAD.encode(self.signature)
        )
    }
}

impl FromStr for ReceiptProof {
    type Err = ReceiptFormatError;
    fn from_str(s: &str) -> Result<Self, ReceiptFormatError> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        let [prefix, terminal_id, seq, leaf, size, root, signature] = parts.as_slice() else {
            return Err(ReceiptFormatError);
        };
        if *prefix != RECEIPT_PREFIX || !crate::domain::policy::is_slug(terminal_id) {
            return Err(ReceiptFormatError);
        }
        let bytes = |t: &str| URL_SAFE_NO_PAD.decode(t).map_err(|_| ReceiptFormatError);
        let proof = Self {
            terminal_id: (*terminal_id).to_owned(),
            seq: seq.parse().map_err(|_| ReceiptFormatError)?,
            leaf: bytes(leaf)?.try_into().map_err(|_| ReceiptFormatError)?,
            tree_size: size.parse().map_err(|_| ReceiptFormatError)?,
            root: bytes(root)?.try_into().map_err(|_| ReceiptFormatError)?,
            signature: bytes(signature)?
                .try_into()
                .map_err(|_| ReceiptFormatError)?,
        };
        if proof.seq == 0 || proof.seq > proof.tree_size {
            return Err(ReceiptFormatError);
        }
        Ok(proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof() -> ReceiptProof {
        ReceiptProof {
            terminal_id: "warung-01".into(),
            seq: 12,
            leaf: [1; 32],
            tree_size: 12,
            root: [2; 32],
            signature: [3; 64],
        }
    }

    #[test]
    fn round_trips_and_stays_short() {
        let p = proof();
        let text = p.to_string();
        assert!(text.starts_with("EWR1.warung-01.12."));
        assert_eq!(text.parse::<ReceiptProof>(), Ok(p));
        assert!(text.len() < 230, "{} characters", text.len());
    }

    #[test]
    fn garbage_is_refused() {
        let good = proof().to_string();
        let cases = [
            String::new(),
            "EWR1".into(),
            good.replacen("EWR1", "EWR2", 1),
            good.replacen(".12.", ".x.", 1),
            good.replacen("warung-01", "Warung 01", 1),
            format!("{good}.extra"),
            good[..good.len() - 3].to_owned(),
            good.replacen(".12.", ".0.", 1),
        ];
        for c in cases {
            assert_eq!(c.parse::<ReceiptProof>(), Err(ReceiptFormatError), "{c}");
        }
    }
}
