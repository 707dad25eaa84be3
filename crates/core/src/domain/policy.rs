//! Programme policy as data: food groups, forbidden categories with reasons, period amount, carry-over, tolerances.

use crate::key;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::{MoneyError, Rupiah};
use crate::i18n::{Lang, Localize, TextKey, tr};

/// The Program Sembako 2020 policy shipped as the default.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../../../assets/policy-sembako-2020.toml");

/// How the balance is granted over time. Only calendar months exist today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    CalendarMonth,
}

/// An allowed food group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoodGroup {
    pub id: String,
    pub name_id: String,
    pub name_en: String,
}

impl FoodGroup {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.name_id,
            Lang::En => &self.name_en,
        }
    }
}

/// A category that may never be bought with the balance, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbiddenCategory {
    pub id: String,
    pub name_id: String,
    pub reason_id: String,
    pub reason_en: String,
}

impl ForbiddenCategory {
    pub fn reason(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.reason_id,
            Lang::En => &self.reason_en,
        }
    }
}

/// The rules of one programme. Everything a terminal enforces comes from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub period: PeriodKind,
    pub amount_per_period_rupiah: Rupiah,
    pub carry_over: bool,
    pub price_tolerance_basis_points: u32,
    pub max_quantity_per_line: i64,
    pub max_pin_attempts: u32,
    /// The most a KPM may spend per period at an e-warong that is not their home (the roster's
    /// `home`), while that terminal cannot know what the home terminal sold. 0: visitors are
    /// not served. Absent in older policies, which means 0.
    #[serde(default)]
    pub visitor_cap_per_period_rupiah: Rupiah,
    pub food_group: Vec<FoodGroup>,
    pub forbidden: Vec<ForbiddenCategory>,
}

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    Syntax(String),
    Invalid { field: &'static str, rule: TextKey },
    DuplicateId(String),
}

crate::english_display!(PolicyError);

impl Localize for PolicyError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Syntax(s) => tr(lang, key!("policy.syntax")).replace("{detail}", s),
            Self::Invalid { field, rule } => tr(lang, key!("policy.invalid"))
                .replace("{field}", field)
                .replace("{rule}", tr(lang, *rule)),
            Self::DuplicateId(id) => tr(lang, key!("policy.duplicate")).replace("{id}", id),
        }
    }
}

