//! Sync over weak links (`docs/sync.md`, "Weak links"): the features a hub announces, the
//! compact binary bundle of batches, compressed bodies, reference documents as line deltas, and large
//! documents in hashed pages. Pure functions; the hub and the terminal both build on them.

use serde::{Deserialize, Serialize};

use crate::protocol::{ApiError, BatchUpload, FieldError, HubReceipt, b64, unb64};
/// The message types of deltas and pages live with the other messages.
pub use crate::protocol::{Delta, LineOp, Pages};
use crate::seal::hex;

/// Request bodies may be compressed (`Content-Encoding: deflate`, the zlib format).
pub const DEFLATE: &str = "deflate";
/// `POST …/batches` takes several batches in one binary body ([`BUNDLE_TYPE`]).
pub const BUNDLE: &str = "bundle";
/// `GET …/receipts?from=N` returns receipts already issued.
pub const RECEIPTS: &str = "receipts";
/// `GET …/updates?delta=1` may answer with line deltas.
pub const DELTA: &str = "delta";
/// `GET …/updates?pages=1` may answer a large document with its page hashes, fetched from
/// `GET …/documents/{kind}/{version}?from=K&count=C`.
pub const PAGES: &str = "pages";
/// Everything this build's hub announces in `head`.
pub const FEATURES: &[&str] = &[DEFLATE, BUNDLE, RECEIPTS, DELTA, PAGES];

/// The media type of a bundle of batches.
pub const BUNDLE_TYPE: &str = "application/vnd.ewarong.batches";
/// The first bytes of a bundle: "EWB" and its version.
pub const BUNDLE_MAGIC: [u8; 4] = *b"EWB\x01";
/// At most this many batches in one bundle.
pub const MAX_BUNDLE_BATCHES: usize = 64;
/// Receipts returned by one `GET …/receipts`.
pub const MAX_RECEIPTS: usize = 256;
/// A whole document larger than this goes in pages to a terminal that can take them.
pub const PAGED_ABOVE: usize = 256 * 1024;
/// The size of a page; the last page is shorter.
pub const PAGE_BYTES: usize = 64 * 1024;
/// At most this many pages in one `GET …/documents/…`.
pub const MAX_PAGES_PER_REQUEST: u64 = 64;

/// Several sealed batches in one body: [`BUNDLE_MAGIC`], `u32` count, then per batch the header
/// (`u32` length and bytes), the 64-byte signature, the checkpoint note (`u32` length and
/// UTF-8), and the entries (`u32` count, then `u32` length and canonical bytes each). All
/// integers big-endian, as in the ledger format.
pub fn encode_bundle(batches: &[BatchUpload]) -> Result<Vec<u8>, FieldError> {
    if batches.len() > MAX_BUNDLE_BATCHES {
        return Err(FieldError::new("bundle", "holds at most 64 batches"));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&BUNDLE_MAGIC);
    put_len(&mut out, batches.len(), "bundle")?;
    for (i, b) in batches.iter().enumerate() {
        let field = |f: &str| format!("batches[{i}].{f}");
        put_bytes(&mut out, &unb64(&field("header"), &b.header)?, "header")?;
        let sig = crate::protocol::signature(&field("signature"), &b.signature)?;
        out.extend_from_slice(&sig);
        put_bytes(&mut out, b.checkpoint.as_bytes(), "checkpoint")?;
        put_len(&mut out, b.entries.len(), "entries")?;
        for (j, e) in b.entries.iter().enumerate() {
            put_bytes(
                &mut out,
                &unb64(&field(&format!("entries[{j}]")), e)?,
                "entry",
            )?;
        }
    }
    Ok(out)
}

/// A bundle back into batches, checked byte by byte: the error names the batch and field.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<BatchUpload>, FieldError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4, "bundle")? != BUNDLE_MAGIC {
        return Err(FieldError::new(
            "bundle",
            "must start with EWB and version 1",
        ));
    }
    let count = r.u32("bundle")? as usize;
    if count == 0 || count > MAX_BUNDLE_BATCHES {
        return Err(FieldError::new("bundle", "must hold 1 to 64 batches"));
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let field = |f: &str| format!("batches[{i}].{f}");
        let header = r.sized(&field("header"))?;
        let signature = r.take(64, &field("signature"))?;
        let checkpoint = std::str::from_utf8(r.sized(&field("checkpoint"))?)
            .map_err(|_| FieldError::new(field("checkpoint"), "must be UTF-8"))?;
        let n = r.u32(&field("entries"))? as usize;
        // Each entry takes at least its 4-byte length: a count the body cannot hold is a lie.
        if n > r.left() / 4 {
            return Err(FieldError::new(
                field("entries"),
                "counts more entries than the body holds",
            ));
        }
        let mut entries = Vec::with_capacity(n);
        for j in 0..n {
            entries.push(b64(r.sized(&field(&format!("entries[{j}]")))?));
        }
        out.push(BatchUpload {
            header: b64(header),
            signature: b64(signature),
            checkpoint: checkpoint.to_owned(),
            entries,
        });
    }
    if r.left() != 0 {
        return Err(FieldError::new("bundle", "has bytes after its last batch"));
    }
    Ok(out)
}

