//! The hub's HTTP API (axum): enrolment, a terminal's head, batch upload. Bodies are size
//! limited, requests time out, and every error is JSON with a stable code and a sentence.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use tower_http::timeout::TimeoutLayer;

use super::ingest::{Rejected, StoredHead, prepare};
use super::store::{Ingested, Redeemed, Store, TerminalRecord};
use super::{HubIdentity, check_name, rfc3339};
use ewarong_core::hub_auth::enrol_proof;
use ewarong_core::protocol::{ApiError, BatchUpload, EnrolRequest, Head, Health, HubReceipt, b64};
use ewarong_core::seal::hex;

/// The largest request body taken: a batch of a few hundred entries is well under this.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// How long one request may take, end to end.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares.
#[derive(Debug)]
pub struct HubState<S> {
    pub store: S,
    pub identity: HubIdentity,
}

/// The hub's clock, with its own UTC offset.
fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// An error response: status and JSON body.
#[derive(Debug)]
pub struct Fail(StatusCode, Box<ApiError>);

impl Fail {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self(
            status,
            Box::new(ApiError {
                error: code.to_owned(),
                message: message.into(),
                head: None,
                hub_time: None,
            }),
        )
    }

    /// The sentence for people.
    pub fn message(&self) -> &str {
        &self.1.message
    }

    /// The stable error code.
    pub fn code(&self) -> &str {
        &self.1.error
    }

    fn with_head(mut self, head: Head) -> Self {
        self.1.head = Some(head);
        self
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        (self.0, axum::Json(*self.1)).into_response()
    }
}

impl From<super::StoreError> for Fail {
    fn from(e: super::StoreError) -> Self {
        tracing::error!(error = %e, "hub storage failed");
        Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "the hub could not reach its database; try again later",
        )
    }
}

fn json<T: Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Fail> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Fail::new(
                status,
                "too_large",
                format!("the request body is over the limit of {MAX_BODY_BYTES} bytes"),
            )
        } else {
            Fail::new(status, "body", r.body_text())
        }
    })
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Fail> {
    serde_json::from_slice(bytes).map_err(|e| {
        Fail::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not the expected JSON: {e}"),
        )
    })
}

/// The head as the API shows it.
pub fn head_view(terminal_id: &str, h: &StoredHead, now: DateTime<FixedOffset>) -> Head {
    Head {
        terminal_id: terminal_id.to_owned(),
        last_seq: h.last_seq,
        last_batch_seq: h.last_batch_seq,
        last_header_hash: hex(&h.last_header_hash),
        hub_time: rfc3339(now),
    }
}

/// The enrolled, unrevoked terminal `id`, or the error to answer with.
async fn enrolled<S: Store>(store: &S, id: &str) -> Result<(TerminalRecord, [u8; 32]), Fail> {
    let t = store.terminal(id).await?;
    match t {
        None => Err(Fail::new(
            StatusCode::FORBIDDEN,
            "unknown_terminal",
            format!("terminal {id} is not known to this hub"),
        )),
        Some(t) if t.revoked => Err(Fail::new(
            StatusCode::FORBIDDEN,
            "revoked",
            format!("terminal {id} has been revoked"),
        )),
        Some(TerminalRecord {
            public_key: None, ..
        }) => Err(Fail::new(
            StatusCode::FORBIDDEN,
            "not_enrolled",
            format!("terminal {id} has not enrolled a key yet"),
        )),
        Some(t) => {
            let key = t.public_key.unwrap_or_default();
            Ok((t, key))
        }
    }
}

async fn health<S: Store>(State(state): State<Arc<HubState<S>>>) -> Response {
    json(&Health {
        status: "ok".into(),
        hub_public_key: hex(&state.identity.public().to_bytes()),
        hub_time: rfc3339(now()),
    })
}

async fn enrol<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Fail> {
    let req: EnrolRequest = parse(&body(raw)?)?;
    let bad = |e: ewarong_core::protocol::FieldError| {
        Fail::new(StatusCode::BAD_REQUEST, "bad_field", e.to_string())
    };
    check_name("terminal_id", &req.terminal_id).map_err(bad)?;
    let key = ewarong_core::protocol::public_key("public_key", &req.public_key).map_err(bad)?;
    ewarong_core::protocol::unhex::<32>("proof", &req.proof).map_err(bad)?;
    // Unknown terminal, wrong, used or expired code, revoked: one answer, so a stranger learns
    // nothing about which ids exist.
    let refused = || {
        Fail::new(
            StatusCode::FORBIDDEN,
            "bad_code",
            "the enrolment code is unknown, already used or expired",
        )
    };
    let now = now();
    let hub_key = state.identity.public();
    let Some(code) = state
        .store
        .open_codes(&req.terminal_id, now)
        .await?
        .into_iter()
        .find(|h| {
            enrol_proof(h, &req.terminal_id, &key, &hub_key) == req.proof.to_ascii_lowercase()
        })
    else {
        tracing::warn!(terminal = %req.terminal_id, "enrolment refused: no open code matches the proof");
        return Err(refused());
    };
    let Some(t) = state.store.terminal(&req.terminal_id).await? else {
        return Err(refused());
    };
    let cert = state
        .identity
        .certify(&t.terminal_id, &t.region, &key.to_bytes(), now);
    let cert_json = serde_json::to_string(&cert)
        .map_err(|e| Fail::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    match state
        .store
        .redeem(&req.terminal_id, code, key.to_bytes(), &cert_json, now)
        .await?
    {
        Redeemed::Enrolled => {
            tracing::info!(terminal = %req.terminal_id, key = %key.fingerprint(), "terminal enrolled");
            Ok(json(&cert))
        }
        Redeemed::BadCode | Redeemed::Revoked => Err(refused()),
        Redeemed::KeyTaken => Err(Fail::new(
            StatusCode::CONFLICT,
            "key_taken",
            "this key is already enrolled for another terminal",
        )),
    }
}

async fn head<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Path(id): Path<String>,
) -> Result<Response, Fail> {
    enrolled(&state.store, &id).await?;
    let h = state.store.head(&id).await?;
    Ok(json(&head_view(&id, &h, now())))
}

