//! The receipt code a struk carries (its QR code), checkable offline with the terminal's public key.
//!
//! `EWR2` (written now) carries the sale itself, as signed: terminal, seq, time, the card's last
//! four digits, total, balance before, and each line's product, quantity and amount, with the
//! terminal's signature over exactly that text. `EWR1` (older receipts) carries the entry's leaf
//! hash and the signed tree head after it; with the key alone it proves only the tree head.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::batch::checkpoint_text;
use super::hash::Hash32;
use super::sign::PublicKey;

/// Opens a version 1 receipt payload (tree head only).
pub const RECEIPT_PREFIX: &str = "EWR1";
/// Opens a version 2 receipt payload (the sale as signed).
pub const SALE_RECEIPT_PREFIX: &str = "EWR2";
/// Put before the code's text in the signed message, so a receipt signature can never be taken
/// for a checkpoint or batch signature, nor the other way round.
pub const SALE_RECEIPT_DOMAIN: &str = "ewarong-receipt/v2\n";

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

/// One line of a sale as an `EWR2` code carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub product_id: String,
    /// Thousandths of the product's unit.
    pub quantity_milli: i64,
    /// Rupiah.
    pub line_total: i64,
}

/// An `EWR2` receipt code: the sale as the terminal signed it for the KPM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleReceipt {
    pub terminal_id: String,
    pub seq: u64,
    /// RFC 3339, as in the entry.
    pub recorded_at: String,
    /// The card number's last four digits.
    pub card_last4: String,
    /// Rupiah.
    pub total: i64,
    /// Rupiah.
    pub balance_before: i64,
    /// In the entry's signed order.
    pub lines: Vec<ReceiptLine>,
    pub signature: [u8; 64],
}

impl SaleReceipt {
    /// The receipt of a signed sale entry, signed by `sign`; `None` when the entry is no sale.
    pub fn of_entry(
        entry: &super::canonical::SignedEntry,
        sign: impl FnOnce(&[u8]) -> [u8; 64],
    ) -> Option<Self> {
        let super::canonical::SignedBody::Sale {
            card,
            lines,
            total,
            balance_before,
            ..
        } = &entry.body
        else {
            return None;
        };
        let mut receipt = Self {
            terminal_id: entry.terminal_id.clone(),
            seq: entry.seq,
            recorded_at: entry.recorded_at.clone(),
            card_last4: card
                .get(card.len().saturating_sub(4)..)
                .unwrap_or(card)
                .to_owned(),
            total: *total,
            balance_before: *balance_before,
            lines: lines
                .iter()
                .map(|l| ReceiptLine {
                    product_id: l.product_id.clone(),
                    quantity_milli: l.quantity_milli,
                    line_total: l.line_total,
                })
                .collect(),
            signature: [0; 64],
        };
        receipt.signature = sign(&receipt.signed_message());
        Some(receipt)
    }

    /// The code without its signature: `EWR2.<terminal>.<seq>.<time>.<card4>.<total>.<before>.<lines>`.
    pub fn body(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{}:{}:{}", l.product_id, l.quantity_milli, l.line_total))
            .collect();
        format!(
            "{SALE_RECEIPT_PREFIX}.{}.{}.{}.{}.{}.{}.{}",
            self.terminal_id,
            self.seq,
            self.recorded_at,
            self.card_last4,
            self.total,
            self.balance_before,
            lines.join(",")
        )
    }

    /// What the signature covers: [`SALE_RECEIPT_DOMAIN`] followed by [`SaleReceipt::body`].
    pub fn signed_message(&self) -> Vec<u8> {
        format!("{SALE_RECEIPT_DOMAIN}{}", self.body()).into_bytes()
    }

    /// True when the signature is `key`'s over this receipt's text.
    pub fn signature_valid(&self, key: &PublicKey) -> bool {
        key.verify(&self.signed_message(), &self.signature)
    }

    /// True when `entry` is the sale this receipt describes, field for field.
    pub fn describes(&self, entry: &super::canonical::SignedEntry) -> bool {
        Self::of_entry(entry, |_| self.signature).as_ref() == Some(self)
    }
}

impl fmt::Display for SaleReceipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            self.body(),
            URL_SAFE_NO_PAD.encode(self.signature)
        )
    }
}

