//! The district hub: enrols terminals, takes their signed batches exactly once, keeps forks as
//! evidence, and answers with receipts countersigned by the hub key. Storage sits behind
//! [`store::Store`], with an embedded SQLite and a PostgreSQL implementation.

// Tests compute expected values with plain arithmetic; shipped code stays checked.
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::type_complexity,
        clippy::cast_possible_truncation
    )
)]

pub mod auth;
pub mod fail;
pub mod ingest;
pub mod limits;
pub mod moves;
pub mod netsim;
pub mod ops;
pub mod plan;
pub mod postgres;
pub mod publish;
pub mod replay;
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;
pub mod sqlite;
pub mod state;
pub mod store;
pub mod test_support;
pub mod tls;
pub mod usb;

use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use ewarong_core::protocol::{Certificate, FieldError, b64};
use ewarong_core::seal::hex;
use ewarong_keys::{KeyError, TerminalKey};
pub use store::{Store, StoreError};

/// The hub's signing key file in its data directory.
pub const HUB_KEY_FILE: &str = "hub.key";
/// The embedded database in the hub's data directory.
pub const HUB_DB_FILE: &str = "hub.sqlite3";
/// How long a one-time enrolment code stays valid.
pub const ENROLMENT_DAYS: i64 = 14;

/// Letters and digits that cannot be mistaken for each other when read aloud or typed.
const CODE_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Why a hub operation failed.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("terminal {0} is not known to this hub")]
    UnknownTerminal(String),
    #[error("terminal {0} has been revoked")]
    Revoked(String),
    #[error("terminal {0} is already enrolled; revoke it first to enrol a new key")]
    AlreadyEnrolled(String),
    #[error("the enrolment code is not valid for terminal {0}: unknown, already used or expired")]
    BadCode(String),
    #[error("this key is already enrolled for another terminal")]
    KeyTaken,
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The hub's identity: its key, loaded from (or created in) its data directory.
#[derive(Debug)]
pub struct HubIdentity {
    key: TerminalKey,
}

impl HubIdentity {
    /// Loads the hub key from `dir`, creating it (owner-only) on first use.
    pub fn open(dir: &Path) -> Result<Self, HubError> {
        std::fs::create_dir_all(dir)?;
        // The data directory holds the hub key and, on SQLite, every roster: owner-only.
        ewarong_keys::fs::owner_only(dir)?;
        let path = dir.join(HUB_KEY_FILE);
        let key = if path.exists() {
            TerminalKey::load(&path, None)?
        } else {
            TerminalKey::create(&path, None)?
        };
        Ok(Self { key })
    }

    /// A hub identity from a fixed seed: tests and benchmarks only need a stable key.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            key: TerminalKey::from_seed(seed),
        }
    }

    pub fn public(&self) -> ewarong_core::seal::sign::PublicKey {
        self.key.public()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message)
    }

    /// A certificate for `terminal_id`'s key in `region`, signed now.
    pub fn certify(
        &self,
        terminal_id: &str,
        region: &str,
        public_key: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Certificate {
        let key = hex(public_key);
        let issued_at = rfc3339(now);
        let text = Certificate::signed_text(terminal_id, region, &key, &issued_at);
        Certificate {
            terminal_id: terminal_id.to_owned(),
            region: region.to_owned(),
            public_key: key,
            issued_at,
            hub_public_key: hex(&self.public().to_bytes()),
            signature: b64(&self.sign(text.as_bytes())),
        }
    }
}

/// RFC 3339 to the second, with the offset.
pub fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A fresh one-time code, `XXXX-XXXX-XXXX`, from OS randomness.
pub fn new_enrolment_code() -> Result<String, HubError> {
    // Bytes at or above 248 (= 8 × 31) are drawn again, so every letter is equally likely.
    let mut chars: Vec<char> = Vec::with_capacity(12);
    while chars.len() < 12 {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| HubError::Random(e.to_string()))?;
        chars.extend(
            raw.iter()
                .filter(|b| **b < 248)
                .filter_map(|b| CODE_ALPHABET.get(usize::from(b.checked_rem(31).unwrap_or(0))))
                .map(|b| char::from(*b)),
        );
    }
    chars.truncate(12);
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    Ok(groups.join("-"))
}

/// What is stored for a code: SHA-256 of the code without dashes or spaces, upper-cased, so
/// `abcd efgh jkmn` and `ABCD-EFGH-JKMN` are the same code and the code itself is never stored.
pub use ewarong_core::hub_auth::code_hash;

/// Checks a terminal id or region code with the rule the terminal's ledger applies to its own
/// id (`domain::policy::is_slug`), so the hub never enrols an id no terminal can have.
pub fn check_name(field: &str, value: &str) -> Result<(), FieldError> {
    if ewarong_core::domain::policy::is_slug(value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 1-64 lower-case letters, digits and single '-'",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_grouped_and_hash_the_same_however_typed() {
        let a = new_enrolment_code().unwrap();
        let b = new_enrolment_code().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(
            a.chars()
                .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8)))
        );
        let typed = a.replace('-', " ").to_lowercase();
        assert_eq!(code_hash(&a), code_hash(&typed));
        assert_ne!(code_hash(&a), code_hash(&b));
    }

    #[test]
    fn names_are_checked_with_the_field_named() {
        assert!(check_name("terminal_id", "sumba-01").is_ok());
        let e = check_name("terminal_id", "a b").unwrap_err();
        assert_eq!(e.field, "terminal_id");
        assert!(check_name("region", "").is_err());
        assert!(check_name("region", &"x".repeat(65)).is_err());
    }
}
