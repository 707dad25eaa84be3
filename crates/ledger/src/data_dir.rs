//! A terminal's data directory: creating it (ledger, key, optional demo programme) and opening it
//! for signing. The CLI and the GUI share these, so both set a terminal up the same way.

use ewarong_core::key;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::demo::{DemoError, DemoSummary};
use crate::{LEDGER_FILE, Ledger, LedgerError};
use ewarong_core::i18n::{Lang, Localize, trf};
use ewarong_keys::{KEY_FILE, KeyError, Passphrase, TerminalKey};

/// The terminal id a demo terminal gets.
pub const DEMO_TERMINAL_ID: &str = "demo-01";

/// Why a terminal could not be set up or opened.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{}", self.localize(Lang::En))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}

impl Localize for SetupError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Io { path, source } => trf(
                lang,
                key!("cli.io"),
                &[("path", &path.display()), ("detail", source)],
            ),
            Self::Ledger(e) => e.localize(lang),
            Self::Key(e) => e.localize(lang),
            Self::Demo(e) => e.localize(lang),
        }
    }
}

/// The files of a terminal's data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self(dir.into())
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn ledger(&self) -> PathBuf {
        self.0.join(LEDGER_FILE)
    }
    pub fn key(&self) -> PathBuf {
        self.0.join(KEY_FILE)
    }
    /// True once a ledger exists here.
    pub fn is_initialized(&self) -> bool {
        self.ledger().exists()
    }
}

/// A freshly created terminal.
#[derive(Debug)]
pub struct Created {
    pub ledger: Ledger,
    pub fingerprint: String,
    pub demo: Option<DemoSummary>,
}

/// Creates the ledger and the terminal key, and loads the demo programme if asked. Either all
/// of it is done or nothing is left behind, so it can simply be run again.
pub fn create(
    dir: &DataDir,
    terminal_id: &str,
    zone: FixedOffset,
    demo: bool,
    passphrase: Option<&Passphrase>,
    now: DateTime<FixedOffset>,
) -> Result<Created, SetupError> {
    let io = |source| SetupError::Io {
        path: dir.path().to_owned(),
        source,
    };
    // A directory made here is the terminal's own: owner-only. One that already existed (a
    // --data-dir the user chose) keeps its mode; the ledger and key files inside are
    // owner-only either way.
    if !dir.path().exists() {
        std::fs::create_dir_all(dir.path()).map_err(io)?;
        ewarong_keys::fs::owner_only(dir.path()).map_err(io)?;
    }
    let path = dir.ledger();
    let key_path = dir.key();
    if key_path.exists() && !path.exists() {
        return Err(KeyError::Exists(key_path).into());
    }
    let mut ledger = Ledger::create(&path, terminal_id, zone, now)?;
    let undo = |ledger: Ledger, key_made: bool| {
        drop(ledger);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        if key_made {
            let _ = std::fs::remove_file(&key_path);
        }
    };
    let key = match TerminalKey::create(&key_path, passphrase) {
        Ok(k) => k,
        Err(e) => {
            undo(ledger, false);
            return Err(e.into());
        }
    };
    let fingerprint = key.public().fingerprint();
    // Record the key, then sign every entry from the first one on.
    if let Err(e) = ledger
        .record_public_key(&key.public(), now)
        .and_then(|()| ledger.attach_key(key))
    {
        undo(ledger, true);
        return Err(e.into());
    }
    let summary = if demo {
        match crate::demo::load(&mut ledger, now) {
            Ok(s) => Some(s),
            Err(e) => {
                undo(ledger, true);
                return Err(e.into());
            }
        }
    } else {
        None
    };
    tracing::info!(terminal_id, demo, "terminal created");
    Ok(Created {
        fingerprint,
        ledger,
        demo: summary,
    })
}

/// Removes a terminal that was just created and never used (no entry written): the ledger
/// files and the key. Used when activation fails before the hub accepted the key.
pub fn discard(dir: &DataDir, ledger: Ledger) {
    let path = dir.ledger();
    drop(ledger);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_file(dir.key());
}

/// Opens the ledger to write: with the terminal key attached when the ledger has one, so every
/// entry is signed. A keyed ledger whose key file is missing is not written to.
pub fn open_signing(dir: &DataDir, passphrase: Option<&Passphrase>) -> Result<Ledger, SetupError> {
    let mut ledger = Ledger::open(&dir.ledger())?;
    if ledger.public_key()?.is_some() {
        let key = TerminalKey::load(&dir.key(), passphrase)?;
        ledger.attach_key(key)?;
    }
    Ok(ledger)
}
