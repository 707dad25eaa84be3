//! The offline audit: pure checks over a ledger's rows. It recomputes every leaf, the chain, the
//! tree, every batch root and signature, and compares every table with what was signed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::{Policy, Quantity, Rupiah, line_total};
use crate::i18n::{Lang, TextKey, tr, trf};
use crate::key;
use crate::seal::batch::{checkpoint_text, verify_checkpoint_note};
use crate::seal::canonical::{Reader, SignedBody, SignedEntry, decode_entry};
use crate::seal::sign::PublicKey;
use crate::seal::{Frontier, GENESIS, Hash32, chain_hash, hex, leaf_hash};

/// A stored value, typed as SQLite holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    /// Shared: a table repeats the same few texts (product ids, names, groups) on many rows.
    Text(std::sync::Arc<str>),
    Blob(Vec<u8>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Text(t) => f.write_str(t),
            Value::Blob(b) => f.write_str(&hex(b)),
        }
    }
}

/// A projection table: its column names once, and its rows in (seq, child index) order, stored
/// flat so a 100,000-sale ledger does not cost a vector per row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    /// The (seq, child index) of each row, ascending.
    pub keys: Vec<(u64, u64)>,
    /// Row after row, `columns.len()` values each.
    pub cells: Vec<Value>,
}

impl Table {
    /// Appends a row; `values` must hold one value per column, and keys must come in order.
    pub fn push(&mut self, key: (u64, u64), values: impl IntoIterator<Item = Value>) {
        self.keys.push(key);
        self.cells.extend(values);
    }

    /// The row stored under `key`, if any.
    pub fn row(&self, key: (u64, u64)) -> Option<&[Value]> {
        let width = self.columns.len();
        let i = self.keys.binary_search(&key).ok()?;
        self.cells
            .get(i.checked_mul(width)?..i.checked_add(1)?.checked_mul(width)?)
    }

    /// How many rows the table holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table holds no rows.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A value the signed entry implies, borrowed from it: compared without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want<'a> {
    /// A column no signature covers in this entry's format version (a v1 line's `name`).
    Any,
    Null,
    Int(i64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl Want<'_> {
    fn matches(self, v: &Value) -> bool {
        match (self, v) {
            (Want::Any, _) => true,
            (Want::Null, Value::Null) => true,
            (Want::Int(a), Value::Int(b)) => a == *b,
            (Want::Text(a), Value::Text(b)) => a == &**b,
            (Want::Bytes(a), Value::Blob(b)) => a == b.as_slice(),
            _ => false,
        }
    }
}

impl std::fmt::Display for Want<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Any => f.write_str("*"),
            Want::Null => f.write_str("NULL"),
            Want::Int(i) => write!(f, "{i}"),
            Want::Text(t) => f.write_str(t),
            Want::Bytes(b) => f.write_str(&crate::seal::hex(b)),
        }
    }
}

fn int(v: u64) -> Want<'static> {
    Want::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn opt_text(v: &Option<String>) -> Want<'_> {
    v.as_deref().map_or(Want::Null, Want::Text)
}

/// The rows a signed entry implies: (table, child index, columns).
type ExpectedRow<'a> = (&'static str, u64, Vec<(&'static str, Want<'a>)>);

/// One row of `entry`, with its tree state and signature. A hash or signature stored with the
/// wrong length, or missing, is `None`, and so matches nothing.
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub seq: u64,
    pub kind: String,
    pub recorded_at: String,
    pub canonical: Vec<u8>,
    pub leaf_hash: Option<Hash32>,
    pub prev_hash: Option<Hash32>,
    pub chain_hash: Option<Hash32>,
    pub tree_root: Option<Hash32>,
    /// The tree frontier stored with the entry (`tree_state.frontier`), as stored.
    pub frontier: Option<Vec<u8>>,
    pub signature: Option<[u8; 64]>,
}

/// One row of `batch`.
#[derive(Debug, Clone)]
pub struct BatchRow {
    pub batch_seq: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    pub root: Vec<u8>,
    pub prev_header_hash: Vec<u8>,
    pub sealed_at: String,
    pub header: Vec<u8>,
    pub header_hash: Vec<u8>,
    pub signature: Vec<u8>,
    pub public_key: Vec<u8>,
    pub checkpoint: String,
    /// The program that sealed it (`batch.program`, from migration 0009; unsigned).
    pub program: Option<String>,
}

/// Consecutive batches sealed by one program: which build wrote what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramRun {
    /// `ewarong --version` of the build, e.g. `0.1.0+3f2a9c1b7d0e`; `None` for batches sealed
    /// before the ledger recorded it.
    pub program: Option<String>,
    pub first_batch: u64,
    pub last_batch: u64,
}

/// The batches grouped into runs of the same program, in batch order.
fn program_runs(batches: &[BatchRow]) -> Vec<ProgramRun> {
    let mut runs: Vec<ProgramRun> = Vec::new();
    for b in batches {
        match runs.last_mut() {
            Some(r) if r.program == b.program => r.last_batch = b.batch_seq,
            _ => runs.push(ProgramRun {
                program: b.program.clone(),
                first_batch: b.batch_seq,
                last_batch: b.batch_seq,
            }),
        }
    }
    runs
}

/// One row of `hub_enrolment`.
#[derive(Debug, Clone)]
pub struct EnrolmentRow {
    pub id: u64,
    pub hub_public_key: Vec<u8>,
    /// The hub's certificate, JSON as stored.
    pub certificate: String,
}

