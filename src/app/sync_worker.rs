//! The background sync worker: its own thread and its own ledger connection, so a weak signal
//! never holds up a sale. It probes the hub with a short timeout, syncs when the hub answers,
//! backs off exponentially with jitter when it does not, and reports what it sees as events.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::{Event, Failure};
use crate::sync_client::{HubClient, SyncError, sync_with_head};
use ewarong_core::hub_auth::HubPin;
use ewarong_keys::Passphrase;
use ewarong_ledger::Ledger;
use ewarong_ledger::data_dir::DataDir;

/// How long a probe waits for the hub: short, so a dead link is noticed quickly.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one upload may take on a slow link.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(20);
/// Between rounds while the hub answers.
pub const ONLINE_EVERY: Duration = Duration::from_secs(60);
/// The first retry after a failure; it doubles each time, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(5);
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// What the UI asks of the sync worker.
#[derive(Debug)]
pub enum SyncCommand {
    /// Try now, without waiting for the timer.
    Now,
    /// Enrol with a hub using a one-time code (or move to it), then sync.
    Enrol(Box<Enrolling>),
}

/// An enrolment sheet typed in settings: a first enrolment, or a move to another hub.
#[derive(Debug)]
pub struct Enrolling {
    pub hub: String,
    pub code: String,
    pub hub_pin: HubPin,
    /// `Some`: the terminal moves from the hub in force, approved by this supervisor for this
    /// reason (every batch then goes again, to the new hub).
    pub change: Option<(ewarong_ledger::Operator, String)>,
}

/// What the status bar shows about sync.
#[derive(Debug, Clone, Default)]
pub struct SyncView {
    /// The hub this terminal is enrolled with; `None`: not enrolled.
    pub hub: Option<String>,
    /// `None` until the first probe.
    pub online: Option<bool>,
    /// Batches without a hub receipt.
    pub pending: u64,
    /// Local time of the last complete round, `HH:MM`.
    pub last_sync: Option<String>,
    /// The last failure, in plain words when shown.
    pub last_error: Option<Failure>,
    /// Hub clock minus terminal clock, seconds, from the last probe.
    pub clock_skew_seconds: i64,
    /// Updates applied in the last round; the screens reload their reference data.
    pub updates: Vec<String>,
    /// Entries not yet acknowledged by the hub (pending batches and the open tail).
    pub pending_entries: u64,
    /// What is left to send on the wire and how long it should take at the speed the last
    /// uploads measured; `None` before any upload was measured, or with nothing left.
    pub left: Option<(u64, Duration)>,
}

/// The wait after `failures` failures in a row: doubling from [`FIRST_BACKOFF`], capped, then
/// spread by ±25% so terminals that lost signal together do not all call back together.
pub fn backoff(failures: u32, jitter: u32) -> Duration {
    let base = FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(16)))
        .min(MAX_BACKOFF);
    // jitter in 0..=1000 maps to 75%..125%.
    let permille = 750u32.saturating_add(jitter % 501);
    base.saturating_mul(permille)
        .checked_div(1000)
        .unwrap_or(base)
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    // Without OS randomness the wait is simply not spread; sync still works.
    if getrandom::fill(&mut b).is_err() {
        return 0;
    }
    u32::from_le_bytes(b)
}

/// Starts the worker on its own ledger connection. Returns the channel to it.
pub fn start(
    dir: DataDir,
    passphrase: Option<Passphrase>,
    events: Sender<Event>,
    wake: impl Fn() + Send + 'static,
) -> Option<Sender<SyncCommand>> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("ewarong-sync".into())
        .spawn(move || {
            let ledger = match ewarong_ledger::data_dir::open_signing(&dir, passphrase.as_ref()) {
                Ok(l) => l,
                Err(e) => {
                    tracing::error!(error = %e, "sync worker cannot open the ledger");
                    return;
                }
            };
            let mut w = SyncWorker {
                ledger,
                prober: None,
                view: SyncView::default(),
                failures: 0,
                events,
                wake: Box::new(wake),
            };
            w.run(&rx);
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(e) => {
            tracing::error!(error = %e, "cannot start the sync worker");
            None
        }
    }
}

struct SyncWorker {
    ledger: Ledger,
    prober: Option<HubClient>,
    view: SyncView,
    failures: u32,
    events: Sender<Event>,
    wake: Box<dyn Fn() + Send>,
}

impl SyncWorker {
    fn emit(&self) {
        if self.events.send(Event::Sync(self.view.clone())).is_ok() {
            (self.wake)();
        }
    }

