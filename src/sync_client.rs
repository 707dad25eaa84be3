//! The terminal's side of sync: a small blocking HTTP client for the hub, one sync round, and
//! the USB-stick path (batches out as files, receipts back in as files).

use ewarong_core::key;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use ewarong_core::hub_auth::{
    HubPin, SignatureParams, code_hash, content_digest, enrol_proof, signature_base,
    signature_header, tls_endorsed,
};
use ewarong_core::i18n::{Lang, Localize, TextKey, tr, trf};
use ewarong_core::protocol::{
    ApiError, BatchUpload, Certificate, EnrolRequest, Head, Health, HubReceipt, parse_moves,
};
use ewarong_core::seal::hex;
use ewarong_core::usb::{
    BatchFile, UpdatesRequest, batch_file_name, request_file_name, updates_file_name,
};
use ewarong_keys::fs::write_atomic;
use ewarong_ledger::{AckVia, Acked, Enrolment, Ledger, LedgerError, Outgoing, SealReason};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use ureq::tls::{RootCerts, TlsConfig};

/// Batches read from the ledger per round trip to it; a backlog of any size goes page by page.
pub const PAGE: usize = 32;

/// Why a sync step did not complete. Nothing acknowledged is ever lost: a batch stays pending
/// until its receipt verified.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No answer: no signal, the hub down, or a timeout.
    Offline(String),
    /// This terminal is already enrolled; `enrol` never moves it to another hub or key.
    AlreadyEnrolled {
        hub: String,
        fingerprint: String,
    },
    /// The hub that answered does not have the key the enrolment sheet or file names; nothing
    /// was sent to it.
    WrongHub {
        expected: String,
        answered: String,
    },
    /// Plain HTTP to a hub that is not on this machine: refused, rosters travel only over TLS.
    PlainHttp(String),
    /// The hub's TLS certificate is not vouched for by the hub key; nothing was sent.
    TlsNotVouched(String),
    /// The hub answered with an error.
    Hub {
        status: u16,
        code: String,
        message: String,
        head: Option<Box<Head>>,
        /// The hub's clock, on a `clock` refusal.
        hub_time: Option<String>,
    },
    /// The hub's answer was not what the protocol says.
    Protocol(String),
    Ledger(#[from] LedgerError),
    File {
        path: PathBuf,
        detail: String,
    },
    ReceiptFile {
        path: PathBuf,
        error: LedgerError,
    },
    /// A signed update whose signature does not verify; nothing of it was applied.
    UpdateSignature {
        kind: String,
        version: u64,
    },
    /// A signed update that does not apply; nothing of it was applied.
    Update {
        kind: String,
        version: u64,
        detail: String,
    },
}

ewarong_core::english_display!(SyncError);

impl Localize for SyncError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Offline(d) => trf(lang, key!("sync.offline"), &[("detail", d)]),
            Self::AlreadyEnrolled { hub, fingerprint } => trf(
                lang,
                key!("sync.already_enrolled"),
                &[("hub", hub), ("fingerprint", fingerprint)],
            ),
            Self::WrongHub { expected, answered } => trf(
                lang,
                key!("sync.wrong_hub"),
                &[("expected", expected), ("answered", answered)],
            ),
            Self::PlainHttp(url) => trf(lang, key!("sync.plain_http"), &[("url", url)]),
            Self::TlsNotVouched(url) => trf(lang, key!("sync.tls_not_vouched"), &[("url", url)]),
            Self::Hub { code, message, .. } if code == "fork" => {
                trf(lang, key!("sync.fork"), &[("detail", message)])
            }
            Self::Hub {
                status,
                code,
                message,
                ..
            } => {
                // Known refusals in the shopkeeper's words; the hub's sentence stays beside it.
                let key = format!("sync.code.{code}");
                let said = if let Some(key) = TextKey::runtime(&key) {
                    tr(lang, key)
                } else {
                    ""
                };
                trf(
                    lang,
                    key!("sync.hub_error"),
                    &[
                        ("status", status),
                        ("code", code),
                        ("detail", &format!("{said} {message}").trim().to_owned()),
                    ],
                )
            }
            Self::Protocol(d) => trf(lang, key!("sync.protocol"), &[("detail", d)]),
            Self::Ledger(e) => e.localize(lang),
            Self::File { path, detail } => trf(
                lang,
                key!("sync.file"),
                &[("path", &path.display()), ("detail", detail)],
            ),
            Self::UpdateSignature { kind, version } => trf(
                lang,
                key!("sync.update_refused"),
                &[
                    ("kind", kind),
                    ("version", version),
                    ("detail", &tr(lang, key!("sync.update_signature"))),
                ],
            ),
            Self::Update {
                kind,
                version,
                detail,
            } => trf(
                lang,
                key!("sync.update_refused"),
                &[("kind", kind), ("version", version), ("detail", detail)],
            ),
            Self::ReceiptFile { path, error } => trf(
                lang,
                key!("sync.file"),
                &[("path", &path.display()), ("detail", &error.localize(lang))],
            ),
        }
    }
}

/// Who signs requests to the hub: the terminal's id and its key. The ledger is one (its key
/// never leaves it); tests bring others to play strangers.
pub trait RequestSigner {
    fn terminal_id(&self) -> &str;
    /// The Ed25519 signature of a request signature base.
    fn sign(&self, base: &str) -> Result<[u8; 64], SyncError>;
}

impl RequestSigner for Ledger {
    fn terminal_id(&self) -> &str {
        &self.terminal().terminal_id
    }

    fn sign(&self, base: &str) -> Result<[u8; 64], SyncError> {
        Ok(self.sign_hub_request(base)?)
    }
}

/// How a client checks the hub's TLS certificate (for `https://` hubs).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trust {
    /// The public CAs: a hub behind a reverse proxy with a public certificate.
    Public,
    /// Only this certificate (PEM), pinned at enrolment: no CA is needed in a village.
    Pinned(String),
    /// Nothing: only for reading `GET /v1/health` before enrolment, whose answer is then
    /// checked against the pinned hub key.
    Unchecked,
}

/// A blocking client for one hub.
#[derive(Debug, Clone)]
pub struct HubClient {
    base: String,
    agent: ureq::Agent,
    trust: Trust,
    /// Hub clock minus ours, in seconds, as last learned from a `clock` refusal: requests are
    /// signed on the hub's time, so a terminal clock that is hours off still syncs.
    skew: Arc<AtomicI64>,
    /// What this client learned of the hub and the link; shared by its clones.
    link: Arc<Mutex<Link>>,
}