/// A parse error with the key it is at (`.` is the document itself).
fn keyed(path: &str, message: &str) -> String {
    if path == "." || path.is_empty() {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

/// The largest amount a policy may give one KPM per period: Rp 1 trillion, so a year of
/// carried-over balances and every sum over a district stays far inside `i64`.
pub const MAX_AMOUNT_PER_PERIOD: i64 = 1_000_000_000_000;

/// Lower-case ASCII letters, digits and single dashes: `beras-medium`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

impl Policy {
    /// The shipped Program Sembako 2020 policy.
    pub fn default_sembako() -> Result<Self, PolicyError> {
        Self::from_toml(DEFAULT_POLICY_TOML)
    }

    /// Reads a TOML policy; a value of the wrong type or range names its key.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let de = toml::Deserializer::parse(text)
            .map_err(|e| PolicyError::Syntax(crate::i18n::echo(e.message())))?;
        let p: Policy = serde_path_to_error::deserialize(de)
            .map_err(|e| PolicyError::Syntax(keyed(&e.path().to_string(), e.inner().message())))?;
        p.validate()?;
        Ok(p)
    }

    /// Reads a JSON policy; a value of the wrong type or range names its key.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let p: Policy = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            PolicyError::Syntax(keyed(&e.path().to_string(), &e.inner().to_string()))
        })?;
        p.validate()?;
        Ok(p)
    }

    pub fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |field, rule| Err(PolicyError::Invalid { field, rule });
        if !is_slug(&self.id) {
            return invalid("id", key!("rule.slug"));
        }
        if self.name.trim().is_empty() {
            return invalid("name", key!("rule.not_empty"));
        }
        if self.amount_per_period_rupiah == Rupiah::ZERO {
            return invalid("amount_per_period_rupiah", key!("rule.positive"));
        }
        if self.amount_per_period_rupiah.as_i64() > MAX_AMOUNT_PER_PERIOD {
            return invalid("amount_per_period_rupiah", key!("rule.amount_max"));
        }
        if self.max_quantity_per_line <= 0 {
            return invalid("max_quantity_per_line", key!("rule.positive"));
        }
        if self.max_pin_attempts == 0 {
            return invalid("max_pin_attempts", key!("rule.positive"));
        }
        if self.visitor_cap_per_period_rupiah > self.amount_per_period_rupiah {
            return invalid("visitor_cap_per_period_rupiah", key!("rule.at_most_amount"));
        }
        if self.food_group.is_empty() {
            return invalid("food_group", key!("rule.not_empty"));
        }
        let mut seen = BTreeSet::new();
        for g in &self.food_group {
            if !is_slug(&g.id) {
                return invalid("food_group.id", key!("rule.slug"));
            }
            if g.name_id.trim().is_empty() || g.name_en.trim().is_empty() {
                return invalid("food_group.name", key!("rule.not_empty"));
            }
            if !seen.insert(g.id.as_str()) {
                return Err(PolicyError::DuplicateId(g.id.clone()));
            }
        }
        for f in &self.forbidden {
            if !is_slug(&f.id) {
                return invalid("forbidden.id", key!("rule.slug"));
            }
            if f.reason_id.trim().is_empty() || f.reason_en.trim().is_empty() {
                return invalid("forbidden.reason", key!("rule.not_empty"));
            }
            if !seen.insert(f.id.as_str()) {
                return Err(PolicyError::DuplicateId(f.id.clone()));
            }
        }
        Ok(())
    }

    pub fn group(&self, id: &str) -> Option<&FoodGroup> {
        self.food_group.iter().find(|g| g.id == id)
    }

    pub fn forbidden_category(&self, id: &str) -> Option<&ForbiddenCategory> {
        self.forbidden.iter().find(|f| f.id == id)
    }

    /// The highest price accepted without an override: reference × (1 + tolerance), rounded down.
    pub fn max_price_without_override(&self, reference: Rupiah) -> Result<Rupiah, MoneyError> {
        let scaled = i128::from(reference.as_i64())
            .checked_mul(i128::from(self.price_tolerance_basis_points).saturating_add(10_000))
            .ok_or(MoneyError::Overflow)?
            / 10_000;
        Rupiah::new(i64::try_from(scaled).map_err(|_| MoneyError::Overflow)?)
    }
}

/// A calendar month, the programme's period: `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=9999).contains(&year)).then_some(Self { year, month })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year.saturating_sub(1),
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month.saturating_sub(1),
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A string that is not a `YYYY-MM` period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PeriodError(pub String);

crate::english_display!(PeriodError);

