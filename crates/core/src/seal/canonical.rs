//! Canonical entry bytes: a fixed field order, big-endian integers, length-prefixed UTF-8, no maps, no floats.
//!
//! Specified byte for byte in `docs/ledger-format.md`; test vectors in `tests/vectors/`.

/// Magic bytes that open every canonical entry.
pub const MAGIC: &[u8; 3] = b"EWL";
/// Version of this encoding, written into every new entry. Version 2 adds the product name to
/// each sale line; every other field and kind is as in version 1.
pub const FORMAT_VERSION: u8 = 2;
/// The versions [`decode_entry`] reads: entries keep the version they were written with.
pub const FORMAT_VERSIONS_READ: [u8; 2] = [1, 2];

/// The kinds of ledger entry. The code is the byte written after the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Sale = 1,
    Void = 2,
    DayClose = 3,
    Complaint = 4,
    Lockout = 5,
    /// The KPM's balance handed over to another e-warong (a move ordered by the hub).
    Release = 6,
    /// The terminal moved to another hub, approved by a supervisor.
    HubChange = 7,
}

impl EntryKind {
    pub const ALL: [EntryKind; 7] = [
        Self::Sale,
        Self::Void,
        Self::DayClose,
        Self::Complaint,
        Self::Lockout,
        Self::Release,
        Self::HubChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "sale",
            Self::Void => "void",
            Self::DayClose => "day_close",
            Self::Complaint => "complaint",
            Self::Lockout => "lockout",
            Self::Release => "release",
            Self::HubChange => "hub_change",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Appends canonical fields to a buffer.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// Starts an entry: magic, version, kind, terminal id, seq, recorded-at.
    pub fn entry(kind: EntryKind, terminal_id: &str, seq: u64, recorded_at: &str) -> Self {
        let mut w = Self {
            buf: Vec::with_capacity(256),
        };
        w.buf.extend_from_slice(MAGIC);
        w.u8(FORMAT_VERSION)
            .u8(kind.code())
            .str(terminal_id)
            .u64(seq)
            .str(recorded_at);
        w
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Signed 64-bit, big-endian two's complement (money and quantities; never negative in practice).
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Length (u32) then UTF-8 bytes. Longer strings are refused by the callers' validation.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u32(u32::try_from(s.len()).unwrap_or(u32::MAX));
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    pub fn bytes32(&mut self, b: &[u8; 32]) -> &mut Self {
        self.buf.extend_from_slice(b);
        self
    }

    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            None => self.u8(0),
            Some(s) => self.u8(1).str(s),
        }
    }

    pub fn opt_u64(&mut self, v: Option<u64>) -> &mut Self {
        match v {
            None => self.u8(0),
            Some(v) => self.u8(1).u64(v),
        }
    }

    /// A list: count (u32), then each item written by `f`, in the order given (callers sort).
    pub fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) -> &mut Self {
        self.u32(u32::try_from(items.len()).unwrap_or(u32::MAX));
        for item in items {
            f(self, item);
        }
        self
    }

    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

/// Why canonical bytes did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("canonical bytes do not decode: {0}")]
pub struct DecodeError(pub &'static str);

/// Reads canonical fields in the order they were written.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < n {
            return Err(DecodeError(what));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1, "u8")?.first().copied().unwrap_or_default())
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b: [u8; 4] = self
            .take(4, "u32")?
            .try_into()
            .map_err(|_| DecodeError("u32"))?;
        Ok(u32::from_be_bytes(b))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let b: [u8; 8] = self
            .take(8, "u64")?
            .try_into()
            .map_err(|_| DecodeError("u64"))?;
        Ok(u64::from_be_bytes(b))
    }

    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        let b: [u8; 8] = self
            .take(8, "i64")?
            .try_into()
            .map_err(|_| DecodeError("i64"))?;
        Ok(i64::from_be_bytes(b))
    }

    pub fn str(&mut self) -> Result<String, DecodeError> {
        let len = usize::try_from(self.u32()?).map_err(|_| DecodeError("str"))?;
        let b = self.take(len, "str")?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError("utf-8"))
    }

    pub fn bytes32(&mut self) -> Result<[u8; 32], DecodeError> {
        self.take(32, "hash")?
            .try_into()
            .map_err(|_| DecodeError("hash"))
    }

    pub fn opt_str(&mut self) -> Result<Option<String>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.str().map(Some),
            _ => Err(DecodeError("option tag")),
        }
    }

    pub fn opt_u64(&mut self) -> Result<Option<u64>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.u64().map(Some),
            _ => Err(DecodeError("option tag")),
        }
    }

    pub fn list<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.u32()?;
        // Each item takes at least one byte: a count beyond what is left is corrupt, not a reason to allocate.
        if usize::try_from(n).map_err(|_| DecodeError("list"))? > self.bytes.len() {
            return Err(DecodeError("list length"));
        }
        (0..n).map(|_| f(self)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// One sale line as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLine {
    pub product_id: String,
    /// The product's name as shown and printed; signed from format version 2 on, `None` in a
    /// version 1 entry (whose `sale_item.name` no signature covers).
    pub name: Option<String>,
    pub group_id: String,
    pub unit: String,
    pub quantity_milli: i64,
    pub unit_price: i64,
    pub reference_price: i64,
    pub line_total: i64,
}