/// A request that took less than this grows the next one; more than [`SLOW`] shrinks it.
const FAST: Duration = Duration::from_secs(2);
const SLOW: Duration = Duration::from_secs(8);
/// The most a JSON answer may be once decompressed (a whole district roster is ~9 MB).
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// What the client knows of the hub's features and of the link's speed (`docs/sync.md`, "Weak
/// links"): requests start small after a cut and grow while answers come back fast.
#[derive(Debug, Clone)]
struct Link {
    /// From the hub's last `head`; empty for an older hub, which gets the first protocol.
    features: Vec<String>,
    /// Batches in the next bundle.
    per_request: usize,
    /// Pages in the next document request.
    pages_per_request: u64,
    /// Upload body bytes per second, smoothed.
    bytes_per_second: Option<f64>,
    /// Upload body bytes per entry, smoothed.
    bytes_per_entry: Option<f64>,
}

impl Default for Link {
    fn default() -> Self {
        Self {
            features: Vec::new(),
            per_request: 1,
            pages_per_request: 1,
            bytes_per_second: None,
            bytes_per_entry: None,
        }
    }
}

/// An answer's JSON, read within [`MAX_ANSWER_BYTES`] once decompressed.
fn read_json<T: serde::de::DeserializeOwned>(
    mut resp: ureq::http::Response<ureq::Body>,
) -> Result<T, SyncError> {
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_string()
        .map_err(|e| SyncError::Offline(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| SyncError::Protocol(e.to_string()))
}

/// `old` moved a quarter of the way to `new`.
fn smooth(old: Option<f64>, new: f64) -> f64 {
    old.map_or(new, |o| o * 0.75 + new * 0.25)
}

/// A request body as it goes on the wire, and its media type: compressed once, whatever the
/// number of times it is signed.
struct Payload<'a> {
    bytes: std::borrow::Cow<'a, [u8]>,
    content_type: &'static str,
    deflated: bool,
}

