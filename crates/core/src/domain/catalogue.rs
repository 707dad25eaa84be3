//! The product catalogue: slug ids, EAN-13 barcodes, units, food group or forbidden category, reference prices.

use crate::key;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::money::Rupiah;
use super::policy::{Policy, is_slug};
use super::quantity::Unit;
use crate::i18n::{Lang, Localize, tr};

/// A 13-digit EAN barcode with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ean13(String);

impl Ean13 {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Ean13 {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, CatalogueError> {
        let t = s.trim();
        let bad = || CatalogueError::Barcode(t.to_owned());
        if t.len() != 13 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let sum: u32 = t
            .bytes()
            .take(12)
            .enumerate()
            .map(|(i, b)| {
                u32::from(b.saturating_sub(b'0')).saturating_mul(if i % 2 == 1 { 3 } else { 1 })
            })
            .sum();
        let check = 10u32.saturating_sub(sum % 10) % 10;
        if t.as_bytes()
            .get(12)
            .map(|b| u32::from(b.saturating_sub(b'0')))
            != Some(check)
        {
            return Err(bad());
        }
        Ok(Self(t.to_owned()))
    }
}

impl TryFrom<String> for Ean13 {
    type Error = CatalogueError;
    fn try_from(s: String) -> Result<Self, CatalogueError> {
        s.parse()
    }
}

impl From<Ean13> for String {
    fn from(e: Ean13) -> String {
        e.0
    }
}

impl fmt::Display for Ean13 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a product stands in the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductClass {
    /// Allowed: belongs to this food group.
    Group(String),
    /// Never against the balance: this forbidden category.
    Forbidden(String),
}

/// One product the shop sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub barcode: Option<Ean13>,
    pub name: String,
    pub unit: Unit,
    pub class: ProductClass,
    pub reference_price: Rupiah,
}

/// Why a catalogue entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    Barcode(String),
    Id(String),
    EmptyName(String),
    UnknownGroup { product: String, group: String },
    UnknownForbidden { product: String, category: String },
    NeedsOneClass(String),
    ZeroPrice(String),
    Duplicate(String),
}

crate::english_display!(CatalogueError);

impl Localize for CatalogueError {
    fn localize(&self, lang: Lang) -> String {
        let (key, a, b) = match self {
            Self::Barcode(s) => (key!("cat.barcode"), s.as_str(), ""),
            Self::Id(s) => (key!("cat.id"), s.as_str(), ""),
            Self::EmptyName(s) => (key!("cat.empty_name"), s.as_str(), ""),
            Self::UnknownGroup { product, group } => {
                (key!("cat.unknown_group"), product.as_str(), group.as_str())
            }
            Self::UnknownForbidden { product, category } => (
                key!("cat.unknown_forbidden"),
                product.as_str(),
                category.as_str(),
            ),
            Self::NeedsOneClass(s) => (key!("cat.one_class"), s.as_str(), ""),
            Self::ZeroPrice(s) => (key!("cat.zero_price"), s.as_str(), ""),
            Self::Duplicate(s) => (key!("cat.duplicate"), s.as_str(), ""),
        };
        tr(lang, key).replace("{a}", a).replace("{b}", b)
    }
}