/// One row of `batch_ack`: the hub's receipt for a batch, JSON as stored.
#[derive(Debug, Clone)]
pub struct AckRow {
    /// The `hub_enrolment` row whose hub signed it.
    pub enrolment: u64,
    pub batch_seq: u64,
    pub receipt: String,
}

/// Everything the audit reads from a ledger.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    pub terminal_id: String,
    /// `terminal_key`, oldest first: the newest signs.
    pub recorded_keys: Vec<[u8; 32]>,
    /// `hub_enrolment`, oldest first: the newest is in force.
    pub enrolments: Vec<EnrolmentRow>,
    pub acks: Vec<AckRow>,
    /// The batch numbers `outbox` lists.
    pub outbox: Vec<u64>,
    /// The terminal's seal interval (`seal_every_entries`), when it has one.
    pub seal_every: Option<u64>,
    pub entries: Vec<EntryRow>,
    pub batches: Vec<BatchRow>,
    /// table → (seq, child index) → column → value as text (`NULL` for null).
    pub projections: BTreeMap<String, Table>,
    /// Policy documents by version.
    pub policies: BTreeMap<u64, Policy>,
    pub supervisors: BTreeSet<String>,
}

impl AuditInput {
    /// Frees this input on a thread of its own, so the caller has its report at once: freeing a
    /// 100,000-sale ledger's rows one by one takes about 0.1 s. Frees it here when no thread
    /// can be started (the refused closure, and this input with it, is dropped on return).
    pub fn release(self) {
        let _ = std::thread::Builder::new()
            .name("audit-free".into())
            .spawn(move || drop(self));
    }
}

/// One thing that differs from what was signed, or breaks a programme rule: a value, with no
/// language in it. Its words come from [`Finding::detail`] where it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub table: String,
    pub seq: u64,
    /// A stable code, e.g. `leaf_mismatch`; its words are the translation key `audit.{code}`.
    pub code: &'static str,
    /// The values its words are filled with (counts, amounts, hashes, ids), as text.
    pub args: Vec<(&'static str, String)>,
    #[serde(skip)]
    key: TextKey,
}

impl Finding {
    /// What differs, in words, in `lang`.
    pub fn detail(&self, lang: Lang) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self
            .args
            .iter()
            .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
            .collect();
        trf(lang, self.key, &args)
    }
}

/// What the audit's signatures were checked against: how far a clean result can be believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// A terminal key given from outside the ledger (`--pubkey`, or a hub's trust file).
    PinnedKey,
    /// The hub certificate stored in the ledger, verified with a hub key given from outside;
    /// the certificate names the terminal's key.
    HubCertificate,
    /// Only the key the ledger recorded itself: whoever wrote the file could have chosen it.
    /// The audit then proves integrity, never authorship.
    LedgerOnly,
}

/// The one-word result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No findings, and the signatures were checked against a pinned key or a pinned hub.
    Clean,
    /// No findings, but nothing outside the ledger vouches for the key ([`Trust::LedgerOnly`]).
    IntegrityOnly,
    /// At least one finding.
    Findings,
}

/// The audit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub terminal_id: String,
    pub trust: Trust,
    /// The fingerprint of the terminal key the signatures were checked with, if there was one.
    pub key: Option<String>,
    /// The fingerprint of the pinned hub key, with [`Trust::HubCertificate`].
    pub hub_key: Option<String>,
    pub entries: u64,
    pub batches: u64,
    /// Entries after the last sealed batch (not yet sealed, which is allowed).
    pub open_tail: u64,
    pub signatures_checked: u64,
    /// Which build sealed which batches (unsigned bookkeeping, as the ledger stores it).
    pub programs: Vec<ProgramRun>,
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// What the signatures were verified against, in words, with the keys' fingerprints: the
    /// line every audit result starts with.
    pub fn trust_detail(&self, lang: Lang) -> String {
        let none = "-".to_owned();
        let key = self.key.as_ref().unwrap_or(&none);
        match self.trust {
            Trust::PinnedKey => trf(lang, key!("audit.trust.pinned_key"), &[("key", key)]),
            Trust::HubCertificate => trf(
                lang,
                key!("audit.trust.hub_certificate"),
                &[
                    ("hub", self.hub_key.as_ref().unwrap_or(&none)),
                    ("key", key),
                ],
            ),
            Trust::LedgerOnly => trf(lang, key!("audit.trust.ledger_only"), &[("key", key)]),
        }
    }

    /// Which build sealed which batches, one line per run, e.g. *batch 1-4 disegel oleh
    /// ewarong 0.1.0+3f2a9c1b7d0e*.
    pub fn program_lines(&self, lang: Lang) -> Vec<String> {
        let unknown = tr(lang, key!("audit.program_unknown"));
        self.programs
            .iter()
            .map(|run| {
                trf(
                    lang,
                    key!("audit.program_run"),
                    &[
                        ("first", &run.first_batch),
                        ("last", &run.last_batch),
                        ("program", &run.program.as_deref().unwrap_or(unknown)),
                    ],
                )
            })
            .collect()
    }

    /// Clean only with no findings and a key that came from outside the ledger.
    pub fn verdict(&self) -> Verdict {
        match (self.findings.is_empty(), self.trust) {
            (false, _) => Verdict::Findings,
            (true, Trust::LedgerOnly) => Verdict::IntegrityOnly,
            (true, _) => Verdict::Clean,
        }
    }
}

