//! The messages a terminal and its hub exchange, over HTTP or as files on a USB stick, and the
//! exact texts the hub signs. JSON; bytes as base64, keys and hashes as hex.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::seal::sign::PublicKey;
use crate::seal::{Hash32, hex};

/// What a field failed; names the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FieldError {
    pub field: String,
    pub rule: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: &'static str) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }
}

/// Bytes as standard base64.
pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Base64 back to bytes; the error names `field`.
pub fn unb64(field: &str, text: &str) -> Result<Vec<u8>, FieldError> {
    STANDARD
        .decode(text)
        .map_err(|_| FieldError::new(field, "must be base64"))
}

/// Hex back to exactly `N` bytes; the error names `field`.
pub fn unhex<const N: usize>(field: &str, text: &str) -> Result<[u8; N], FieldError> {
    if text.len() != N.saturating_mul(2) {
        return Err(FieldError::new(field, "has the wrong length"));
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = text
            .get(i.saturating_mul(2)..i.saturating_mul(2).saturating_add(2))
            .ok_or_else(|| FieldError::new(field, "must be hex"))?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| FieldError::new(field, "must be hex"))?;
    }
    Ok(out)
}

/// A 64-byte signature from base64; the error names `field`.
pub fn signature(field: &str, text: &str) -> Result<[u8; 64], FieldError> {
    unb64(field, text)?
        .try_into()
        .map_err(|_| FieldError::new(field, "must be a 64-byte signature"))
}

/// A public key from hex; the error names `field`.
pub fn public_key(field: &str, text: &str) -> Result<PublicKey, FieldError> {
    PublicKey::from_bytes(&unhex::<32>(field, text)?)
        .map_err(|_| FieldError::new(field, "is not an ed25519 public key"))
}

/// A public key as a person brings it to an audit: base64, as `ewarong key show` prints it, or
/// 64 hex digits, as certificates and trust files carry it.
pub fn typed_public_key(text: &str) -> Option<PublicKey> {
    let text = text.trim();
    text.parse().ok().or_else(|| public_key("key", text).ok())
}

/// `GET /v1/health`: the hub's key and clock, which a terminal reads before it sends anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    /// Hex.
    pub hub_public_key: String,
    /// RFC 3339.
    pub hub_time: String,
    /// When the hub serves TLS itself: its certificate and any chain after it (PEM), which a
    /// terminal pins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_certificate: Option<String>,
    /// The hub key's signature over those certificates (`hub_auth::tls_endorsement_text`),
    /// base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_endorsement: Option<String>,
}

/// `POST /v1/enrol`: the terminal names its key and proves it holds a one-time code without
/// sending it (the proof is made by `hub_auth::enrol_proof`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub terminal_id: String,
    /// Hex.
    pub public_key: String,
    /// 64 hex digits: SHA-256 binding the code to the terminal id, its key and the hub key.
    pub proof: String,
}

/// What the hub vouches for: this key belongs to this terminal, in this region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub terminal_id: String,
    pub region: String,
    /// The terminal's key, hex.
    pub public_key: String,
    pub issued_at: String,
    /// The hub's key, hex: what later receipts and updates are checked against.
    pub hub_public_key: String,
    /// The hub's signature over [`Certificate::signed_text`], base64.
    pub signature: String,
}

impl Certificate {
    /// The bytes the hub signs.
    pub fn signed_text(
        terminal_id: &str,
        region: &str,
        public_key: &str,
        issued_at: &str,
    ) -> String {
        format!(
            "ewarong-hub-certificate/v1\nterminal {terminal_id}\nregion {region}\nkey {public_key}\nissued {issued_at}\n"
        )
    }

    /// Checks the hub's signature; returns the terminal's key and the hub's key.
    pub fn verify(&self) -> Result<(PublicKey, PublicKey), FieldError> {
        let hub = public_key("hub_public_key", &self.hub_public_key)?;
        let terminal = public_key("public_key", &self.public_key)?;
        let sig = signature("signature", &self.signature)?;
        let text = Self::signed_text(
            &self.terminal_id,
            &self.region,
            &self.public_key,
            &self.issued_at,
        );
        if hub.verify(text.as_bytes(), &sig) {
            Ok((terminal, hub))
        } else {
            Err(FieldError::new("signature", "is not the hub's signature"))
        }
    }
}

