//! The hub's HTTP API (axum): enrolment, a terminal's head, batch upload. Bodies are size
//! limited, requests time out, and every error is JSON with a stable code and a sentence.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Request};
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::limits::Limits;
use tower_http::timeout::TimeoutLayer;

use super::auth;
use super::fail::too_large;
use super::ingest::{Rejected, StoredHead, prepare};
use super::store::{Ingested, Redeemed, Store, TerminalRecord};
use super::{check_name, rfc3339};
use ewarong_core::hub_auth::enrol_proof;
use ewarong_core::protocol::{BatchUpload, EnrolRequest, Head, Health, HubReceipt, b64};
use ewarong_core::seal::hex;

pub use super::fail::{Fail, MAX_BODY_BYTES};
pub use super::state::HubState;
/// How long one request may take, end to end.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Headers a request may carry; more is 431, as JSON. The HTTP layer itself parses up to
/// [`MAX_PARSED_HEADERS`] in at most [`MAX_HEADER_BYTES`]; beyond that it closes the request
/// with a bare 431 of its own.
pub const MAX_HEADERS: usize = 64;
/// Headers the HTTP layer parses before it gives up.
pub const MAX_PARSED_HEADERS: usize = 2_048;
/// The HTTP layer's read buffer, which holds a request's headers.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The hub's clock, with its own UTC offset.
pub(crate) fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn json<T: Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Fail> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
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
        features: Vec::new(),
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
        tls_certificate: state.tls.as_ref().map(|(t, _)| t.certificate.clone()),
        tls_endorsement: state.tls.as_ref().map(|(_, e)| e.clone()),
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
            let detail = serde_json::json!({
                "terminal_id": req.terminal_id,
                "key_fingerprint": key.fingerprint(),
            });
            // The terminal is enrolled whatever happens to the log entry; a failure is loud.
            if let Err(e) =
                super::ops::record(&state.store, &state.identity, "enrolled", &detail, now).await
            {
                tracing::error!(error = %e, "the operations log could not record an enrolment");
            }
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

/// `auth::require_terminal` has checked the terminal's key and standing; its id is the path's.
async fn head<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Extension(auth::Terminal(id)): Extension<auth::Terminal>,
) -> Result<Response, Fail> {
    let h = state.store.head(&id).await?;
    let mut view = head_view(&id, &h, now());
    view.features = state.features.iter().map(|f| (*f).to_owned()).collect();
    Ok(json(&view))
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

/// The query of a terminal route: `name=number` pairs (`policy=3`, `from=12`).
type Numbers = std::collections::BTreeMap<String, u64>;

fn bad_query(rule: impl Into<String>) -> Fail {
    Fail::new(StatusCode::BAD_REQUEST, "bad_query", rule)
}

/// The query's pairs, or `400 bad_query` naming what did not parse.
fn numbers(query: Result<Query<Numbers>, QueryRejection>) -> Result<Numbers, Fail> {
    query.map(|Query(n)| n).map_err(|e| {
        bad_query(format!(
            "the query must be name=number pairs (kind=version, from=N): {}",
            e.body_text()
        ))
    })
}

/// A request body as sent (`Content-Encoding` `deflate` or none), decompressed within
/// [`MAX_BODY_BYTES`]. The signature's `Content-Digest` covers the bytes as sent.
fn decoded(headers: &axum::http::HeaderMap, raw: Bytes) -> Result<Bytes, Fail> {
    let encoding = headers
        .get(axum::http::header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") => Ok(raw),
        Some(ewarong_core::wire::DEFLATE) => ewarong_core::wire::inflate(&raw, MAX_BODY_BYTES)
            .map(Bytes::from)
            .map_err(|e| {
                if e.rule == "is too large once decompressed" {
                    too_large()
                } else {
                    Fail::new(StatusCode::BAD_REQUEST, "bad_body", e.to_string())
                }
            }),
        Some(other) => Err(Fail::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            format!("Content-Encoding {other} is not taken; send deflate or no encoding"),
        )),
    }
}