/// How the audit runs: what the supervisor trusts, and how much to verify.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// The terminal's key, given from outside the ledger (`--pubkey`, or a trust file).
    pub pinned_key: Option<PublicKey>,
    /// The hub's key, given from outside the ledger (`--hub-key`, or a trust file): the hub
    /// certificate and receipts in the ledger must verify with it.
    pub pinned_hub: Option<PublicKey>,
    /// Verify every entry's checkpoint signature. Without it, the open tail's entries are
    /// verified one by one and the sealed entries through their batch's signature.
    pub all_signatures: bool,
}

impl AuditOptions {
    /// Pins the keys a trust file (`ewarong-hub terminal keys`) gives for `terminal_id`: the
    /// hub's key, and the terminal's when the file lists it, each only where no key of that kind
    /// is pinned already. Returns whether the file lists the terminal.
    pub fn pin_trust_file(
        &mut self,
        text: &str,
        terminal_id: &str,
    ) -> Result<bool, crate::protocol::FieldError> {
        let (hub, terminal) = crate::protocol::TrustFile::keys_for(text, terminal_id)?;
        self.pinned_hub = self.pinned_hub.or(Some(hub));
        let listed = terminal.is_some();
        self.pinned_key = self.pinned_key.or(terminal);
        Ok(listed)
    }
}

struct Audit<'a> {
    findings: Vec<Finding>,
    input: &'a AuditInput,
}

impl Audit<'_> {
    fn find(
        &mut self,
        table: &str,
        seq: u64,
        key: TextKey,
        args: &[(&'static str, &dyn std::fmt::Display)],
    ) {
        let code = key.as_str().trim_start_matches("audit.");
        self.findings.push(Finding {
            table: table.to_owned(),
            seq,
            code,
            args: args
                .iter()
                .map(|(name, value)| (*name, value.to_string()))
                .collect(),
            key,
        });
    }
}

fn expected_rows(e: &SignedEntry) -> Vec<ExpectedRow<'_>> {
    match &e.body {
        SignedBody::Sale {
            period,
            card,
            operator,
            policy_version,
            catalogue_version,
            roster_version,
            lines,
            total,
            balance_before,
            override_reason,
        } => {
            let mut rows = vec![(
                "sale",
                0,
                vec![
                    ("card", Want::Text(card)),
                    ("period", Want::Text(period)),
                    ("operator", Want::Text(operator)),
                    ("total", Want::Int(*total)),
                    ("balance_before", Want::Int(*balance_before)),
                    ("override_reason", opt_text(override_reason)),
                    ("policy_version", int(*policy_version)),
                    ("catalogue_version", int(*catalogue_version)),
                    ("roster_version", int(*roster_version)),
                ],
            )];
            for (i, l) in lines.iter().enumerate() {
                rows.push((
                    "sale_item",
                    i as u64,
                    vec![
                        ("line_no", int(i as u64)),
                        ("product_id", Want::Text(&l.product_id)),
                        ("name", l.name.as_deref().map_or(Want::Any, Want::Text)),
                        ("group_id", Want::Text(&l.group_id)),
                        ("unit", Want::Text(&l.unit)),
                        ("quantity_milli", Want::Int(l.quantity_milli)),
                        ("unit_price", Want::Int(l.unit_price)),
                        ("reference_price", Want::Int(l.reference_price)),
                        ("line_total", Want::Int(l.line_total)),
                    ],
                ));
            }
            rows
        }
        SignedBody::Void {
            sale_seq,
            card,
            period,
            amount,
            reason,
            supervisor,
            ..
        } => vec![(
            "void",
            0,
            vec![
                ("sale_seq", int(*sale_seq)),
                ("card", Want::Text(card)),
                ("period", Want::Text(period)),
                ("amount", Want::Int(*amount)),
                ("reason", Want::Text(reason)),
                ("supervisor", Want::Text(supervisor)),
            ],
        )],
        SignedBody::DayClose {
            day,
            first_seq,
            last_seq,
            sale_count,
            kpm_count,
            void_count,
            void_total,
            net_total,
            totals,
            operator,
        } => {
            let mut rows = vec![(
                "day_close",
                0,
                vec![
                    ("day", Want::Text(day)),
                    ("first_seq", int(*first_seq)),
                    ("last_seq", int(*last_seq)),
                    ("sale_count", int(*sale_count)),
                    ("kpm_count", int(*kpm_count)),
                    ("void_count", int(*void_count)),
                    ("void_total", Want::Int(*void_total)),
                    ("net_total", Want::Int(*net_total)),
                    ("operator", Want::Text(operator)),
                ],
            )];
            for (i, (g, a)) in totals.iter().enumerate() {
                rows.push((
                    "day_close_total",
                    i as u64,
                    vec![("group_id", Want::Text(g)), ("amount", Want::Int(*a))],
                ));
            }
            rows
        }
        SignedBody::Complaint {
            card,
            sale_seq,
            category,
            text,
        } => vec![(
            "complaint",
            0,
            vec![
                ("card", Want::Text(card)),
                ("sale_seq", sale_seq.map_or(Want::Null, int)),
                ("category", Want::Text(category)),
                ("text", Want::Text(text)),
            ],
        )],
        SignedBody::Lockout {
            card,
            day,
            attempts,
        } => vec![(
            "lockout",
            0,
            vec![
                ("card", Want::Text(card)),
                ("day", Want::Text(day)),
                ("attempts", int(u64::from(*attempts))),
            ],
        )],
        SignedBody::Release {
            card,
            period,
            move_id,
            to_terminal,
            amount,
        } => vec![(
            "release",
            0,
            vec![
                ("card", Want::Text(card)),
                ("period", Want::Text(period)),
                ("move_id", int(*move_id)),
                ("to_terminal", Want::Text(to_terminal)),
                ("amount", Want::Int(*amount)),
            ],
        )],
        SignedBody::HubChange {
            from_hub_key,
            to_hub_key,
            hub_url,
            supervisor,
            reason,
        } => vec![(
            "hub_change",
            0,
            vec![
                ("from_hub_key", Want::Bytes(from_hub_key)),
                ("to_hub_key", Want::Bytes(to_hub_key)),
                ("hub_url", Want::Text(hub_url)),
                ("supervisor", Want::Text(supervisor)),
                ("reason", Want::Text(reason)),
            ],
        )],
    }
}