/// What `ewarong-hub terminal keys` writes for supervisors: the hub's key and every enrolled
/// terminal's key, so `ewarong audit --trust FILE` checks a ledger against keys that did not
/// come from the ledger itself. Keys are hex, as in certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustFile {
    /// `ewarong-trust/v1`.
    pub format: String,
    pub hub_public_key: String,
    pub terminals: Vec<TrustedTerminal>,
}

/// One terminal in a [`TrustFile`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedTerminal {
    pub terminal_id: String,
    pub region: String,
    pub public_key: String,
}

impl TrustFile {
    pub const FORMAT: &'static str = "ewarong-trust/v1";

    /// Reads a trust file and finds `terminal_id` in it: the hub's key, and the terminal's key
    /// when the file lists it. The error names the field that is wrong.
    pub fn keys_for(
        text: &str,
        terminal_id: &str,
    ) -> Result<(PublicKey, Option<PublicKey>), FieldError> {
        let file: Self = serde_json::from_str(text).map_err(|_| {
            FieldError::new(
                "trust file",
                "must be JSON with format, hub_public_key and terminals",
            )
        })?;
        if file.format != Self::FORMAT {
            return Err(FieldError::new("format", "must be ewarong-trust/v1"));
        }
        let hub = public_key("hub_public_key", &file.hub_public_key)?;
        let terminal = file
            .terminals
            .iter()
            .find(|t| t.terminal_id == terminal_id)
            .map(|t| public_key("terminals[].public_key", &t.public_key))
            .transpose()?;
        Ok((hub, terminal))
    }
}

/// What `ewarong-hub terminal enrol --file` writes, for a terminal to enrol from a USB stick or
/// a download: the code, and the hub's key, so the terminal can tell the real hub from another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentFile {
    pub terminal_id: String,
    pub region: String,
    pub code: String,
    /// Where the hub answers, when the operator gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_url: Option<String>,
    /// Hex.
    pub hub_public_key: String,
    /// The hub's TLS certificate (PEM), when it serves TLS itself: pinned at enrolment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_certificate: Option<String>,
}

/// `GET /v1/terminals/{id}/head`: what the hub holds for a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub terminal_id: String,
    pub last_seq: u64,
    pub last_batch_seq: u64,
    /// Hex; 64 zeros before the first batch.
    pub last_header_hash: String,
    /// The hub's clock, RFC 3339: a terminal can see how far its own clock is off.
    pub hub_time: String,
    /// What this hub understands beyond the first protocol (`docs/sync.md`, "Weak links"):
    /// `deflate`, `bundle`, `receipts`, `delta`, `pages`. Absent from an older hub, whose
    /// terminals then speak the first protocol only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// A sealed batch as sent: the signed header and every entry it covers, in seq order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchUpload {
    /// Canonical header bytes, base64.
    pub header: String,
    /// The terminal's signature over the header bytes, base64.
    pub signature: String,
    /// The same tree state as a C2SP signed note.
    pub checkpoint: String,
    /// Each entry's canonical bytes, base64, first seq first.
    pub entries: Vec<String>,
}

/// The hub's acknowledgement of one batch, countersigned with the hub key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubReceipt {
    pub terminal_id: String,
    pub batch_seq: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// Hex SHA-256 of the batch header bytes.
    pub header_hash: String,
    pub received_at: String,
    /// The hub's signature over [`HubReceipt::signed_text`], base64.
    pub hub_signature: String,
}

impl HubReceipt {
    /// The bytes the hub signs: see docs/sync.md.
    pub fn signed_text(&self) -> String {
        format!(
            "ewarong-hub-receipt/v1\nterminal {}\nbatch {}\nentries {}-{}\nheader {}\nreceived {}\n",
            self.terminal_id,
            self.batch_seq,
            self.first_seq,
            self.last_seq,
            self.header_hash,
            self.received_at
        )
    }

