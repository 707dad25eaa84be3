//! How a terminal and its hub know each other: the hub key pinned at enrolment (a fingerprint
//! typed from the enrolment sheet, or the enrolment file), an enrolment proof that binds the
//! one-time code to both keys, and the signature every later request carries (a fixed profile
//! of HTTP Message Signatures, RFC 9421, with Ed25519). Both sides build the same bytes here.

use crate::protocol::{FieldError, b64, unb64};
use crate::seal::hash::{hex, sha256};
use crate::seal::sign::PublicKey;

/// The tag every request signature carries, so a signature made for the hub API is never
/// taken for anything else the terminal key signs.
pub const REQUEST_TAG: &str = "ewarong-hub/v1";
/// How far, in seconds, a request's `created` time may be from the hub's clock.
pub const REQUEST_WINDOW_SECONDS: i64 = 300;
/// The components a request signature covers, in this order.
pub const COVERED: &str = r#"("@method" "@path" "@query" "content-digest")"#;
/// The label of the one signature a request carries.
const LABEL: &str = "sig1";

/// The one-time code as the hub stores it: SHA-256 of its letters and digits, upper case, so
/// `abcd-efgh` and `ABCDEFGH` are the same code.
pub fn code_hash(code: &str) -> [u8; 32] {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256(normal.as_bytes())
}

/// What the terminal sends instead of its code: SHA-256 over the code's hash, the terminal id,
/// its key and the hub key it pinned. Someone who sees it learns nothing to enrol another key
/// with, and a hub with another key cannot use it at the real hub.
pub fn enrol_proof(
    code_hash: &[u8; 32],
    terminal_id: &str,
    terminal_key: &PublicKey,
    hub_key: &PublicKey,
) -> String {
    let text = format!(
        "ewarong-enrol/v1\n{}\n{terminal_id}\n{}\n{}",
        hex(code_hash),
        hex(&terminal_key.to_bytes()),
        hex(&hub_key.to_bytes())
    );
    hex(&sha256(text.as_bytes()))
}

/// The hub key a terminal expects before it enrols: the whole key (from the enrolment file) or
/// its fingerprint, as printed on the enrolment sheet and typed at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubPin {
    Key(PublicKey),
    /// 16 lower-case hex digits, no spaces.
    Fingerprint(String),
}

impl HubPin {
    /// A typed fingerprint: 16 hex digits, spaces and dashes allowed (`ab12 cd34 ef56 7890`).
    pub fn fingerprint(field: &str, typed: &str) -> Result<Self, FieldError> {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if digits.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        if digits.len() != 16 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(FieldError::new(
                field,
                "must be the hub fingerprint: 16 hex digits, like ab12 cd34 ef56 7890",
            ));
        }
        Ok(Self::Fingerprint(digits))
    }

    /// True when `key` is the pinned hub key.
    pub fn matches(&self, key: &PublicKey) -> bool {
        match self {
            Self::Key(k) => k == key,
            Self::Fingerprint(f) => key.fingerprint().replace(' ', "") == *f,
        }
    }

    /// The pin as a person compares it: the fingerprint, grouped by four.
    pub fn shown(&self) -> String {
        match self {
            Self::Key(k) => k.fingerprint(),
            Self::Fingerprint(f) => f
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// The DER bytes of every certificate in a PEM text, in order (a leaf, then its chain).
pub fn pem_certificates_der(pem: &str) -> Vec<Vec<u8>> {
    pem.split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .filter_map(|rest| {
            let body = rest.split("-----END CERTIFICATE-----").next()?;
            let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            unb64("tls_certificate", &b64).ok()
        })
        .collect()
}

/// What the hub key signs to vouch for its TLS certificate and the chain that comes with it:
/// a terminal that pinned the hub key (a typed fingerprint is enough) then knows them too, and
/// pins exactly them. One line per certificate, SHA-256 of its DER in hex, in order.
pub fn tls_endorsement_text(certificates_der: &[Vec<u8>]) -> String {
    let mut text = "ewarong-hub-tls/v1".to_owned();
    for der in certificates_der {
        text.push('\n');
        text.push_str(&hex(&sha256(der)));
    }
    text
}

/// True when `endorsement` (base64) is `hub`'s signature over every certificate in `pem`.
pub fn tls_endorsed(hub: &PublicKey, pem: &str, endorsement: &str) -> bool {
    let ders = pem_certificates_der(pem);
    let Ok(sig) = crate::protocol::signature("tls_endorsement", endorsement) else {
        return false;
    };
    !ders.is_empty() && hub.verify(tls_endorsement_text(&ders).as_bytes(), &sig)
}

/// The `Content-Digest` field value (RFC 9530) of a body: `sha-256=:<base64>:`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", b64(&sha256(body)))
}

/// The parameters of one request signature, as the `Signature-Input` field carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    /// Unix seconds, on the hub's clock as the terminal best knows it.
    pub created: i64,
    /// 32 hex digits, fresh for every request.
    pub nonce: String,
    /// The terminal id.
    pub keyid: String,
}

