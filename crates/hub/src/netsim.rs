//! A link simulator for tests and benchmarks: a TCP proxy on 127.0.0.1 that gives a terminal
//! the link a 3T village has (bandwidth each way, latency and jitter, stalls, and connections
//! cut at random or after a number of bytes), since the kernel's netem is not available.
//! Shipped code never calls it.
//!
//! The link is one radio: every connection through the proxy shares each direction's
//! bandwidth. Bytes are delivered in order, each chunk at the time the link would: after the
//! chunks before it have been serialised at the direction's rate, plus half the round trip and
//! a jitter.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// A link's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: &'static str,
    /// Hub to terminal, bits per second.
    pub down_bits_per_second: u64,
    /// Terminal to hub, bits per second.
    pub up_bits_per_second: u64,
    /// Round-trip time added (half each way).
    pub rtt: Duration,
    /// Each chunk's delay varies by up to this much (order is kept).
    pub jitter: Duration,
    /// Every open connection is cut at random times, this far apart on average (between half
    /// and one and a half of it).
    pub cut_every: Option<Duration>,
    /// Every `.0`, nothing moves for `.1`.
    pub stall: Option<(Duration, Duration)>,
}

impl Profile {
    /// 2G/EDGE: about 100 kbit/s down, 50 up, 600 ms round trip.
    pub fn edge() -> Self {
        Self {
            name: "edge",
            down_bits_per_second: 100_000,
            up_bits_per_second: 50_000,
            rtt: Duration::from_millis(600),
            jitter: Duration::from_millis(60),
            cut_every: None,
            stall: None,
        }
    }

    /// Shared village WiFi on a satellite link: 1 Mbit/s, 700 ms round trip.
    pub fn satellite() -> Self {
        Self {
            name: "satellite",
            down_bits_per_second: 1_000_000,
            up_bits_per_second: 1_000_000,
            rtt: Duration::from_millis(700),
            jitter: Duration::from_millis(40),
            cut_every: None,
            stall: None,
        }
    }

    /// A phone hotspot on 3G that drops: 1 Mbit/s, 200 ms, a cut every 30 s.
    pub fn flaky_3g() -> Self {
        Self {
            name: "flaky-3g",
            down_bits_per_second: 1_000_000,
            up_bits_per_second: 1_000_000,
            rtt: Duration::from_millis(200),
            jitter: Duration::from_millis(40),
            cut_every: Some(Duration::from_secs(30)),
            stall: None,
        }
    }

    /// The profiles above, by name.
    pub fn by_name(name: &str) -> Option<Self> {
        [Self::edge(), Self::satellite(), Self::flaky_3g()]
            .into_iter()
            .find(|p| p.name == name)
    }

    /// The same link, cut at random this far apart on average.
    pub fn with_cuts(mut self, every: Duration) -> Self {
        self.cut_every = Some(every);
        self
    }

    /// The same link, stalling for `pause` every `every`.
    pub fn with_stalls(mut self, every: Duration, pause: Duration) -> Self {
        self.stall = Some((every, pause));
        self
    }
}

/// What crossed the link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Bytes delivered terminal to hub.
    pub up: u64,
    /// Bytes delivered hub to terminal.
    pub down: u64,
    /// Connections opened through the link.
    pub connections: u64,
    /// Connections the link cut.
    pub cuts: u64,
}

#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
    connections: AtomicU64,
    cuts: AtomicU64,
}

/// One direction of the radio: the moment it is free again.
struct Pipe {
    bits_per_second: u64,
    free_at: Mutex<Instant>,
}

impl Pipe {
    /// When a chunk of `len` bytes handed over now has left the sender.
    fn serialise(&self, len: usize) -> Instant {
        let mut free = self
            .free_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = (*free).max(Instant::now());
        let nanos = (len as u128)
            .saturating_mul(8_000_000_000)
            .checked_div(u128::from(self.bits_per_second.max(1)))
            .unwrap_or(0);
        let took = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        let done = start.checked_add(took).unwrap_or(start);
        *free = done;
        done
    }
}

/// A small deterministic generator (xorshift): the simulator's randomness repeats by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A duration in `[0, max]`.
    fn upto(&mut self, max: Duration) -> Duration {
        let n = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.next().checked_rem(n.saturating_add(1)).unwrap_or(0))
    }
}

struct Shared {
    target: SocketAddr,
    profile: Profile,
    up: Pipe,
    down: Pipe,
    counters: Counters,
    /// Bumped to cut every open connection.
    cut: watch::Sender<u64>,
    /// Down-link byte counts at which the connection carrying that byte is cut, once each.
    cut_at: Mutex<Vec<u64>>,
    started: Instant,
    seed: u64,
}