fn put_len(out: &mut Vec<u8>, n: usize, field: &str) -> Result<(), FieldError> {
    let n = u32::try_from(n).map_err(|_| FieldError::new(field, "is too long"))?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8], field: &str) -> Result<(), FieldError> {
    put_len(out, bytes.len(), field)?;
    out.extend_from_slice(bytes);
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], FieldError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| FieldError::new(field, "ends before its bytes do"))?;
        let out = self.bytes.get(self.at..end).unwrap_or_default();
        self.at = end;
        Ok(out)
    }
    fn u32(&mut self, field: &str) -> Result<u32, FieldError> {
        let b = self.take(4, field)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_be_bytes(a))
    }
    fn sized(&mut self, field: &str) -> Result<&'a [u8], FieldError> {
        let n = self.u32(field)? as usize;
        self.take(n, field)
    }
}

/// The hub's answer to a bundle: the receipts of the batches it took, in order, and, if it
/// stopped before the end, why (with the HTTP status that batch alone would have had).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleAnswer {
    pub receipts: Vec<HubReceipt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// `GET …/receipts?from=N`: receipts the hub issued for batches from `N` on, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Receipts {
    pub receipts: Vec<HubReceipt>,
}

/// `bytes` compressed as `Content-Encoding: deflate` (the zlib format, RFC 1950).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let mut c = Compress::new(Compression::default(), true);
    let mut out = Vec::with_capacity(bytes.len().saturating_div(2).saturating_add(64));
    loop {
        let done = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
        let rest = bytes.get(done..).unwrap_or_default();
        match c.compress_vec(rest, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return out,
            // Out of room: the compressor writes only into spare capacity.
            Ok(_) => out.reserve(out.capacity().max(1024)),
            // Compressing bytes in memory has no failure but a bug; send them as they are.
            Err(_) => return Vec::new(),
        }
    }
}

/// A `deflate` body back to its bytes, refusing more than `limit` bytes once decompressed (a
/// small body must not unpack into gigabytes).
pub fn inflate(bytes: &[u8], limit: usize) -> Result<Vec<u8>, FieldError> {
    use flate2::{Decompress, FlushDecompress, Status};
    let bad = || FieldError::new("body", "is not valid deflate (zlib) data");
    let too_large = || FieldError::new("body", "is too large once decompressed");
    let mut d = Decompress::new(true);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit).max(64));
    loop {
        let done = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let rest = bytes.get(done..).unwrap_or_default();
        let before = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|_| bad())?;
        if out.len() > limit {
            return Err(too_large());
        }
        if status == Status::StreamEnd {
            return Ok(out);
        }
        if out.len() == out.capacity() {
            if out.capacity() > limit {
                return Err(too_large());
            }
            out.reserve(out.capacity().min(limit.saturating_add(1)));
        } else if (d.total_in(), d.total_out()) == before {
            // No progress with room to write: the stream ends before its end.
            return Err(bad());
        }
    }
}

/// A document's lines, each with its `\n` (the last may have none): what deltas count in.
pub fn lines(document: &str) -> Vec<&str> {
    document.split_inclusive('\n').collect()
}

/// Why a delta could not be applied: the terminal then asks for the whole document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    #[error("the delta is from version {want} ({want_sha}), the terminal holds {have}")]
    Base {
        want: u64,
        want_sha: String,
        have: String,
    },
    #[error("the delta's steps run past the base document's {0} lines")]
    Overrun(usize),
    #[error("the delta leaves {0} lines of the base unaccounted for")]
    Underrun(usize),
}