    /// Whether `hub` signed this receipt, and it is for `header_hash`.
    pub fn verify(&self, hub: &PublicKey, header_hash: &Hash32) -> bool {
        self.header_hash == hex(header_hash)
            && signature("hub_signature", &self.hub_signature)
                .is_ok_and(|s| hub.verify(self.signed_text().as_bytes(), &s))
    }
}

/// The kinds of update the hub sends, in the order a terminal applies them. The first four
/// are documents an operator publishes; moves come from `ewarong-hub kpm move` and from the
/// releases terminals send back; the revoked list from `ewarong-hub terminal revoke`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Policy,
    Catalogue,
    Prices,
    Roster,
    Moves,
    Revoked,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Policy,
        Kind::Catalogue,
        Kind::Prices,
        Kind::Roster,
        Kind::Moves,
        Kind::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Catalogue => "catalogue",
            Kind::Prices => "prices",
            Kind::Roster => "roster",
            Kind::Moves => "moves",
            Kind::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The file name a document of this kind is parsed under (its format comes from it).
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Policy => "policy.json",
            Kind::Catalogue => "catalogue.csv",
            Kind::Prices => "prices.csv",
            Kind::Roster => "roster.csv",
            Kind::Moves => "moves.json",
            Kind::Revoked => "revoked.json",
        }
    }
}

/// The document of a `moves` update: every KPM move the hub ordered, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovesDocument {
    pub moves: Vec<MoveRecord>,
}

/// One KPM moved from one home e-warong to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRecord {
    /// The hub's move number, increasing.
    pub id: u64,
    pub card: String,
    /// The old home, which must release the balance.
    pub from: String,
    /// The new home, which serves the KPM in full only once `released` is set.
    pub to: String,
    /// What the old home handed over, once its release entry reached the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<Released>,
}

/// The document of a `revoked` update: every terminal the hub revoked. Revocation is final,
/// so the list only grows and its length is its version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokedDocument {
    pub terminals: Vec<RevokedTerminal>,
}

/// One revoked terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokedTerminal {
    pub terminal_id: String,
    /// RFC 3339.
    pub revoked_at: String,
}

/// Reads a revoked list and checks every field; the error names the entry and the field.
pub fn parse_revoked(text: &str) -> Result<RevokedDocument, String> {
    let doc: RevokedDocument = serde_json::from_str(text).map_err(|e| format!("revoked: {e}"))?;
    for (i, t) in doc.terminals.iter().enumerate() {
        if !crate::domain::policy::is_slug(&t.terminal_id) {
            return Err(format!("revoked {i}: terminal_id must be a terminal id"));
        }
        if chrono::DateTime::parse_from_rfc3339(&t.revoked_at).is_err() {
            return Err(format!("revoked {i}: revoked_at must be an RFC 3339 time"));
        }
    }
    Ok(doc)
}

/// Reads a moves document and checks every field: card numbers, terminal ids, periods,
/// amounts, and move numbers that only increase. The error names the move and the field.
pub fn parse_moves(text: &str) -> Result<MovesDocument, String> {
    use crate::domain::policy::is_slug;
    let doc: MovesDocument = serde_json::from_str(text).map_err(|e| format!("moves: {e}"))?;
    let mut last = 0u64;
    for m in &doc.moves {
        let bad = |field: &str, rule: &str| Err(format!("move {}: {field} {rule}", m.id));
        if m.id <= last {
            return bad("id", "must be above the previous move's id");
        }
        last = m.id;
        if m.card.parse::<crate::domain::CardNumber>().is_err() {
            return bad("card", "must be a valid 16-digit card number");
        }
        if !is_slug(&m.from) || !is_slug(&m.to) {
            return bad("from/to", "must be terminal ids");
        }
        if m.from == m.to {
            return bad("to", "must differ from from");
        }
        if let Some(r) = &m.released {
            if r.period.parse::<crate::domain::Period>().is_err() {
                return bad("released.period", "must be YYYY-MM");
            }
            if r.amount_rupiah < 0 {
                return bad("released.amount_rupiah", "must be 0 or more");
            }
        }
    }
    Ok(doc)
}

