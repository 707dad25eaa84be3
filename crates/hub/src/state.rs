//! What every request handler shares: the store, the hub's identity, the signed requests
//! already taken, and the connection caps and throttles.

use std::sync::Arc;

use super::HubIdentity;
use super::limits::{Guards, Limits};
use super::replay::Replay;
use super::tls::{Tls, endorse};

/// What every handler shares.
#[derive(Debug)]
pub struct HubState<S> {
    pub store: S,
    pub identity: HubIdentity,
    /// Signed requests already taken.
    pub replay: Replay,
    /// Connection caps and throttles.
    pub guards: Arc<Guards>,
    /// TLS, when the hub serves it itself, and the hub key's endorsement of its certificate.
    pub tls: Option<(Tls, String)>,
    /// What `head` announces beyond the first protocol (`ewarong_core::wire::FEATURES`); a
    /// test plays an older hub with none.
    pub features: &'static [&'static str],
}

impl<S> HubState<S> {
    /// The state for serving `store` as `identity`, with the default [`Limits`].
    pub fn new(store: S, identity: HubIdentity) -> Self {
        Self::with_limits(store, identity, Limits::default())
    }

    pub fn with_limits(store: S, identity: HubIdentity, limits: Limits) -> Self {
        Self {
            store,
            identity,
            replay: Replay::new(chrono::Local::now().fixed_offset()),
            guards: Arc::new(Guards::new(limits)),
            tls: None,
            features: ewarong_core::wire::FEATURES,
        }
    }

    /// Announces only `features` (none: the first protocol, as an older hub).
    pub fn with_features(mut self, features: &'static [&'static str]) -> Self {
        self.features = features;
        self
    }

    /// Serves TLS with `tls`, its certificate endorsed by the hub key.
    pub fn with_tls(mut self, tls: Tls) -> Self {
        self.tls = endorse(&self.identity, &tls.certificate).map(|e| (tls, e));
        self
    }
}