impl Delta {
    /// The delta that turns `old` into `new`, as steps of `Keep`, `Drop` and `Add` from
    /// `changes`: (index in old, count dropped, lines added), in order.
    pub fn from_changes(
        base_version: u64,
        old: &str,
        changes: &[(usize, usize, Vec<String>)],
    ) -> Self {
        let total = lines(old).len();
        let mut ops = Vec::new();
        let mut at = 0usize;
        for (index, dropped, added) in changes {
            if *index > at {
                ops.push(LineOp::Keep(index.saturating_sub(at) as u64));
            }
            if *dropped > 0 {
                ops.push(LineOp::Drop(*dropped as u64));
            }
            if !added.is_empty() {
                ops.push(LineOp::Add(added.clone()));
            }
            at = index.saturating_add(*dropped).max(at);
        }
        if total > at {
            ops.push(LineOp::Keep(total.saturating_sub(at) as u64));
        }
        Self {
            base_version,
            base_sha256: hex(&crate::seal::hash::sha256(old.as_bytes())),
            ops,
        }
    }

    /// The document this delta makes of `base` (version `base_version`), checked to be the
    /// base it was made from. The caller checks the result against the signed hash.
    pub fn apply(&self, base_version: u64, base: &str) -> Result<String, DeltaError> {
        let have = hex(&crate::seal::hash::sha256(base.as_bytes()));
        if base_version != self.base_version || have != self.base_sha256 {
            return Err(DeltaError::Base {
                want: self.base_version,
                want_sha: self.base_sha256.clone(),
                have: format!("version {base_version} ({have})"),
            });
        }
        let old = lines(base);
        let mut out = String::with_capacity(base.len());
        let mut at = 0usize;
        for op in &self.ops {
            match op {
                LineOp::Keep(n) | LineOp::Drop(n) => {
                    let n = usize::try_from(*n).map_err(|_| DeltaError::Overrun(old.len()))?;
                    let end = at
                        .checked_add(n)
                        .filter(|&e| e <= old.len())
                        .ok_or(DeltaError::Overrun(old.len()))?;
                    if matches!(op, LineOp::Keep(_)) {
                        for l in old.get(at..end).unwrap_or_default() {
                            out.push_str(l);
                        }
                    }
                    at = end;
                }
                LineOp::Add(added) => {
                    for l in added {
                        out.push_str(l);
                    }
                }
            }
        }
        if at != old.len() {
            return Err(DeltaError::Underrun(old.len().saturating_sub(at)));
        }
        Ok(out)
    }

    /// Roughly how many bytes the delta carries (the lines it adds): to choose between it and
    /// the whole document.
    pub fn added_bytes(&self) -> usize {
        self.ops
            .iter()
            .map(|op| match op {
                LineOp::Add(l) => l.iter().map(String::len).sum(),
                _ => 8,
            })
            .sum()
    }
}

impl Pages {
    /// The pages of `document`.
    pub fn of(document: &[u8]) -> Self {
        Self {
            size: PAGE_BYTES as u64,
            length: document.len() as u64,
            hashes: document
                .chunks(PAGE_BYTES)
                .map(|c| hex(&crate::seal::hash::sha256(c)))
                .collect(),
        }
    }

    /// The byte length of page `n`, or `None` past the end.
    pub fn page_len(&self, n: u64) -> Option<u64> {
        let start = n.checked_mul(self.size)?;
        (start < self.length).then(|| self.length.saturating_sub(start).min(self.size))
    }

