//! KKS card numbers (Luhn), NIK (province code, birth date) and No. KK: parsed once, valid after.

use crate::key;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localize, tr};

/// Which identifier an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Card,
    Nik,
    Kk,
}

impl IdKind {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            IdKind::Card => tr(lang, key!("id.card")),
            IdKind::Nik => tr(lang, key!("id.nik")),
            IdKind::Kk => tr(lang, key!("id.kk")),
        }
    }
}

/// Why an identifier was refused; each variant names the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    NotSixteenDigits { kind: IdKind, input: String },
    Luhn { input: String },
    Province { code: String },
    Regency { code: String },
    BirthDate { ddmmyy: String },
    Serial,
}

crate::english_display!(IdError);

impl Localize for IdError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::NotSixteenDigits { kind, input } => tr(lang, key!("id.not_16"))
                .replace("{what}", kind.label(lang))
                .replace("{input}", &crate::i18n::echo(input))
                .replace("{len}", &input.chars().count().to_string()),
            Self::Luhn { input } => tr(lang, key!("id.luhn")).replace("{input}", input),
            Self::Province { code } => tr(lang, key!("id.nik_province")).replace("{code}", code),
            Self::Regency { code } => tr(lang, key!("id.nik_regency")).replace("{code}", code),
            Self::BirthDate { ddmmyy } => {
                tr(lang, key!("id.nik_birth")).replace("{ddmmyy}", ddmmyy)
            }
            Self::Serial => tr(lang, key!("id.nik_serial")).to_owned(),
        }
    }
}

fn sixteen_digits(kind: IdKind, input: &str) -> Result<String, IdError> {
    // Scanners and people add spaces or dashes between groups of four.
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .collect();
    if cleaned.len() == 16 && cleaned.chars().all(|c| c.is_ascii_digit()) {
        Ok(cleaned)
    } else {
        // Kept whole: its length is part of the message; the message echoes only its start.
        Err(IdError::NotSixteenDigits {
            kind,
            input: input.trim().to_owned(),
        })
    }
}

/// The Luhn (mod 10) check used on bank card numbers.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c.wrapping_sub(b'0'));
        if d > 9 {
            return false;
        }
        if i % 2 == 1 {
            d = d.saturating_mul(2);
            if d > 9 {
                d = d.saturating_sub(9);
            }
        }
        sum = sum.saturating_add(d);
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

macro_rules! id_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                s.parse()
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

/// A KKS card number: 16 digits passing the Luhn check. The key of a KPM.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);
id_newtype!(CardNumber);

impl FromStr for CardNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let d = sixteen_digits(IdKind::Card, s)?;
        if !luhn_valid(&d) {
            return Err(IdError::Luhn {
                input: crate::i18n::echo(&d),
            });
        }
        Ok(Self(d))
    }
}

impl CardNumber {
    /// `6032 98•• •••• 0010`: enough to recognise a card on a receipt or screen.
    pub fn masked(&self) -> String {
        let s = &self.0;
        format!(
            "{} {}•• •••• {}",
            s.get(0..4).unwrap_or(""),
            s.get(4..6).unwrap_or(""),
            s.get(12..16).unwrap_or("")
        )
    }
}

/// Province codes (kode wilayah, Kemendagri), including the 2022 Papua provinces.
const PROVINCE_CODES: [u8; 38] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A NIK: 16 digits = province, regency, district, DDMMYY (day + 40 for women), serial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nik(String);
id_newtype!(Nik);

fn two(s: &str, at: usize) -> u32 {
    s.get(at..at.saturating_add(2))
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

impl FromStr for Nik {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let d = sixteen_digits(IdKind::Nik, s)?;
        let province = two(&d, 0);
        if !PROVINCE_CODES.iter().any(|p| u32::from(*p) == province) {
            return Err(IdError::Province {
                code: format!("{province:02}"),
            });
        }
        if two(&d, 2) == 0 {
            return Err(IdError::Regency {
                code: d.get(0..4).unwrap_or_default().to_owned(),
            });
        }
        let raw_day = two(&d, 6);
        let day = if raw_day > 40 {
            raw_day.saturating_sub(40)
        } else {
            raw_day
        };
        let month = two(&d, 8);
        let yy = i32::try_from(two(&d, 10)).unwrap_or(0);
        // The century is not in the NIK: accept the date if it exists in either.
        let exists = [1900i32, 2000]
            .into_iter()
            .any(|c| NaiveDate::from_ymd_opt(c.saturating_add(yy), month, day).is_some());
        if !exists || day == 0 {
            return Err(IdError::BirthDate {
                ddmmyy: d.get(6..12).unwrap_or_default().to_owned(),
            });
        }
        if d.get(12..16) == Some("0000") {
            return Err(IdError::Serial);
        }
        Ok(Self(d))
    }
}

