//! Quantities in thousandths of a unit (gram precision for kg) and the one line-total rounding rule.

use crate::key;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::money::{MoneyError, Rupiah};
use crate::i18n::{Lang, Localize, tr};

/// Thousandths in one whole unit.
pub const MILLI_PER_UNIT: i64 = 1000;

/// The selling unit of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Butir,
    Ikat,
    Buah,
    Papan,
    Kg,
    Liter,
}

impl Unit {
    pub const ALL: [Unit; 6] = [
        Unit::Butir,
        Unit::Ikat,
        Unit::Buah,
        Unit::Papan,
        Unit::Kg,
        Unit::Liter,
    ];

    /// Per piece (whole numbers only) or per weight/volume (3 decimals).
    pub fn is_piece(self) -> bool {
        matches!(self, Unit::Butir | Unit::Ikat | Unit::Buah | Unit::Papan)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Butir => "butir",
            Unit::Ikat => "ikat",
            Unit::Buah => "buah",
            Unit::Papan => "papan",
            Unit::Kg => "kg",
            Unit::Liter => "liter",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_lowercase();
        Unit::ALL
            .into_iter()
            .find(|u| u.as_str() == t || (t == "l" && *u == Unit::Liter))
            .ok_or_else(|| QuantityError::UnknownUnit(crate::i18n::echo(s)))
    }
}

/// A positive quantity in thousandths of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity {
    milli: i64,
}

/// Why a quantity was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    NotANumber(String),
    NotPositive(String),
    TooManyDecimals(String),
    NotWhole {
        input: String,
        unit: Unit,
    },
    TooLarge {
        input: String,
        max_units: i64,
        unit: Unit,
    },
    UnknownUnit(String),
}

crate::english_display!(QuantityError);

impl Localize for QuantityError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::NotANumber(s) => tr(lang, key!("qty.not_a_number")).replace("{input}", s),
            Self::NotPositive(s) => tr(lang, key!("qty.not_positive")).replace("{input}", s),
            Self::TooManyDecimals(s) => tr(lang, key!("qty.decimals")).replace("{input}", s),
            Self::NotWhole { input, unit } => tr(lang, key!("qty.not_whole"))
                .replace("{input}", input)
                .replace("{unit}", unit.as_str()),
            Self::TooLarge {
                input,
                max_units,
                unit,
            } => tr(lang, key!("qty.too_large"))
                .replace("{input}", input)
                .replace("{max}", &max_units.to_string())
                .replace("{unit}", unit.as_str()),
            Self::UnknownUnit(s) => tr(lang, key!("qty.unknown_unit")).replace("{input}", s),
        }
    }
}

impl Quantity {
    /// A quantity from thousandths of a unit; must be positive.
    pub fn from_milli(milli: i64) -> Result<Self, QuantityError> {
        if milli <= 0 {
            return Err(QuantityError::NotPositive(format_milli(milli)));
        }
        Ok(Self { milli })
    }

    pub fn milli(self) -> i64 {
        self.milli
    }

    /// Parses `2`, `1.5`, `1,5` or `0.250`; then checks it against the unit and the policy maximum.
    pub fn parse_for(input: &str, unit: Unit, max_units: i64) -> Result<Self, QuantityError> {
        let q: Quantity = input.parse()?;
        if unit.is_piece() && q.milli % MILLI_PER_UNIT != 0 {
            return Err(QuantityError::NotWhole {
                input: crate::i18n::echo(input.trim()),
                unit,
            });
        }
        if q.milli > max_units.saturating_mul(MILLI_PER_UNIT) {
            return Err(QuantityError::TooLarge {
                input: crate::i18n::echo(input.trim()),
                max_units,
                unit,
            });
        }
        Ok(q)
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let (negative, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let body = body.replace(',', ".");
        let (whole, frac) = body.split_once('.').unwrap_or((&body, ""));
        let digits_ok = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) {
            return Err(QuantityError::NotANumber(crate::i18n::echo(t)));
        }
        if frac.len() > 3 {
            return Err(QuantityError::TooManyDecimals(crate::i18n::echo(t)));
        }
        let too_large = || QuantityError::TooLarge {
            input: crate::i18n::echo(t),
            max_units: i64::MAX / MILLI_PER_UNIT,
            unit: Unit::Kg,
        };
        let whole_units: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let frac_milli: i64 = format!("{frac:0<3}")
            .parse()
            .map_err(|_| QuantityError::NotANumber(crate::i18n::echo(t)))?;
        let milli = whole_units
            .checked_mul(MILLI_PER_UNIT)
            .and_then(|m| m.checked_add(frac_milli))
            .ok_or_else(too_large)?;
        if negative || milli == 0 {
            return Err(QuantityError::NotPositive(t.to_owned()));
        }
        Ok(Self { milli })
    }
}

fn format_milli(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let whole = abs / 1000;
    let frac = abs % 1000;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{whole},{}", f.trim_end_matches('0'))
    }
}