/// The body of an entry as signed, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedBody {
    Sale {
        period: String,
        card: String,
        operator: String,
        policy_version: u64,
        catalogue_version: u64,
        roster_version: u64,
        lines: Vec<SignedLine>,
        total: i64,
        balance_before: i64,
        override_reason: Option<String>,
    },
    Void {
        sale_seq: u64,
        sale_leaf: [u8; 32],
        card: String,
        period: String,
        amount: i64,
        reason: String,
        supervisor: String,
    },
    DayClose {
        day: String,
        first_seq: u64,
        last_seq: u64,
        sale_count: u64,
        kpm_count: u64,
        void_count: u64,
        void_total: i64,
        net_total: i64,
        totals: Vec<(String, i64)>,
        operator: String,
    },
    Complaint {
        card: String,
        sale_seq: Option<u64>,
        category: String,
        text: String,
    },
    Lockout {
        card: String,
        day: String,
        attempts: u32,
    },
    Release {
        card: String,
        period: String,
        /// The hub's move number.
        move_id: u64,
        to_terminal: String,
        /// The balance handed over, rupiah.
        amount: i64,
    },
    HubChange {
        /// The hub key of the enrolment left.
        from_hub_key: [u8; 32],
        /// The hub key of the enrolment taken.
        to_hub_key: [u8; 32],
        hub_url: String,
        supervisor: String,
        reason: String,
    },
}

/// An entry as signed: header and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedEntry {
    /// The format version byte the entry was written with (see [`FORMAT_VERSIONS_READ`]).
    pub format_version: u8,
    pub kind: EntryKind,
    pub terminal_id: String,
    pub seq: u64,
    pub recorded_at: String,
    pub body: SignedBody,
}

