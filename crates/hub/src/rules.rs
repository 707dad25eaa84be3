//! What the hub's stores decide, written once: the order of refusals for enrolment codes and
//! for redeeming one. Each store reads the facts inside its own transaction, in its own SQL,
//! and does what these functions say; neither store decides anything of its own.

use crate::store::Redeemed;

/// A terminal as enrolment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalState {
    /// No row: the hub has never heard of this id.
    Unknown,
    /// A code was issued; the terminal has not enrolled yet.
    Waiting,
    /// Enrolled: the hub holds its key.
    Enrolled,
    /// Revoked, for good.
    Revoked,
}

impl TerminalState {
    /// From the terminal row, if any: whether it holds a key, whether it was revoked.
    pub fn of(row: Option<(bool, bool)>) -> Self {
        match row {
            None => Self::Unknown,
            Some((_, true)) => Self::Revoked,
            Some((true, false)) => Self::Enrolled,
            Some((false, false)) => Self::Waiting,
        }
    }
}

/// What issuing an enrolment code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStep {
    /// A new terminal: its row, then the code.
    CreateTerminal,
    /// A terminal still waiting: one more code (the earlier ones stay valid until they expire).
    AddCode,
    /// Enrolled or revoked: no code; revoke and enrol a new id instead.
    Refuse,
}

pub fn issue_code(state: TerminalState) -> CodeStep {
    match state {
        TerminalState::Unknown => CodeStep::CreateTerminal,
        TerminalState::Waiting => CodeStep::AddCode,
        TerminalState::Enrolled | TerminalState::Revoked => CodeStep::Refuse,
    }
}

/// What a store read before redeeming a code, in the redeeming transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedeemFacts {
    pub terminal: TerminalState,
    /// Another terminal already holds the key being enrolled.
    pub key_taken: bool,
    /// The code matches this terminal, is unused and has not expired.
    pub code_valid: bool,
}

/// The one order of refusals: revoked first, then anything that is not a waiting terminal
/// (refused as a bad code, so a stranger learns nothing about which ids exist), then a key
/// already in use, then the code itself.
pub fn redeem(f: RedeemFacts) -> Redeemed {
    match f.terminal {
        TerminalState::Revoked => Redeemed::Revoked,
        TerminalState::Unknown | TerminalState::Enrolled => Redeemed::BadCode,
        TerminalState::Waiting if f.key_taken => Redeemed::KeyTaken,
        TerminalState::Waiting if !f.code_valid => Redeemed::BadCode,
        TerminalState::Waiting => Redeemed::Enrolled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TerminalState::*;

    #[test]
    fn terminal_rows_map_to_states() {
        for (row, state) in [
            (None, Unknown),
            (Some((false, false)), Waiting),
            (Some((true, false)), Enrolled),
            (Some((true, true)), Revoked),
            (Some((false, true)), Revoked),
        ] {
            assert_eq!(TerminalState::of(row), state, "{row:?}");
        }
    }

    #[test]
    fn codes_only_for_new_or_waiting_terminals() {
        assert_eq!(issue_code(Unknown), CodeStep::CreateTerminal);
        assert_eq!(issue_code(Waiting), CodeStep::AddCode);
        assert_eq!(issue_code(Enrolled), CodeStep::Refuse);
        assert_eq!(issue_code(Revoked), CodeStep::Refuse);
    }

    #[test]
    fn refusals_come_in_one_order() {
        let check = |terminal, key_taken, code_valid, expected| {
            let f = RedeemFacts {
                terminal,
                key_taken,
                code_valid,
            };
            assert_eq!(redeem(f), expected, "{f:?}");
        };
        check(Revoked, true, false, Redeemed::Revoked);
        check(Revoked, false, true, Redeemed::Revoked);
        check(Unknown, false, true, Redeemed::BadCode);
        check(Enrolled, false, true, Redeemed::BadCode);
        check(Waiting, true, true, Redeemed::KeyTaken);
        check(Waiting, true, false, Redeemed::KeyTaken);
        check(Waiting, false, false, Redeemed::BadCode);
        check(Waiting, false, true, Redeemed::Enrolled);
    }
}
