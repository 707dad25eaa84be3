//! Checking an uploaded batch, with no storage: decode it, verify the terminal's signature and
//! every entry, then decide against the stored head whether it is new, a repeat, out of order,
//! or a fork. The stores call [`decide`] inside their transaction.

use ewarong_core::protocol::{BatchUpload, FieldError, signature, unb64};
use ewarong_core::seal::batch::{BatchHeader, origin, verify_checkpoint_note};
use ewarong_core::seal::canonical::{SignedBody, decode_entry};
use ewarong_core::seal::sign::PublicKey;
use ewarong_core::seal::{Frontier, Hash32, leaf_hash};

/// The longest checkpoint note stored: a real one is about 250 bytes (origin, size, root, one
/// signature line). Anything longer is refused before its signature lines are read.
pub const MAX_CHECKPOINT_BYTES: usize = 1024;

/// The longest entry stored, in canonical bytes: a sale of a hundred lines is about 10 KiB.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// One entry of an upload, checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedEntry {
    pub seq: u64,
    pub kind: &'static str,
    pub recorded_at: String,
    /// `YYYY-MM` of `recorded_at`: the storage partition.
    pub month: String,
    pub canonical: Vec<u8>,
    pub leaf: Hash32,
    /// What the entry does to a KPM's balance: sales spend, voids give back.
    pub spend: Option<Spend>,
    /// For a release entry: the balance the terminal handed over for a move.
    pub release: Option<ReleaseFact>,
}

/// A release entry: the old home handing a KPM's balance to the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFact {
    pub move_id: u64,
    pub card: String,
    pub period: String,
    pub to_terminal: String,
    pub amount: i64,
}

/// A change to one KPM's spending in one programme period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub card: String,
    pub period: String,
    /// Rupiah: positive for a sale, negative for a void.
    pub amount: i64,
    /// For a sale, the KPM's balance as the terminal saw it before the sale.
    pub balance_before: Option<i64>,
}

/// An upload that decoded and whose header the terminal's key signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub header: BatchHeader,
    pub header_bytes: Vec<u8>,
    pub header_hash: Hash32,
    pub signature: [u8; 64],
    pub checkpoint: String,
    pub entries: Vec<PreparedEntry>,
}

/// Why an upload was refused before it reached storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("the batch header does not decode: {0}")]
    Header(String),
    #[error("the batch is for terminal {header}, but was sent as terminal {path}")]
    WrongTerminal { header: String, path: String },
    #[error("the batch header is not signed by terminal {0}'s enrolled key")]
    Signature(String),
    #[error("the batch covers seq {first}-{last} but carries {count} entries")]
    EntryCount { first: u64, last: u64, count: usize },
    #[error("entry {index} of the batch does not decode: {reason}")]
    Entry { index: usize, reason: String },
    #[error("entry {index} of the batch is seq {found}, expected {expected}")]
    EntrySeq {
        index: usize,
        found: u64,
        expected: u64,
    },
    #[error("entry seq {0} belongs to another terminal")]
    EntryTerminal(u64),
    /// The checkpoint note is too long, not signed by the terminal's key, or names another
    /// terminal or tree than the signed header.
    #[error("checkpoint: {0}")]
    Checkpoint(String),
}