impl Localize for PeriodError {
    fn localize(&self, lang: Lang) -> String {
        tr(lang, key!("period.invalid")).replace("{input}", &self.0)
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, PeriodError> {
        let err = || PeriodError(crate::i18n::echo(s));
        let (y, m) = s.trim().split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        Period::new(y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?).ok_or_else(err)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(s: String) -> Result<Self, PeriodError> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_out_of_range_are_refused_naming_the_key() {
        let json = serde_json::to_value(Policy::default_sembako().unwrap()).unwrap();
        let with = |key: &str, value: &str| {
            let mut text = json.to_string();
            let old = format!("\"{key}\":{}", json[key]);
            text = text.replace(&old, &format!("\"{key}\":{value}"));
            Policy::from_json(&text)
        };
        let e = with("amount_per_period_rupiah", "9223372036854775807").unwrap_err();
        assert_eq!(
            e,
            PolicyError::Invalid {
                field: "amount_per_period_rupiah",
                rule: key!("rule.amount_max")
            }
        );
        for (key, value) in [
            ("amount_per_period_rupiah", "1e30"),
            ("visitor_cap_per_period_rupiah", "-5"),
            ("max_pin_attempts", "\"three\""),
        ] {
            let e = with(key, value).unwrap_err();
            for lang in [Lang::Id, Lang::En] {
                let words = e.localize(lang);
                assert!(words.contains(key), "{key}={value}: {words}");
            }
        }
        // The same in TOML.
        let toml_text = DEFAULT_POLICY_TOML.replace(
            "amount_per_period_rupiah = 200000",
            "amount_per_period_rupiah = 1e30",
        );
        assert_ne!(toml_text, DEFAULT_POLICY_TOML);
        let e = Policy::from_toml(&toml_text).unwrap_err();
        assert!(
            e.localize(Lang::En).contains("amount_per_period_rupiah"),
            "{e:?}"
        );
    }

    #[test]
    fn default_policy_is_program_sembako_2020() {
        let p = Policy::default_sembako().unwrap();
        assert_eq!(p.amount_per_period_rupiah, Rupiah::new(200_000).unwrap());
        assert!(p.carry_over);
        let groups: Vec<_> = p.food_group.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(
            groups,
            [
                "karbohidrat",
                "protein-hewani",
                "protein-nabati",
                "vitamin-mineral"
            ]
        );
        for f in [
            "minyak-goreng",
            "tepung-terigu",
            "gula-pasir",
            "mp-asi-pabrikan",
            "mie-instan",
            "pulsa",
            "rokok",
            "lainnya",
        ] {
            assert!(p.forbidden_category(f).is_some(), "{f}");
        }
        assert_eq!(
            p.forbidden_category("minyak-goreng")
                .unwrap()
                .reason(Lang::Id),
            "Minyak goreng tidak termasuk bahan pangan Program Sembako"
        );
    }

    #[test]
    fn policy_round_trips_through_json() {
        let p = Policy::default_sembako().unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
    }

    #[test]
    fn bad_policies_name_the_field() {
        let base = Policy::default_sembako().unwrap();
        let mut zero = base.clone();
        zero.amount_per_period_rupiah = Rupiah::ZERO;
        assert_eq!(
            zero.validate(),
            Err(PolicyError::Invalid {
                field: "amount_per_period_rupiah",
                rule: key!("rule.positive")
            })
        );
        let mut dup = base.clone();
        dup.forbidden[0].id = "karbohidrat".into();
        assert_eq!(
            dup.validate(),
            Err(PolicyError::DuplicateId("karbohidrat".into()))
        );
        let mut slug = base.clone();
        slug.food_group[0].id = "Karbo Hidrat".into();
        assert_eq!(
            slug.validate(),
            Err(PolicyError::Invalid {
                field: "food_group.id",
                rule: key!("rule.slug")
            })
        );
        let mut cap = base.clone();
        cap.visitor_cap_per_period_rupiah = Rupiah::new(200_001).unwrap();
        assert_eq!(
            cap.validate(),
            Err(PolicyError::Invalid {
                field: "visitor_cap_per_period_rupiah",
                rule: key!("rule.at_most_amount")
            })
        );
        let text = cap.validate().unwrap_err().localize(Lang::Id);
        assert!(
            text.contains("visitor_cap_per_period_rupiah") && text.contains("tidak boleh lebih"),
            "{text}"
        );
        let negative = DEFAULT_POLICY_TOML.replace(
            "amount_per_period_rupiah = 200000",
            "amount_per_period_rupiah = -5",
        );
        assert!(matches!(
            Policy::from_toml(&negative),
            Err(PolicyError::Syntax(_))
        ));
        let msg = zero.validate().unwrap_err().localize(Lang::Id);
        assert!(msg.contains("amount_per_period_rupiah"), "{msg}");
    }

    #[test]
    fn tolerance_is_data() {
        let mut p = Policy::default_sembako().unwrap();
        let r = Rupiah::new(10_000).unwrap();
        assert_eq!(
            p.max_price_without_override(r),
            Ok(Rupiah::new(11_000).unwrap())
        );
        p.price_tolerance_basis_points = 0;
        assert_eq!(p.max_price_without_override(r), Ok(r));
    }

    #[test]
    fn periods() {
        let p: Period = "2026-01".parse().unwrap();
        assert_eq!(p.previous().to_string(), "2025-12");
        assert!(p.previous() < p);
        for bad in ["2026-13", "2026-00", "26-01", "2026/01", "abcd-ef", ""] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs() {
        for ok in ["beras-medium", "a", "ikan-2"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "Beras", "beras medium", "béras"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