    fn run(&mut self, rx: &Receiver<SyncCommand>) {
        let mut wait = Duration::ZERO;
        loop {
            match rx.recv_timeout(wait) {
                Ok(SyncCommand::Now) | Err(RecvTimeoutError::Timeout) => {}
                Ok(SyncCommand::Enrol(sheet)) => {
                    let result = self.enrol(*sheet);
                    let ok = result.is_ok();
                    if self.events.send(Event::Enrolled(result)).is_ok() {
                        (self.wake)();
                    }
                    if !ok {
                        continue;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
            wait = self.round();
        }
    }

    /// Enrols, or moves to another hub; returns the new hub's fingerprint.
    fn enrol(&mut self, sheet: Enrolling) -> Result<String, Failure> {
        let now = self.ledger.terminal().now();
        let (ledger, hub) = (&mut self.ledger, sheet.hub.trim());
        let (e, _) = match &sheet.change {
            None => crate::sync_client::enrol(
                ledger,
                hub,
                UPLOAD_TIMEOUT,
                &sheet.code,
                &sheet.hub_pin,
                None,
                now,
            ),
            Some((supervisor, reason)) => crate::sync_client::change_hub(
                ledger,
                hub,
                UPLOAD_TIMEOUT,
                &sheet.code,
                &sheet.hub_pin,
                None,
                supervisor,
                reason,
                now,
            ),
        }
        .map_err(Failure::new)?;
        // A new hub: a new client for it at the next round.
        self.prober = None;
        Ok(e.hub_key.fingerprint())
    }

    /// What is left to send and, once an upload was measured, the estimate of its time.
    fn left_to_send(&mut self) {
        self.view.pending_entries = self.ledger.pending_entries().unwrap_or_default();
        self.view.left = match (&self.prober, self.view.pending_entries) {
            (_, 0) | (None, _) => None,
            (Some(p), n) => p.estimate(n),
        };
    }

    /// One probe and, if the hub answers, one sync round. Returns how long to wait.
    fn round(&mut self) -> Duration {
        self.view.pending = self.ledger.pending().map(|p| p.0).unwrap_or_default();
        self.left_to_send();
        let enrolment = match self.ledger.enrolment() {
            Ok(e) => e,
            Err(e) => {
                self.view.last_error = Some(e.into());
                self.emit();
                return MAX_BACKOFF;
            }
        };
        let Some(enrolment) = enrolment else {
            self.view.hub = None;
            self.emit();
            return ONLINE_EVERY;
        };
        self.view.hub = Some(enrolment.hub_url.clone());
        let now = self.ledger.terminal().now();
        // One client per hub for the worker's life: it keeps what it learned of the hub's clock.
        let prober = match self.prober.take() {
            // The same address and TLS pin: a hub change to a new key at the same address
            // (a replaced hub machine) gets a client for the new enrolment.
            Some(p)
                if p.base() == enrolment.hub_url.trim_end_matches('/')
                    && p.pinned_certificate() == enrolment.tls_certificate.as_deref() =>
            {
                Ok(p)
            }
            _ => HubClient::for_enrolment(&enrolment, PROBE_TIMEOUT),
        };
        let result = match prober {
            Ok(prober) => {
                let result = prober.head(&self.ledger).and_then(|head| {
                    let client = prober.with_timeout(UPLOAD_TIMEOUT);
                    sync_with_head(&mut self.ledger, &client, &head, now)
                });
                self.prober = Some(prober);
                result
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(report) => {
                self.failures = 0;
                self.view.online = Some(true);
                self.view.pending = report.pending;
                self.view.last_sync = Some(now.format("%H:%M").to_string());
                self.view.last_error = None;
                self.view.clock_skew_seconds = report.clock_skew_seconds;
                self.view.updates = report.updates;
                self.left_to_send();
                self.emit();
                backoff(0, random_u32()).max(ONLINE_EVERY)
            }
            Err(e) => {
                self.failures = self.failures.saturating_add(1);
                // The hub answered with a refusal: it is reachable, the batch is not accepted.
                self.view.online = Some(!matches!(e, SyncError::Offline(_)));
                tracing::warn!(error = %e, failures = self.failures, "sync failed");
                self.view.pending = self.ledger.pending().map(|p| p.0).unwrap_or_default();
                self.view.last_error = Some(Failure::new(e));
                self.view.updates = Vec::new();
                self.left_to_send();
                self.emit();
                backoff(self.failures, random_u32())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_spreads() {
        assert_eq!(backoff(1, 250), FIRST_BACKOFF);
        assert_eq!(backoff(2, 250), FIRST_BACKOFF * 2);
        assert_eq!(backoff(3, 250), FIRST_BACKOFF * 4);
        assert_eq!(backoff(30, 250), MAX_BACKOFF);
        assert_eq!(backoff(1, 0), FIRST_BACKOFF * 3 / 4);
        assert_eq!(backoff(1, 500), FIRST_BACKOFF * 5 / 4);
        let spread: std::collections::BTreeSet<_> = (0..50).map(|i| backoff(4, i * 97)).collect();
        assert!(spread.len() > 10, "{spread:?}");
    }
}