/// Decodes and checks an upload for terminal `terminal_id`, whose enrolled key is `key`.
pub fn prepare(
    terminal_id: &str,
    upload: &BatchUpload,
    key: &PublicKey,
) -> Result<Prepared, Rejected> {
    let header_bytes = unb64("header", &upload.header)?;
    let header = BatchHeader::decode(&header_bytes).map_err(|e| Rejected::Header(e.0.into()))?;
    if header.terminal_id != terminal_id {
        return Err(Rejected::WrongTerminal {
            header: header.terminal_id,
            path: terminal_id.to_owned(),
        });
    }
    let sig = signature("signature", &upload.signature)?;
    if !key.verify(&header_bytes, &sig) {
        return Err(Rejected::Signature(terminal_id.to_owned()));
    }
    // The note is stored with the batch: it must be the terminal's, for this very tree.
    if upload.checkpoint.len() > MAX_CHECKPOINT_BYTES {
        return Err(Rejected::Checkpoint(format!(
            "longer than {MAX_CHECKPOINT_BYTES} bytes"
        )));
    }
    let note = verify_checkpoint_note(&upload.checkpoint, key).ok_or_else(|| {
        Rejected::Checkpoint("not a checkpoint note signed by the terminal's key".into())
    })?;
    if note.origin != origin(terminal_id)
        || note.tree_size != header.tree_size
        || note.root != header.root
    {
        return Err(Rejected::Checkpoint(format!(
            "the note names tree {} of {}, the header tree {} of {}",
            note.tree_size, note.origin, header.tree_size, terminal_id
        )));
    }
    let expected = header
        .last_seq
        .checked_sub(header.first_seq)
        .and_then(|d| d.checked_add(1));
    if header.tree_size != header.last_seq || expected != u64::try_from(upload.entries.len()).ok() {
        return Err(Rejected::EntryCount {
            first: header.first_seq,
            last: header.last_seq,
            count: upload.entries.len(),
        });
    }
    let mut entries = Vec::with_capacity(upload.entries.len());
    for (index, text) in upload.entries.iter().enumerate() {
        // Base64 of MAX_ENTRY_BYTES is at most this long: refuse before decoding.
        if text.len() > MAX_ENTRY_BYTES.div_ceil(3).saturating_mul(4) {
            return Err(Rejected::Entry {
                index,
                reason: format!("longer than {MAX_ENTRY_BYTES} bytes"),
            });
        }
        let canonical = unb64(&format!("entries[{index}]"), text)?;
        if canonical.len() > MAX_ENTRY_BYTES {
            return Err(Rejected::Entry {
                index,
                reason: format!("longer than {MAX_ENTRY_BYTES} bytes"),
            });
        }
        let signed = decode_entry(&canonical).map_err(|e| Rejected::Entry {
            index,
            reason: e.0.into(),
        })?;
        let want = header.first_seq.saturating_add(index as u64);
        if signed.seq != want {
            return Err(Rejected::EntrySeq {
                index,
                found: signed.seq,
                expected: want,
            });
        }
        if signed.terminal_id != terminal_id {
            return Err(Rejected::EntryTerminal(signed.seq));
        }
        let spend = match &signed.body {
            SignedBody::Sale {
                card,
                period,
                total,
                balance_before,
                ..
            } => Some(Spend {
                card: card.clone(),
                period: period.clone(),
                amount: *total,
                balance_before: Some(*balance_before),
            }),
            SignedBody::Void {
                card,
                period,
                amount,
                ..
            } => Some(Spend {
                card: card.clone(),
                period: period.clone(),
                amount: amount.checked_neg().unwrap_or(i64::MIN.saturating_add(1)),
                balance_before: None,
            }),
            _ => None,
        };
        let release = match &signed.body {
            SignedBody::Release {
                card,
                period,
                move_id,
                to_terminal,
                amount,
            } => Some(ReleaseFact {
                move_id: *move_id,
                card: card.clone(),
                period: period.clone(),
                to_terminal: to_terminal.clone(),
                amount: *amount,
            }),
            _ => None,
        };
        let month = signed.recorded_at.get(..7).unwrap_or("0000-00").to_owned();
        entries.push(PreparedEntry {
            seq: signed.seq,
            kind: signed.kind.as_str(),
            leaf: leaf_hash(&canonical),
            recorded_at: signed.recorded_at,
            month,
            canonical,
            spend,
            release,
        });
    }
    Ok(Prepared {
        header_hash: header_hash(&header_bytes),
        header,
        header_bytes,
        signature: sig,
        checkpoint: upload.checkpoint.clone(),
        entries,
    })
}

impl Prepared {
    /// The upload as received, rebuilt from what was checked: kept whole when it is a fork.
    /// Built only then, so the usual path does not pay for it.
    pub fn evidence(&self) -> String {
        use ewarong_core::protocol::b64;
        let upload = BatchUpload {
            header: b64(&self.header_bytes),
            signature: b64(&self.signature),
            checkpoint: self.checkpoint.clone(),
            entries: self.entries.iter().map(|e| b64(&e.canonical)).collect(),
        };
        serde_json::to_string(&upload).unwrap_or_default()
    }
}

fn header_hash(bytes: &[u8]) -> Hash32 {
    ewarong_core::seal::hash::sha256(bytes)
}

/// What the hub holds for one terminal: the end of its accepted history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredHead {
    pub last_seq: u64,
    pub last_batch_seq: u64,
    pub last_header_hash: Hash32,
    pub frontier: Frontier,
}

/// What to do with a prepared batch, given the head and any batch already stored at its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The next batch, consistent with everything before it: store it; the head moves here.
    Store(StoredHead),
    /// Exactly this batch is already stored: answer with the stored receipt.
    Duplicate,
    /// Signed by the terminal, but it contradicts what is stored: keep it as evidence.
    Fork(String),
    /// A later batch arrived before the ones between: the terminal must send those first.
    OutOfOrder,
    /// The entries do not make the root the terminal signed: damaged on the way, not a fork.
    RootMismatch,
}

/// Decides, against `head` and the hash of the batch already stored at this batch number.
pub fn decide(head: &StoredHead, stored_at_same_seq: Option<Hash32>, p: &Prepared) -> Decision {
    let h = &p.header;
    if h.batch_seq <= head.last_batch_seq {
        return match stored_at_same_seq {
            Some(stored) if stored == p.header_hash => Decision::Duplicate,
            _ => Decision::Fork(format!(
                "batch {} is already stored with a different header",
                h.batch_seq
            )),
        };
    }
    if h.batch_seq != head.last_batch_seq.saturating_add(1) {
        return Decision::OutOfOrder;
    }
    if h.first_seq != head.last_seq.saturating_add(1) {
        return Decision::Fork(format!(
            "batch {} starts at seq {}, but the hub holds entries up to {}",
            h.batch_seq, h.first_seq, head.last_seq
        ));
    }
    if h.prev_header_hash != head.last_header_hash {
        return Decision::Fork(format!(
            "batch {} does not follow the last stored batch header",
            h.batch_seq
        ));
    }
    let mut frontier = head.frontier.clone();
    for e in &p.entries {
        frontier.append(e.leaf);
    }
    if frontier.size() != h.tree_size || frontier.root() != h.root {
        return Decision::RootMismatch;
    }
    Decision::Store(StoredHead {
        last_seq: h.last_seq,
        last_batch_seq: h.batch_seq,
        last_header_hash: p.header_hash,
        frontier,
    })
}
