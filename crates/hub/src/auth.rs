//! Who is asking: every terminal route needs a request signed by that terminal's enrolled key
//! (`ewarong_core::hub_auth`, a fixed profile of RFC 9421), checked before any work is done.
//! A stranger's refusal is the same whichever id it named, so it learns nothing of which ids
//! exist; a replayed signature is refused; a terminal acts only for itself.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::fail::{Fail, MAX_BODY_BYTES, too_large, too_many};
use super::state::HubState;
use super::store::{Store, StoreError, TerminalRecord};
use ewarong_core::hub_auth::{
    REQUEST_WINDOW_SECONDS, SignatureParams, content_digest, parse_signature_header, signature_base,
};
use ewarong_core::seal::sign::PublicKey;

/// The terminal a request was signed by, for the handlers and the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal(pub String);

/// The refusals that count towards an address's failure throttle.
const FAILURES: [&str; 4] = ["unauthenticated", "unknown_key", "replayed", "forbidden"];

fn unauthenticated(detail: &str) -> Fail {
    Fail::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        format!("the request carries no valid signature ({detail}); see docs/sync.md"),
    )
}

/// The peer's address, when the server put it there.
pub fn peer(req: &Request) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The terminal id a `/v1/terminals/{id}/…` path names.
fn path_terminal(path: &str) -> Option<&str> {
    path.strip_prefix("/v1/terminals/")?.split('/').next()
}

/// The terminal `keyid` names, when `signature` over `base` verifies with its enrolled key
/// (revoked or not: the caller decides what a revoked key may hear). `None` for an unknown
/// id, a terminal with no key yet and a wrong key alike, after the same work: one refusal.
/// What online requests and USB requests are both checked with.
pub async fn signed_by<S: Store>(
    store: &S,
    keyid: &str,
    base: &str,
    signature: &[u8; 64],
) -> Result<Option<TerminalRecord>, StoreError> {
    let record = store.terminal(keyid).await?;
    let key = record
        .as_ref()
        .and_then(|t| t.public_key)
        .and_then(|k| PublicKey::from_bytes(&k).ok());
    let valid = key.is_some_and(|k| k.verify(base.as_bytes(), signature));
    Ok(record.filter(|_| valid))
}

/// Middleware for the terminal routes: checks the signature, the clock, the nonce, the key's
/// standing and the body digest, in that order, then passes the request on with its
/// [`Terminal`].
pub async fn require_terminal<S: Store>(
    State(state): State<Arc<HubState<S>>>,
    req: Request,
    next: Next,
) -> Response {
    let ip = peer(&req);
    if let Some(ip) = ip
        && state.guards.auth_failures.blocked(ip)
    {
        return too_many().into_response();
    }
    match check(&state, req).await {
        Ok(req) => {
            let terminal = req.extensions().get::<Terminal>().cloned();
            let mut resp = next.run(req).await;
            // For the access log, which sees only the response.
            if let Some(t) = terminal {
                resp.extensions_mut().insert(t);
            }
            resp
        }
        Err(fail) => {
            // Failures a stranger can cause count against its address; a terminal's clock
            // does not.
            if FAILURES.contains(&fail.code())
                && let Some(ip) = ip
            {
                state.guards.auth_failures.count(ip);
            }
            fail.into_response()
        }
    }
}

async fn check<S: Store>(state: &HubState<S>, req: Request) -> Result<Request, Fail> {
    // Owned before any await: the request's body is not `Sync`, so no borrow of it may wait.
    let (input, signature, digest) = {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| unauthenticated(&format!("no {name} header")))
        };
        (
            header("Signature-Input")?,
            header("Signature")?,
            header("Content-Digest")?,
        )
    };
    let params = SignatureParams::parse(&input).map_err(|e| unauthenticated(&e.to_string()))?;
    let signature =
        parse_signature_header(&signature).map_err(|e| unauthenticated(&e.to_string()))?;
    let now = chrono::Local::now().fixed_offset();
    let skew = params.created.saturating_sub(now.timestamp());
    if skew.abs() > REQUEST_WINDOW_SECONDS || params.created < state.replay.started {
        return Err(Fail::new(
            StatusCode::UNAUTHORIZED,
            "clock",
            format!(
                "the request was signed {skew} s from the hub's clock (at most {REQUEST_WINDOW_SECONDS} s, and not before the hub started); sign it again on the hub's time"
            ),
        )
        .with_hub_time(super::rfc3339(now)));
    }
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let method = req.method().as_str().to_owned();
    let base = signature_base(&method, &path, &query, &digest, &params);
    let Some(record) = signed_by(&state.store, &params.keyid, &base, &signature).await? else {
        tracing::warn!(keyid = %params.keyid, path = %path, "request refused: not signed by an enrolled key");
        return Err(Fail::new(
            StatusCode::FORBIDDEN,
            "unknown_key",
            "the request is not signed by a key enrolled at this hub",
        ));
    };
    if record.revoked {
        return Err(Fail::new(
            StatusCode::FORBIDDEN,
            "revoked",
            format!("terminal {} has been revoked", params.keyid),
        ));
    }
    if path_terminal(&path) != Some(params.keyid.as_str()) {
        tracing::warn!(keyid = %params.keyid, path = %path, "request refused: another terminal's path");
        return Err(Fail::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "terminal {} may act only for itself, not on {path}",
                params.keyid
            ),
        ));
    }
    if !state.replay.first_use(&params, now.timestamp()) {
        tracing::warn!(keyid = %params.keyid, "request refused: replayed signature");
        return Err(Fail::new(
            StatusCode::UNAUTHORIZED,
            "replayed",
            "this signed request was already taken; each request is signed afresh",
        ));
    }
    let (mut parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    if content_digest(&bytes) != digest {
        return Err(Fail::new(
            StatusCode::BAD_REQUEST,
            "bad_digest",
            "the body does not match its Content-Digest (sha-256); the upload was damaged",
        ));
    }
    parts.extensions.insert(Terminal(params.keyid));
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_its_terminal() {
        assert_eq!(path_terminal("/v1/terminals/w-01/head"), Some("w-01"));
        assert_eq!(path_terminal("/v1/terminals/w-01"), Some("w-01"));
        assert_eq!(path_terminal("/v1/health"), None);
    }
}