/// A running link: connect to [`LinkSim::url`] instead of the hub. Stops when dropped.
pub struct LinkSim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LinkSim {
    /// A link shaped by `profile` in front of `target`, on its own thread, with randomness from
    /// `seed`.
    pub fn start(target: SocketAddr, profile: Profile, seed: u64) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), target, profile, seed)
    }

    /// [`LinkSim::start`], listening on `listen`.
    pub fn start_on(
        listen: SocketAddr,
        target: SocketAddr,
        profile: Profile,
        seed: u64,
    ) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let now = Instant::now();
        let (cut, _) = watch::channel(0u64);
        let shared = Arc::new(Shared {
            target,
            up: Pipe {
                bits_per_second: profile.up_bits_per_second,
                free_at: Mutex::new(now),
            },
            down: Pipe {
                bits_per_second: profile.down_bits_per_second,
                free_at: Mutex::new(now),
            },
            profile,
            counters: Counters::default(),
            cut,
            cut_at: Mutex::new(Vec::new()),
            started: now,
            seed: seed | 1,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let s = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else {
                    return;
                };
                tokio::select! {
                    _ = stopped => {}
                    () = accept(listener, s) => {}
                }
            });
        });
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where to connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What crossed so far.
    pub fn traffic(&self) -> Traffic {
        let c = &self.shared.counters;
        Traffic {
            up: c.up.load(Ordering::Relaxed),
            down: c.down.load(Ordering::Relaxed),
            connections: c.connections.load(Ordering::Relaxed),
            cuts: c.cuts.load(Ordering::Relaxed),
        }
    }

    /// Cuts the connection that carries the down-link's byte number `n` (counted from the
    /// link's start), once: to cut a download at a chosen point.
    pub fn cut_at_down_byte(&self, n: u64) {
        let mut at = self
            .shared
            .cut_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        at.push(n);
        at.sort_unstable();
    }

    /// Cuts every open connection now.
    pub fn cut_now(&self) {
        self.shared.cut.send_modify(|g| *g = g.wrapping_add(1));
    }
}

impl std::fmt::Debug for LinkSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSim")
            .field("addr", &self.addr)
            .field("profile", &self.shared.profile.name)
            .field("traffic", &self.traffic())
            .finish()
    }
}

impl Drop for LinkSim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    if let Some(mean) = shared.profile.cut_every {
        let s = Arc::clone(&shared);
        tokio::spawn(async move {
            let mut rng = Rng(s.seed ^ 0x9e37_79b9_7f4a_7c15);
            loop {
                // Between half and one and a half of the mean.
                let wait = mean
                    .checked_div(2)
                    .unwrap_or_default()
                    .saturating_add(rng.upto(mean));
                tokio::time::sleep(wait).await;
                s.cut.send_modify(|g| *g = g.wrapping_add(1));
            }
        });
    }
    let mut n = 0u64;
    while let Ok((client, _)) = listener.accept().await {
        n = n.wrapping_add(1);
        shared.counters.connections.fetch_add(1, Ordering::Relaxed);
        let s = Arc::clone(&shared);
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(s.target).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let mut cut = s.cut.subscribe();
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            let seed = s.seed.wrapping_mul(n.wrapping_add(7));
            let up = pump(cr, sw, Arc::clone(&s), true, seed);
            let down = pump(sr, cw, Arc::clone(&s), false, seed.rotate_left(17));
            tokio::pin!(up, down);
            let (mut up_open, mut down_open) = (true, true);
            // Until both directions end, or a cut: the cut is counted before this returns, and
            // returning drops both sockets, so the terminal sees the line go dead.
            while up_open || down_open {
                tokio::select! {
                    _ = cut.changed() => {
                        s.counters.cuts.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    was_cut = &mut up, if up_open => {
                        if was_cut {
                            return;
                        }
                        up_open = false;
                    }
                    was_cut = &mut down, if down_open => {
                        if was_cut {
                            return;
                        }
                        down_open = false;
                    }
                }
            }
        });
    }
}