impl FromStr for SaleReceipt {
    type Err = ReceiptFormatError;
    fn from_str(s: &str) -> Result<Self, ReceiptFormatError> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        let [
            prefix,
            terminal_id,
            seq,
            at,
            card4,
            total,
            before,
            lines,
            signature,
        ] = parts.as_slice()
        else {
            return Err(ReceiptFormatError);
        };
        let number = |t: &str| t.parse::<i64>().ok().filter(|v| *v >= 0);
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if *prefix != SALE_RECEIPT_PREFIX
            || !crate::domain::policy::is_slug(terminal_id)
            || card4.len() != 4
            || !digits(card4)
            || chrono::DateTime::parse_from_rfc3339(at).is_err()
        {
            return Err(ReceiptFormatError);
        }
        let lines = lines
            .split(',')
            .map(|line| {
                let [product, qty, amount] = line.split(':').collect::<Vec<_>>()[..] else {
                    return Err(ReceiptFormatError);
                };
                if !crate::domain::policy::is_slug(product) || !digits(qty) || !digits(amount) {
                    return Err(ReceiptFormatError);
                }
                Ok(ReceiptLine {
                    product_id: product.to_owned(),
                    quantity_milli: number(qty).ok_or(ReceiptFormatError)?,
                    line_total: number(amount).ok_or(ReceiptFormatError)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let receipt = Self {
            terminal_id: (*terminal_id).to_owned(),
            seq: seq
                .parse()
                .ok()
                .filter(|s| *s > 0 && digits(seq))
                .ok_or(ReceiptFormatError)?,
            recorded_at: (*at).to_owned(),
            card_last4: (*card4).to_owned(),
            total: number(total)
                .filter(|_| digits(total))
                .ok_or(ReceiptFormatError)?,
            balance_before: number(before)
                .filter(|_| digits(before))
                .ok_or(ReceiptFormatError)?,
            lines,
            signature: URL_SAFE_NO_PAD
                .decode(signature)
                .map_err(|_| ReceiptFormatError)?
                .try_into()
                .map_err(|_| ReceiptFormatError)?,
        };
        // One text, one code: a code that parses prints back to the same characters.
        if receipt.to_string() != s.trim() {
            return Err(ReceiptFormatError);
        }
        Ok(receipt)
    }
}

/// Any receipt code a struk may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptCode {
    /// `EWR1`: the tree head after the sale.
    Checkpoint(ReceiptProof),
    /// `EWR2`: the sale itself.
    Sale(SaleReceipt),
}

impl ReceiptCode {
    pub fn terminal_id(&self) -> &str {
        match self {
            Self::Checkpoint(p) => &p.terminal_id,
            Self::Sale(r) => &r.terminal_id,
        }
    }

    pub fn seq(&self) -> u64 {
        match self {
            Self::Checkpoint(p) => p.seq,
            Self::Sale(r) => r.seq,
        }
    }

    pub fn signature_valid(&self, key: &PublicKey) -> bool {
        match self {
            Self::Checkpoint(p) => p.signature_valid(key),
            Self::Sale(r) => r.signature_valid(key),
        }
    }
}

impl FromStr for ReceiptCode {
    type Err = ReceiptFormatError;
    fn from_str(s: &str) -> Result<Self, ReceiptFormatError> {
        if s.trim().starts_with(SALE_RECEIPT_PREFIX) {
            s.parse().map(Self::Sale)
        } else {
            s.parse().map(Self::Checkpoint)
        }
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

    fn signer() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7; 32])
    }

    fn sale(lines: usize) -> SaleReceipt {
        use ed25519_dalek::Signer;
        let mut r = SaleReceipt {
            terminal_id: "warung-jayapura-01".into(),
            seq: 123_456,
            recorded_at: "2026-11-03T09:15:00+09:00".into(),
            card_last4: "0010".into(),
            total: 0,
            balance_before: 400_000,
            lines: (0..lines)
                .map(|i| ReceiptLine {
                    product_id: format!("minyak-goreng-{i}"),
                    quantity_milli: 2500,
                    line_total: 37_500,
                })
                .collect(),
            signature: [0; 64],
        };
        r.total = r.lines.iter().map(|l| l.line_total).sum();
        r.signature = signer().sign(&r.signed_message()).to_bytes();
        r
    }

    #[test]
    fn a_sale_receipt_round_trips_and_its_signature_covers_every_field() {
        let key = PublicKey::from_dalek(signer().verifying_key());
        let r = sale(3);
        let text = r.to_string();
        assert!(text.starts_with("EWR2.warung-jayapura-01.123456.2026-11-03T09:15:00+09:00.0010.112500.400000.minyak-goreng-0:2500:37500,"));
        assert_eq!(text.parse::<SaleReceipt>(), Ok(r.clone()));
        assert_eq!(
            text.parse::<ReceiptCode>(),
            Ok(ReceiptCode::Sale(r.clone()))
        );
        assert!(r.signature_valid(&key));
        // Any field changed, the signature no longer holds.
        let changes: [fn(&mut SaleReceipt); 8] = [
            |r| r.terminal_id = "warung-lain-01".into(),
            |r| r.seq += 1,
            |r| r.recorded_at = "2026-11-04T09:15:00+09:00".into(),
            |r| r.card_last4 = "0028".into(),
            |r| r.total += 1,
            |r| r.balance_before += 1,
            |r| r.lines[1].quantity_milli += 1,
            |r| r.lines.swap(0, 1),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut forged = sale(3);
            forged.lines[0].product_id = "beras-medium".into();
            forged.signature = r.signature;
            change(&mut forged);
            assert!(!forged.signature_valid(&key), "change {i}");
        }
        // A checkpoint signature over the same text is not a receipt signature.
        use ed25519_dalek::Signer;
        let mut bare = r.clone();
        bare.signature = signer().sign(r.body().as_bytes()).to_bytes();
        assert!(!bare.signature_valid(&key));
    }

    #[test]
    fn garbage_is_not_a_sale_receipt() {
        let good = sale(2).to_string();
        let cases = [
            good.replacen("EWR2", "EWR3", 1),
            good.replacen(".0010.", ".010.", 1),
            good.replacen(".0010.", ".00x0.", 1),
            good.replacen(".123456.", ".0.", 1),
            good.replacen(".123456.", ".+5.", 1),
            good.replacen(".75000.", ".-75000.", 1),
            good.replacen(".75000.", ".075000.", 1),
            good.replacen(":2500:", "::", 1),
            good.replacen(":2500:", ":2500:1:", 1),
            good.replacen("2026-11-03T09:15:00+09:00", "kemarin", 1),
            good.replacen("minyak-goreng-0", "Minyak Goreng", 1),
            format!("{good}.extra"),
            good[..good.len() - 3].to_owned(),
        ];
        for c in cases {
            assert_eq!(c.parse::<SaleReceipt>(), Err(ReceiptFormatError), "{c}");
        }
    }
}