impl SignatureParams {
    /// The inner list and its parameters, as they follow `sig1=` and close the signature base.
    pub fn serialized(&self) -> String {
        format!(
            r#"{COVERED};created={};nonce="{}";keyid="{}";alg="ed25519";tag="{REQUEST_TAG}""#,
            self.created, self.nonce, self.keyid
        )
    }

    /// The `Signature-Input` field value.
    pub fn header(&self) -> String {
        format!("{LABEL}={}", self.serialized())
    }

    /// Reads a `Signature-Input` field value of this profile; anything else is refused.
    pub fn parse(field: &str) -> Result<Self, FieldError> {
        const NAME: &str = "Signature-Input";
        let bad = |rule| FieldError::new(NAME, rule);
        let rest = field
            .trim()
            .strip_prefix("sig1=")
            .ok_or_else(|| bad("must hold one signature labelled sig1"))?;
        let params = rest
            .strip_prefix(COVERED)
            .ok_or_else(|| bad("must cover @method, @path, @query and content-digest"))?;
        let (mut created, mut nonce, mut keyid, mut alg, mut tag) = (None, None, None, None, None);
        for param in params.split(';').skip(1) {
            let (name, value) = param
                .split_once('=')
                .ok_or_else(|| bad("has a bad parameter"))?;
            let quoted = || {
                value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .filter(|v| !v.contains(['"', '\\']))
                    .map(str::to_owned)
                    .ok_or_else(|| bad("has a bad parameter"))
            };
            let slot = match name {
                "created" => {
                    created = Some(value.parse::<i64>().map_err(|_| bad("has a bad created"))?);
                    continue;
                }
                "nonce" => &mut nonce,
                "keyid" => &mut keyid,
                "alg" => &mut alg,
                "tag" => &mut tag,
                _ => return Err(bad("has a parameter this profile does not use")),
            };
            if slot.replace(quoted()?).is_some() {
                return Err(bad("repeats a parameter"));
            }
        }
        if alg.as_deref() != Some("ed25519") {
            return Err(bad("must name alg=\"ed25519\""));
        }
        if tag.as_deref() != Some(REQUEST_TAG) {
            return Err(bad("must carry the tag ewarong-hub/v1"));
        }
        let nonce = nonce.ok_or_else(|| bad("must carry a nonce"))?;
        if nonce.len() != 32 || !nonce.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad("must carry a nonce of 32 hex digits"));
        }
        let parsed = Self {
            created: created.ok_or_else(|| bad("must carry created"))?,
            nonce,
            keyid: keyid.ok_or_else(|| bad("must carry keyid"))?,
        };
        // The base is rebuilt from what was received; one spelling only, so both agree.
        if parsed.header() != field.trim() {
            return Err(bad("must list its parameters as the profile does"));
        }
        Ok(parsed)
    }
}

/// The signature base (RFC 9421 section 2.5) of a request: what the terminal key signs.
/// `path` is the request path, `query` the query without `?` (empty when there is none).
pub fn signature_base(
    method: &str,
    path: &str,
    query: &str,
    content_digest: &str,
    params: &SignatureParams,
) -> String {
    format!(
        "\"@method\": {method}\n\"@path\": {path}\n\"@query\": ?{query}\n\"content-digest\": {content_digest}\n\"@signature-params\": {}",
        params.serialized()
    )
}

/// True when `base` is a request signature base of this profile; the terminal's key signs
/// nothing else through the request door.
pub fn is_signature_base(base: &str) -> bool {
    base.starts_with("\"@method\": ")
        && base.ends_with(&format!(";tag=\"{REQUEST_TAG}\""))
        && base.contains(&format!("\n\"@signature-params\": {COVERED};"))
}

/// The `Signature` field value for a signature.
pub fn signature_header(signature: &[u8; 64]) -> String {
    format!("{LABEL}=:{}:", b64(signature))
}