/// A balance handed over by a release entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Released {
    /// Programme period of the release, `YYYY-MM`.
    pub period: String,
    pub amount_rupiah: i64,
}

/// A signed update from the hub: a whole document of one kind at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    /// `policy`, `catalogue`, `prices` or `roster`.
    pub kind: String,
    pub version: u64,
    /// The whole document; empty when it comes as `delta` or in `pages`.
    #[serde(default)]
    pub document: String,
    /// Hex SHA-256 of the whole document's UTF-8 bytes.
    pub sha256: String,
    pub published_at: String,
    /// The hub's signature over [`Update::signed_text`], base64.
    pub signature: String,
    /// Only to a terminal that asked (`delta=1`): the document as the lines that changed since
    /// the version it has. The result must hash to `sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
    /// Only to a terminal that asked (`pages=1`), for a large document: fetch it page by page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Pages>,
}

/// One step of a line delta, applied in order over the base document's lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineOp {
    /// The next `n` lines of the base, unchanged.
    Keep(u64),
    /// Skip the next `n` lines of the base.
    Drop(u64),
    /// These lines, each with its own `\n`.
    Add(Vec<String>),
}

/// An update sent as the lines that changed since `base_version`, whose document as this
/// terminal got it hashes to `base_sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    pub base_version: u64,
    /// Hex SHA-256 of the base document.
    pub base_sha256: String,
    pub ops: Vec<LineOp>,
}

/// A large document sent in pages of `size` bytes (the last shorter), each checked by its own
/// SHA-256 as it arrives, so a download cut off continues from the first page missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pages {
    pub size: u64,
    /// The whole document's length in bytes.
    pub length: u64,
    /// Hex SHA-256 of each page, in order.
    pub hashes: Vec<String>,
}

impl Update {
    /// The bytes the hub signs: see docs/sync.md.
    pub fn signed_text(kind: &str, version: u64, sha256_hex: &str, published_at: &str) -> String {
        format!(
            "ewarong-hub-update/v1\nkind {kind}\nversion {version}\nsha256 {sha256_hex}\npublished {published_at}\n"
        )
    }

    /// Whether `hub` signed this update and the document is the one signed.
    pub fn verify(&self, hub: &PublicKey) -> bool {
        let digest = hex(&crate::seal::hash::sha256(self.document.as_bytes()));
        digest == self.sha256
            && signature("signature", &self.signature).is_ok_and(|s| {
                hub.verify(
                    Self::signed_text(&self.kind, self.version, &self.sha256, &self.published_at)
                        .as_bytes(),
                    &s,
                )
            })
    }
}

/// `GET /v1/terminals/{id}/updates`: the newest document of each kind the terminal lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Updates {
    pub updates: Vec<Update>,
}

