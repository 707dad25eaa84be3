//! PINs and their argon2id verifiers; the PIN itself is never stored, printed or shown in `Debug`.

use crate::key;
use std::fmt;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use zeroize::Zeroizing;

use crate::i18n::{Lang, Localize, tr};

/// A PIN as typed. Wiped from memory on drop; `Debug` shows only asterisks.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// Why a PIN or verifier was refused. Never contains the PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    Format,
    Verifier,
    Hashing,
}

crate::english_display!(PinError);

impl Localize for PinError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Format => tr(lang, key!("pin.format")).to_owned(),
            Self::Verifier => tr(lang, key!("pin.verifier")).to_owned(),
            Self::Hashing => tr(lang, key!("pin.hashing")).to_owned(),
        }
    }
}

impl Pin {
    /// 4 to 12 digits.
    pub fn new(pin: &str) -> Result<Self, PinError> {
        let pin = Zeroizing::new(pin.trim().to_owned());
        if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(pin))
        } else {
            Err(PinError::Format)
        }
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Argon2id cost: 19 MiB, 2 passes, 1 lane (the OWASP minimum for argon2id).
fn hasher() -> Result<Argon2<'static>, PinError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|_| PinError::Hashing)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2id PHC string (`$argon2id$v=19$m=…`) with its own salt.
#[derive(Clone, PartialEq, Eq)]
pub struct PinVerifier(String);

impl fmt::Debug for PinVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinVerifier(argon2id, redacted)")
    }
}

impl PinVerifier {
    /// Hashes a PIN with the given 16-byte salt. The caller draws the salt from OS randomness.
    pub fn create(pin: &Pin, salt: &[u8; 16]) -> Result<Self, PinError> {
        let hash = hasher()?
            .hash_password_with_salt(pin.bytes(), salt)
            .map_err(|_| PinError::Hashing)?;
        Ok(Self(hash.to_string()))
    }

    /// Accepts a stored verifier only if it is a well-formed argon2id PHC string.
    pub fn parse(phc: &str) -> Result<Self, PinError> {
        let parsed = PasswordHash::new(phc.trim()).map_err(|_| PinError::Verifier)?;
        if parsed.algorithm.as_str() != "argon2id" || parsed.salt.is_none() || parsed.hash.is_none()
        {
            return Err(PinError::Verifier);
        }
        Ok(Self(phc.trim().to_owned()))
    }

    /// True when `pin` matches. Takes tens of milliseconds by design.
    pub fn verify(&self, pin: &Pin) -> bool {
        let Ok(hash) = PasswordHash::new(&self.0) else {
            return false;
        };
        // Parameters come from the stored string, so older verifiers keep working.
        Argon2::default()
            .verify_password(pin.bytes(), &hash)
            .is_ok()
    }

    /// The PHC string, for storage only.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

/// Result of checking a PIN against the day's earlier failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Accepted,
    /// Wrong; `remaining` tries left today.
    Wrong {
        remaining: u32,
    },
    /// Wrong, and this try reached the limit: the card is now locked for the day.
    WrongAndLocked,
}

/// Presence rule: given today's failures so far and whether this try matched, what happens.
/// Returns `None` when the card was already locked before this try (the PIN is not even checked).
pub fn presence_rule(
    failures_today: u32,
    max_attempts: u32,
    matched: impl FnOnce() -> bool,
) -> Option<PinOutcome> {
    if failures_today >= max_attempts {
        return None;
    }
    if matched() {
        return Some(PinOutcome::Accepted);
    }
    let failures = failures_today.saturating_add(1);
    Some(if failures >= max_attempts {
        PinOutcome::WrongAndLocked
    } else {
        PinOutcome::Wrong {
            remaining: max_attempts.saturating_sub(failures),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_digits_and_never_debug_printed() {
        assert!(Pin::new("123456").is_ok());
        for bad in ["123", "12345a", "", "1234567890123"] {
            assert_eq!(Pin::new(bad).unwrap_err(), PinError::Format, "{bad}");
        }
        let pin = Pin::new("987654").unwrap();
        assert!(!format!("{pin:?}").contains("987654"));
        let v = PinVerifier::create(&pin, &[7u8; 16]).unwrap();
        assert!(!format!("{v:?}").contains("argon2id$"));
    }

    #[test]
    fn verifier_round_trip() {
        let pin = Pin::new("123456").unwrap();
        let v = PinVerifier::create(&pin, &[1u8; 16]).unwrap();
        assert!(v.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(v.verify(&pin));
        assert!(!v.verify(&Pin::new("123457").unwrap()));
        let again = PinVerifier::parse(v.as_phc()).unwrap();
        assert!(again.verify(&pin));
        // Another salt gives another verifier for the same PIN.
        assert_ne!(
            PinVerifier::create(&pin, &[2u8; 16]).unwrap().as_phc(),
            v.as_phc()
        );
    }

    #[test]
    fn bad_verifiers_are_refused() {
        for bad in [
            "",
            "123456",
            "$argon2i$v=19$m=19456,t=2,p=1$AQEBAQEBAQEBAQEBAQEBAQ$abc",
            "$pbkdf2$x",
        ] {
            assert_eq!(PinVerifier::parse(bad), Err(PinError::Verifier), "{bad}");
        }
    }

    #[test]
    fn three_strikes() {
        // (failures before, matched, expected)
        let cases = [
            (0, true, Some(PinOutcome::Accepted)),
            (0, false, Some(PinOutcome::Wrong { remaining: 2 })),
            (1, false, Some(PinOutcome::Wrong { remaining: 1 })),
            (2, false, Some(PinOutcome::WrongAndLocked)),
            (2, true, Some(PinOutcome::Accepted)),
            (3, true, None),
            (4, false, None),
        ];
        for (before, matched, want) in cases {
            assert_eq!(
                presence_rule(before, 3, || matched),
                want,
                "{before} {matched}"
            );
        }
    }
}
