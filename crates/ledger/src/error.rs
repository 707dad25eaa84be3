//! Everything that can go wrong in the ledger, each explained in plain words in both languages.

use ewarong_core::key;
use std::path::PathBuf;

use rusqlite::ErrorCode;

use ewarong_core::domain::{CatalogueError, MoneyError, PinError, Violation};
use ewarong_core::i18n::{Lang, Localize, TextKey, tr, trf};

/// A ledger operation that did not happen. When one is returned, nothing was saved.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    Sqlite(#[from] rusqlite::Error),
    Migration(String),
    NewerSchema {
        found: i64,
        supported: i64,
    },
    NotInitialized(PathBuf),
    AlreadyInitialized(PathBuf),
    /// A copy would overwrite a file that is already there.
    TargetExists(PathBuf),
    /// The new ledger file could not be made owner-only.
    Permissions {
        path: PathBuf,
        detail: String,
    },
    TerminalId(String),
    Corrupt(String),
    NoPolicy,
    UnknownCard(String),
    PinLocked {
        card: String,
        max: u32,
    },
    PinWrong {
        remaining: u32,
    },
    PinLockedNow {
        card: String,
        max: u32,
    },
    Rejected(Vec<Violation>),
    OperatorUnknown(String),
    OperatorPin(String),
    OperatorExists(String),
    NotSupervisor,
    SaleNotFound(u64),
    AlreadyVoided {
        seq: u64,
        by: u64,
    },
    EmptyField(&'static str),
    TooLong {
        field: &'static str,
        max: usize,
    },
    ComplaintCategory(String),
    ComplaintSale {
        seq: u64,
        card: String,
    },
    NothingToClose(String),
    CatalogueVsPolicy(CatalogueError),
    NoKey,
    KeyMismatch,
    NotEnrolled,
    /// Enrolment never replaces the hub in force: that is a hub change, approved by a supervisor.
    AlreadyEnrolled {
        hub: String,
        fingerprint: String,
    },
    /// A hub change to the hub already in force.
    SameHub(String),
    Certificate(String),
    HubReceipt {
        batch_seq: u64,
        reason: TextKey,
    },
    Money(#[from] MoneyError),
    Pin(#[from] PinError),
}

ewarong_core::english_display!(LedgerError);

impl LedgerError {
    /// True when the failure is the storage itself (full, read-only, busy, damaged), not the request.
    pub fn is_storage(&self) -> bool {
        matches!(
            self,
            Self::Sqlite(_)
                | Self::Migration(_)
                | Self::Corrupt(_)
                | Self::NewerSchema { .. }
                | Self::NotInitialized(_)
                | Self::Permissions { .. }
        )
    }
}

impl LedgerError {
    /// [`Localize::localize`] for a command that only reads: a failure of the storage itself
    /// says that the ledger could not be read and nothing was changed, not that a transaction
    /// was not saved. A damaged or busy ledger keeps its own message.
    pub fn localize_reading(&self, lang: Lang) -> String {
        match self {
            Self::Sqlite(e) => sqlite_message(e, lang, true),
            _ => self.localize(lang),
        }
    }
}

/// What an SQLite failure means to the person at the terminal. A damaged or busy ledger says so;
/// any other failure says a transaction was not saved, or, when `reading` (a command that
/// writes nothing), that the ledger could not be read.
fn sqlite_message(e: &rusqlite::Error, lang: Lang, reading: bool) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            tr(lang, key!("ledger.busy")).to_owned()
        }
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            trf(lang, key!("ledger.corrupt"), &[("detail", e)])
        }
        _ if reading => trf(lang, key!("ledger.storage_read"), &[("detail", e)]),
        Some(ErrorCode::DiskFull) => tr(lang, key!("ledger.disk_full")).to_owned(),
        Some(ErrorCode::ReadOnly) => tr(lang, key!("ledger.read_only")).to_owned(),
        _ => trf(lang, key!("ledger.storage"), &[("detail", e)]),
    }
}

