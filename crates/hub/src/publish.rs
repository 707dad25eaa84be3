//! What the hub publishes to terminals: policy, catalogue, roster and reference prices, each
//! checked with the same parsers the terminal uses, normalised, versioned and signed. Rosters
//! leave the hub with PIN verifiers only, never a PIN.

use ewarong_core::domain::{Catalogue, Policy};
use ewarong_core::import::{ImportError, PriceError, parse_catalogue, parse_policy, parse_roster};
pub use ewarong_core::import::{PriceRow, apply_prices, parse_prices};
use ewarong_core::protocol::FieldError;
pub use ewarong_core::protocol::Kind;

/// Why a document cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Price(#[from] PriceError),
    #[error(
        "{file}: column home: every KPM needs a home e-warong (a terminal id), or every terminal would serve them in full; {count} rows have none (cards {cards})"
    )]
    NoHome {
        file: String,
        count: usize,
        cards: String,
    },
    #[error("{0}")]
    Other(String),
}

/// Checks a document with the terminal's own parsers and returns what is published: policies
/// as JSON, rosters re-written with PIN verifiers in place of PINs, the rest as given.
/// `policy` is the policy in force at the hub (the last published, or the shipped default);
/// `catalogue` the catalogue in force, for prices.
pub fn prepare(
    kind: Kind,
    file: &str,
    text: &str,
    policy: &Policy,
    catalogue: Option<&Catalogue>,
) -> Result<String, PublishError> {
    prepare_after(kind, file, text, policy, catalogue, None)
}

