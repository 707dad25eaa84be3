//! Money: whole rupiah in an `i64`, with checked arithmetic and Indonesian formatting.

use crate::key;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localize, tr};

/// An amount of whole rupiah. Never negative, never wraps.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rupiah(i64);

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    Negative,
    Overflow,
    NotANumber(String),
}

crate::english_display!(MoneyError);

impl Localize for MoneyError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Negative => tr(lang, key!("money.negative")).to_owned(),
            Self::Overflow => tr(lang, key!("money.overflow")).to_owned(),
            Self::NotANumber(s) => tr(lang, key!("money.not_a_number")).replace("{input}", s),
        }
    }
}

impl Rupiah {
    pub const ZERO: Self = Self(0);

    /// A non-negative amount of rupiah.
    pub fn new(amount_rupiah: i64) -> Result<Self, MoneyError> {
        if amount_rupiah < 0 {
            Err(MoneyError::Negative)
        } else {
            Ok(Self(amount_rupiah))
        }
    }

    pub fn as_i64(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or(MoneyError::Overflow)
    }

    /// `self - other`; refused when the result would be negative.
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        let diff = self.0.checked_sub(other.0).ok_or(MoneyError::Overflow)?;
        Self::new(diff)
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0).max(0))
    }

    /// Sums amounts, refusing overflow.
    pub fn sum<I: IntoIterator<Item = Self>>(items: I) -> Result<Self, MoneyError> {
        items.into_iter().try_fold(Self::ZERO, Self::checked_add)
    }
}

impl TryFrom<i64> for Rupiah {
    type Error = MoneyError;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<Rupiah> for i64 {
    fn from(r: Rupiah) -> Self {
        r.0
    }
}

/// Groups the digits of a non-negative integer with `.` as Indonesians write it.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len().saturating_add(digits.len() / 3));
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len().saturating_sub(i)) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Rupiah {
    /// `Rp 200.000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rp {}", group_thousands(self.0.unsigned_abs()))
    }
}

impl FromStr for Rupiah {
    type Err = MoneyError;

    /// Accepts `200000`, `200.000` and `Rp 200.000` (also `Rp200.000`, `rp 200000`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let not_a_number = || MoneyError::NotANumber(crate::i18n::echo(s));
        let t = s.trim();
        let t = t
            .strip_prefix("Rp")
            .or_else(|| t.strip_prefix("rp"))
            .or_else(|| t.strip_prefix("RP"))
            .unwrap_or(t)
            .trim_start();
        let t = t.strip_suffix(",00").unwrap_or(t);
        if let Some(rest) = t.strip_prefix('-')
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Err(MoneyError::Negative);
        }
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(not_a_number());
        }
        if t.contains('.') {
            // Dots must be thousands separators: 1-3 leading digits, then groups of 3.
            let mut groups = t.split('.');
            let first = groups.next().unwrap_or_default();
            if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
                return Err(not_a_number());
            }
        }
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let value: i64 = digits.parse().map_err(|_| MoneyError::Overflow)?;
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_like_indonesian_receipts() {
        for (v, want) in [
            (0, "Rp 0"),
            (999, "Rp 999"),
            (1000, "Rp 1.000"),
            (200_000, "Rp 200.000"),
            (1_234_567, "Rp 1.234.567"),
            (i64::MAX, "Rp 9.223.372.036.854.775.807"),
        ] {
            assert_eq!(Rupiah::new(v).unwrap().to_string(), want);
        }
    }

    #[test]
    fn parses_accepted_forms() {
        for (s, want) in [
            ("200000", 200_000),
            ("200.000", 200_000),
            ("Rp 200.000", 200_000),
            ("Rp200.000", 200_000),
            ("rp 1.500", 1500),
            ("  7500 ", 7500),
            ("Rp 15.000,00", 15_000),
            ("0", 0),
        ] {
            assert_eq!(s.parse::<Rupiah>(), Ok(Rupiah(want)), "{s}");
        }
    }

    #[test]
    fn refuses_bad_amounts_with_the_reason() {
        for (s, want) in [
            ("-5", MoneyError::Negative),
            ("-5.000", MoneyError::Negative),
            ("99999999999999999999", MoneyError::Overflow),
            ("", MoneyError::NotANumber(String::new())),
            ("abc", MoneyError::NotANumber("abc".into())),
            ("1.5", MoneyError::NotANumber("1.5".into())),
            ("20.00.000", MoneyError::NotANumber("20.00.000".into())),
            ("1e9", MoneyError::NotANumber("1e9".into())),
        ] {
            assert_eq!(s.parse::<Rupiah>(), Err(want), "{s}");
        }
        assert_eq!(Rupiah::new(-1), Err(MoneyError::Negative));
        assert!(MoneyError::Negative.localize(Lang::Id).contains("negatif"));
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Rupiah(i64::MAX);
        assert_eq!(max.checked_add(Rupiah(1)), Err(MoneyError::Overflow));
        assert_eq!(Rupiah(5).checked_sub(Rupiah(6)), Err(MoneyError::Negative));
        assert_eq!(Rupiah(5).saturating_sub(Rupiah(6)), Rupiah::ZERO);
        assert_eq!(Rupiah::sum([Rupiah(1), Rupiah(2)]), Ok(Rupiah(3)));
        assert_eq!(Rupiah::sum([max, Rupiah(1)]), Err(MoneyError::Overflow));
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(v in 0i64..=i64::MAX) {
            let r = Rupiah(v);
            prop_assert_eq!(r.to_string().parse::<Rupiah>(), Ok(r));
            prop_assert_eq!(v.to_string().parse::<Rupiah>(), Ok(r));
        }

        #[test]
        fn add_matches_i128(a in 0i64..=i64::MAX, b in 0i64..=i64::MAX) {
            let wide = i128::from(a) + i128::from(b);
            match Rupiah(a).checked_add(Rupiah(b)) {
                Ok(s) => prop_assert_eq!(i128::from(s.as_i64()), wide),
                Err(e) => { prop_assert_eq!(e, MoneyError::Overflow); prop_assert!(wide > i128::from(i64::MAX)); }
            }
        }

        #[test]
        fn sub_never_goes_negative(a in 0i64..=i64::MAX, b in 0i64..=i64::MAX) {
            match Rupiah(a).checked_sub(Rupiah(b)) {
                Ok(d) => { prop_assert!(a >= b); prop_assert_eq!(d.as_i64(), a - b); }
                Err(_) => prop_assert!(a < b),
            }
        }
    }
}
