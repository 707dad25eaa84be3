//! Batch headers and C2SP signed-note checkpoints: the bytes a terminal signs, and their checks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::hash::Hash32;
use super::sign::PublicKey;

/// Magic bytes that open a batch header.
pub const BATCH_MAGIC: &[u8; 3] = b"EWB";
/// Version of the batch header encoding.
pub const BATCH_FORMAT_VERSION: u8 = 1;

/// What a sealed batch commits to. Its canonical bytes are what the terminal signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchHeader {
    pub terminal_id: String,
    pub batch_seq: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// Leaves in the tree when sealed: equal to `last_seq`.
    pub tree_size: u64,
    pub root: Hash32,
    /// SHA-256 of the previous batch's header bytes; 32 zero bytes for the first batch.
    pub prev_header_hash: Hash32,
    /// RFC 3339 with the terminal's UTC offset.
    pub sealed_at: String,
    pub policy_version: u64,
    pub catalogue_version: u64,
    pub roster_version: u64,
}

impl BatchHeader {
    /// The canonical bytes: see docs/ledger-format.md, "Batch header".
    pub fn canonical(&self) -> Vec<u8> {
        let mut w = super::Writer::default();
        for b in BATCH_MAGIC {
            w.u8(*b);
        }
        w.u8(BATCH_FORMAT_VERSION)
            .str(&self.terminal_id)
            .u64(self.batch_seq)
            .u64(self.first_seq)
            .u64(self.last_seq)
            .u64(self.tree_size)
            .bytes32(&self.root)
            .bytes32(&self.prev_header_hash)
            .str(&self.sealed_at)
            .u64(self.policy_version)
            .u64(self.catalogue_version)
            .u64(self.roster_version);
        w.finish()
    }

    /// Reads canonical header bytes back; trailing bytes or another magic or version are refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, super::canonical::DecodeError> {
        let mut r = super::canonical::Reader::new(bytes);
        let magic = [r.u8()?, r.u8()?, r.u8()?];
        if &magic != BATCH_MAGIC {
            return Err(super::canonical::DecodeError("batch magic"));
        }
        if r.u8()? != BATCH_FORMAT_VERSION {
            return Err(super::canonical::DecodeError("batch format version"));
        }
        let header = BatchHeader {
            terminal_id: r.str()?,
            batch_seq: r.u64()?,
            first_seq: r.u64()?,
            last_seq: r.u64()?,
            tree_size: r.u64()?,
            root: r.bytes32()?,
            prev_header_hash: r.bytes32()?,
            sealed_at: r.str()?,
            policy_version: r.u64()?,
            catalogue_version: r.u64()?,
            roster_version: r.u64()?,
        };
        if !r.is_empty() {
            return Err(super::canonical::DecodeError(
                "trailing bytes after the batch header",
            ));
        }
        Ok(header)
    }

    /// SHA-256 of the canonical bytes; the next batch points back to it.
    pub fn hash(&self) -> Hash32 {
        Sha256::digest(self.canonical()).into()
    }
}

/// The checkpoint origin (and note key name) of a terminal: `ewarong/<terminal-id>`.
pub fn origin(terminal_id: &str) -> String {
    format!("ewarong/{terminal_id}")
}

/// The checkpoint text (c2sp.org/tlog-checkpoint): origin, tree size, base64 root, each on a line.
pub fn checkpoint_text(terminal_id: &str, tree_size: u64, root: &Hash32) -> String {
    format!(
        "{}\n{tree_size}\n{}\n",
        origin(terminal_id),
        STANDARD.encode(root)
    )
}

/// The C2SP signed-note key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
pub fn note_key_id(name: &str, key: &PublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(key.to_bytes());
    let d: [u8; 32] = h.finalize().into();
    [d[0], d[1], d[2], d[3]]
}

/// A signed note: the checkpoint text, a blank line, and one signature line.
pub fn signed_note(text: &str, name: &str, key: &PublicKey, signature: &[u8; 64]) -> String {
    let mut sig = Vec::with_capacity(68);
    sig.extend_from_slice(&note_key_id(name, key));
    sig.extend_from_slice(signature);
    format!("{text}\n\u{2014} {name} {}\n", STANDARD.encode(sig))
}

/// The verifier key string other transparency tools take: `<name>+<key id hex>+<base64(0x01 ‖ key)>`.
pub fn note_verifier_key(name: &str, key: &PublicKey) -> String {
    let mut raw = vec![0x01];
    raw.extend_from_slice(&key.to_bytes());
    format!(
        "{name}+{}+{}",
        super::hash::hex(&note_key_id(name, key)),
        STANDARD.encode(raw)
    )
}

/// The parts of a checkpoint note whose signature by `key` verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    pub origin: String,
    pub tree_size: u64,
    pub root: Hash32,
}

/// Verifies a signed checkpoint note against `key` under the note name `origin`.
pub fn verify_checkpoint_note(note: &str, key: &PublicKey) -> Option<VerifiedCheckpoint> {
    let (text, sigs) = note.split_once("\n\n")?;
    let text = format!("{text}\n");
    let mut lines = text.lines();
    let origin = lines.next()?.to_owned();
    let tree_size: u64 = lines.next()?.parse().ok()?;
    let root: Hash32 = STANDARD.decode(lines.next()?).ok()?.try_into().ok()?;
    let want_id = note_key_id(&origin, key);
    let verified = sigs.lines().any(|line| {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            return false;
        };
        let Some((name, sig)) = rest.split_once(' ') else {
            return false;
        };
        let Ok(sig) = STANDARD.decode(sig) else {
            return false;
        };
        let Some((id, sig)) = sig.split_first_chunk::<4>() else {
            return false;
        };
        let Ok(sig) = <[u8; 64]>::try_from(sig) else {
            return false;
        };
        name == origin && *id == want_id && key.verify(text.as_bytes(), &sig)
    });
    verified.then_some(VerifiedCheckpoint {
        origin,
        tree_size,
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> BatchHeader {
        BatchHeader {
            terminal_id: "t1".into(),
            batch_seq: 1,
            first_seq: 1,
            last_seq: 50,
            tree_size: 50,
            root: [7; 32],
            prev_header_hash: [0; 32],
            sealed_at: "2026-11-03T17:00:00+09:00".into(),
            policy_version: 1,
            catalogue_version: 2,
            roster_version: 3,
        }
    }

    #[test]
    fn header_decodes_back_and_refuses_trailing_or_short_bytes() {
        let b = header().canonical();
        assert_eq!(BatchHeader::decode(&b), Ok(header()));
        let mut long = b.clone();
        long.push(0);
        assert!(BatchHeader::decode(&long).is_err());
        assert!(BatchHeader::decode(&b[..b.len() - 1]).is_err());
        let mut other = b;
        other[3] = 2;
        assert_eq!(
            BatchHeader::decode(&other),
            Err(crate::seal::canonical::DecodeError("batch format version"))
        );
    }

    #[test]
    fn header_bytes_are_fixed_order() {
        let b = header().canonical();
        assert_eq!(&b[..4], b"EWB\x01");
        assert_eq!(b.len(), 4 + 4 + 2 + 8 * 4 + 32 * 2 + 4 + 25 + 8 * 3);
        let mut changed = header();
        changed.roster_version = 4;
        assert_ne!(changed.hash(), header().hash());
    }

    #[test]
    fn checkpoint_text_is_the_tlog_format() {
        assert_eq!(
            checkpoint_text("warung-01", 3, &[0; 32]),
            "ewarong/warung-01\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        );
    }
}