impl HubClient {
    /// A client for the hub at `base` (`http://host:port`, or `https://` checked against the
    /// public CAs), giving up on any call after `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Self {
        Self::with_tls(base, timeout, Trust::Public, TlsConfig::builder().build())
    }

    /// A client that trusts only the certificates in `certificate` (PEM: the hub's own, or a
    /// leaf and the chain a CA issued it with) for an `https://` hub.
    pub fn pinned(base: &str, timeout: Duration, certificate: &str) -> Result<Self, SyncError> {
        let certs: Vec<_> = ewarong_core::hub_auth::pem_certificates_der(certificate)
            .into_iter()
            .map(|der| ureq::tls::Certificate::from_der(&der).to_owned())
            .collect();
        if certs.is_empty() {
            return Err(SyncError::Protocol(
                "tls_certificate: no certificate in it".into(),
            ));
        }
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&certs))
            .build();
        Ok(Self::with_tls(
            base,
            timeout,
            Trust::Pinned(certificate.to_owned()),
            tls,
        ))
    }

    /// A client that checks no certificate: only for the health answer read before enrolment.
    fn unchecked(base: &str, timeout: Duration) -> Self {
        let tls = TlsConfig::builder().disable_verification(true).build();
        Self::with_tls(base, timeout, Trust::Unchecked, tls)
    }

    /// The client for the hub a terminal enrolled with, trusting the certificate it pinned.
    pub fn for_enrolment(enrolment: &Enrolment, timeout: Duration) -> Result<Self, SyncError> {
        Self::at(&enrolment.hub_url, enrolment, timeout)
    }

    /// A client for `base` (another address of the same hub), trusting the certificate the
    /// terminal pinned at enrolment.
    pub fn at(base: &str, enrolment: &Enrolment, timeout: Duration) -> Result<Self, SyncError> {
        match &enrolment.tls_certificate {
            Some(pem) => Self::pinned(base, timeout, pem),
            None => Ok(Self::new(base, timeout)),
        }
    }

    fn with_tls(base: &str, timeout: Duration, trust: Trust, tls: TlsConfig) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            trust,
            skew: Arc::new(AtomicI64::new(0)),
            link: Arc::new(Mutex::new(Link::default())),
        }
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        // A panic elsewhere cannot leave the numbers in here inconsistent: take them as they are.
        self.link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `bytes` as this hub takes them: deflated if it announced `deflate` (the signature's
    /// digest then covers the compressed bytes).
    fn payload<'a>(&self, bytes: &'a [u8], content_type: &'static str) -> Payload<'a> {
        let deflated = self.has(ewarong_core::wire::DEFLATE);
        Payload {
            bytes: if deflated {
                ewarong_core::wire::deflate(bytes).into()
            } else {
                bytes.into()
            },
            content_type,
            deflated,
        }
    }

    /// Whether the hub announced `feature` in its last `head` (`ewarong_core::wire`).
    pub fn has(&self, feature: &str) -> bool {
        self.link().features.iter().any(|f| f == feature)
    }

    /// What is left to send, on the wire, and how long it will take at the speed measured:
    /// `None` before any upload was measured.
    pub fn estimate(&self, entries: u64) -> Option<(u64, Duration)> {
        let link = self.link();
        let per_entry = link.bytes_per_entry?;
        let speed = link.bytes_per_second?.max(1.0);
        let bytes = (entries as f64 * per_entry).ceil();
        // One round trip per bundle besides the bytes: a floor of a second.
        let seconds = (bytes / speed).max(if entries > 0 { 1.0 } else { 0.0 });
        // Non-negative and far below 2^53: the float holds the integer exactly.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bytes = bytes as u64;
        Some((bytes, Duration::from_secs_f64(seconds)))
    }

    /// Grows or shrinks the next request after one that took `took`.
    fn adapt(&self, took: Duration) {
        let mut link = self.link();
        if took < FAST {
            link.per_request = link
                .per_request
                .saturating_mul(2)
                .min(ewarong_core::wire::MAX_BUNDLE_BATCHES);
            link.pages_per_request = link
                .pages_per_request
                .saturating_mul(2)
                .min(ewarong_core::wire::MAX_PAGES_PER_REQUEST);
        } else if took > SLOW {
            link.per_request = (link.per_request / 2).max(1);
            link.pages_per_request = (link.pages_per_request / 2).max(1);
        }
    }

    /// After a cut: the next request is the smallest.
    fn cut(&self) {
        let mut link = self.link();
        link.per_request = 1;
        link.pages_per_request = 1;
    }

    /// The certificate this client trusts alone, if it pins one.
    pub fn pinned_certificate(&self) -> Option<&str> {
        match &self.trust {
            Trust::Pinned(pem) => Some(pem),
            _ => None,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// What the terminal already believes of the hub's clock (hub minus ours, seconds): the
    /// next request is signed on it. A wrong belief costs one `clock` refusal and a retry.
    pub fn set_clock_skew(&self, seconds: i64) {
        self.skew.store(seconds, Ordering::Relaxed);
    }

    /// The same hub, with another timeout, trusting the same certificate and sharing what this
    /// client learned of the hub's clock.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let built = match &self.trust {
            Trust::Public => Self::new(&self.base, timeout),
            Trust::Unchecked => Self::unchecked(&self.base, timeout),
            // The certificate parsed when this client was made; it parses again.
            Trust::Pinned(pem) => {
                Self::pinned(&self.base, timeout, pem).unwrap_or_else(|_| self.clone())
            }
        };
        Self {
            skew: Arc::clone(&self.skew),
            link: Arc::clone(&self.link),
            ..built
        }
    }

    /// The answer as it came, if 2xx; a refusal as [`SyncError::Hub`] with the hub's code.
    fn respond(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<ureq::http::Response<ureq::Body>, SyncError> {
        let mut resp = result.map_err(|e| SyncError::Offline(e.to_string()))?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(resp);
        }
        let text = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        let err: ApiError = serde_json::from_str(&text).unwrap_or(ApiError {
            error: "http".into(),
            message: text.chars().take(200).collect(),
            head: None,
            hub_time: None,
        });
        Err(SyncError::Hub {
            status,
            code: err.error,
            message: err.message,
            head: err.head.map(Box::new),
            hub_time: err.hub_time,
        })
    }

    fn answer<T: serde::de::DeserializeOwned>(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, SyncError> {
        read_json(self.respond(result)?)
    }

    /// One request signed by `signer` (`docs/sync.md`, "Signed requests"), answered with JSON.
    fn signed<T: serde::de::DeserializeOwned>(
        &self,
        signer: &dyn RequestSigner,
        method: &str,
        path_and_query: &str,
        body: Option<Payload<'_>>,
    ) -> Result<T, SyncError> {
        read_json(self.signed_response(signer, method, path_and_query, body)?)
    }

    /// One signed request, its answer not yet read. A `clock` refusal carries the hub's time:
    /// the request is signed again on it, once.
    fn signed_response(
        &self,
        signer: &dyn RequestSigner,
        method: &str,
        path_and_query: &str,
        body: Option<Payload<'_>>,
    ) -> Result<ureq::http::Response<ureq::Body>, SyncError> {
        let first = self.signed_once(signer, method, path_and_query, body.as_ref());
        let Err(SyncError::Hub {
            code,
            hub_time: Some(hub_time),
            ..
        }) = &first
        else {
            return first;
        };
        if code != "clock" {
            return first;
        }
        let Ok(hub) = DateTime::parse_from_rfc3339(hub_time) else {
            return first;
        };
        let skew = hub
            .timestamp()
            .saturating_sub(chrono::Utc::now().timestamp());
        tracing::info!(skew, "signing on the hub's clock");
        self.skew.store(skew, Ordering::Relaxed);
        self.signed_once(signer, method, path_and_query, body.as_ref())
    }

    fn signed_once(
        &self,
        signer: &dyn RequestSigner,
        method: &str,
        path_and_query: &str,
        body: Option<&Payload<'_>>,
    ) -> Result<ureq::http::Response<ureq::Body>, SyncError> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let sent: &[u8] = body.map_or(&[], |p| &p.bytes);
        let digest = content_digest(sent);
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let params = SignatureParams {
            created: chrono::Utc::now()
                .timestamp()
                .saturating_add(self.skew.load(Ordering::Relaxed)),
            nonce: hex(&nonce),
            keyid: signer.terminal_id().to_owned(),
        };
        let base = signature_base(method, path, query, &digest, &params);
        let signature = signer.sign(&base)?;
        let url = format!("{}{path_and_query}", self.base);
        fn sign<B>(
            r: ureq::RequestBuilder<B>,
            digest: &str,
            input: String,
            signature: String,
        ) -> ureq::RequestBuilder<B> {
            r.header("Content-Digest", digest)
                .header("Signature-Input", input)
                .header("Signature", signature)
        }
        let (input, signature) = (params.header(), signature_header(&signature));
        let result = match body {
            Some(p) => {
                let mut r = sign(self.agent.post(url), &digest, input, signature)
                    .content_type(p.content_type);
                if p.deflated {
                    r = r.header("Content-Encoding", ewarong_core::wire::DEFLATE);
                }
                r.send(sent)
            }
            None => sign(self.agent.get(url), &digest, input, signature).call(),
        };
        self.respond(result)
    }

    /// Sends the enrolment request; the hub answers with the terminal's certificate. The one
    /// request not signed: the terminal's key is what it makes known.
    pub fn enrol(&self, req: &EnrolRequest) -> Result<Certificate, SyncError> {
        let json = serde_json::to_string(req).map_err(|e| SyncError::Protocol(e.to_string()))?;
        self.answer(
            self.agent
                .post(format!("{}/v1/enrol", self.base))
                .content_type("application/json")
                .send(json.as_str()),
        )
    }

    /// The hub's key and clock; asks nothing of the terminal.
    pub fn health(&self) -> Result<Health, SyncError> {
        self.answer(self.agent.get(format!("{}/v1/health", self.base)).call())
    }

    /// What the hub holds for the signer's terminal.
    pub fn head(&self, signer: &dyn RequestSigner) -> Result<Head, SyncError> {
        let path = format!("/v1/terminals/{}/head", signer.terminal_id());
        let head: Head = self.signed(signer, "GET", &path, None)?;
        self.link().features.clone_from(&head.features);
        Ok(head)
    }

    /// The newest signed updates the terminal lacks, given the versions it has.
    pub fn updates(
        &self,
        signer: &dyn RequestSigner,
        have: &std::collections::BTreeMap<String, u64>,
    ) -> Result<ewarong_core::protocol::Updates, SyncError> {
        let query: Vec<String> = have.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let path = format!(
            "/v1/terminals/{}/updates?{}",
            signer.terminal_id(),
            query.join("&")
        );
        self.signed(signer, "GET", &path, None)
    }

    /// Sends one batch; the hub answers with its countersigned receipt.
    pub fn upload(
        &self,
        signer: &dyn RequestSigner,
        batch: &BatchUpload,
    ) -> Result<HubReceipt, SyncError> {
        let json = serde_json::to_string(batch).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let path = format!("/v1/terminals/{}/batches", signer.terminal_id());
        let body = self.payload(json.as_bytes(), "application/json");
        self.signed(signer, "POST", &path, Some(body))
    }

    /// Sends several batches in one binary body (a hub with `bundle`); the hub answers with
    /// the receipts of those it took, in order, and why it stopped if it did. The time it took
    /// sizes the next bundle, and the bytes sent feed the estimate of what is left.
    pub fn upload_bundle(
        &self,
        signer: &dyn RequestSigner,
        batches: &[BatchUpload],
    ) -> Result<ewarong_core::wire::BundleAnswer, SyncError> {
        let bytes = ewarong_core::wire::encode_bundle(batches)
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        let entries: usize = batches.iter().map(|b| b.entries.len()).sum();
        let path = format!("/v1/terminals/{}/batches", signer.terminal_id());
        let started = std::time::Instant::now();
        let body = self.payload(&bytes, ewarong_core::wire::BUNDLE_TYPE);
        let sent = body.bytes.len() as f64;
        let answer = self.signed(signer, "POST", &path, Some(body));
        if matches!(answer, Err(SyncError::Offline(_))) {
            self.cut();
            return answer;
        }
        let took = started.elapsed();
        {
            let mut link = self.link();
            link.bytes_per_second = Some(smooth(
                link.bytes_per_second,
                sent / took.as_secs_f64().max(0.001),
            ));
            if entries > 0 {
                link.bytes_per_entry = Some(smooth(link.bytes_per_entry, sent / entries as f64));
            }
        }
        self.adapt(took);
        answer
    }

    /// The receipts the hub already issued from batch `from` on (a hub with `receipts`).
    pub fn receipts(
        &self,
        signer: &dyn RequestSigner,
        from: u64,
    ) -> Result<ewarong_core::wire::Receipts, SyncError> {
        let path = format!(
            "/v1/terminals/{}/receipts?from={from}",
            signer.terminal_id()
        );
        self.signed(signer, "GET", &path, None)
    }

    /// Pages `from..from+count` of a document (a hub with `pages`), as a stream to read page
    /// by page.
    fn document_pages(
        &self,
        signer: &dyn RequestSigner,
        kind: &str,
        version: u64,
        from: u64,
        count: u64,
    ) -> Result<ureq::http::Response<ureq::Body>, SyncError> {
        let path = format!(
            "/v1/terminals/{}/documents/{kind}/{version}?from={from}&count={count}",
            signer.terminal_id()
        );
        self.signed_response(signer, "GET", &path, None)
    }
}