impl Localize for LedgerError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Sqlite(e) => sqlite_message(e, lang, false),
            Self::Migration(d) => trf(lang, key!("ledger.corrupt"), &[("detail", d)]),
            Self::NewerSchema { found, supported } => trf(
                lang,
                key!("ledger.newer"),
                &[("found", found), ("supported", supported)],
            ),
            Self::NotInitialized(p) => trf(
                lang,
                key!("ledger.not_initialized"),
                &[("path", &p.display())],
            ),
            Self::AlreadyInitialized(p) => {
                trf(lang, key!("ledger.already"), &[("path", &p.display())])
            }
            Self::TargetExists(p) => trf(
                lang,
                key!("ledger.target_exists"),
                &[("path", &p.display())],
            ),
            Self::Permissions { path, detail } => trf(
                lang,
                key!("ledger.permissions"),
                &[("path", &path.display()), ("detail", detail)],
            ),
            Self::TerminalId(s) => trf(lang, key!("ledger.terminal_id"), &[("input", s)]),
            Self::Corrupt(d) => trf(lang, key!("ledger.corrupt"), &[("detail", d)]),
            Self::NoPolicy => tr(lang, key!("ledger.no_policy")).to_owned(),
            Self::UnknownCard(c) => trf(lang, key!("ledger.unknown_card"), &[("card", c)]),
            Self::PinLocked { card, max } => trf(
                lang,
                key!("ledger.pin_locked"),
                &[("card", card), ("max", max)],
            ),
            Self::PinWrong { remaining } => {
                trf(lang, key!("ledger.pin_wrong"), &[("remaining", remaining)])
            }
            Self::PinLockedNow { card, max } => trf(
                lang,
                key!("ledger.pin_locked_now"),
                &[("card", card), ("max", max)],
            ),
            Self::Rejected(v) => {
                let detail = v
                    .iter()
                    .map(|v| v.localize(lang))
                    .collect::<Vec<_>>()
                    .join(" | ");
                trf(lang, key!("ledger.rejected"), &[("detail", &detail)])
            }
            Self::OperatorUnknown(n) => trf(lang, key!("ledger.operator_unknown"), &[("name", n)]),
            Self::OperatorPin(n) => trf(lang, key!("ledger.operator_pin"), &[("name", n)]),
            Self::OperatorExists(n) => trf(lang, key!("ledger.operator_exists"), &[("name", n)]),
            Self::NotSupervisor => tr(lang, key!("ledger.not_supervisor")).to_owned(),
            Self::SaleNotFound(s) => trf(lang, key!("ledger.sale_not_found"), &[("seq", s)]),
            Self::AlreadyVoided { seq, by } => trf(
                lang,
                key!("ledger.already_voided"),
                &[("seq", seq), ("by", by)],
            ),
            Self::EmptyField(f) => trf(lang, key!("ledger.empty_field"), &[("field", f)]),
            Self::TooLong { field, max } => trf(
                lang,
                key!("ledger.too_long"),
                &[("field", field), ("max", max)],
            ),
            Self::ComplaintCategory(c) => {
                trf(lang, key!("ledger.complaint_category"), &[("input", c)])
            }
            Self::ComplaintSale { seq, card } => trf(
                lang,
                key!("ledger.complaint_sale"),
                &[("seq", seq), ("card", card)],
            ),
            Self::NothingToClose(d) => trf(lang, key!("ledger.nothing_to_close"), &[("day", d)]),
            Self::CatalogueVsPolicy(e) => trf(
                lang,
                key!("ledger.catalogue_policy"),
                &[("detail", &e.localize(lang))],
            ),
            Self::NoKey => tr(lang, key!("key.none")).to_owned(),
            Self::KeyMismatch => tr(lang, key!("ledger.key_mismatch")).to_owned(),
            Self::NotEnrolled => tr(lang, key!("ledger.not_enrolled")).to_owned(),
            Self::AlreadyEnrolled { hub, fingerprint } => trf(
                lang,
                key!("sync.already_enrolled"),
                &[("hub", hub), ("fingerprint", fingerprint)],
            ),
            Self::SameHub(f) => trf(lang, key!("ledger.same_hub"), &[("fingerprint", f)]),
            Self::Certificate(d) => trf(lang, key!("ledger.certificate"), &[("detail", d)]),
            Self::HubReceipt { batch_seq, reason } => trf(
                lang,
                key!("ledger.hub_receipt"),
                &[("batch", batch_seq), ("detail", &tr(lang, *reason))],
            ),
            Self::Money(e) => trf(lang, key!("ledger.money"), &[("detail", &e.localize(lang))]),
            Self::Pin(e) => e.localize(lang),
        }
    }
}