impl Product {
    /// Checks one product on its own and against the policy in force.
    pub fn validate(&self, policy: &Policy) -> Result<(), CatalogueError> {
        if !is_slug(&self.id) {
            return Err(CatalogueError::Id(self.id.clone()));
        }
        if self.name.trim().is_empty() {
            return Err(CatalogueError::EmptyName(self.id.clone()));
        }
        if self.reference_price == Rupiah::ZERO {
            return Err(CatalogueError::ZeroPrice(self.id.clone()));
        }
        match &self.class {
            ProductClass::Group(g) if policy.group(g).is_none() => {
                Err(CatalogueError::UnknownGroup {
                    product: self.id.clone(),
                    group: g.clone(),
                })
            }
            ProductClass::Forbidden(f) if policy.forbidden_category(f).is_none() => {
                Err(CatalogueError::UnknownForbidden {
                    product: self.id.clone(),
                    category: f.clone(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// The products in force, indexed by id and barcode.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    products: Vec<Product>,
    by_key: HashMap<String, usize>,
}

impl Catalogue {
    /// Builds a catalogue; ids and barcodes must be unique.
    pub fn new(products: Vec<Product>) -> Result<Self, CatalogueError> {
        let mut by_key = HashMap::with_capacity(products.len().saturating_mul(2));
        for (i, p) in products.iter().enumerate() {
            if by_key.insert(p.id.clone(), i).is_some() {
                return Err(CatalogueError::Duplicate(p.id.clone()));
            }
            if let Some(b) = &p.barcode
                && by_key.insert(b.0.clone(), i).is_some()
            {
                return Err(CatalogueError::Duplicate(b.0.clone()));
            }
        }
        Ok(Self { products, by_key })
    }

    /// Finds a product by its id or by a scanned barcode.
    pub fn find(&self, id_or_barcode: &str) -> Option<&Product> {
        self.by_key
            .get(id_or_barcode.trim())
            .and_then(|i| self.products.get(*i))
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_check_digit() {
        assert!("8991001000019".parse::<Ean13>().is_ok());
        assert!("4006381333931".parse::<Ean13>().is_ok());
        for bad in [
            "8991001000018",
            "899100100001",
            "89910010000190",
            "899100100001a",
        ] {
            assert_eq!(
                bad.parse::<Ean13>(),
                Err(CatalogueError::Barcode(bad.into())),
                "{bad}"
            );
        }
    }

    fn product(id: &str, class: ProductClass) -> Product {
        Product {
            id: id.into(),
            barcode: None,
            name: "Beras".into(),
            unit: Unit::Kg,
            class,
            reference_price: Rupiah::new(13_500).unwrap(),
        }
    }

    #[test]
    fn products_are_checked_against_the_policy() {
        let policy = Policy::default_sembako().unwrap();
        assert!(
            product("beras", ProductClass::Group("karbohidrat".into()))
                .validate(&policy)
                .is_ok()
        );
        assert_eq!(
            product("beras", ProductClass::Group("jajanan".into())).validate(&policy),
            Err(CatalogueError::UnknownGroup {
                product: "beras".into(),
                group: "jajanan".into()
            })
        );
        assert_eq!(
            product("x", ProductClass::Forbidden("narkoba".into())).validate(&policy),
            Err(CatalogueError::UnknownForbidden {
                product: "x".into(),
                category: "narkoba".into()
            })
        );
        assert_eq!(
            product("Beras Medium", ProductClass::Group("karbohidrat".into())).validate(&policy),
            Err(CatalogueError::Id("Beras Medium".into()))
        );
        let mut free = product("beras", ProductClass::Group("karbohidrat".into()));
        free.reference_price = Rupiah::ZERO;
        assert_eq!(
            free.validate(&policy),
            Err(CatalogueError::ZeroPrice("beras".into()))
        );
    }

    #[test]
    fn lookup_by_id_or_barcode_and_no_duplicates() {
        let mut a = product("beras", ProductClass::Group("karbohidrat".into()));
        a.barcode = Some("8991001000019".parse().unwrap());
        let c = Catalogue::new(vec![
            a.clone(),
            product("tempe", ProductClass::Group("protein-nabati".into())),
        ])
        .unwrap();
        assert_eq!(c.find("beras").map(|p| p.id.as_str()), Some("beras"));
        assert_eq!(
            c.find("8991001000019").map(|p| p.id.as_str()),
            Some("beras")
        );
        assert!(c.find("sapi").is_none());
        assert_eq!(
            Catalogue::new(vec![a.clone(), a]).unwrap_err(),
            CatalogueError::Duplicate("beras".into())
        );
    }
}