/// Checks and stores one uploaded batch; shared by the HTTP route and `ewarong-hub import`.
pub async fn accept_batch<S: Store>(
    state: &HubState<S>,
    id: &str,
    upload: &BatchUpload,
) -> Result<HubReceipt, Fail> {
    let (_, key_bytes) = enrolled(&state.store, id).await?;
    let key = ewarong_core::seal::sign::PublicKey::from_bytes(&key_bytes)
        .map_err(|e| Fail::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.0))?;
    let prepared = prepare(id, upload, &key).map_err(|e| {
        let (status, code) = match &e {
            Rejected::Signature(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_signature"),
            Rejected::WrongTerminal { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_terminal"),
            Rejected::Checkpoint(_) => (StatusCode::BAD_REQUEST, "bad_checkpoint"),
            _ => (StatusCode::BAD_REQUEST, "bad_batch"),
        };
        tracing::warn!(terminal = %id, error = %e, "batch refused");
        Fail::new(status, code, e.to_string())
    })?;
    let now = now();
    let mut receipt = HubReceipt {
        terminal_id: id.to_owned(),
        batch_seq: prepared.header.batch_seq,
        first_seq: prepared.header.first_seq,
        last_seq: prepared.header.last_seq,
        header_hash: hex(&prepared.header_hash),
        received_at: rfc3339(now),
        hub_signature: String::new(),
    };
    receipt.hub_signature = b64(&state.identity.sign(receipt.signed_text().as_bytes()));
    let batch_seq = prepared.header.batch_seq;
    match state.store.ingest(prepared, receipt).await? {
        Ingested::Stored(r) => {
            tracing::info!(terminal = %id, batch = r.batch_seq, last = r.last_seq, "batch stored");
            Ok(r)
        }
        Ingested::Duplicate(r) => {
            tracing::info!(terminal = %id, batch = r.batch_seq, "batch already stored; same receipt");
            Ok(r)
        }
        Ingested::Fork { reason, head } => {
            tracing::warn!(terminal = %id, batch = batch_seq, %reason, "FORK kept as evidence");
            Err(Fail::new(
                StatusCode::CONFLICT,
                "fork",
                format!("{reason}; the batch is kept as evidence and flagged for the supervisor"),
            )
            .with_head(head_view(id, &head, now)))
        }
        Ingested::OutOfOrder(head) => Err(Fail::new(
            StatusCode::CONFLICT,
            "out_of_order",
            format!(
                "batch {batch_seq} came before batch {}; send the batches in order",
                head.last_batch_seq.saturating_add(1)
            ),
        )
        .with_head(head_view(id, &head, now))),
        Ingested::RootMismatch => Err(Fail::new(
            StatusCode::BAD_REQUEST,
            "root_mismatch",
            "the entries do not make the Merkle root the terminal signed; the upload was damaged",
        )),
    }
}

async fn batches<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Fail> {
    let upload: BatchUpload = parse(&body(raw)?)?;
    let r = accept_batch(&state, &id, &upload).await?;
    Ok(json(&r))
}

async fn updates<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Path(id): Path<String>,
    axum::extract::Query(have): axum::extract::Query<std::collections::BTreeMap<String, u64>>,
) -> Result<Response, Fail> {
    enrolled(&state.store, &id).await?;
    let updates =
        super::publish::updates_since(&state.store, &state.identity, &have, now()).await?;
    Ok(json(&ewarong_core::protocol::Updates { updates }))
}

async fn not_found() -> Fail {
    Fail::new(StatusCode::NOT_FOUND, "not_found", "no such API path")
}

/// The hub's routes over `state`.
pub fn router<S: Store>(state: Arc<HubState<S>>) -> Router {
    Router::new()
        .route("/v1/health", get(health::<S>))
        .route("/v1/enrol", post(enrol::<S>))
        .route("/v1/terminals/{id}/head", get(head::<S>))
        .route("/v1/terminals/{id}/batches", post(batches::<S>))
        .route("/v1/terminals/{id}/updates", get(updates::<S>))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve<S: Store>(
    listener: tokio::net::TcpListener,
    state: Arc<HubState<S>>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