/// True when `url` names this machine (`localhost`, `127.x.x.x`, `::1`): the one place a hub
/// may be reached without TLS.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Enrols this terminal with the hub at `hub_url`, trusting it only if its key is the one
/// `pin` names: the key is read first, and nothing (not even the proof of the code) is sent to
/// a hub with another key. Over `https://`, the hub's TLS certificate is pinned too: the one in
/// the enrolment file (`tls_certificate`), else the one the hub shows with its key's
/// endorsement, else the public CAs (a reverse proxy). Plain `http://` only to this machine.
/// A terminal already enrolled is never moved by this. Returns the enrolment and a client
/// for the hub as enrolled.
pub fn enrol(
    ledger: &mut Ledger,
    hub_url: &str,
    timeout: Duration,
    code: &str,
    pin: &HubPin,
    tls_certificate: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<(Enrolment, HubClient), SyncError> {
    if let Some(e) = ledger.enrolment()? {
        return Err(SyncError::AlreadyEnrolled {
            hub: e.hub_url,
            fingerprint: e.hub_key.fingerprint(),
        });
    }
    let (cert, client) = certificate_from(ledger, hub_url, timeout, code, pin, tls_certificate)?;
    let e = ledger.record_enrolment(client.base(), &cert, client.pinned_certificate(), now)?;
    Ok((e, client))
}

/// Moves an enrolled terminal to another hub, approved by `supervisor` (authenticated by the
/// caller) for `reason`: the new hub is checked and enrolled with exactly as [`enrol`] does
/// (its key must be the one `pin` names), then the move is written to the ledger as a
/// `hub_change` entry with the new enrolment, in one transaction. Nothing is written when the
/// approver is not a supervisor, the reason is empty, the terminal is not enrolled or the new
/// hub is the one in force; those are checked before the new hub is contacted.
#[allow(clippy::too_many_arguments)] // The sheet (url, code, pin, TLS), the approval and the time.
pub fn change_hub(
    ledger: &mut Ledger,
    hub_url: &str,
    timeout: Duration,
    code: &str,
    pin: &HubPin,
    tls_certificate: Option<&str>,
    supervisor: &ewarong_ledger::Operator,
    reason: &str,
    now: DateTime<FixedOffset>,
) -> Result<(Enrolment, HubClient), SyncError> {
    if supervisor.role() != ewarong_ledger::Role::Supervisor {
        return Err(LedgerError::NotSupervisor.into());
    }
    if reason.trim().is_empty() {
        return Err(LedgerError::EmptyField("--reason").into());
    }
    let old = ledger.enrolment()?.ok_or(LedgerError::NotEnrolled)?;
    if pin.matches(&old.hub_key) {
        return Err(LedgerError::SameHub(old.hub_key.fingerprint()).into());
    }
    let (cert, client) = certificate_from(ledger, hub_url, timeout, code, pin, tls_certificate)?;
    let e = ledger.record_hub_change(
        client.base(),
        &cert,
        client.pinned_certificate(),
        supervisor,
        reason,
        now,
    )?;
    Ok((e, client))
}

/// The hub's certificate for this terminal, from the hub at `hub_url` whose key `pin` names:
/// its key read first, and nothing sent to a hub with another key (see [`enrol`]).
fn certificate_from(
    ledger: &Ledger,
    hub_url: &str,
    timeout: Duration,
    code: &str,
    pin: &HubPin,
    tls_certificate: Option<&str>,
) -> Result<(Certificate, HubClient), SyncError> {
    let https = hub_url.starts_with("https://");
    if !https && !is_loopback(hub_url) {
        return Err(SyncError::PlainHttp(hub_url.to_owned()));
    }
    let first = match tls_certificate {
        Some(pem) if https => HubClient::pinned(hub_url, timeout, pem)?,
        _ if https => HubClient::unchecked(hub_url, timeout),
        _ => HubClient::new(hub_url, timeout),
    };
    let health = first.health()?;
    let hub_key = ewarong_core::protocol::public_key("hub_public_key", &health.hub_public_key)
        .map_err(|e| SyncError::Protocol(e.to_string()))?;
    let wrong = |answered: &ewarong_core::seal::sign::PublicKey| SyncError::WrongHub {
        expected: pin.shown(),
        answered: answered.fingerprint(),
    };
    if !pin.matches(&hub_key) {
        tracing::warn!(hub = hub_url, answered = %hub_key.fingerprint(), "enrolment refused: not the pinned hub key");
        return Err(wrong(&hub_key));
    }
    let client = match (&first.trust, &health.tls_certificate) {
        (Trust::Unchecked, Some(pem)) => {
            let vouched = health
                .tls_endorsement
                .as_deref()
                .is_some_and(|e| tls_endorsed(&hub_key, pem, e));
            if !vouched {
                return Err(SyncError::TlsNotVouched(hub_url.to_owned()));
            }
            HubClient::pinned(hub_url, timeout, pem)?
        }
        (Trust::Unchecked, None) => HubClient::new(hub_url, timeout),
        _ => first,
    };
    let key = ledger.public_key()?.ok_or(LedgerError::NoKey)?;
    let id = ledger.terminal().terminal_id.clone();
    let cert = client.enrol(&EnrolRequest {
        terminal_id: id.clone(),
        public_key: hex(&key.to_bytes()),
        proof: enrol_proof(&code_hash(code), &id, &key, &hub_key),
    })?;
    let certified = ewarong_core::protocol::public_key("hub_public_key", &cert.hub_public_key)
        .map_err(|e| SyncError::Protocol(e.to_string()))?;
    if certified != hub_key {
        return Err(wrong(&certified));
    }
    Ok((cert, client))
}

/// Verifies one update against the enrolled hub key and applies it in one transaction, with
/// the source `hub:<kind>:v<version>` recorded beside it.
pub fn apply_update(
    ledger: &mut Ledger,
    u: &ewarong_core::protocol::Update,
    now: DateTime<FixedOffset>,
) -> Result<(), SyncError> {
    use ewarong_core::import::{
        apply_prices, parse_catalogue, parse_policy, parse_prices, parse_roster,
    };
    use ewarong_core::protocol::Kind;
    let refuse = |detail: String| SyncError::Update {
        kind: u.kind.clone(),
        version: u.version,
        detail,
    };
    let hub = ledger.enrolment()?.ok_or(LedgerError::NotEnrolled)?.hub_key;
    if !u.verify(&hub) {
        return Err(SyncError::UpdateSignature {
            kind: u.kind.clone(),
            version: u.version,
        });
    }
    let kind = Kind::parse(&u.kind).ok_or_else(|| refuse(format!("kind {}", u.kind)))?;
    let source = format!("hub:{}:v{}", kind.as_str(), u.version);
    let sha = ewarong_ledger::sha256(u.document.as_bytes());
    let file = kind.file_name();
    let import_err = |e: ewarong_core::import::ImportError| refuse(e.localize(Lang::En));
    match kind {
        Kind::Policy => {
            let p = parse_policy(file, &u.document).map_err(import_err)?;
            ledger.import_policy(&p, &source, &sha, now)?;
        }
        Kind::Catalogue => {
            let policy = ledger.policy()?;
            let products = parse_catalogue(file, &u.document, &policy).map_err(import_err)?;
            ledger.import_catalogue(products, &source, &sha, now)?;
        }
        Kind::Prices => {
            let rows = parse_prices(file, &u.document).map_err(|e| refuse(e.to_string()))?;
            let catalogue = ledger.catalogue()?;
            let products = apply_prices(&catalogue, &rows).map_err(|e| refuse(e.to_string()))?;
            ledger.import_catalogue(products, &source, &sha, now)?;
        }
        Kind::Roster => {
            let roster = parse_roster(file, &u.document).map_err(import_err)?;
            ledger.import_roster(&roster, &source, &sha, now)?;
        }
        Kind::Moves => {
            let doc = parse_moves(&u.document).map_err(refuse)?;
            ledger.apply_moves(&doc, u.version, &sha, now)?;
        }
        Kind::Revoked => {
            let doc = ewarong_core::protocol::parse_revoked(&u.document).map_err(refuse)?;
            ledger.apply_revoked(&doc, u.version, &sha, now)?;
        }
    }
    if !matches!(kind, Kind::Moves | Kind::Revoked) {
        // The base of the next delta of this kind. A cache: if this fails, the next update
        // simply comes whole.
        if let Err(e) = ledger.keep_hub_document(kind.as_str(), u.version, &u.document) {
            tracing::warn!(error = %e, kind = kind.as_str(), "could not keep the document for deltas");
        }
    }
    tracing::info!(
        kind = kind.as_str(),
        version = u.version,
        "hub update applied"
    );
    Ok(())
}

/// Fetches the updates this terminal lacks and applies them in order: policy, catalogue,
/// prices, roster. Returns what was applied, e.g. `["policy v2"]`.
pub fn pull_updates(
    ledger: &mut Ledger,
    client: &HubClient,
    now: DateTime<FixedOffset>,
) -> Result<Vec<String>, SyncError> {
    let have = ledger.hub_versions()?;
    let mut ask = have.clone();
    for feature in [ewarong_core::wire::DELTA, ewarong_core::wire::PAGES] {
        if client.has(feature) {
            ask.insert(feature.to_owned(), 1);
        }
    }
    let mut updates = client.updates(&*ledger, &ask)?.updates;
    let mut whole = false;
    for u in &mut updates {
        if let Some(delta) = u.delta.take() {
            match ledger.hub_document(&u.kind)? {
                Some((version, base)) => match delta.apply(version, &base) {
                    // The result must be the document the hub signed; anything else is
                    // asked for whole rather than refused round after round.
                    Ok(doc) if hex(&ewarong_ledger::sha256(doc.as_bytes())) == u.sha256 => {
                        u.document = doc;
                    }
                    Ok(_) => {
                        tracing::warn!(kind = %u.kind, "delta result does not match the signed hash; asking for the whole document");
                        whole = true;
                    }
                    Err(e) => {
                        tracing::warn!(kind = %u.kind, error = %e, "delta refused; asking for the whole document");
                        whole = true;
                    }
                },
                None => whole = true,
            }
        }
    }
    if whole {
        // Asked again without deltas: every document comes whole (or in pages).
        ask.remove(ewarong_core::wire::DELTA);
        updates = client.updates(&*ledger, &ask)?.updates;
    }
    for u in &mut updates {
        if let Some(pages) = u.pages.take() {
            u.document = download(ledger, client, u, &pages)?;
        }
    }
    let applied = apply_newer(ledger, updates, now)?;
    Ok(applied)
}

/// Fetches a document page by page, each checked against its own hash and stored before the
/// next is asked for, so a download cut off goes on from the first page missing at the next
/// round. The whole is checked against the signed hash when it is applied.
fn download(
    ledger: &mut Ledger,
    client: &HubClient,
    u: &ewarong_core::protocol::Update,
    pages: &ewarong_core::wire::Pages,
) -> Result<String, SyncError> {
    use std::io::Read;
    let refuse = |detail: String| SyncError::Update {
        kind: u.kind.clone(),
        version: u.version,
        detail,
    };
    let sha: [u8; 32] =
        ewarong_core::protocol::unhex("sha256", &u.sha256).map_err(|e| refuse(e.to_string()))?;
    let count = pages.length.div_ceil(pages.size.max(1));
    if pages.size == 0
        || pages.size > 1 << 20
        || pages.length > MAX_ANSWER_BYTES
        || count != pages.hashes.len() as u64
    {
        return Err(refuse(format!(
            "pages: {} hashes for {} bytes in pages of {}",
            pages.hashes.len(),
            pages.length,
            pages.size
        )));
    }
    let have: std::collections::BTreeSet<u64> = ledger
        .download_pages(&u.kind, u.version, &sha)?
        .into_iter()
        .collect();
    if !have.is_empty() {
        tracing::info!(kind = %u.kind, version = u.version, pages = have.len(), of = count, "resuming a download");
    }
    let mut next = 0u64;
    while next < count {
        if have.contains(&next) {
            next = next.saturating_add(1);
            continue;
        }
        // A run of missing pages, as many as the link takes now.
        let want = client.link().pages_per_request;
        let mut run = 1u64;
        while run < want
            && next.saturating_add(run) < count
            && !have.contains(&next.saturating_add(run))
        {
            run = run.saturating_add(1);
        }
        let started = std::time::Instant::now();
        let mut resp = match client.document_pages(&*ledger, &u.kind, u.version, next, run) {
            Ok(r) => r,
            Err(e) => {
                if matches!(e, SyncError::Offline(_)) {
                    client.cut();
                }
                return Err(e);
            }
        };
        let mut reader = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .reader();
        for page in next..next.saturating_add(run) {
            let len = pages.page_len(page).unwrap_or(0);
            let mut buf = vec![0u8; usize::try_from(len).unwrap_or(0)];
            if let Err(e) = reader.read_exact(&mut buf) {
                // Cut mid-way: the pages stored so far stay for the next round.
                client.cut();
                return Err(SyncError::Offline(e.to_string()));
            }
            let want_hash = usize::try_from(page)
                .ok()
                .and_then(|p| pages.hashes.get(p))
                .map(String::as_str);
            if Some(hex(&ewarong_ledger::sha256(&buf)).as_str()) != want_hash {
                // The hub's document changed under us (or the bytes were damaged): start over.
                ledger.clear_download(&u.kind)?;
                return Err(refuse(format!("page {page} does not match its hash")));
            }
            ledger.store_download_page(&u.kind, u.version, &sha, page, &buf)?;
        }
        client.adapt(started.elapsed());
        next = next.saturating_add(run);
    }
    let bytes = ledger.downloaded(&u.kind, u.version, &sha)?;
    ledger.clear_download(&u.kind)?;
    String::from_utf8(bytes).map_err(|_| refuse("the document is not UTF-8".into()))
}

/// Applies, in kind order, each update newer than the version this terminal has: what the
/// network and the USB stick both bring. Returns what was applied, e.g. `["policy v2"]`.
fn apply_newer(
    ledger: &mut Ledger,
    mut updates: Vec<ewarong_core::protocol::Update>,
    now: DateTime<FixedOffset>,
) -> Result<Vec<String>, SyncError> {
    updates.sort_by_key(|u| ewarong_core::protocol::Kind::parse(&u.kind));
    let have = ledger.hub_versions()?;
    let mut applied = Vec::new();
    for u in &updates {
        if u.version > have.get(&u.kind).copied().unwrap_or(0) {
            apply_update(ledger, u, now)?;
            applied.push(format!("{} v{}", u.kind, u.version));
        }
    }
    Ok(applied)
}

/// What one sync round did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Batches whose receipt was recorded in this round.
    pub acked: u64,
    /// Batches still without a receipt afterwards.
    pub pending: u64,
    /// The hub's head after the round.
    pub hub_last_seq: u64,
    /// Hub clock minus terminal clock, in seconds, from the head request.
    pub clock_skew_seconds: i64,
    /// Updates from the hub applied in this round, e.g. `policy v2`.
    pub updates: Vec<String>,
    /// KPM balances released to a new home in this round (and sent).
    pub released: u64,
}