/// Programme rules on a signed sale: allowed groups, arithmetic, balance, price overrides.
fn check_sale_rules(a: &mut Audit<'_>, seq: u64, body: &SignedBody) {
    let SignedBody::Sale {
        policy_version,
        lines,
        total,
        balance_before,
        override_reason,
        ..
    } = body
    else {
        return;
    };
    // Copy the input reference out of `a`, so the policy borrows the input, not the audit.
    let input = a.input;
    let policy = input.policies.get(policy_version);
    let Some(policy) = policy else {
        a.find(
            "sale",
            seq,
            key!("audit.unknown_policy"),
            &[("version", policy_version)],
        );
        return;
    };
    let mut sum = 0i64;
    for l in lines {
        if policy.group(&l.group_id).is_none() {
            a.find(
                "sale_item",
                seq,
                key!("audit.forbidden"),
                &[("product", &l.product_id), ("group", &l.group_id)],
            );
        }
        let computed = Rupiah::new(l.unit_price)
            .ok()
            .zip(Quantity::from_milli(l.quantity_milli).ok())
            .and_then(|(p, q)| line_total(p, q).ok());
        if computed.map(Rupiah::as_i64) != Some(l.line_total) {
            a.find(
                "sale_item",
                seq,
                key!("audit.line_total"),
                &[("product", &l.product_id), ("total", &l.line_total)],
            );
        }
        let max = Rupiah::new(l.reference_price)
            .ok()
            .and_then(|r| policy.max_price_without_override(r).ok());
        if override_reason.is_none() && max.is_some_and(|m| l.unit_price > m.as_i64()) {
            a.find(
                "sale_item",
                seq,
                key!("audit.price_without_reason"),
                &[("product", &l.product_id), ("price", &l.unit_price)],
            );
        }
        sum = sum.saturating_add(l.line_total);
    }
    if sum != *total {
        a.find(
            "sale",
            seq,
            key!("audit.total"),
            &[("total", total), ("sum", &sum)],
        );
    }
    if total > balance_before {
        a.find(
            "sale",
            seq,
            key!("audit.over_balance"),
            &[("total", total), ("balance", balance_before)],
        );
    }
}

/// What one worker found in its share of the entries.
struct EntryPass {
    findings: Vec<Finding>,
    leaves: Vec<Hash32>,
    /// How many stored projection rows, per table, a signed entry claimed.
    claimed: BTreeMap<&'static str, usize>,
    /// The signed moves to another hub: (seq, hub key left, hub key taken).
    hub_changes: Vec<(u64, [u8; 32], [u8; 32])>,
}

/// The checks that need only the entry itself: leaf hash, decoding, its table rows, the rules.
fn check_entries(input: &AuditInput, entries: &[EntryRow]) -> EntryPass {
    let mut a = Audit {
        findings: Vec::new(),
        input,
    };
    let mut leaves = Vec::with_capacity(entries.len());
    let mut claimed: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Where each signed column sits in its stored table, found once per table: a table's
    // expected columns come in the same order for every entry.
    let mut positions: BTreeMap<&'static str, ColumnPositions> = BTreeMap::new();
    let mut hub_changes = Vec::new();
    for e in entries {
        let leaf = leaf_hash(&e.canonical);
        if e.leaf_hash != Some(leaf) {
            a.find("entry", e.seq, key!("audit.leaf_mismatch"), &[]);
        }
        leaves.push(leaf);
        let signed = match decode_entry(&e.canonical) {
            Ok(signed) => signed,
            Err(err) => {
                a.find(
                    "entry",
                    e.seq,
                    key!("audit.undecodable"),
                    &[("detail", &err.0)],
                );
                continue;
            }
        };
        if signed.terminal_id != input.terminal_id {
            a.find(
                "entry",
                e.seq,
                key!("audit.terminal"),
                &[("signed", &signed.terminal_id)],
            );
        }
        if signed.seq != e.seq {
            a.find(
                "entry",
                e.seq,
                key!("audit.seq_mismatch"),
                &[("signed", &signed.seq)],
            );
        }
        if signed.kind.as_str() != e.kind || signed.recorded_at != e.recorded_at {
            a.find(
                "entry",
                e.seq,
                key!("audit.header_mismatch"),
                &[("kind", &signed.kind.as_str()), ("at", &signed.recorded_at)],
            );
        }
        for (table, sub, columns) in expected_rows(&signed) {
            let Some(t) = input.projections.get(table) else {
                a.find(table, e.seq, key!("audit.row_missing"), &[]);
                continue;
            };
            let Some(stored) = t.row((e.seq, sub)) else {
                a.find(table, e.seq, key!("audit.row_missing"), &[]);
                continue;
            };
            // Entries have distinct seqs, so each claim is a distinct stored row.
            let n = claimed.entry(table).or_insert(0);
            *n = n.saturating_add(1);
            let at = positions
                .entry(table)
                .or_insert_with(|| ColumnPositions::of(t, &columns));
            if !at.fits(&columns) {
                *at = ColumnPositions::of(t, &columns);
            }
            for ((col, want), i) in columns.into_iter().zip(&at.indices) {
                let have = i.and_then(|i| stored.get(i));
                if !have.is_some_and(|v| want.matches(v)) {
                    let have = have.map_or_else(|| "-".to_owned(), Value::to_string);
                    a.find(
                        table,
                        e.seq,
                        key!("audit.column"),
                        &[("column", &col), ("stored", &have), ("signed", &want)],
                    );
                }
            }
        }
        if let SignedBody::Void { supervisor, .. } = &signed.body
            && !input.supervisors.contains(supervisor)
        {
            a.find(
                "void",
                e.seq,
                key!("audit.void_not_supervisor"),
                &[("who", supervisor)],
            );
        }
        if let SignedBody::HubChange {
            from_hub_key,
            to_hub_key,
            supervisor,
            ..
        } = &signed.body
        {
            if !input.supervisors.contains(supervisor) {
                a.find(
                    "hub_change",
                    e.seq,
                    key!("audit.hub_change_not_supervisor"),
                    &[("who", supervisor)],
                );
            }
            hub_changes.push((e.seq, *from_hub_key, *to_hub_key));
        }
        check_sale_rules(&mut a, e.seq, &signed.body);
    }
    EntryPass {
        findings: a.findings,
        leaves,
        claimed,
        hub_changes,
    }
}

