//! Canonical entry bytes: a fixed field order, big-endian integers, length-prefixed UTF-8, no maps, no floats.
//!
//! Specified byte for byte in `docs/ledger-format.md`; test vectors in `tests/vectors/`.

/// Magic bytes that open every canonical entry.
pub const MAGIC: &[u8; 3] = b"EWL";
/// Version of this encoding.
pub const FORMAT_VERSION: u8 = 1;

/// The kinds of ledger entry. The code is the byte written after the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Sale = 1,
    Void = 2,
    DayClose = 3,
    Complaint = 4,
    Lockout = 5,
}

impl EntryKind {
    pub const ALL: [EntryKind; 5] = [
        Self::Sale,
        Self::Void,
        Self::DayClose,
        Self::Complaint,
        Self::Lockout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "sale",
            Self::Void => "void",
            Self::DayClose => "day_close",
            Self::Complaint => "complaint",
            Self::Lockout => "lockout",
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
    fn header_layout() {
        let b = Writer::entry(EntryKind::Void, "t1", 5, "x").finish();
        assert_eq!(
            b,
            [
                b"EWL".as_slice(),
                &[1, 2],
                &[0, 0, 0, 2],
                b"t1",
                &[0, 0, 0, 0, 0, 0, 0, 5],
                &[0, 0, 0, 1],
                b"x"
            ]
            .concat()
        );
    }
}