impl fmt::Display for Quantity {
    /// Indonesian style: `1,5`, `2`, `0,25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_milli(self.milli))
    }
}

/// Line total = unit price × quantity, rounded half-up to whole rupiah.
///
/// This is the only place the rounding rule lives.
pub fn line_total(unit_price: Rupiah, quantity: Quantity) -> Result<Rupiah, MoneyError> {
    let exact_milli = i128::from(unit_price.as_i64())
        .checked_mul(i128::from(quantity.milli()))
        .ok_or(MoneyError::Overflow)?;
    // Both factors are non-negative, so adding half a unit then truncating rounds half-up.
    let rounded = exact_milli
        .checked_add(i128::from(MILLI_PER_UNIT / 2))
        .ok_or(MoneyError::Overflow)?
        .checked_div(i128::from(MILLI_PER_UNIT))
        .ok_or(MoneyError::Overflow)?;
    Rupiah::new(i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rp(v: i64) -> Rupiah {
        Rupiah::new(v).unwrap()
    }

    #[test]
    fn parses_quantities() {
        for (s, milli) in [
            ("2", 2000),
            ("1.5", 1500),
            ("1,5", 1500),
            ("0.250", 250),
            ("0,001", 1),
            (".5", 500),
            ("3.", 3000),
        ] {
            assert_eq!(s.parse::<Quantity>().unwrap().milli(), milli, "{s}");
        }
    }

    #[test]
    fn refuses_bad_quantities_naming_the_rule() {
        let cases: [(&str, Unit, QuantityError); 9] = [
            ("-1", Unit::Kg, QuantityError::NotPositive("-1".into())),
            ("0", Unit::Kg, QuantityError::NotPositive("0".into())),
            (
                "0,000",
                Unit::Kg,
                QuantityError::NotPositive("0,000".into()),
            ),
            ("abc", Unit::Kg, QuantityError::NotANumber("abc".into())),
            ("1e9", Unit::Kg, QuantityError::NotANumber("1e9".into())),
            ("", Unit::Kg, QuantityError::NotANumber(String::new())),
            (
                "1.2345",
                Unit::Kg,
                QuantityError::TooManyDecimals("1.2345".into()),
            ),
            (
                "1.5",
                Unit::Butir,
                QuantityError::NotWhole {
                    input: "1.5".into(),
                    unit: Unit::Butir,
                },
            ),
            (
                "1000000000",
                Unit::Kg,
                QuantityError::TooLarge {
                    input: "1000000000".into(),
                    max_units: 100,
                    unit: Unit::Kg,
                },
            ),
        ];
        for (s, unit, want) in cases {
            assert_eq!(Quantity::parse_for(s, unit, 100), Err(want), "{s}");
        }
        let huge = "99999999999999999999999";
        assert!(matches!(
            huge.parse::<Quantity>(),
            Err(QuantityError::TooLarge { .. })
        ));
        assert!(
            QuantityError::NotANumber("abc".into())
                .localize(Lang::Id)
                .contains("abc")
        );
    }

    #[test]
    fn line_total_rounds_half_up() {
        for (price, milli, want) in [
            (13_500, 2000, 27_000),
            (13_500, 1500, 20_250),
            (30_500, 250, 7625),
            (1, 500, 1),  // 0.5 rounds up
            (1, 499, 0),  // 0.499 rounds down
            (3, 1500, 5), // 4.5 rounds up
            (39_000, 1333, 51_987),
        ] {
            assert_eq!(
                line_total(rp(price), Quantity::from_milli(milli).unwrap()),
                Ok(rp(want)),
                "{price}x{milli}"
            );
        }
        assert_eq!(
            line_total(rp(i64::MAX), Quantity::from_milli(2000).unwrap()),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn displays_with_decimal_comma() {
        for (milli, s) in [(1500, "1,5"), (2000, "2"), (250, "0,25"), (1, "0,001")] {
            assert_eq!(Quantity::from_milli(milli).unwrap().to_string(), s);
        }
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(milli in 1i64..1_000_000_000) {
            let q = Quantity::from_milli(milli).unwrap();
            prop_assert_eq!(q.to_string().parse::<Quantity>(), Ok(q));
        }

        #[test]
        fn rounding_matches_exact_rational(price in 0i64..10_000_000, milli in 1i64..1_000_000) {
            let got = line_total(rp(price), Quantity::from_milli(milli).unwrap()).unwrap().as_i64();
            let exact = i128::from(price) * i128::from(milli);
            // got is the integer nearest to exact/1000, ties upward.
            let got_milli = i128::from(got) * 1000;
            prop_assert!(got_milli - exact <= 500 && exact - got_milli < 500);
        }

        #[test]
        fn line_total_is_monotonic(price in 0i64..10_000_000, a in 1i64..1_000_000, b in 1i64..1_000_000) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let t = |m| line_total(rp(price), Quantity::from_milli(m).unwrap()).unwrap();
            prop_assert!(t(lo) <= t(hi));
        }
    }
}