/// Where a list of expected columns sits in a stored table's rows.
struct ColumnPositions {
    /// The column names this was built for (static strings, compared by address).
    names: Vec<&'static str>,
    indices: Vec<Option<usize>>,
}

impl ColumnPositions {
    fn of(t: &Table, columns: &[(&'static str, Want<'_>)]) -> Self {
        Self {
            names: columns.iter().map(|(c, _)| *c).collect(),
            indices: columns
                .iter()
                .map(|(c, _)| t.columns.iter().position(|have| have == c))
                .collect(),
        }
    }

    /// True when built for exactly these column names, in this order.
    fn fits(&self, columns: &[(&'static str, Want<'_>)]) -> bool {
        self.names.len() == columns.len()
            && self
                .names
                .iter()
                .zip(columns)
                .all(|(a, (b, _))| std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
    }
}

/// The (seq, child index) of every row of `table` that some decodable entry implies.
fn unclaimed_scan(input: &AuditInput, table: &str) -> BTreeSet<(u64, u64)> {
    input
        .entries
        .iter()
        .filter_map(|e| decode_entry(&e.canonical).ok().map(|s| (e.seq, s)))
        .flat_map(|(seq, signed)| {
            expected_rows(&signed)
                .into_iter()
                .filter(|(t, _, _)| *t == table)
                .map(|(_, sub, _)| (seq, sub))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Runs `work` over `items` split across the machine's cores, keeping the order of the results.
fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 16);
    let chunk = items.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| work(part)))
            .collect();
        // A worker panics only on a bug in the checks themselves; surface it as that.
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Runs every check. `progress` is told (done, total) as the passes complete.
pub fn audit(
    input: &AuditInput,
    options: &AuditOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> AuditReport {
    let total = input.entries.len() as u64;
    let mut a = Audit {
        findings: Vec::new(),
        input,
    };
    let anchor = trust_anchor(&mut a, options);
    let key = anchor.key;
    progress(0, total);
    // Pass 1, on all cores: everything that needs only the entry itself.
    let passes = parallel(&input.entries, |part| check_entries(input, part));
    let mut leaves = Vec::with_capacity(input.entries.len());
    let mut claimed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut entry_findings = Vec::new();
    let mut hub_changes = Vec::new();
    for p in passes {
        entry_findings.extend(p.findings);
        leaves.extend(p.leaves);
        hub_changes.extend(p.hub_changes);
        for (table, n) in p.claimed {
            let c = claimed.entry(table).or_insert(0);
            *c = c.saturating_add(n);
        }
    }
    progress(total / 2, total);
    // Pass 2, in order: the sequence and the chain.
    let mut prev = GENESIS;
    let mut expected_seq = 1u64;
    for (e, leaf) in input.entries.iter().zip(&leaves) {
        if e.seq != expected_seq {
            a.find(
                "entry",
                expected_seq,
                key!("audit.gap"),
                &[("found", &e.seq)],
            );
            expected_seq = e.seq;
        }
        expected_seq = expected_seq.saturating_add(1);
        if e.prev_hash != Some(prev) {
            a.find("entry", e.seq, key!("audit.prev_mismatch"), &[]);
        }
        let chain = chain_hash(&prev, leaf);
        if e.chain_hash != Some(chain) {
            a.find("entry", e.seq, key!("audit.chain_mismatch"), &[]);
        }
        prev = chain;
    }
    // Pass 3, on all cores: the tree root after every entry. Each worker rebuilds the tree up to
    // its first entry from the leaves (one hash per leaf), then folds a root per entry.
    let positions: Vec<usize> = (0..leaves.len()).collect();
    let parts = parallel(&positions, |part| {
        let mut frontier = Frontier::default();
        let start = part.first().copied().unwrap_or(0);
        for leaf in leaves.get(..start).unwrap_or(&[]) {
            frontier.append(*leaf);
        }
        let mut roots = Vec::with_capacity(part.len());
        let mut mismatched = Vec::new();
        let mut frontier_bad = Vec::new();
        for (e, leaf) in input
            .entries
            .iter()
            .zip(&leaves)
            .skip(start)
            .take(part.len())
        {
            frontier.append(*leaf);
            let root = frontier.root();
            if e.tree_root != Some(root) {
                mismatched.push(e.seq);
            }
            if !e
                .frontier
                .as_deref()
                .is_some_and(|stored| frontier.is_encoded_as(stored))
            {
                frontier_bad.push(e.seq);
            }
            roots.push(root);
        }
        (roots, mismatched, frontier_bad)
    });
    let mut roots: Vec<Hash32> = Vec::with_capacity(leaves.len());
    for (part_roots, mismatched, frontier_bad) in parts {
        roots.extend(part_roots);
        for seq in mismatched {
            a.find("tree_state", seq, key!("audit.tree_mismatch"), &[]);
        }
        for seq in frontier_bad {
            a.find("tree_state", seq, key!("audit.frontier_mismatch"), &[]);
        }
    }
    a.findings.extend(entry_findings);
    // Pass 4, on all cores: the checkpoint signature of every entry the batches do not cover
    // (the open tail, and entries past a missing batch), or of every entry when asked.
    let sealed_to = sealed_through(input);
    let mut signatures_checked = 0u64;
    if let Some(k) = key {
        let pairs: Vec<(&EntryRow, &Hash32)> = input
            .entries
            .iter()
            .zip(&roots)
            .filter(|(e, _)| options.all_signatures || e.seq > sealed_to)
            .collect();
        let bad = parallel(&pairs, |part| {
            part.iter()
                .filter(|(e, root)| {
                    !e.signature.is_some_and(|s| {
                        k.verify(
                            checkpoint_text(&input.terminal_id, e.seq, root).as_bytes(),
                            &s,
                        )
                    })
                })
                .map(|(e, _)| e.seq)
                .collect::<Vec<_>>()
        });
        for seq in bad.into_iter().flatten() {
            a.find("entry_signature", seq, key!("audit.entry_signature"), &[]);
        }
        signatures_checked = pairs.len() as u64;
    }
    progress(total, total);
    // Claims count distinct rows only while every entry has its own seq.
    let seqs_ascending = input.entries.windows(2).all(|w| w[0].seq < w[1].seq);
    // Every stored row a signed entry claimed is accounted for; when a table holds more rows than
    // were claimed, name the ones no entry implies.
    for (table, t) in &input.projections {
        if seqs_ascending && claimed.get(table.as_str()).copied().unwrap_or(0) == t.len() {
            continue;
        }
        let signed_rows = unclaimed_scan(input, table);
        for (seq, sub) in &t.keys {
            if !signed_rows.contains(&(*seq, *sub)) {
                a.find(table, *seq, key!("audit.row_unsigned"), &[]);
            }
        }
    }
    // Batches.
    let mut prev_header = [0u8; 32];
    let mut prev_last = 0u64;
    for (i, b) in input.batches.iter().enumerate() {
        let n = b.batch_seq;
        if n != (i as u64).saturating_add(1)
            || b.first_seq != prev_last.saturating_add(1)
            || b.last_seq < b.first_seq
        {
            a.find(
                "batch",
                n,
                key!("audit.batch_continuity"),
                &[("first", &b.first_seq), ("last", &b.last_seq)],
            );
        }
        prev_last = b.last_seq;
        let digest: Hash32 = Sha256::digest(&b.header).into();
        if b.header_hash != digest {
            a.find("batch", n, key!("audit.batch_hash"), &[]);
        }
        if b.prev_header_hash != prev_header {
            a.find("batch", n, key!("audit.batch_prev"), &[]);
        }
        prev_header = digest;
        if let Some(mismatch) = header_mismatch(b, &input.terminal_id) {
            a.find(
                "batch",
                n,
                key!("audit.batch_header"),
                &[("field", &mismatch)],
            );
        }
        let root_at = usize::try_from(b.last_seq)
            .ok()
            .and_then(|s| s.checked_sub(1))
            .and_then(|i| roots.get(i));
        match root_at {
            None => a.find(
                "batch",
                n,
                key!("audit.batch_beyond"),
                &[("last", &b.last_seq), ("entries", &total)],
            ),
            Some(r) if b.root != r.as_slice() => a.find("batch", n, key!("audit.batch_root"), &[]),
            Some(_) => {}
        }
    }
    // The batch signatures and checkpoint notes, on all cores.
    if let Some(k) = key {
        let bad = parallel(&input.batches, |part| {
            part.iter()
                .flat_map(|b| {
                    let sig_ok = <[u8; 64]>::try_from(b.signature.as_slice())
                        .is_ok_and(|s| k.verify(&b.header, &s))
                        && b.public_key == k.to_bytes();
                    let note_ok = verify_checkpoint_note(&b.checkpoint, &k).is_some_and(|cp| {
                        cp.tree_size == b.last_seq && cp.root.as_slice() == b.root
                    });
                    [
                        (!sig_ok).then_some((b.batch_seq, key!("audit.batch_signature"))),
                        (!note_ok).then_some((b.batch_seq, key!("audit.batch_checkpoint"))),
                    ]
                })
                .flatten()
                .collect::<Vec<_>>()
        });
        for (n, code) in bad.into_iter().flatten() {
            a.find("batch", n, code, &[]);
        }
        signatures_checked =
            signatures_checked.saturating_add((input.batches.len() as u64).saturating_mul(2));
    }
    check_hub_changes(&mut a, &hub_changes);
    check_hub_records(&mut a, anchor.hub);
    let open_tail = total.saturating_sub(prev_last.min(total));
    if let Some(every) = input.seal_every
        && open_tail > every
    {
        a.find(
            "batch",
            prev_last.saturating_add(1),
            key!("audit.tail_unsealed"),
            &[("tail", &open_tail), ("every", &every)],
        );
    }
    if signatures_checked == 0 {
        a.find("entry_signature", 0, key!("audit.no_signatures"), &[]);
    }
    AuditReport {
        terminal_id: input.terminal_id.clone(),
        trust: anchor.trust,
        key: key.map(|k| k.fingerprint()),
        hub_key: (anchor.trust == Trust::HubCertificate)
            .then(|| anchor.hub.map(|h| h.fingerprint()))
            .flatten(),
        entries: total,
        batches: input.batches.len() as u64,
        open_tail,
        signatures_checked,
        programs: program_runs(&input.batches),
        findings: a.findings,
    }
}

/// The last entry the stored batches seal, counting only batches that follow on from the first
/// without a gap: entries after it are verified one by one.
fn sealed_through(input: &AuditInput) -> u64 {
    let mut last = 0u64;
    for (i, b) in input.batches.iter().enumerate() {
        if b.batch_seq != (i as u64).saturating_add(1) || b.first_seq != last.saturating_add(1) {
            break;
        }
        last = b.last_seq;
    }
    last
}

/// What the signatures are checked against, and the hub key receipts are checked with.
struct Anchor {
    trust: Trust,
    key: Option<PublicKey>,
    hub: Option<PublicKey>,
}

/// Settles which key signs for the terminal, from what the supervisor pinned and what the
/// ledger recorded, and finds every disagreement between them.
fn trust_anchor(a: &mut Audit<'_>, options: &AuditOptions) -> Anchor {
    let input = a.input;
    let newest = input
        .recorded_keys
        .last()
        .and_then(|b| PublicKey::from_bytes(b).ok());
    if input.recorded_keys.is_empty() {
        a.find("terminal_key", 0, key!("audit.key_missing"), &[]);
    }
    // The certificate in force, if it verifies: (its terminal key, its hub key).
    let mut certified: Option<(PublicKey, PublicKey)> = None;
    if let Some(row) = input.enrolments.last() {
        match certificate_keys(row, &input.terminal_id) {
            Ok(keys) => certified = Some(keys),
            Err(detail) => a.find(
                "hub_enrolment",
                row.id,
                key!("audit.certificate_invalid"),
                &[("detail", &detail)],
            ),
        }
        if let (Some(pinned), Some((_, hub))) = (options.pinned_hub, certified)
            && pinned != hub
        {
            a.find(
                "hub_enrolment",
                row.id,
                key!("audit.hub_key_mismatch"),
                &[
                    ("found", &hub.fingerprint()),
                    ("trusted", &pinned.fingerprint()),
                ],
            );
        }
    } else if options.pinned_hub.is_some() {
        a.find("hub_enrolment", 0, key!("audit.certificate_missing"), &[]);
    }
    let hub_vouches = options
        .pinned_hub
        .zip(certified)
        .is_some_and(|(pinned, (_, hub))| pinned == hub);
    let (trust, key) = if let Some(k) = options.pinned_key {
        (Trust::PinnedKey, Some(k))
    } else if hub_vouches {
        (Trust::HubCertificate, certified.map(|(k, _)| k))
    } else {
        (Trust::LedgerOnly, newest)
    };
    if let Some(k) = key {
        if options.pinned_key.is_some() && !input.recorded_keys.contains(&k.to_bytes()) {
            a.find(
                "terminal_key",
                0,
                key!("audit.key_replaced"),
                &[("key", &k.fingerprint())],
            );
        } else if let Some(n) = newest
            && n != k
        {
            a.find(
                "terminal_key",
                input.recorded_keys.len() as u64,
                key!("audit.key_not_newest"),
                &[("key", &n.fingerprint()), ("trusted", &k.fingerprint())],
            );
        }
        if let Some((cert_key, _)) = certified
            && cert_key != k
        {
            a.find(
                "hub_enrolment",
                input.enrolments.last().map_or(0, |r| r.id),
                key!("audit.certificate_key"),
                &[
                    ("certified", &cert_key.fingerprint()),
                    ("key", &k.fingerprint()),
                ],
            );
        }
    }
    // Receipts are checked with the pinned hub key, else the certificate's, else the row's.
    let hub = options
        .pinned_hub
        .or(certified.map(|(_, h)| h))
        .or_else(|| {
            input
                .enrolments
                .last()
                .and_then(|r| <[u8; 32]>::try_from(r.hub_public_key.as_slice()).ok())
                .and_then(|b| PublicKey::from_bytes(&b).ok())
        });
    Anchor { trust, key, hub }
}

/// The certificate of an enrolment row, checked: signed by the hub key it names (which must be
/// the row's), for this terminal. Returns (terminal key, hub key), or what is wrong.
fn certificate_keys(
    row: &EnrolmentRow,
    terminal_id: &str,
) -> Result<(PublicKey, PublicKey), String> {
    let cert: crate::protocol::Certificate =
        serde_json::from_str(&row.certificate).map_err(|e| format!("JSON: {e}"))?;
    let (terminal, hub) = cert.verify().map_err(|e| e.to_string())?;
    if cert.terminal_id != terminal_id {
        return Err(format!("terminal_id {}", cert.terminal_id));
    }
    if hub.to_bytes().as_slice() != row.hub_public_key.as_slice() {
        return Err("hub_public_key".to_owned());
    }
    Ok((terminal, hub))
}

/// The enrolments against the signed moves between hubs: the first enrolment needs none, and
/// the n-th `hub_change` entry (by seq) leaves the hub of the n-th enrolment (by id) for the hub
/// of the next. An enrolment no signed move brought in is a finding: a terminal changes hub only
/// by that act, approved by a supervisor.
fn check_hub_changes(a: &mut Audit<'_>, changes: &[(u64, [u8; 32], [u8; 32])]) {
    let input = a.input;
    let mut changes = changes.to_vec();
    changes.sort_by_key(|c| c.0);
    let key_of = |i: usize| input.enrolments.get(i).map(|r| r.hub_public_key.as_slice());
    for (n, (seq, from, to)) in changes.iter().enumerate() {
        let detail = if key_of(n) != Some(from.as_slice()) {
            Some("from_hub_key")
        } else if key_of(n.saturating_add(1)) != Some(to.as_slice()) {
            Some("to_hub_key")
        } else {
            None
        };
        if let Some(detail) = detail {
            a.find(
                "hub_change",
                *seq,
                key!("audit.hub_change_mismatch"),
                &[("detail", &detail)],
            );
        }
    }
    for row in input
        .enrolments
        .iter()
        .skip(changes.len().saturating_add(1))
    {
        a.find(
            "hub_enrolment",
            row.id,
            key!("audit.enrolment_unexplained"),
            &[],
        );
    }
}

/// Every hub receipt against its batch and the key of the hub that signed it (the hub in force:
/// `hub`; a hub left by a signed move: its enrolment row's key); every outbox row against a
/// batch.
fn check_hub_records(a: &mut Audit<'_>, hub: Option<PublicKey>) {
    let input = a.input;
    if !input.acks.is_empty() && input.enrolments.is_empty() {
        a.find("batch_ack", 0, key!("audit.ack_without_enrolment"), &[]);
    }
    let newest = input.enrolments.last().map(|r| r.id);
    let hub_of = |enrolment: u64| -> Option<PublicKey> {
        if Some(enrolment) == newest || newest.is_none() {
            return hub;
        }
        input
            .enrolments
            .iter()
            .find(|r| r.id == enrolment)
            .and_then(|r| <[u8; 32]>::try_from(r.hub_public_key.as_slice()).ok())
            .and_then(|b| PublicKey::from_bytes(&b).ok())
    };
    // Indexed once: a ledger has a receipt and an outbox row per batch, thousands of each.
    let by_seq: BTreeMap<u64, &BatchRow> = input.batches.iter().map(|b| (b.batch_seq, b)).collect();
    let batch = |n: u64| by_seq.get(&n).copied();
    for ack in &input.acks {
        let problem = match (
            serde_json::from_str::<crate::protocol::HubReceipt>(&ack.receipt),
            batch(ack.batch_seq),
        ) {
            (Err(e), _) => Some(format!("JSON: {e}")),
            (Ok(_), None) => Some("batch".to_owned()),
            (Ok(r), Some(b)) => {
                let hash = crate::seal::hash::to_hash32(&b.header_hash);
                if r.terminal_id != input.terminal_id {
                    Some("terminal_id".to_owned())
                } else if (r.batch_seq, r.first_seq, r.last_seq)
                    != (b.batch_seq, b.first_seq, b.last_seq)
                {
                    Some("batch_seq/first_seq/last_seq".to_owned())
                } else if !hub_of(ack.enrolment)
                    .zip(hash)
                    .is_some_and(|(h, hash)| r.verify(&h, &hash))
                {
                    Some("hub_signature".to_owned())
                } else {
                    None
                }
            }
        };
        if let Some(detail) = problem {
            a.find(
                "batch_ack",
                ack.batch_seq,
                key!("audit.ack_invalid"),
                &[("detail", &detail)],
            );
        }
    }
    for n in &input.outbox {
        if batch(*n).is_none() {
            a.find("outbox", *n, key!("audit.batch_missing"), &[("batch", n)]);
        }
    }
    // Sealing writes the batch and its outbox row in one transaction, and neither is removed.
    let queued: BTreeSet<u64> = input.outbox.iter().copied().collect();
    for b in &input.batches {
        if !queued.contains(&b.batch_seq) {
            a.find("outbox", b.batch_seq, key!("audit.outbox_missing"), &[]);
        }
    }
}

/// Decodes a batch header and names the first field that differs from the row's columns.
fn header_mismatch(b: &BatchRow, terminal_id: &str) -> Option<&'static str> {
    let mut r = Reader::new(&b.header);
    let magic = [r.u8().ok()?, r.u8().ok()?, r.u8().ok()?];
    if &magic != crate::seal::batch::BATCH_MAGIC
        || r.u8().ok()? != crate::seal::batch::BATCH_FORMAT_VERSION
    {
        return Some("magic");
    }
    let checks: [(&'static str, bool); 8] = [
        ("terminal_id", r.str().ok()? == terminal_id),
        ("batch_seq", r.u64().ok()? == b.batch_seq),
        ("first_seq", r.u64().ok()? == b.first_seq),
        ("last_seq", r.u64().ok()? == b.last_seq),
        ("tree_size", r.u64().ok()? == b.last_seq),
        ("root", r.bytes32().ok()?.as_slice() == b.root),
        (
            "prev_header_hash",
            r.bytes32().ok()?.as_slice() == b.prev_header_hash,
        ),
        ("sealed_at", r.str().ok()? == b.sealed_at),
    ];
    checks.into_iter().find(|(_, ok)| !ok).map(|(name, _)| name)
}