/// Every error the hub returns: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
    /// For conflicts: what the hub holds, so the terminal knows where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<Head>,
    /// For a request signed too far from the hub's clock: the hub's time (RFC 3339), so the
    /// terminal can sign again on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_time: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    /// The signing half of a key pair, as the terminal's and the hub's key files hold it
    /// (`ewarong-keys`, which builds on this crate and so cannot be used here).
    struct TerminalKey(SigningKey);

    impl TerminalKey {
        fn from_seed(seed: &[u8; 32]) -> Self {
            Self(SigningKey::from_bytes(seed))
        }
        fn sign(&self, message: &[u8]) -> [u8; 64] {
            self.0.sign(message).to_bytes()
        }
        fn public(&self) -> PublicKey {
            PublicKey::from_dalek(self.0.verifying_key())
        }
    }

    #[test]
    fn revoked_lists_are_checked_field_by_field() {
        let ok = r#"{"terminals":[{"terminal_id":"sumba-01","revoked_at":"2026-11-28T10:00:00+08:00"}]}"#;
        assert_eq!(parse_revoked(ok).unwrap().terminals.len(), 1);
        let e = parse_revoked(&ok.replace("sumba-01", "Sumba 01")).unwrap_err();
        assert!(e.starts_with("revoked 0: terminal_id"), "{e}");
        let e = parse_revoked(&ok.replace("2026-11-28T10", "kemarin")).unwrap_err();
        assert!(e.starts_with("revoked 0: revoked_at"), "{e}");
    }

    #[test]
    fn moves_documents_are_checked_field_by_field() {
        let ok = r#"{"moves":[{"id":1,"card":"6032980000000010","from":"a-1","to":"b-1"},
            {"id":2,"card":"6032980000000028","from":"a-1","to":"b-1",
             "released":{"period":"2026-11","amount_rupiah":1500}}]}"#;
        let doc = parse_moves(ok).unwrap();
        assert_eq!(doc.moves.len(), 2);
        assert_eq!(doc.moves[1].released.as_ref().unwrap().amount_rupiah, 1500);
        let cases = [
            (ok.replace(r#""id":2"#, r#""id":1"#), "move 1: id"),
            (
                ok.replace("6032980000000028", "6032980000000029"),
                "move 2: card",
            ),
            (ok.replace(r#""to":"b-1"}"#, r#""to":"a-1"}"#), "move 1: to"),
            (
                ok.replace(r#""from":"a-1","to":"b-1"}"#, r#""from":"A 1","to":"b-1"}"#),
                "move 1: from/to",
            ),
            (ok.replace("2026-11", "2026-13"), "move 2: released.period"),
            (ok.replace("1500", "-1"), "move 2: released.amount_rupiah"),
            (ok.replace("moves", "mooves"), "moves:"),
        ];
        for (text, want) in cases {
            let e = parse_moves(&text).unwrap_err();
            assert!(e.starts_with(want), "{want}: {e}");
        }
    }

    #[test]
    fn hex_round_trip_and_field_named_errors() {
        let bytes = [0xab_u8; 32];
        assert_eq!(unhex::<32>("root", &hex(&bytes)), Ok(bytes));
        assert_eq!(
            unhex::<32>("root", "abc"),
            Err(FieldError::new("root", "has the wrong length"))
        );
        let bad = "zz".repeat(32);
        assert_eq!(
            unhex::<32>("root", &bad),
            Err(FieldError::new("root", "must be hex"))
        );
        assert_eq!(
            unb64("header", "***").unwrap_err().to_string(),
            "header: must be base64"
        );
        assert_eq!(
            signature("signature", &b64(&[1; 63])).unwrap_err().rule,
            "must be a 64-byte signature"
        );
    }

    #[test]
    fn receipt_and_certificate_signatures_bind_every_field() {
        let hub = TerminalKey::from_seed(&[3; 32]);
        let other = TerminalKey::from_seed(&[4; 32]);
        let header_hash = [9u8; 32];
        let mut r = HubReceipt {
            terminal_id: "t-01".into(),
            batch_seq: 2,
            first_seq: 51,
            last_seq: 100,
            header_hash: hex(&header_hash),
            received_at: "2026-11-28T10:00:00+07:00".into(),
            hub_signature: String::new(),
        };
        r.hub_signature = b64(&hub.sign(r.signed_text().as_bytes()));
        assert!(r.verify(&hub.public(), &header_hash));
        assert!(!r.verify(&other.public(), &header_hash));
        assert!(!r.verify(&hub.public(), &[8u8; 32]));
        let mut changed = r.clone();
        changed.last_seq = 99;
        assert!(!changed.verify(&hub.public(), &header_hash));

        let key = hex(&other.public().to_bytes());
        let issued = "2026-11-28T10:00:00+07:00";
        let c = Certificate {
            terminal_id: "t-01".into(),
            region: "5302".into(),
            public_key: key.clone(),
            issued_at: issued.into(),
            hub_public_key: hex(&hub.public().to_bytes()),
            signature: b64(
                &hub.sign(Certificate::signed_text("t-01", "5302", &key, issued).as_bytes())
            ),
        };
        let (t, h) = c.verify().unwrap();
        assert_eq!(t, other.public());
        assert_eq!(h, hub.public());
        let mut moved = c;
        moved.region = "5303".into();
        assert_eq!(moved.verify().unwrap_err().field, "signature");
    }
}