async fn batches<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Fail> {
    let bytes = decoded(&headers, body(raw)?)?;
    let bundle = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with(ewarong_core::wire::BUNDLE_TYPE));
    if !bundle {
        let upload: BatchUpload = parse(&bytes)?;
        let r = accept_batch(&state, &id, &upload).await?;
        return Ok(json(&r));
    }
    let uploads = ewarong_core::wire::decode_bundle(&bytes)
        .map_err(|e| Fail::new(StatusCode::BAD_REQUEST, "bad_batch", e.to_string()))?;
    // Each batch in its own transaction, in order, exactly as if sent one by one; the first
    // refusal stops the rest, and the receipts before it stand.
    let mut answer = ewarong_core::wire::BundleAnswer {
        receipts: Vec::with_capacity(uploads.len()),
        error: None,
        status: None,
    };
    for upload in &uploads {
        match accept_batch(&state, &id, upload).await {
            Ok(r) => answer.receipts.push(r),
            Err(fail) if answer.receipts.is_empty() => return Err(fail),
            Err(fail) => {
                answer.status = Some(fail.status().as_u16());
                answer.error = Some(fail.api_error().clone());
                break;
            }
        }
    }
    Ok(json(&answer))
}

/// `GET …/receipts?from=N`: the receipts already issued from batch `N` on, so a terminal whose
/// answers were lost on the way records them instead of sending the batches again.
async fn receipts<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Extension(auth::Terminal(id)): Extension<auth::Terminal>,
    query: Result<Query<Numbers>, QueryRejection>,
) -> Result<Response, Fail> {
    let from = numbers(query)?
        .get("from")
        .copied()
        .filter(|&f| f >= 1)
        .ok_or_else(|| bad_query("from: must be a batch number, 1 or more"))?;
    let stored = state
        .store
        .receipts(&id, from, ewarong_core::wire::MAX_RECEIPTS)
        .await?;
    let receipts = stored
        .iter()
        .map(|r| serde_json::from_str(r))
        .collect::<Result<Vec<HubReceipt>, _>>()
        .map_err(|e| super::StoreError::Corrupt(format!("batch.receipt: {e}")))?;
    Ok(json(&ewarong_core::wire::Receipts { receipts }))
}

/// `GET …/documents/{kind}/{version}?from=K&count=C`: pages `K..K+C` of that document as this
/// terminal gets it, the bytes only; each page is checked against the hash the update named.
async fn documents<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Extension(auth::Terminal(id)): Extension<auth::Terminal>,
    Path((_, kind, version)): Path<(String, String, u64)>,
    query: Result<Query<Numbers>, QueryRejection>,
) -> Result<Response, Fail> {
    let q = numbers(query)?;
    let (Some(&from), Some(&count)) = (q.get("from"), q.get("count")) else {
        return Err(bad_query("from and count: must be page numbers"));
    };
    if count == 0 || count > ewarong_core::wire::MAX_PAGES_PER_REQUEST {
        return Err(bad_query("count: must be 1 to 64 pages"));
    }
    let gone = || {
        Fail::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no document {kind} version {version} for this terminal"),
        )
    };
    let document = super::publish::document_for(&state.store, &id, &kind, version)
        .await?
        .ok_or_else(gone)?;
    let bytes = ewarong_core::wire::Pages::slice(document.as_bytes(), from, count)
        .ok_or_else(gone)?
        .to_vec();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        bytes,
    )
        .into_response())
}

async fn updates<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    Extension(auth::Terminal(id)): Extension<auth::Terminal>,
    have: Result<Query<Numbers>, QueryRejection>,
) -> Result<Response, Fail> {
    let mut have = numbers(have)?;
    let want = super::publish::Want {
        delta: have.remove(ewarong_core::wire::DELTA) == Some(1),
        pages: have.remove(ewarong_core::wire::PAGES) == Some(1),
    };
    let updates =
        super::publish::updates_since(&state.store, &state.identity, &id, &have, want, now())
            .await?;
    Ok(json(&ewarong_core::protocol::Updates { updates }))
}

async fn not_found() -> Fail {
    Fail::new(StatusCode::NOT_FOUND, "not_found", "no such API path")
}

/// Enrolment is throttled per address: codes are 12 characters, and guessing is slowed to a
/// crawl.
async fn limit_enrolment<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(ip) = auth::peer(&req)
        && !state.guards.enrolments.count(ip)
    {
        tracing::warn!(peer = %ip, "enrolment refused: too many from this address");
        return super::fail::too_many().into_response();
    }
    next.run(req).await
}

/// Every error is JSON, the framework's own included (405, 408, a rejected query): a response
/// of 400 or more that is not JSON is rewritten as one. Too many headers is refused here.
async fn json_errors(req: Request, next: Next) -> Response {
    if req.headers().len() > MAX_HEADERS {
        return Fail::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "too_many_headers",
            format!(
                "the request has {} headers; at most {MAX_HEADERS} are taken",
                req.headers().len()
            ),
        )
        .into_response();
    }
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return resp;
    }
    let text = axum::body::to_bytes(resp.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        _ => "http",
    };
    Fail::new(status, code, message).into_response()
}

