//! The hub's side of the USB stick: every batch file on the stick through the same checks as
//! an upload, a hub receipt written beside each accepted one, and each terminal's signed
//! updates written back so the stick carries the downlink too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use ewarong_core::protocol::Updates;
use ewarong_core::usb::{BatchFile, receipt_file_name, request_file_name, updates_file_name};
use ewarong_keys::fs::write_atomic;

use crate::server::{HubState, accept_batch};
use crate::{Store, StoreError};

/// What an import did: the files accepted, the ones refused with why, and how many
/// terminals' updates files were written.
#[derive(Debug, Default)]
pub struct UsbImport {
    pub accepted: u64,
    pub refused: Vec<(PathBuf, String)>,
    pub updates_written: usize,
}

/// A failure that stops the import: the stick could not be read or written, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum UsbError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> UsbError + '_ {
    move |source| UsbError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The `*.request.json` files in `from`, with the terminal each names in its file name.
fn requests(from: &Path) -> Result<Vec<(PathBuf, String)>, UsbError> {
    let mut found: Vec<(PathBuf, String)> = std::fs::read_dir(from)
        .map_err(io(from))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".request.json")?.to_owned();
            Some((e.path(), id))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Checks a terminal's request for its updates: signed by that terminal's enrolled key, for
/// the USB method and its own updates path, by a terminal not revoked. The reason otherwise.
async fn check_request<S: Store>(state: &HubState<S>, path: &Path) -> Result<(), String> {
    use ewarong_core::hub_auth::{SignatureParams, parse_signature_header};
    use ewarong_core::usb::UpdatesRequest;
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let req: UpdatesRequest = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let named = request_file_name(&req.terminal_id);
    if path.file_name().and_then(|n| n.to_str()) != Some(named.as_str()) {
        return Err(format!(
            "the file names another terminal than {}",
            req.terminal_id
        ));
    }
    let params = SignatureParams::parse(&req.signature_input).map_err(|e| e.to_string())?;
    let signature = parse_signature_header(&req.signature).map_err(|e| e.to_string())?;
    if params.keyid != req.terminal_id {
        return Err("keyid is not the terminal named".into());
    }
    let base = UpdatesRequest::base(&req.terminal_id, &params);
    let t = crate::auth::signed_by(&state.store, &req.terminal_id, &base, &signature)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "not signed by a key enrolled at this hub".to_owned())?;
    if t.revoked {
        return Err(format!("terminal {} has been revoked", req.terminal_id));
    }
    Ok(())
}

/// Imports every `*.batch.json` in `from`, in name order (terminal, then batch).
pub async fn import_dir<S: Store>(
    state: &HubState<S>,
    from: &Path,
    now: DateTime<FixedOffset>,
) -> Result<UsbImport, UsbError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(from)
        .map_err(io(from))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".batch.json"))
        .collect();
    paths.sort();
    let mut done = UsbImport::default();
    let mut seen = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let file: BatchFile = match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                done.refused.push((path, e.to_string()));
                continue;
            }
        };
        match accept_batch(state, &file.terminal_id, &file.upload).await {
            Ok(receipt) => {
                let out = from.join(receipt_file_name(&file.terminal_id, file.batch_seq));
                write_atomic(&out, &serde_json::to_string_pretty(&receipt)?).map_err(io(&out))?;
                done.accepted = done.accepted.saturating_add(1);
                seen.insert(file.terminal_id.clone());
            }
            Err(fail) => done.refused.push((path, fail.message().to_owned())),
        }
    }
    // A terminal with nothing to send brings a signed request instead.
    for (path, id) in requests(from)? {
        match check_request(state, &path).await {
            Ok(()) => {
                seen.insert(id);
            }
            Err(why) => done.refused.push((path, why)),
        }
    }
    // The downlink goes back on the same stick: every terminal whose batches or request came
    // in gets everything current, signed; it applies what is newer than what it has.
    if !seen.is_empty() {
        for id in &seen {
            // Each terminal's own file: its part of the roster, nobody else's.
            let updates = crate::publish::updates_since(
                &state.store,
                &state.identity,
                id,
                &BTreeMap::new(),
                crate::publish::Want::default(),
                now,
            )
            .await?;
            let text = serde_json::to_string_pretty(&Updates { updates })?;
            let out = from.join(updates_file_name(id));
            write_atomic(&out, &text).map_err(io(&out))?;
        }
        done.updates_written = seen.len();
    }
    Ok(done)
}