impl Nik {
    /// True when the day field carries the +40 used for women.
    pub fn is_female(&self) -> bool {
        two(&self.0, 6) > 40
    }
}

/// A family card number (No. KK): 16 digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KkNumber(String);
id_newtype!(KkNumber);

impl FromStr for KkNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        sixteen_digits(IdKind::Kk, s).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers() {
        for ok in [
            "6032980000000010",
            "6032 9800 0000 0010",
            "4111111111111111",
        ] {
            assert!(ok.parse::<CardNumber>().is_ok(), "{ok}");
        }
        for (bad, want) in [
            (
                "6032980000000011",
                IdError::Luhn {
                    input: "6032980000000011".into(),
                },
            ),
            (
                "123",
                IdError::NotSixteenDigits {
                    kind: IdKind::Card,
                    input: "123".into(),
                },
            ),
            (
                "abcdefghijklmnop",
                IdError::NotSixteenDigits {
                    kind: IdKind::Card,
                    input: "abcdefghijklmnop".into(),
                },
            ),
            (
                "60329800000000100",
                IdError::NotSixteenDigits {
                    kind: IdKind::Card,
                    input: "60329800000000100".into(),
                },
            ),
            (
                "",
                IdError::NotSixteenDigits {
                    kind: IdKind::Card,
                    input: String::new(),
                },
            ),
        ] {
            assert_eq!(bad.parse::<CardNumber>(), Err(want), "{bad}");
        }
        assert_eq!(
            "6032980000000010".parse::<CardNumber>().unwrap().masked(),
            "6032 98•• •••• 0010"
        );
    }

    #[test]
    fn luhn_reference_values() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("12a4"));
    }

    #[test]
    fn nik_checks_each_part() {
        // man born 25 Dec 1980; woman born 25 Dec 1980 (day + 40)
        let man: Nik = "5302032512800001".parse().unwrap();
        let woman: Nik = "5302036512800001".parse().unwrap();
        assert!(!man.is_female() && woman.is_female());
        assert!(
            "9402032902000001".parse::<Nik>().is_ok(),
            "29 Feb 2000 exists"
        );
        for (bad, want) in [
            ("9902032512800001", IdError::Province { code: "99".into() }),
            ("2002032512800001", IdError::Province { code: "20".into() }),
            (
                "5300032512800001",
                IdError::Regency {
                    code: "5300".into(),
                },
            ),
            (
                "5302033212800001",
                IdError::BirthDate {
                    ddmmyy: "321280".into(),
                },
            ),
            (
                "5302037212800001",
                IdError::BirthDate {
                    ddmmyy: "721280".into(),
                },
            ),
            (
                "5302032513800001",
                IdError::BirthDate {
                    ddmmyy: "251380".into(),
                },
            ),
            (
                "5302030012800001",
                IdError::BirthDate {
                    ddmmyy: "001280".into(),
                },
            ),
            (
                "5302033002800001",
                IdError::BirthDate {
                    ddmmyy: "300280".into(),
                },
            ),
            ("5302032512800000", IdError::Serial),
            (
                "53020325128000",
                IdError::NotSixteenDigits {
                    kind: IdKind::Nik,
                    input: "53020325128000".into(),
                },
            ),
        ] {
            assert_eq!(bad.parse::<Nik>(), Err(want), "{bad}");
        }
        let msg = IdError::Province { code: "99".into() }.localize(Lang::Id);
        assert!(msg.contains("provinsi") && msg.contains("99"), "{msg}");
    }

    #[test]
    fn kk_numbers() {
        assert!("5302031103137343".parse::<KkNumber>().is_ok());
        assert_eq!(
            "12".parse::<KkNumber>(),
            Err(IdError::NotSixteenDigits {
                kind: IdKind::Kk,
                input: "12".into()
            })
        );
    }
}
