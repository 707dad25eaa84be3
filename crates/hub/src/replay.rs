//! Signed requests already taken: the nonces seen inside the clock window, so no signed
//! request is taken twice.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use ewarong_core::hub_auth::{REQUEST_WINDOW_SECONDS, SignatureParams};

/// Nonces seen inside the window, so no signed request is taken twice. Held in memory; a
/// signature made before the hub started is refused as stale, so a restart opens no gap.
#[derive(Debug)]
pub struct Replay {
    pub(crate) started: i64,
    seen: Mutex<HashMap<(String, String), i64>>,
}

/// Nonces kept before the old ones are swept.
const SWEEP_AT: usize = 50_000;

impl Replay {
    pub fn new(started: DateTime<FixedOffset>) -> Self {
        Self {
            started: started.timestamp(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Records the nonce; `false` when it was seen already.
    pub(crate) fn first_use(&self, p: &SignatureParams, now: i64) -> bool {
        // A poisoned lock only means another request panicked mid-insert; the map is whole.
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= SWEEP_AT {
            seen.retain(|_, created| now.saturating_sub(*created) <= REQUEST_WINDOW_SECONDS);
        }
        seen.insert((p.keyid.clone(), p.nonce.clone()), p.created)
            .is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_taken_once_and_old_ones_are_swept() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+07:00").unwrap();
        let replay = Replay::new(t);
        let p = |nonce: usize, created: i64| SignatureParams {
            created,
            nonce: format!("{nonce:032x}"),
            keyid: "w-01".into(),
        };
        let now = t.timestamp();
        assert!(replay.first_use(&p(1, now), now));
        assert!(!replay.first_use(&p(1, now), now));
        for n in 2..SWEEP_AT + 1 {
            assert!(replay.first_use(&p(n, now - 1_000), now));
        }
        // The sweep keeps what is inside the window, drops the rest.
        assert!(replay.first_use(&p(SWEEP_AT + 1, now), now));
        assert!(!replay.first_use(&p(1, now), now));
        assert!(replay.seen.lock().unwrap().len() < 10);
    }
}