/// Sends one batch and records its receipt: the one place a network receipt is recorded.
/// Returns what was recorded and the last seq the receipt covers.
fn send(
    ledger: &mut Ledger,
    client: &HubClient,
    out: &Outgoing,
    now: DateTime<FixedOffset>,
) -> Result<(Acked, u64), SyncError> {
    let receipt = client.upload(&*ledger, &out.upload)?;
    Ok((
        ledger.record_ack(&receipt, AckVia::Network, now)?,
        receipt.last_seq,
    ))
}

/// One round: seal the open tail (so it waits as a batch even if the hub does not answer),
/// ask the hub where it stands, then [`sync_with_head`].
pub fn sync_once(
    ledger: &mut Ledger,
    client: &HubClient,
    now: DateTime<FixedOffset>,
) -> Result<SyncReport, SyncError> {
    if ledger.enrolment()?.is_none() {
        return Err(LedgerError::NotEnrolled.into());
    }
    ledger.seal(SealReason::Upload, now)?;
    let head = client.head(&*ledger)?;
    sync_with_head(ledger, client, &head, now)
}

/// The rest of a round once the hub's head is known (the background worker already has it
/// from its probe): seal the open tail if [`sync_once`] has not, send every batch without a receipt in order, record
/// each receipt once its countersignature verifies, then take the hub's updates.
pub fn sync_with_head(
    ledger: &mut Ledger,
    client: &HubClient,
    head: &Head,
    now: DateTime<FixedOffset>,
) -> Result<SyncReport, SyncError> {
    if ledger.enrolment()?.is_none() {
        return Err(LedgerError::NotEnrolled.into());
    }
    ledger.seal(SealReason::Upload, now)?;
    let skew = DateTime::parse_from_rfc3339(&head.hub_time)
        .map(|h| h.signed_duration_since(now).num_seconds())
        .map_err(|e| SyncError::Protocol(format!("hub_time: {e}")))?;
    let (mut acked, mut hub_last_seq) = upload_pending(ledger, client, head, now)?;
    // Downlink after uplink: the batches above were sealed under the versions that were in
    // force when their sales were made.
    let updates = pull_updates(ledger, client, now)?;
    // A move away from here is answered at once with a release, sent in the same round, so the
    // new home gets the balance at its next sync.
    let released = ledger.release_due(now)?;
    if !released.is_empty() {
        ledger.seal(SealReason::Upload, now)?;
        let after = client.head(&*ledger)?;
        let (more, last) = upload_pending(ledger, client, &after, now)?;
        acked = acked.saturating_add(more);
        hub_last_seq = last;
    }
    let (pending, _) = ledger.pending()?;
    tracing::info!(
        acked,
        pending,
        skew,
        updates = updates.len(),
        released = released.len(),
        "sync round done"
    );
    Ok(SyncReport {
        acked,
        pending,
        hub_last_seq,
        clock_skew_seconds: skew,
        updates,
        released: released.len() as u64,
    })
}