    /// Pages `from..from+count` of `document`, joined: the body of `GET …/documents/…`.
    pub fn slice(document: &[u8], from: u64, count: u64) -> Option<&[u8]> {
        let start = usize::try_from(from.checked_mul(PAGE_BYTES as u64)?).ok()?;
        if start >= document.len() {
            return None;
        }
        let len = usize::try_from(count.checked_mul(PAGE_BYTES as u64)?).ok()?;
        let end = start.saturating_add(len).min(document.len());
        document.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(n: usize) -> BatchUpload {
        BatchUpload {
            header: b64(b"header bytes"),
            signature: b64(&[7u8; 64]),
            checkpoint: "ewarong/t-01\n3\nroot\n\n— t-01 sig\n".into(),
            entries: (0..n)
                .map(|i| b64(format!("entry {i}").as_bytes()))
                .collect(),
        }
    }

    #[test]
    fn a_bundle_round_trips_and_refuses_every_malformed_byte() {
        let batches = vec![batch(3), batch(0), batch(1)];
        let bytes = encode_bundle(&batches).unwrap();
        assert_eq!(decode_bundle(&bytes).unwrap(), batches);
        // Every truncation is refused with the field it stopped in, never a panic.
        for cut in 0..bytes.len() {
            assert!(decode_bundle(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert_eq!(
            decode_bundle(&extra).unwrap_err().rule,
            "has bytes after its last batch"
        );
        let mut magic = bytes.clone();
        magic[3] = 2;
        assert_eq!(decode_bundle(&magic).unwrap_err().field, "bundle");
        // A count of entries no body could hold is refused before anything is allocated.
        let mut lie = BUNDLE_MAGIC.to_vec();
        lie.extend_from_slice(&1u32.to_be_bytes());
        lie.extend_from_slice(&0u32.to_be_bytes());
        lie.extend_from_slice(&[0u8; 64]);
        lie.extend_from_slice(&0u32.to_be_bytes());
        lie.extend_from_slice(&u32::MAX.to_be_bytes());
        let e = decode_bundle(&lie).unwrap_err();
        assert_eq!(e.field, "batches[0].entries");
        let too_many: Vec<_> = (0..65).map(|_| batch(0)).collect();
        assert!(encode_bundle(&too_many).is_err());
        let mut bad = batches[0].clone();
        bad.signature = b64(&[1u8; 10]);
        assert_eq!(
            encode_bundle(&[bad]).unwrap_err().field,
            "batches[0].signature"
        );
    }

    #[test]
    fn deflate_round_trips_and_a_bomb_or_a_cut_stream_is_refused() {
        let text = "6032980000000010,Rosalina\n".repeat(1000);
        let packed = deflate(text.as_bytes());
        assert!(packed.len() < text.len() / 10);
        assert_eq!(inflate(&packed, text.len()).unwrap(), text.as_bytes());
        assert_eq!(
            inflate(&packed, text.len() - 1).unwrap_err().rule,
            "is too large once decompressed"
        );
        let bomb = deflate(&vec![0u8; 50 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024);
        assert_eq!(
            inflate(&bomb, 4 * 1024 * 1024).unwrap_err().rule,
            "is too large once decompressed"
        );
        for bad in [&b"not deflate"[..], &packed[..packed.len() / 2], &[][..]] {
            assert_eq!(
                inflate(bad, 1 << 20).unwrap_err().rule,
                "is not valid deflate (zlib) data"
            );
        }
        assert_eq!(inflate(&deflate(b""), 10).unwrap(), b"");
        let random: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(inflate(&deflate(&random), random.len()).unwrap(), random);
    }

    #[test]
    fn a_delta_rebuilds_the_new_document_and_only_from_its_base() {
        let old = "card,name\n1,a\n2,b\n3,c\n4,d\n";
        let new = "card,name\n1,a\n2,B\n3,c\n5,e\n";
        // Line 2 changed, line 4 replaced.
        let d = Delta::from_changes(
            3,
            old,
            &[(2, 1, vec!["2,B\n".into()]), (4, 1, vec!["5,e\n".into()])],
        );
        assert_eq!(d.apply(3, old).unwrap(), new);
        assert!(matches!(d.apply(2, old), Err(DeltaError::Base { .. })));
        assert!(matches!(
            d.apply(3, "card,name\n"),
            Err(DeltaError::Base { .. })
        ));
        let mut short = d.clone();
        short.ops.truncate(short.ops.len() - 2);
        assert!(matches!(short.apply(3, old), Err(DeltaError::Underrun(1))));
        let mut long = d.clone();
        long.ops.push(LineOp::Keep(1));
        assert!(matches!(long.apply(3, old), Err(DeltaError::Overrun(5))));
        // A document without a final newline keeps its last line whole.
        let d = Delta::from_changes(1, "a\nb", &[(0, 1, vec!["z\n".into()])]);
        assert_eq!(d.apply(1, "a\nb").unwrap(), "z\nb");
        let json = serde_json::to_string(&d.ops).unwrap();
        assert_eq!(json, r#"[{"drop":1},{"add":["z\n"]},{"keep":1}]"#);
    }

    #[test]
    fn pages_cover_the_document_exactly() {
        let doc: Vec<u8> = (0..(PAGE_BYTES * 2 + 10))
            .map(|i| (i % 251) as u8)
            .collect();
        let p = Pages::of(&doc);
        assert_eq!(p.hashes.len(), 3);
        assert_eq!(p.page_len(2), Some(10));
        assert_eq!(p.page_len(3), None);
        assert_eq!(Pages::slice(&doc, 1, 5).unwrap().len(), PAGE_BYTES + 10);
        assert_eq!(Pages::slice(&doc, 3, 1), None);
        assert_eq!(
            hex(&crate::seal::hash::sha256(
                Pages::slice(&doc, 2, 1).unwrap()
            )),
            p.hashes[2]
        );
    }
}