/// Reads a `Signature` field value of this profile.
pub fn parse_signature_header(field: &str) -> Result<[u8; 64], FieldError> {
    const NAME: &str = "Signature";
    let inner = field
        .trim()
        .strip_prefix("sig1=:")
        .and_then(|v| v.strip_suffix(':'))
        .ok_or_else(|| FieldError::new(NAME, "must hold one signature labelled sig1"))?;
    unb64(NAME, inner)?
        .try_into()
        .map_err(|_| FieldError::new(NAME, "must be a 64-byte signature"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn key(seed: u8) -> (SigningKey, PublicKey) {
        let s = SigningKey::from_bytes(&[seed; 32]);
        let p = PublicKey::from_dalek(s.verifying_key());
        (s, p)
    }

    fn params() -> SignatureParams {
        SignatureParams {
            created: 1_764_633_600,
            nonce: "00112233445566778899aabbccddeeff".into(),
            keyid: "warung-01".into(),
        }
    }

    #[test]
    fn a_signature_input_reads_back_and_anything_else_is_refused() {
        let p = params();
        assert_eq!(SignatureParams::parse(&p.header()), Ok(p.clone()));
        let good = p.header();
        for (bad, rule) in [
            (good.replace("sig1=", "sig2="), "labelled sig1"),
            (good.replace(r#" "content-digest""#, ""), "must cover"),
            (good.replace("ed25519", "hmac-sha256"), "alg"),
            (good.replace(REQUEST_TAG, "other"), "tag"),
            (good.replace("00112233", "0011"), "32 hex digits"),
            (
                good.replace(";created=1764633600", ""),
                "must carry created",
            ),
            (
                good.replace("created=1764633600", "created=soon"),
                "bad created",
            ),
            (format!("{good};expires=1"), "does not use"),
            (format!("{good};nonce=\"x\""), "repeats"),
        ] {
            let e = SignatureParams::parse(&bad).expect_err(&bad);
            assert_eq!(e.field, "Signature-Input");
            assert!(e.rule.contains(rule), "{bad}: {}", e.rule);
        }
    }

    #[test]
    fn the_base_is_the_rfc_9421_layout_and_only_it_passes_the_door() {
        let p = params();
        let digest = content_digest(b"");
        let base = signature_base("GET", "/v1/terminals/warung-01/head", "", &digest, &p);
        assert_eq!(
            base,
            "\"@method\": GET\n\"@path\": /v1/terminals/warung-01/head\n\"@query\": ?\n\
             \"content-digest\": sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:\n\
             \"@signature-params\": (\"@method\" \"@path\" \"@query\" \"content-digest\");\
             created=1764633600;nonce=\"00112233445566778899aabbccddeeff\";keyid=\"warung-01\";\
             alg=\"ed25519\";tag=\"ewarong-hub/v1\""
        );
        assert!(is_signature_base(&base));
        assert!(!is_signature_base("EWL\u{2}\u{1}"));
        assert!(!is_signature_base("\"@method\": GET\nanything"));
        let (s, _) = key(1);
        let sig = s.sign(base.as_bytes()).to_bytes();
        assert_eq!(parse_signature_header(&signature_header(&sig)), Ok(sig));
        assert!(parse_signature_header("sig1=:AAAA:").is_err());
        assert!(parse_signature_header("sig1=AAAA").is_err());
    }

    #[test]
    fn a_fingerprint_pin_matches_only_its_key_and_bad_typing_names_the_field() {
        let (_, hub) = key(7);
        let (_, other) = key(8);
        let typed = hub.fingerprint().to_uppercase().replace(' ', "-");
        let pin = HubPin::fingerprint("--hub-key", &typed).expect("typed fingerprint");
        assert!(pin.matches(&hub));
        assert!(!pin.matches(&other));
        assert_eq!(pin.shown(), hub.fingerprint());
        assert!(HubPin::Key(hub).matches(&hub));
        assert!(!HubPin::Key(hub).matches(&other));
        for bad in ["", "ab12", "zz12 cd34 ef56 7890", "ab12 cd34 ef56 7890 00"] {
            let e = HubPin::fingerprint("--hub-key", bad).expect_err(bad);
            assert_eq!(e.field, "--hub-key");
        }
    }

    #[test]
    fn a_tls_endorsement_holds_for_its_certificates_and_key_only() {
        let (s, hub) = key(4);
        let (_, other) = key(5);
        let leaf = "-----BEGIN CERTIFICATE-----\nAAECAwQF\nBgc=\n-----END CERTIFICATE-----\n";
        let ca = "-----BEGIN CERTIFICATE-----\nCAkK\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates_der(leaf), [vec![0, 1, 2, 3, 4, 5, 6, 7]]);
        assert!(pem_certificates_der("no certificate here").is_empty());
        let chain = format!("{leaf}{ca}");
        let ders = pem_certificates_der(&chain);
        assert_eq!(ders.len(), 2);
        let sig = b64(&s.sign(tls_endorsement_text(&ders).as_bytes()).to_bytes());
        assert!(tls_endorsed(&hub, &chain, &sig));
        assert!(!tls_endorsed(&other, &chain, &sig));
        // A certificate added to the chain, or one taken away, is no longer vouched for.
        let added = format!("{chain}{ca}");
        assert!(!tls_endorsed(&hub, &added, &sig));
        assert!(!tls_endorsed(&hub, leaf, &sig));
        let changed = chain.replace("Bgc=", "Bgg=");
        assert!(!tls_endorsed(&hub, &changed, &sig));
        assert!(!tls_endorsed(&hub, &chain, "not base64"));
        assert!(!tls_endorsed(&hub, "", &sig));
    }

    #[test]
    fn the_enrolment_proof_binds_code_terminal_and_both_keys() {
        let (_, t) = key(1);
        let (_, hub) = key(2);
        let (_, fake) = key(3);
        let code = code_hash("abcd-efgh-jk");
        assert_eq!(code, code_hash("ABCDEFGHJK"));
        let proof = enrol_proof(&code, "warung-01", &t, &hub);
        assert_eq!(proof.len(), 64);
        assert_ne!(proof, enrol_proof(&code, "warung-01", &t, &fake));
        assert_ne!(proof, enrol_proof(&code, "warung-02", &t, &hub));
        assert_ne!(proof, enrol_proof(&code, "warung-01", &fake, &hub));
        assert_ne!(proof, enrol_proof(&code_hash("X"), "warung-01", &t, &hub));
    }
}