/// The access log: one event per request, target `ewarong_hub::access`, with who asked (the
/// address, and the terminal when its signature verified), the method and path, the status,
/// the bytes each way and the time taken.
async fn access_log(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let peer = auth::peer(&req)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let bytes_in = content_length(req.headers());
    let resp = next.run(req).await;
    let terminal = resp
        .extensions()
        .get::<auth::Terminal>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let bytes_out = content_length(resp.headers());
    tracing::info!(
        target: "ewarong_hub::access",
        %peer,
        terminal = %terminal,
        %method,
        %path,
        status = resp.status().as_u16(),
        bytes_in,
        bytes_out,
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    resp
}

fn content_length(headers: &axum::http::HeaderMap) -> u64 {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

/// The hub's routes over `state`.
pub fn router<S: Store>(state: Arc<HubState<S>>) -> Router {
    let terminal = Router::new()
        .route("/v1/terminals/{id}/head", get(head::<S>))
        .route("/v1/terminals/{id}/batches", post(batches::<S>))
        .route("/v1/terminals/{id}/updates", get(updates::<S>))
        .route("/v1/terminals/{id}/receipts", get(receipts::<S>))
        .route(
            "/v1/terminals/{id}/documents/{kind}/{version}",
            get(documents::<S>),
        )
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            auth::require_terminal::<S>,
        ));
    Router::new()
        .route("/v1/health", get(health::<S>))
        .route(
            "/v1/enrol",
            post(enrol::<S>).route_layer(middleware::from_fn_with_state(
                Arc::clone(&state),
                limit_enrolment::<S>,
            )),
        )
        .merge(terminal)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(json_errors))
        // Answers are gzip-compressed for a client that says it takes gzip (`Accept-Encoding`),
        // and left as they are for one that does not (an older terminal).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// The most connections the process's open-file limit leaves room for, keeping 64 files for
/// the database, the logs and the listener.
fn connection_room() -> Option<usize> {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        limit
            .current
            .and_then(|n| usize::try_from(n).ok())
            .map(|n| n.saturating_sub(64).max(1))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// One connection, plain or TLS, until it ends, its lifetime is up, or the hub stops.
async fn serve_connection<I>(
    io: I,
    peer: std::net::SocketAddr,
    app: Router,
    limits: &Limits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req)
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_headers(MAX_PARSED_HEADERS)
        .max_buf_size(MAX_HEADER_BYTES);
    let conn = http.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let end = tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            return;
        }
        () = tokio::time::sleep(limits.connection_lifetime) => "lifetime",
        _ = stop.changed() => "shutdown",
    };
    tracing::debug!(%peer, end, "closing connection");
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
}

/// Serves the API on `listener` until `shutdown` resolves: HTTP/1.1, each connection under
/// the [`Limits`] in `state` (a cap in all and per address, a header deadline, a lifetime).
/// A connection over a cap is closed at once, so a flood cannot exhaust the hub's files.
pub async fn serve<S: Store>(
    listener: tokio::net::TcpListener,
    state: Arc<HubState<S>>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Arc::clone(&state));
    let guards = Arc::clone(&state.guards);
    let limits = guards.limits.clone();
    let max = connection_room().map_or(limits.max_connections, |room| {
        if room < limits.max_connections {
            tracing::warn!(
                configured = limits.max_connections,
                room,
                "the open-file limit leaves room for fewer connections; taking that"
            );
        }
        room.min(limits.max_connections)
    });
    let open = Arc::new(tokio::sync::Semaphore::new(max));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of files or memory: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            tracing::warn!(%peer, max, "connection closed: the hub is at its connection limit");
            continue;
        };
        let Some(slot) = guards.connect(peer.ip()) else {
            tracing::warn!(%peer, per_address = limits.per_address, "connection closed: too many from this address");
            continue;
        };
        let app = app.clone();
        let stop = stop_rx.clone();
        let tls = state
            .tls
            .as_ref()
            .map(|(t, _)| TlsAcceptor::from(Arc::clone(&t.config)));
        let limits = limits.clone();
        tokio::spawn(async move {
            let _held = (permit, slot);
            let Some(acceptor) = tls else {
                return serve_connection(stream, peer, app, &limits, stop).await;
            };
            // The handshake is bounded like the headers: a trickled handshake is closed too.
            match tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => serve_connection(stream, peer, app, &limits, stop).await,
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
    let _ = stop_tx.send(true);
    // Let requests in flight finish (each is bounded by REQUEST_TIMEOUT).
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(REQUEST_TIMEOUT, open.acquire_many(all)).await;
    Ok(())
}
