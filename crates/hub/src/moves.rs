//! Moving a KPM to another home e-warong: checked against the published roster and the moves
//! already ordered, then stored as a move that waits for the old home's release.

use chrono::{DateTime, FixedOffset};
use ewarong_core::key;

use super::store::{Store, StoreError};
use ewarong_core::domain::CardNumber;
use ewarong_core::i18n::{Lang, Localize, trf};
use ewarong_core::protocol::Kind;

/// Why a move was refused. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    BadCard(String),
    NotInRoster(String),
    NoHome(String),
    Waiting {
        card: String,
        id: u64,
        from: String,
    },
    AlreadyHome {
        card: String,
        home: String,
    },
    UnknownTerminal(String),
    /// A terminal with a code but no key yet: it could not receive the KPM's balance.
    NotEnrolled(String),
    Revoked(String),
    Store(#[from] StoreError),
    Roster(String),
}

ewarong_core::english_display!(MoveError);

impl Localize for MoveError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::BadCard(c) => trf(lang, key!("move.bad_card"), &[("card", c)]),
            Self::NotInRoster(c) => trf(lang, key!("move.not_in_roster"), &[("card", c)]),
            Self::NoHome(c) => trf(lang, key!("move.no_home"), &[("card", c)]),
            Self::Waiting { card, id, from } => trf(
                lang,
                key!("move.waiting"),
                &[("card", card), ("id", id), ("from", from)],
            ),
            Self::AlreadyHome { card, home } => trf(
                lang,
                key!("move.already_home"),
                &[("card", card), ("home", home)],
            ),
            Self::UnknownTerminal(id) => trf(lang, key!("hub.unknown_terminal"), &[("id", id)]),
            Self::Revoked(id) => trf(lang, key!("move.revoked"), &[("id", id)]),
            Self::NotEnrolled(id) => trf(lang, key!("move.not_enrolled"), &[("id", id)]),
            Self::Store(e) => e.to_string(),
            Self::Roster(e) => e.clone(),
        }
    }
}

/// A move ordered: its number and the home it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered {
    pub id: u64,
    pub from: String,
}

/// The KPM's home now: the target of the newest released move, else the roster's `home`.
/// A move still waiting for its release is an error: one move at a time.
async fn current_home<S: Store>(store: &S, card: &str) -> Result<String, MoveError> {
    let moves = store.moves().await?;
    if let Some(m) = moves.iter().rev().find(|m| m.card == card) {
        return match &m.released {
            Some(_) => Ok(m.to.clone()),
            None => Err(MoveError::Waiting {
                card: card.to_owned(),
                id: m.id,
                from: m.from.clone(),
            }),
        };
    }
    let latest = store.latest_publications().await?;
    let roster = latest
        .iter()
        .find(|p| p.kind == Kind::Roster.as_str())
        .ok_or_else(|| MoveError::NotInRoster(card.to_owned()))?;
    let kpm = ewarong_core::import::parse_roster(Kind::Roster.file_name(), &roster.document)
        .map_err(|e| MoveError::Roster(e.localize(Lang::En)))?;
    let k = kpm
        .into_iter()
        .find(|k| k.card.as_str() == card)
        .ok_or_else(|| MoveError::NotInRoster(card.to_owned()))?;
    k.home.ok_or_else(|| MoveError::NoHome(card.to_owned()))
}

/// Orders `card` moved to terminal `to`. The old home releases the balance at its next sync;
/// the new home receives it only after the hub has that release.
pub async fn order_move<S: Store>(
    store: &S,
    card: &str,
    to: &str,
    now: DateTime<FixedOffset>,
) -> Result<Ordered, MoveError> {
    let card = card
        .parse::<CardNumber>()
        .map_err(|_| MoveError::BadCard(card.to_owned()))?
        .to_string();
    let target = store
        .terminal(to)
        .await?
        .ok_or_else(|| MoveError::UnknownTerminal(to.to_owned()))?;
    if target.revoked {
        return Err(MoveError::Revoked(to.to_owned()));
    }
    if target.public_key.is_none() {
        return Err(MoveError::NotEnrolled(to.to_owned()));
    }
    let from = current_home(store, &card).await?;
    if from == to {
        return Err(MoveError::AlreadyHome { card, home: from });
    }
    if store.terminal(&from).await?.is_none() {
        return Err(MoveError::UnknownTerminal(from));
    }
    match store.add_move(&card, &from, to, now).await? {
        Some(id) => {
            tracing::info!(
                id,
                card = card.as_str(),
                from = from.as_str(),
                to,
                "KPM move ordered"
            );
            Ok(Ordered { id, from })
        }
        // Another operator ordered a move of this card at the same moment: name that move.
        None => Err(match current_home(store, &card).await {
            Err(waiting @ MoveError::Waiting { .. }) => waiting,
            Err(other) => other,
            Ok(_) => MoveError::Waiting { card, id: 0, from },
        }),
    }
}