/// Sends every batch without a receipt, in order, and records each receipt. Returns how many
/// receipts were new and the hub's last seq afterwards.
fn upload_pending(
    ledger: &mut Ledger,
    client: &HubClient,
    hub_head: &Head,
    now: DateTime<FixedOffset>,
) -> Result<(u64, u64), SyncError> {
    let mut acked = 0u64;
    let mut hub_last_seq = hub_head.last_seq;
    // The hub may hold batches whose receipts never arrived (the line dropped after it
    // committed). A hub with `receipts` hands them over; an older one gets the batches again
    // and answers with the same receipts.
    if client.has(ewarong_core::wire::RECEIPTS) {
        let (got, last) = fetch_receipts(ledger, client, hub_head.last_batch_seq, now)?;
        acked = acked.saturating_add(got);
        hub_last_seq = hub_last_seq.max(last);
    }
    let bundle = client.has(ewarong_core::wire::BUNDLE);
    loop {
        let size = if bundle {
            client.link().per_request
        } else {
            PAGE
        };
        let page = ledger.unacked_batches(0, size)?;
        if page.is_empty() {
            break;
        }
        if bundle {
            let uploads: Vec<BatchUpload> = page.iter().map(|o| o.upload.clone()).collect();
            let answer = match client.upload_bundle(&*ledger, &uploads) {
                Ok(a) => a,
                Err(e) => {
                    let first = page.first().map_or(0, |o| o.batch_seq);
                    let (n, last) = behind_hub(ledger, client, e, first, now)?;
                    acked = acked.saturating_add(n);
                    hub_last_seq = hub_last_seq.max(last);
                    continue;
                }
            };
            for receipt in &answer.receipts {
                if ledger.record_ack(receipt, AckVia::Network, now)? == Acked::New {
                    acked = acked.saturating_add(1);
                }
                hub_last_seq = hub_last_seq.max(receipt.last_seq);
            }
            if let Some(err) = answer.error {
                let stopped = page.get(answer.receipts.len()).map_or(0, |o| o.batch_seq);
                let e = SyncError::Hub {
                    status: answer.status.unwrap_or(400),
                    code: err.error,
                    message: err.message,
                    head: err.head.map(Box::new),
                    hub_time: err.hub_time,
                };
                let (n, last) = behind_hub(ledger, client, e, stopped, now)?;
                acked = acked.saturating_add(n);
                hub_last_seq = hub_last_seq.max(last);
            }
            continue;
        }
        for out in page {
            let sent = match send(ledger, client, &out, now) {
                Err(e) => {
                    let (n, last) = behind_hub(ledger, client, e, out.batch_seq, now)?;
                    acked = acked.saturating_add(n);
                    hub_last_seq = hub_last_seq.max(last);
                    continue;
                }
                Ok(sent) => sent,
            };
            if sent.0 == Acked::New {
                acked = acked.saturating_add(1);
            }
            hub_last_seq = hub_last_seq.max(sent.1);
        }
    }
    Ok((acked, hub_last_seq))
}