/// [`prepare`], given the roster published before (`previous`): a KPM whose PIN is unchanged
/// keeps the verifier it had, so only changed rows differ and terminals get a small delta.
pub fn prepare_after(
    kind: Kind,
    file: &str,
    text: &str,
    policy: &Policy,
    catalogue: Option<&Catalogue>,
    previous: Option<&str>,
) -> Result<String, PublishError> {
    match kind {
        Kind::Policy => {
            let p = parse_policy(file, text)?;
            serde_json::to_string_pretty(&p).map_err(|e| PublishError::Other(e.to_string()))
        }
        Kind::Catalogue => {
            // Terminals read it as `catalogue.csv`: only CSV is published.
            if file.ends_with(".csv") {
                parse_catalogue(file, text, policy)?;
                Ok(text.to_owned())
            } else {
                Err(PublishError::Other(format!(
                    "{file}: publish a catalogue as CSV"
                )))
            }
        }
        Kind::Prices => {
            let rows = parse_prices(file, text)?;
            // Prices change products the terminals hold: only a published catalogue says which.
            let c = catalogue.ok_or_else(|| {
                PublishError::Other(format!("{file}: publish a catalogue before its prices"))
            })?;
            apply_prices(c, &rows)?;
            let mut out = String::from("product_id,reference_price_rupiah\n");
            for r in rows {
                out.push_str(&format!("{},{}\n", r.product_id, r.price.as_i64()));
            }
            Ok(out)
        }
        Kind::Moves | Kind::Revoked => Err(PublishError::Other(format!(
            "{file}: moves and revocations are not published from a file; use `ewarong-hub kpm move` or `ewarong-hub terminal revoke`"
        ))),
        Kind::Roster => {
            let before: std::collections::HashMap<String, ewarong_core::domain::PinVerifier> =
                match previous {
                    Some(doc) => parse_roster("roster.csv", doc)
                        .map_err(|e| PublishError::Other(format!("published roster: {e}")))?
                        .into_iter()
                        .map(|k| (k.card.to_string(), k.pin_verifier))
                        .collect(),
                    None => Default::default(),
                };
            let roster = ewarong_core::import::parse_roster_reusing(file, text, &before)?;
            // A KPM with no home would be every terminal's to serve in full: the spending
            // bound needs one home each.
            let homeless: Vec<&str> = roster
                .iter()
                .filter(|k| k.home.as_deref().is_none_or(str::is_empty))
                .map(|k| k.card.as_str())
                .collect();
            if !homeless.is_empty() {
                return Err(PublishError::NoHome {
                    file: file.to_owned(),
                    count: homeless.len(),
                    cards: homeless
                        .iter()
                        .take(10)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            roster_csv(&roster)
        }
    }
}

/// A roster as the hub stores and sends it: PIN verifiers in place of PINs.
fn roster_csv(roster: &[ewarong_core::domain::Kpm]) -> Result<String, PublishError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, rec: &[&str]| {
        w.write_record(rec)
            .map_err(|e| PublishError::Other(e.to_string()))
    };
    write(
        &mut w,
        &[
            "card",
            "nik",
            "kk",
            "name",
            "desa",
            "pin_verifier",
            "entitlements",
            "home",
        ],
    )?;
    for k in roster {
        let ent = k
            .entitlements
            .iter()
            .map(|e| format!("{}={}", e.period, e.amount.as_i64()))
            .collect::<Vec<_>>()
            .join(";");
        write(
            &mut w,
            &[
                k.card.as_str(),
                k.nik.as_ref().map_or("", |n| n.as_str()),
                k.kk.as_str(),
                &k.name,
                &k.desa,
                k.pin_verifier.as_phc(),
                &ent,
                k.home.as_deref().unwrap_or(""),
            ],
        )?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| PublishError::Other(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| PublishError::Other(e.to_string()))
}

/// The part of a published roster `terminal_id` may see: the KPM whose home is that terminal
/// or another terminal of its region (its possible visitors), and KPM with no home at all (a
/// roster without the `home` column, which every terminal serves). Nobody else's name, NIK,
/// KK or PIN verifier leaves the hub for it. `None` when that is nobody: a terminal is sent
/// no roster rather than an empty one, which its import would refuse.
pub fn roster_for(
    document: &str,
    terminal_id: &str,
    terminals: &[super::store::TerminalSeen],
) -> Result<Option<String>, super::StoreError> {
    let corrupt = |e: String| super::StoreError::Corrupt(format!("published roster: {e}"));
    let region = terminals
        .iter()
        .find(|t| t.terminal_id == terminal_id)
        .map(|t| t.region.as_str());
    let region_of = |home: &str| {
        terminals
            .iter()
            .find(|t| t.terminal_id == home)
            .map(|t| t.region.as_str())
    };
    let roster = parse_roster("roster.csv", document).map_err(|e| corrupt(e.to_string()))?;
    let visible: Vec<_> = roster
        .into_iter()
        .filter(|k| match k.home.as_deref() {
            None => true,
            Some(home) => home == terminal_id || (region.is_some() && region_of(home) == region),
        })
        .collect();
    if visible.is_empty() {
        return Ok(None);
    }
    roster_csv(&visible)
        .map(Some)
        .map_err(|e| corrupt(e.to_string()))
}

/// Checks, versions, signs and stores a document for terminals. Returns its version.
pub async fn publish<S: super::Store>(
    store: &S,
    identity: &super::HubIdentity,
    kind: Kind,
    file: &str,
    text: &str,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<u64, PublishError> {
    let store_err = |e: super::StoreError| PublishError::Other(e.to_string());
    let latest = store.latest_publications().await.map_err(store_err)?;
    let doc_of = |k: Kind| {
        latest
            .iter()
            .find(|p| p.kind == k.as_str())
            .map(|p| p.document.as_str())
    };
    let policy = match doc_of(Kind::Policy) {
        Some(d) => Policy::from_json(d).map_err(|e| PublishError::Other(e.to_string()))?,
        None => Policy::default_sembako().map_err(|e| PublishError::Other(e.to_string()))?,
    };
    let catalogue = doc_of(Kind::Catalogue)
        .map(|d| {
            parse_catalogue(Kind::Catalogue.file_name(), d, &policy)
                .map_err(PublishError::from)
                .and_then(|p| Catalogue::new(p).map_err(|e| PublishError::Other(e.to_string())))
        })
        .transpose()?;
    let document = prepare_after(
        kind,
        file,
        text,
        &policy,
        catalogue.as_ref(),
        doc_of(Kind::Roster),
    )?;
    let version = latest
        .iter()
        .find(|p| p.kind == kind.as_str())
        .map_or(1, |p| p.version.saturating_add(1));
    let sha256 = ewarong_core::seal::hash::sha256(document.as_bytes());
    let published_at = super::rfc3339(now);
    let text = ewarong_core::protocol::Update::signed_text(
        kind.as_str(),
        version,
        &ewarong_core::seal::hex(&sha256),
        &published_at,
    );
    let stored = store
        .publish(super::store::Publication {
            kind: kind.as_str().to_owned(),
            version,
            document,
            sha256,
            signature: identity.sign(text.as_bytes()),
            published_at,
        })
        .await
        .map_err(store_err)?;
    if !stored {
        return Err(PublishError::Other(format!(
            "{} version {version} was published by someone else at the same moment; publish again",
            kind.as_str()
        )));
    }
    tracing::info!(kind = kind.as_str(), version, "published");
    Ok(version)
}

/// Every update newer than the versions a terminal has (`have`, by kind; missing means none):
/// the newest stored document of each kind, then moves and the revoked list. The same for the
/// network (`GET …/updates`) and for the USB stick (`ewarong-hub import` writes it beside the
/// receipts).
pub async fn updates_since<S: super::Store>(
    store: &S,
    identity: &super::HubIdentity,
    terminal_id: &str,
    have: &std::collections::BTreeMap<String, u64>,
    want: Want,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Vec<ewarong_core::protocol::Update>, super::StoreError> {
    let has = |kind: &str| have.get(kind).copied().unwrap_or(0);
    // Read once: every roster part and the revoked list come from it.
    let terminals = store.terminals().await?;
    let mut updates = Vec::new();
    for p in store.latest_publications().await? {
        if p.version <= has(&p.kind) {
            continue;
        }
        let Some(mut u) = (if p.kind == Kind::Roster.as_str() {
            // Each terminal gets its own part of the roster, signed for it now.
            part_for(&p, terminal_id, &terminals)?
                .map(|document| signed_text_now(identity, Kind::Roster, p.version, document, now))
        } else {
            Some(to_update(&p))
        }) else {
            continue;
        };
        let base = has(&p.kind);
        let base_doc = if want.delta && base > 0 {
            store.publication(&p.kind, base).await?
        } else {
            None
        };
        let old = match base_doc {
            Some(b) => part_for(&b, terminal_id, &terminals)?,
            None => None,
        };
        if let Some(old) = old {
            let delta = line_delta(base, &old, &u.document);
            // A terminal too far behind gets the whole document: a delta is worth sending
            // only while it is well under half of it.
            if delta.added_bytes() < u.document.len() / 2 {
                u.delta = Some(delta);
                u.document = String::new();
            }
        }
        if u.delta.is_none() && want.pages && u.document.len() > ewarong_core::wire::PAGED_ABOVE {
            u.pages = Some(ewarong_core::wire::Pages::of(u.document.as_bytes()));
            u.document = String::new();
        }
        updates.push(u);
    }
    let moves = has(Kind::Moves.as_str());
    if let Some(u) = moves_update(store, identity, moves, now).await? {
        updates.push(u);
    }
    let revoked = has(Kind::Revoked.as_str());
    if let Some(u) = revoked_update(&terminals, identity, revoked, now)? {
        updates.push(u);
    }
    Ok(updates)
}

/// What a terminal can take besides whole documents (`delta=1`, `pages=1` in its query).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Want {
    /// Line deltas from the version it has.
    pub delta: bool,
    /// Large documents as hashed pages.
    pub pages: bool,
}

/// The document of `kind` at `version` as `terminal_id` gets it (its part of a roster), or
/// `None` if there is none: the base of a delta, and the bytes behind pages.
pub async fn document_for<S: super::Store>(
    store: &S,
    terminal_id: &str,
    kind: &str,
    version: u64,
) -> Result<Option<String>, super::StoreError> {
    let Some(p) = store.publication(kind, version).await? else {
        return Ok(None);
    };
    part_for(&p, terminal_id, &store.terminals().await?)
}

/// Publication `p` as `terminal_id` gets it: its part of a roster, any other kind whole.
fn part_for(
    p: &super::store::Publication,
    terminal_id: &str,
    terminals: &[super::store::TerminalSeen],
) -> Result<Option<String>, super::StoreError> {
    if p.kind == Kind::Roster.as_str() {
        roster_for(&p.document, terminal_id, terminals)
    } else {
        Ok(Some(p.document.clone()))
    }
}

/// The line delta that turns `old` (version `base_version`) into `new`: a Myers diff over
/// lines, given two seconds at most (past that it settles for a coarser, still exact, delta).
pub fn line_delta(base_version: u64, old: &str, new: &str) -> ewarong_core::wire::Delta {
    use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};
    let a = ewarong_core::wire::lines(old);
    let b = ewarong_core::wire::lines(new);
    let deadline = std::time::Instant::now().checked_add(std::time::Duration::from_secs(2));
    let changes: Vec<(usize, usize, Vec<String>)> =
        capture_diff_slices_deadline(Algorithm::Myers, &a, &b, deadline)
            .iter()
            .filter_map(|op| {
                let (tag, old_range, new_range) = op.as_tag_tuple();
                (tag != DiffTag::Equal).then(|| {
                    (
                        old_range.start,
                        old_range.len(),
                        b.get(new_range)
                            .unwrap_or_default()
                            .iter()
                            .map(|l| (*l).to_owned())
                            .collect(),
                    )
                })
            })
            .collect();
    ewarong_core::wire::Delta::from_changes(base_version, old, &changes)
}

/// The moves update, when the terminal's version (`have`) is older than the hub's: every move
/// with what was released, signed now. It is built from the moves table on request rather than
/// stored, because a release arriving in any batch changes it.
pub async fn moves_update<S: super::Store>(
    store: &S,
    identity: &super::HubIdentity,
    have: u64,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<ewarong_core::protocol::Update>, super::StoreError> {
    let moves = store.moves().await?;
    let version = super::store::moves_version(&moves);
    let doc = ewarong_core::protocol::MovesDocument { moves };
    signed_now(identity, Kind::Moves, version, have, &doc, now)
}

/// The revoked list, when the terminal's version (`have`) is older: every revoked terminal
/// with when, signed now, from the terminals table.
pub fn revoked_update(
    terminals: &[super::store::TerminalSeen],
    identity: &super::HubIdentity,
    have: u64,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<ewarong_core::protocol::Update>, super::StoreError> {
    use ewarong_core::protocol::{RevokedDocument, RevokedTerminal};
    let mut terminals: Vec<RevokedTerminal> = terminals
        .iter()
        .filter_map(|t| {
            t.revoked_at.clone().map(|revoked_at| RevokedTerminal {
                terminal_id: t.terminal_id.clone(),
                revoked_at,
            })
        })
        .collect();
    terminals.sort_by(|a, b| a.terminal_id.cmp(&b.terminal_id));
    let version = terminals.len() as u64;
    signed_now(
        identity,
        Kind::Revoked,
        version,
        have,
        &RevokedDocument { terminals },
        now,
    )
}

/// An update built from the hub's tables at request time, signed with the hub key now;
/// `None` when the terminal already has `version`.
fn signed_now(
    identity: &super::HubIdentity,
    kind: Kind,
    version: u64,
    have: u64,
    doc: &impl serde::Serialize,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<ewarong_core::protocol::Update>, super::StoreError> {
    if version <= have {
        return Ok(None);
    }
    let document =
        serde_json::to_string(doc).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    Ok(Some(signed_text_now(
        identity, kind, version, document, now,
    )))
}

/// `document` as an update of `kind` at `version`, signed now.
fn signed_text_now(
    identity: &super::HubIdentity,
    kind: Kind,
    version: u64,
    document: String,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ewarong_core::protocol::Update {
    let sha256 = ewarong_core::seal::hex(&ewarong_core::seal::hash::sha256(document.as_bytes()));
    let published_at = super::rfc3339(now);
    let text =
        ewarong_core::protocol::Update::signed_text(kind.as_str(), version, &sha256, &published_at);
    ewarong_core::protocol::Update {
        kind: kind.as_str().to_owned(),
        version,
        document,
        sha256,
        published_at,
        signature: ewarong_core::protocol::b64(&identity.sign(text.as_bytes())),
        delta: None,
        pages: None,
    }
}

/// The update to send for a stored publication.
pub fn to_update(p: &super::store::Publication) -> ewarong_core::protocol::Update {
    ewarong_core::protocol::Update {
        kind: p.kind.clone(),
        version: p.version,
        document: p.document.clone(),
        sha256: ewarong_core::seal::hex(&p.sha256),
        published_at: p.published_at.clone(),
        signature: ewarong_core::protocol::b64(&p.signature),
        delta: None,
        pages: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_roster_carries_verifiers_never_pins() {
        let policy = Policy::default_sembako().unwrap();
        let text = "card,nik,kk,name,desa,pin,entitlements,home\n6032980000000010,,5302081103137343,Rosalina,Watumbaka,123456,2026-11=200000,sumba-01\n";
        let doc = prepare(Kind::Roster, "r.csv", text, &policy, None).unwrap();
        assert!(!doc.contains("123456"), "{doc}");
        assert!(doc.contains("$argon2id$"), "{doc}");
        let back = parse_roster("roster.csv", &doc).unwrap();
        assert_eq!(back.len(), 1);
        assert!(
            back[0]
                .pin_verifier
                .verify(&ewarong_core::domain::Pin::new("123456").unwrap())
        );
        assert_eq!(back[0].entitlements[0].amount.as_i64(), 200_000);
    }

    #[test]
    fn a_terminal_gets_only_its_regions_kpm() {
        let policy = Policy::default_sembako().unwrap();
        // Valid cards (Luhn) for four KPM: homes in two regions, and one without a home.
        let cards = [
            "6032980000000010",
            "6032980000000028",
            "6032980000000036",
            "6032980000000044",
        ];
        let homes = ["a-01", "a-02", "b-01", "c-01"];
        let mut text = "card,nik,kk,name,desa,pin,entitlements,home\n".to_owned();
        for (i, (card, home)) in cards.iter().zip(homes).enumerate() {
            text.push_str(&format!(
                "{card},,530208110313734{i},KPM {i},Desa,123456,2026-11=200000,{home}\n"
            ));
        }
        let doc = prepare(Kind::Roster, "r.csv", &text, &policy, None).unwrap();
        let seen = |id: &str, region: &str| crate::store::TerminalSeen {
            terminal_id: id.into(),
            region: region.into(),
            enrolled: true,
            last_seen: None,
            last_seq: 0,
            revoked_at: None,
        };
        let terminals = [
            seen("a-01", "5302"),
            seen("a-02", "5302"),
            seen("b-01", "5303"),
        ];
        let names = |id: &str| -> Vec<String> {
            roster_for(&doc, id, &terminals)
                .unwrap()
                .map(|part| {
                    parse_roster("r.csv", &part)
                        .unwrap()
                        .into_iter()
                        .map(|k| k.name)
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(names("a-01"), ["KPM 0", "KPM 1"]);
        assert_eq!(names("a-02"), ["KPM 0", "KPM 1"]);
        assert_eq!(names("b-01"), ["KPM 2"]);
        // A home the hub has not registered yet: that terminal alone sees its KPM.
        assert_eq!(names("c-01"), ["KPM 3"]);
        assert!(
            names("d-01").is_empty(),
            "no roster at all, not an empty one"
        );
        assert_eq!(roster_for(&doc, "d-01", &terminals).unwrap(), None);
        // Without a home, a KPM would be everyone's: such a roster is refused, naming them.
        let homeless = text.replace(",c-01\n", ",\n");
        let e = prepare(Kind::Roster, "r.csv", &homeless, &policy, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("column home") && e.contains("6032980000000044") && e.contains("1 rows"),
            "{e}"
        );
        let no_column: String = text
            .lines()
            .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0))
            .collect();
        let e = prepare(Kind::Roster, "r.csv", &no_column, &policy, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("column home") && e.contains("4 rows"), "{e}");
    }

    #[test]
    fn prices_name_the_line_and_the_rule() {
        let e = parse_prices("p.csv", "product_id,reference_price_rupiah\nberas,-5\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("p.csv:2") && text.contains("above 0"),
            "{text}"
        );
        let rows = parse_prices(
            "p.csv",
            "product_id,reference_price_rupiah\nberas-medium,14000\n",
        )
        .unwrap();
        assert_eq!(rows[0].price.as_i64(), 14_000);
    }
}
