//! No way to wear the hub down: a cap on connections (in all and per address), a deadline for
//! a request's headers and for a whole connection, and throttles on enrolment and on failed
//! authentication, per address. Our own small counters rather than `tower_governor`: the
//! failure throttle counts only refusals, which a request-rate limiter cannot see.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The hub's limits. The defaults suit a district hub behind no proxy; `ewarong-hub serve`
/// takes each as an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once, from everyone. Keep it under the process's file limit.
    pub max_connections: usize,
    /// Connections open at once from one address.
    pub per_address: usize,
    /// Time to send a request's headers, and to start the next request on a kept-alive
    /// connection, before the hub closes it.
    pub header_timeout: Duration,
    /// The longest a connection may stay open, whatever it does.
    pub connection_lifetime: Duration,
    /// Enrolment requests per address per window.
    pub enrolments_per_window: u32,
    /// Failed authentications per address per window before it is refused outright.
    pub auth_failures_per_window: u32,
    /// The throttles' window.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            per_address: 32,
            header_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(300),
            enrolments_per_window: 10,
            auth_failures_per_window: 20,
            window: Duration::from_secs(60),
        }
    }
}

/// The shared counters the limits need.
#[derive(Debug)]
pub struct Guards {
    pub limits: Limits,
    pub enrolments: Throttle,
    pub auth_failures: Throttle,
    connections: Mutex<HashMap<IpAddr, usize>>,
}

impl Guards {
    pub fn new(limits: Limits) -> Self {
        Self {
            enrolments: Throttle::new(limits.enrolments_per_window, limits.window),
            auth_failures: Throttle::new(limits.auth_failures_per_window, limits.window),
            connections: Mutex::new(HashMap::new()),
            limits,
        }
    }

    /// Takes a connection slot for `ip`; `None` when that address holds all it may.
    pub fn connect(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let mut open = lock(&self.connections);
        let n = open.entry(ip).or_default();
        if *n >= self.limits.per_address {
            return None;
        }
        *n = n.saturating_add(1);
        Some(Slot {
            guards: Arc::clone(self),
            ip,
        })
    }

    /// Connections open from `ip` now.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        lock(&self.connections)
            .get(&ip)
            .copied()
            .unwrap_or_default()
    }
}

/// One open connection's place; given back when dropped.
#[derive(Debug)]
pub struct Slot {
    guards: Arc<Guards>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock(&self.guards.connections);
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock means a panic between two plain integer updates; the map is whole.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Counts events per address in fixed windows.
#[derive(Debug)]
pub struct Throttle {
    max: u32,
    window: Duration,
    counts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Addresses tracked before expired windows are swept.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event for `ip`; `false` when that makes more than the window allows.
    pub fn count(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let mut counts = lock(&self.counts);
        if counts.len() >= SWEEP_AT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.max
    }

    /// True when `ip` has used up this window.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        let counts = lock(&self.counts);
        counts
            .get(&ip)
            .is_some_and(|(start, n)| start.elapsed() < self.window && *n >= self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_allows_its_count_then_refuses_until_the_window_turns() {
        let t = Throttle::new(3, Duration::from_millis(200));
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        assert!(t.count(a) && t.count(a) && t.count(a));
        assert!(t.blocked(a));
        assert!(!t.count(a));
        assert!(
            !t.blocked(b) && t.count(b),
            "one address does not block another"
        );
        std::thread::sleep(Duration::from_millis(250));
        assert!(!t.blocked(a));
        assert!(t.count(a));
    }

    #[test]
    fn connection_slots_are_per_address_and_given_back() {
        let g = Arc::new(Guards::new(Limits {
            per_address: 2,
            ..Limits::default()
        }));
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.1".parse().unwrap();
        let s1 = g.connect(a).unwrap();
        let _s2 = g.connect(a).unwrap();
        assert!(g.connect(a).is_none());
        assert!(g.connect(b).is_some());
        drop(s1);
        assert_eq!(g.open_from(a), 1);
        assert!(g.connect(a).is_some());
    }
}