/// Records the receipts the hub already issued for this terminal's pending batches up to
/// `hub_batch` (its head), each verified like any other. Returns how many were new and the
/// last seq they cover.
fn fetch_receipts(
    ledger: &mut Ledger,
    client: &HubClient,
    hub_batch: u64,
    now: DateTime<FixedOffset>,
) -> Result<(u64, u64), SyncError> {
    let (mut acked, mut last) = (0u64, 0u64);
    loop {
        let Some(first) = ledger.unacked_batches(0, 1)?.into_iter().next() else {
            break;
        };
        if first.batch_seq > hub_batch {
            break;
        }
        let got = client.receipts(&*ledger, first.batch_seq)?.receipts;
        let mut progressed = false;
        for r in got.iter().filter(|r| r.batch_seq <= hub_batch) {
            // Only receipts for batches this terminal has, checked against their headers.
            if ledger.record_ack(r, AckVia::Network, now)? == Acked::New {
                acked = acked.saturating_add(1);
                progressed = true;
            }
            last = last.max(r.last_seq);
        }
        if !progressed {
            break;
        }
    }
    if acked > 0 {
        tracing::info!(
            acked,
            "receipts the hub had issued recorded without sending again"
        );
    }
    Ok((acked, last))
}

/// The one refusal a round recovers from: the hub lost batches it once acknowledged (a
/// restored backup) and is behind `ours`. They are sent again one by one from where it stands;
/// any other error ends the round. Returns receipts recorded and the last seq.
fn behind_hub(
    ledger: &mut Ledger,
    client: &HubClient,
    e: SyncError,
    ours: u64,
    now: DateTime<FixedOffset>,
) -> Result<(u64, u64), SyncError> {
    let SyncError::Hub {
        code,
        head: Some(h),
        ..
    } = &e
    else {
        return Err(e);
    };
    if code != "out_of_order" || h.last_batch_seq >= ours {
        return Err(e);
    }
    tracing::warn!(
        hub_batch = h.last_batch_seq,
        ours,
        "hub is behind our receipts; resending"
    );
    let (mut acked, mut last) = (0u64, 0u64);
    for b in h.last_batch_seq.saturating_add(1)..=ours {
        let (a, l) = send(ledger, client, &ledger.outgoing(b)?, now)?;
        if a == Acked::New {
            acked = acked.saturating_add(1);
        }
        last = last.max(l);
    }
    Ok((acked, last))
}