/// Moves bytes one way until end of stream; `true` if it stopped because a byte-count cut
/// fell in it.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    s: Arc<Shared>,
    upward: bool,
    seed: u64,
) -> bool {
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(16);
    let reader = {
        let s = Arc::clone(&s);
        async move {
            let mut rng = Rng(seed | 1);
            let mut last = Instant::now();
            let mut buf = vec![0u8; 1024];
            loop {
                let n = match from.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let pipe = if upward { &s.up } else { &s.down };
                let sent = pipe.serialise(n);
                let delay = s
                    .profile
                    .rtt
                    .checked_div(2)
                    .unwrap_or_default()
                    .saturating_add(rng.upto(s.profile.jitter));
                let arrive = sent.checked_add(delay).unwrap_or(sent).max(last);
                last = arrive;
                if tx
                    .send((arrive, buf.get(..n).unwrap_or_default().to_vec()))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        }
    };
    let writer = async {
        while let Some((arrive, bytes)) = rx.recv().await {
            tokio::time::sleep_until(arrive).await;
            if let Some((every, pause)) = s.profile.stall {
                let since = Instant::now().duration_since(s.started);
                let into = Duration::from_nanos(
                    u64::try_from(
                        since
                            .as_nanos()
                            .checked_rem(every.as_nanos().max(1))
                            .unwrap_or(0),
                    )
                    .unwrap_or(0),
                );
                if into < pause {
                    tokio::time::sleep(pause.saturating_sub(into)).await;
                }
            }
            let counter = if upward {
                &s.counters.up
            } else {
                &s.counters.down
            };
            let before = counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            if !upward {
                let after = before.saturating_add(bytes.len() as u64);
                let hit = {
                    let mut at = s
                        .cut_at
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let hit = at.first().is_some_and(|&n| n >= before && n < after);
                    if hit {
                        at.remove(0);
                    }
                    hit
                };
                if hit {
                    // The chunk holding the cut point never arrives: the line goes dead.
                    s.counters.cuts.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
            }
            if to.write_all(&bytes).await.is_err() {
                return false;
            }
        }
        let _ = to.shutdown().await;
        false
    };
    // The writer drains what the reader queued after the reader's end of stream (the sender is
    // dropped with the reader); a writer that stops (a cut, a closed peer) ends the reader too.
    tokio::pin!(reader, writer);
    let mut reading = true;
    loop {
        tokio::select! {
            () = &mut reader, if reading => reading = false,
            cut = &mut writer => return cut,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// An echo server that sends back `n` bytes for every request line it reads.
    fn source(n: usize) -> SocketAddr {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        std::thread::spawn(move || {
            for mut c in l.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut b = [0u8; 1];
                    while c.read_exact(&mut b).is_ok() {
                        if b[0] == b'\n' && c.write_all(&vec![b'x'; n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    #[test]
    fn the_link_takes_its_bandwidth_and_latency() {
        let target = source(25_000);
        let p = Profile {
            name: "test",
            down_bits_per_second: 1_000_000,
            up_bits_per_second: 1_000_000,
            rtt: Duration::from_millis(300),
            jitter: Duration::ZERO,
            cut_every: None,
            stall: None,
        };
        let link = LinkSim::start(target, p, 1).unwrap();
        let mut c = std::net::TcpStream::connect(link.addr()).unwrap();
        let started = std::time::Instant::now();
        c.write_all(b"\n").unwrap();
        let mut got = vec![0u8; 25_000];
        c.read_exact(&mut got).unwrap();
        let took = started.elapsed();
        // 25,000 bytes at 1 Mbit/s is 200 ms, plus the 300 ms round trip.
        assert!(took >= Duration::from_millis(480), "{took:?}");
        assert!(took < Duration::from_millis(2_000), "{took:?}");
        let t = link.traffic();
        assert_eq!((t.up, t.down, t.connections, t.cuts), (1, 25_000, 1, 0));
    }

    #[test]
    fn a_cut_at_a_byte_closes_that_connection_and_no_other() {
        let target = source(10_000);
        let link = LinkSim::start(target, Profile::satellite(), 2).unwrap();
        link.cut_at_down_byte(4_000);
        let mut c = std::net::TcpStream::connect(link.addr()).unwrap();
        c.write_all(b"\n").unwrap();
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        assert!(got.len() < 4_100, "{}", got.len());
        assert_eq!(link.traffic().cuts, 1);
        // The next connection goes through whole.
        let mut c = std::net::TcpStream::connect(link.addr()).unwrap();
        c.write_all(b"\n").unwrap();
        let mut got = vec![0u8; 10_000];
        c.read_exact(&mut got).unwrap();
        assert_eq!(link.traffic().connections, 2);
    }

    #[test]
    fn cuts_at_random_close_open_connections() {
        let target = source(1);
        let p = Profile::satellite().with_cuts(Duration::from_millis(200));
        let link = LinkSim::start(target, p, 3).unwrap();
        let mut c = std::net::TcpStream::connect(link.addr()).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut b = [0u8; 1];
        // Within 300 ms at most the connection is cut: the read sees the end of the stream.
        let started = std::time::Instant::now();
        let r = c.read(&mut b);
        assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(link.traffic().cuts >= 1);
        assert_eq!(Profile::by_name("flaky-3g"), Some(Profile::flaky_3g()));
        assert_eq!(Profile::by_name("gprs"), None);
    }
}