/// Decodes canonical entry bytes; every byte must be accounted for.
pub fn decode_entry(bytes: &[u8]) -> Result<SignedEntry, DecodeError> {
    let mut r = Reader::new(bytes);
    let magic = [r.u8()?, r.u8()?, r.u8()?];
    let format_version = r.u8()?;
    if &magic != MAGIC || !FORMAT_VERSIONS_READ.contains(&format_version) {
        return Err(DecodeError("magic or version"));
    }
    let kind = match r.u8()? {
        1 => EntryKind::Sale,
        2 => EntryKind::Void,
        3 => EntryKind::DayClose,
        4 => EntryKind::Complaint,
        5 => EntryKind::Lockout,
        6 => EntryKind::Release,
        7 => EntryKind::HubChange,
        _ => return Err(DecodeError("kind")),
    };
    let terminal_id = r.str()?;
    let seq = r.u64()?;
    let recorded_at = r.str()?;
    let body = match kind {
        EntryKind::Sale => SignedBody::Sale {
            period: r.str()?,
            card: r.str()?,
            operator: r.str()?,
            policy_version: r.u64()?,
            catalogue_version: r.u64()?,
            roster_version: r.u64()?,
            lines: r.list(|r| {
                Ok(SignedLine {
                    product_id: r.str()?,
                    name: if format_version >= 2 {
                        Some(r.str()?)
                    } else {
                        None
                    },
                    group_id: r.str()?,
                    unit: r.str()?,
                    quantity_milli: r.i64()?,
                    unit_price: r.i64()?,
                    reference_price: r.i64()?,
                    line_total: r.i64()?,
                })
            })?,
            total: r.i64()?,
            balance_before: r.i64()?,
            override_reason: r.opt_str()?,
        },
        EntryKind::Void => SignedBody::Void {
            sale_seq: r.u64()?,
            sale_leaf: r.bytes32()?,
            card: r.str()?,
            period: r.str()?,
            amount: r.i64()?,
            reason: r.str()?,
            supervisor: r.str()?,
        },
        EntryKind::DayClose => SignedBody::DayClose {
            day: r.str()?,
            first_seq: r.u64()?,
            last_seq: r.u64()?,
            sale_count: r.u64()?,
            kpm_count: r.u64()?,
            void_count: r.u64()?,
            void_total: r.i64()?,
            net_total: r.i64()?,
            totals: r.list(|r| Ok((r.str()?, r.i64()?)))?,
            operator: r.str()?,
        },
        EntryKind::Complaint => SignedBody::Complaint {
            card: r.str()?,
            sale_seq: r.opt_u64()?,
            category: r.str()?,
            text: r.str()?,
        },
        EntryKind::Lockout => SignedBody::Lockout {
            card: r.str()?,
            day: r.str()?,
            attempts: r.u32()?,
        },
        EntryKind::Release => SignedBody::Release {
            card: r.str()?,
            period: r.str()?,
            move_id: r.u64()?,
            to_terminal: r.str()?,
            amount: r.i64()?,
        },
        EntryKind::HubChange => SignedBody::HubChange {
            from_hub_key: r.bytes32()?,
            to_hub_key: r.bytes32()?,
            hub_url: r.str()?,
            supervisor: r.str()?,
            reason: r.str()?,
        },
    };
    if !r.is_empty() {
        return Err(DecodeError("trailing bytes"));
    }
    Ok(SignedEntry {
        format_version,
        kind,
        terminal_id,
        seq,
        recorded_at,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_are_big_endian_and_length_prefixed() {
        let mut w = Writer::default();
        w.u8(1)
            .u32(2)
            .u64(3)
            .i64(-1)
            .str("ab")
            .opt_str(None)
            .opt_str(Some(""))
            .opt_u64(Some(9));
        let b = w.finish();
        let want: Vec<u8> = [
            &[1u8][..],
            &[0, 0, 0, 2],
            &[0, 0, 0, 0, 0, 0, 0, 3],
            &[0xff; 8],
            &[0, 0, 0, 2, b'a', b'b'],
            &[0],
            &[1, 0, 0, 0, 0],
            &[1, 0, 0, 0, 0, 0, 0, 0, 9],
        ]
        .concat();
        assert_eq!(b, want);
    }

    #[test]
    fn decoding_reads_back_what_was_written_and_refuses_the_rest() {
        let mut w = Writer::entry(EntryKind::Complaint, "t1", 9, "2026-11-03T09:00:00+09:00");
        w.str("6032980000000010")
            .opt_u64(Some(3))
            .str("harga")
            .str("mahal");
        let bytes = w.finish();
        let e = decode_entry(&bytes).unwrap();
        assert_eq!(
            (e.kind, e.seq, e.terminal_id.as_str()),
            (EntryKind::Complaint, 9, "t1")
        );
        assert_eq!(
            e.body,
            SignedBody::Complaint {
                card: "6032980000000010".into(),
                sale_seq: Some(3),
                category: "harga".into(),
                text: "mahal".into()
            }
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_entry(&longer), Err(DecodeError("trailing bytes")));
        assert!(decode_entry(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_entry(b"XYZ").is_err());
        // Version bytes other than 1 and 2 are not read.
        for version in [0, 3, 255] {
            let mut other = bytes.clone();
            other[3] = version;
            assert_eq!(decode_entry(&other), Err(DecodeError("magic or version")));
        }
    }

    #[test]
    fn header_layout() {
        let b = Writer::entry(EntryKind::Void, "t1", 5, "x").finish();
        assert_eq!(
            b,
            [
                b"EWL".as_slice(),
                &[FORMAT_VERSION, 2],
                &[0, 0, 0, 2],
                b"t1",
                &[0, 0, 0, 0, 0, 0, 0, 5],
                &[0, 0, 0, 1],
                b"x"
            ]
            .concat()
        );
    }

    #[test]
    fn a_hub_change_is_kind_7_with_both_keys_raw_then_three_strings() {
        let (from, to) = ([1u8; 32], [2u8; 32]);
        let mut w = Writer::entry(EntryKind::HubChange, "t1", 9, "x");
        w.bytes32(&from)
            .bytes32(&to)
            .str("https://hub")
            .str("sup")
            .str("why");
        let b = w.finish();
        let head = Writer::entry(EntryKind::HubChange, "t1", 9, "x").finish();
        assert_eq!(b[4], 7, "kind byte");
        assert_eq!(&b[head.len()..head.len() + 32], &from);
        assert_eq!(&b[head.len() + 32..head.len() + 64], &to);
        assert_eq!(&b[head.len() + 64..head.len() + 68], &[0, 0, 0, 11]);
        let e = decode_entry(&b).unwrap();
        assert_eq!(e.kind, EntryKind::HubChange);
        assert_eq!(
            e.body,
            SignedBody::HubChange {
                from_hub_key: from,
                to_hub_key: to,
                hub_url: "https://hub".into(),
                supervisor: "sup".into(),
                reason: "why".into(),
            }
        );
        assert_eq!(EntryKind::parse("hub_change"), Some(EntryKind::HubChange));
        // A key cut short does not decode.
        assert!(decode_entry(&b[..head.len() + 40]).is_err());
    }
}