/// Seals the open tail and writes every batch without a receipt into `dir`, and the terminal's
/// signed request for its updates (`<terminal>.request.json`), which goes even when no batch
/// does. Returns the batches' paths.
pub fn export_batches(
    ledger: &mut Ledger,
    dir: &Path,
    now: DateTime<FixedOffset>,
) -> Result<Vec<PathBuf>, SyncError> {
    let file_err = |path: &Path, e: std::io::Error| SyncError::File {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    if ledger.enrolment()?.is_none() {
        return Err(LedgerError::NotEnrolled.into());
    }
    ledger.seal(SealReason::Upload, now)?;
    let id = ledger.terminal().terminal_id.clone();
    let mut written = Vec::new();
    let mut after = 0u64;
    loop {
        let page = ledger.unacked_batches(after, PAGE)?;
        let Some(last) = page.last().map(|o| o.batch_seq) else {
            break;
        };
        for out in page {
            let file = BatchFile {
                terminal_id: id.clone(),
                batch_seq: out.batch_seq,
                header_hash: hex(&out.header_hash),
                upload: out.upload,
            };
            let path = dir.join(batch_file_name(&id, out.batch_seq));
            let text = serde_json::to_string_pretty(&file)
                .map_err(|e| SyncError::Protocol(e.to_string()))?;
            write_atomic(&path, &text).map_err(|e| file_err(&path, e))?;
            written.push(path);
        }
        after = last;
    }
    // The request for updates goes every time, so the downlink reaches a terminal with
    // nothing to send.
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let params = SignatureParams {
        created: now.timestamp(),
        nonce: hex(&nonce),
        keyid: id.clone(),
    };
    let signature = ledger.sign_hub_request(&UpdatesRequest::base(&id, &params))?;
    let request = UpdatesRequest {
        terminal_id: id.clone(),
        signature_input: params.header(),
        signature: signature_header(&signature),
    };
    let path = dir.join(request_file_name(&id));
    let text =
        serde_json::to_string_pretty(&request).map_err(|e| SyncError::Protocol(e.to_string()))?;
    write_atomic(&path, &text).map_err(|e| file_err(&path, e))?;
    Ok(written)
}

/// What reading receipts from a directory did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReceiptImport {
    pub new: u64,
    pub already: u64,
    /// Receipts for other terminals, left alone.
    pub other_terminals: u64,
    /// Updates from the hub's file for this terminal applied, e.g. `roster v2`.
    pub updates: Vec<String>,
    /// KPM balances released to a new home (they leave on the next `export-batches`).
    pub released: u64,
}

/// Records every receipt file in `dir` meant for this terminal. A receipt that fails its checks
/// stops the import with the file named; those recorded before it stay recorded.
pub fn import_receipts(
    ledger: &mut Ledger,
    dir: &Path,
    now: DateTime<FixedOffset>,
) -> Result<ReceiptImport, SyncError> {
    let file_err = |path: &Path, detail: String| SyncError::File {
        path: path.to_owned(),
        detail,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| file_err(dir, e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".receipt.json"))
        .collect();
    paths.sort();
    let id = ledger.terminal().terminal_id.clone();
    let mut out = ReceiptImport::default();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| file_err(&path, e.to_string()))?;
        let receipt: HubReceipt =
            serde_json::from_str(&text).map_err(|e| file_err(&path, e.to_string()))?;
        if receipt.terminal_id != id {
            out.other_terminals = out.other_terminals.saturating_add(1);
            continue;
        }
        let acked = ledger.record_ack(&receipt, AckVia::File, now);
        match acked.map_err(|error| SyncError::ReceiptFile {
            path: path.clone(),
            error,
        })? {
            Acked::New => out.new = out.new.saturating_add(1),
            Acked::AlreadyAcked => out.already = out.already.saturating_add(1),
        }
    }
    // The downlink by stick: the hub's signed updates for this terminal, each applied only if
    // newer than what is here and only if its signature verifies, as over the network.
    let path = dir.join(updates_file_name(&id));
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| file_err(&path, e.to_string()))?;
        let file: ewarong_core::protocol::Updates =
            serde_json::from_str(&text).map_err(|e| file_err(&path, e.to_string()))?;
        out.updates = apply_newer(ledger, file.updates, now)?;
    }
    out.released = ledger.release_due(now)?.len() as u64;
    Ok(out)
}

/// The text for a skew the shopkeeper should fix, or `None` when the clock is close enough.
pub fn clock_warning(lang: Lang, skew_seconds: i64) -> Option<String> {
    (skew_seconds.unsigned_abs() > 300).then(|| {
        // Rounded to the nearest minute: a clock 5 h off that is measured a second into the
        // session reads 17,999 s, which is "300 minutes", not 299.
        let minutes = skew_seconds.unsigned_abs().saturating_add(30) / 60;
        let key = if skew_seconds > 0 {
            key!("sync.clock_behind")
        } else {
            key!("sync.clock_ahead")
        };
        trf(lang, key, &[("minutes", &minutes)])
    })
}

/// A one-line status for people, e.g. after `ewarong sync`.
pub fn report_line(lang: Lang, r: &SyncReport) -> String {
    trf(
        lang,
        key!("sync.done"),
        &[
            ("acked", &r.acked),
            ("pending", &r.pending),
            ("seq", &r.hub_last_seq),
        ],
    ) + if r.pending == 0 {
        ""
    } else {
        tr(lang, key!("sync.still_pending"))
    } + &if r.updates.is_empty() {
        String::new()
    } else {
        trf(
            lang,
            key!("sync.updated"),
            &[("list", &r.updates.join(", "))],
        )
    } + &if r.released == 0 {
        String::new()
    } else {
        trf(lang, key!("sync.released"), &[("n", &r.released)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_warning_rounds_to_the_nearest_minute_and_stays_quiet_within_five() {
        // A clock 5 h fast, measured a second or a minute into the session.
        for skew in [-18_000, -17_999, -17_971] {
            let w = clock_warning(Lang::Id, skew).unwrap();
            assert!(w.contains("lebih cepat 300 menit"), "{skew}: {w}");
        }
        let w = clock_warning(Lang::En, 3_600).unwrap();
        assert!(w.contains("60"), "{w}");
        assert_eq!(clock_warning(Lang::Id, 300), None);
        assert_eq!(clock_warning(Lang::Id, -300), None);
        assert!(clock_warning(Lang::Id, 301).is_some());
    }
}
