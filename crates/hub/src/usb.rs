//! The hub's side of the USB stick: every batch file on the stick through the same checks as
//! an upload, a hub receipt written beside each accepted one, and each terminal's signed
//! updates written back so the stick carries the downlink too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use ewarong_core::protocol::Updates;
use ewarong_core::usb::{BatchFile, receipt_file_name, updates_file_name};
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
    // The downlink goes back on the same stick: every terminal whose batches came in gets
    // everything current, signed; it applies what is newer than what it has.
    if !seen.is_empty() {
        for id in &seen {
            // Each terminal's own file: its part of the roster, nobody else's.
            let updates = crate::publish::updates_since(
                &state.store,
                &state.identity,
                id,
                &BTreeMap::new(),
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
