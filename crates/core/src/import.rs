//! Parsing policy, catalogue and roster files (CSV or JSON) into domain values; a bad row is named by its line.
//!
//! Nothing here touches the ledger: a file is parsed whole first, so a bad row means nothing is imported.

use crate::key;
use std::collections::{BTreeMap, HashMap};
use std::thread;

use serde_json::value::RawValue;

use crate::domain::{
    CardNumber, CatalogueError, Ean13, Entitlement, IdError, KkNumber, Kpm, MoneyError, Nik, Pin,
    PinError, PinVerifier, Policy, PolicyError, Product, ProductClass, QuantityError, Rupiah, Unit,
};
use crate::i18n::{Lang, Localize, tr, trf};

/// Why one row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    Missing(&'static str),
    Id(&'static str, IdError),
    Money(&'static str, MoneyError),
    Unit(QuantityError),
    Catalogue(CatalogueError),
    Pin(&'static str, PinError),
    PinBoth,
    Home(String),
    Entitlement(String),
    DuplicateCard { card: String, first: usize },
    Syntax(String),
}

impl Localize for RowError {
    fn localize(&self, lang: Lang) -> String {
        let column = |c: &str, detail: String| {
            trf(
                lang,
                key!("import.column"),
                &[("column", &c), ("detail", &detail)],
            )
        };
        match self {
            Self::Missing(c) => column(c, tr(lang, key!("import.missing")).to_owned()),
            Self::Id(c, e) => column(c, e.localize(lang)),
            Self::Money(c, e) => column(c, e.localize(lang)),
            Self::Unit(e) => column("unit", e.localize(lang)),
            Self::Catalogue(e) => e.localize(lang),
            Self::Pin(c, e) => column(c, e.localize(lang)),
            Self::PinBoth => tr(lang, key!("import.pin_both")).to_owned(),
            Self::Home(s) => trf(lang, key!("import.home"), &[("input", s)]),
            Self::Entitlement(s) => trf(lang, key!("import.entitlement"), &[("input", s)]),
            Self::DuplicateCard { card, first } => trf(
                lang,
                key!("import.duplicate_card"),
                &[("card", card), ("first", first)],
            ),
            Self::Syntax(s) => s.clone(),
        }
    }
}

/// Why a file was refused. Nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    Row {
        file: String,
        line: usize,
        error: RowError,
    },
    Format {
        file: String,
    },
    Empty {
        file: String,
    },
    Policy {
        file: String,
        error: PolicyError,
    },
}

crate::english_display!(ImportError);

impl Localize for ImportError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Row { file, line, error } => trf(
                lang,
                key!("import.line"),
                &[
                    ("file", file),
                    ("line", line),
                    ("detail", &error.localize(lang)),
                ],
            ),
            Self::Format { file } => trf(lang, key!("import.format"), &[("file", file)]),
            Self::Empty { file } => format!("{file}: {}", tr(lang, key!("import.empty"))),
            Self::Policy { file, error } => format!("{file}: {}", error.localize(lang)),
        }
    }
}

/// The file formats accepted, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Toml,
}

impl Format {
    pub fn of(file_name: &str) -> Option<Self> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Self::Csv)
        } else if lower.ends_with(".json") {
            Some(Self::Json)
        } else if lower.ends_with(".toml") {
            Some(Self::Toml)
        } else {
            None
        }
    }
}

/// One data row: its line in the file and its non-empty fields.
#[derive(Debug, Clone, Default)]
struct Record {
    line: usize,
    fields: HashMap<String, String>,
}

impl Record {
    fn get(&self, column: &str) -> Option<&str> {
        self.fields
            .get(column)
            .map(String::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn require(&self, column: &'static str) -> Result<&str, RowError> {
        self.get(column).ok_or(RowError::Missing(column))
    }
}

fn records(file: &str, text: &str) -> Result<Vec<Record>, ImportError> {
    let format = Format::of(file).ok_or_else(|| ImportError::Format {
        file: file.to_owned(),
    })?;
    let row_err = |line, msg: String| ImportError::Row {
        file: file.to_owned(),
        line,
        error: RowError::Syntax(msg),
    };
    let out = match format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes());
            let headers = reader
                .headers()
                .map_err(|e| row_err(1, e.to_string()))?
                .clone();
            let mut out = Vec::new();
            for rec in reader.records() {
                let rec = rec.map_err(|e| {
                    let line = e
                        .position()
                        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                    row_err(line, e.to_string())
                })?;
                let line = rec
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                let fields = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_owned(), v.to_owned()))
                    .collect();
                out.push(Record { line, fields });
            }
            out
        }
        Format::Json => {
            let items: Vec<&RawValue> =
                serde_json::from_str(text).map_err(|e| row_err(e.line(), e.to_string()))?;
            let mut out = Vec::with_capacity(items.len());
            for raw in items {
                // The raw value borrows from `text`, so its offset gives the row's line.
                let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
                let line = text
                    .get(..offset)
                    .map_or(0, |t| t.matches('\n').count())
                    .saturating_add(1);
                let obj: BTreeMap<String, serde_json::Value> =
                    serde_json::from_str(raw.get()).map_err(|e| row_err(line, e.to_string()))?;
                let mut fields = HashMap::new();
                for (k, v) in obj {
                    let s = match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Array(items) if k == "entitlements" => items
                            .iter()
                            .map(|e| {
                                format!(
                                    "{}={}",
                                    json_text(&e["period"]),
                                    json_text(&e["amount_rupiah"])
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(";"),
                        other => other.to_string(),
                    };
                    fields.insert(k, s);
                }
                out.push(Record { line, fields });
            }
            out
        }
        Format::Toml => {
            return Err(ImportError::Format {
                file: file.to_owned(),
            });
        }
    };
    if out.is_empty() {
        return Err(ImportError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(out)
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Why a prices file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("{at}: {field} {rule}")]
    Row {
        at: String,
        field: &'static str,
        rule: &'static str,
    },
    #[error("{0}")]
    Csv(String),
    #[error("{0}: no rows")]
    Empty(String),
    #[error("product_id {0} is not in the catalogue in force")]
    Unknown(String),
}

/// A reference price change: product id and new reference price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub product_id: String,
    pub price: crate::domain::Rupiah,
}

/// Parses a prices file: CSV with `product_id,reference_price_rupiah`.
pub fn parse_prices(file: &str, text: &str) -> Result<Vec<PriceRow>, PriceError> {
    let mut rows = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for (i, rec) in reader.records().enumerate() {
        let line = i.saturating_add(2);
        let rec = rec.map_err(|e| PriceError::Csv(format!("{file}:{line}: {e}")))?;
        let id = rec.get(0).unwrap_or("").to_owned();
        if id.is_empty() {
            return Err(PriceError::Row {
                at: format!("{file}:{line}"),
                field: "product_id",
                rule: "is required",
            });
        }
        let price = rec
            .get(1)
            .and_then(|p| p.parse::<i64>().ok())
            .and_then(|p| crate::domain::Rupiah::new(p).ok())
            .filter(|p| p.as_i64() > 0)
            .ok_or_else(|| PriceError::Row {
                at: format!("{file}:{line}"),
                field: "reference_price_rupiah",
                rule: "must be a whole number of rupiah above 0",
            })?;
        rows.push(PriceRow {
            product_id: id,
            price,
        });
    }
    if rows.is_empty() {
        return Err(PriceError::Empty(file.to_owned()));
    }
    Ok(rows)
}

/// Applies price rows to a catalogue; every product must exist in it.
pub fn apply_prices(
    catalogue: &crate::domain::Catalogue,
    prices: &[PriceRow],
) -> Result<Vec<crate::domain::Product>, PriceError> {
    let mut products = catalogue.products().to_vec();
    for row in prices {
        let p = products
            .iter_mut()
            .find(|p| p.id == row.product_id)
            .ok_or_else(|| PriceError::Unknown(row.product_id.clone()))?;
        p.reference_price = row.price;
    }
    Ok(products)
}

/// Parses a policy file (TOML or JSON).
pub fn parse_policy(file: &str, text: &str) -> Result<Policy, ImportError> {
    let policy = match Format::of(file) {
        Some(Format::Toml) => Policy::from_toml(text),
        Some(Format::Json) => Policy::from_json(text),
        _ => {
            return Err(ImportError::Format {
                file: file.to_owned(),
            });
        }
    };
    policy.map_err(|error| ImportError::Policy {
        file: file.to_owned(),
        error,
    })
}

fn product_row(r: &Record, policy: &Policy) -> Result<Product, RowError> {
    let id = r.require("id")?.to_owned();
    let barcode = r
        .get("barcode")
        .map(str::parse::<Ean13>)
        .transpose()
        .map_err(RowError::Catalogue)?;
    let name = r.require("name")?.to_owned();
    let unit: Unit = r.require("unit")?.parse().map_err(RowError::Unit)?;
    let class = match (r.get("group"), r.get("forbidden")) {
        (Some(g), None) => ProductClass::Group(g.to_owned()),
        (None, Some(f)) => ProductClass::Forbidden(f.to_owned()),
        _ => return Err(RowError::Catalogue(CatalogueError::NeedsOneClass(id))),
    };
    let price = r.require("reference_price_rupiah")?;
    let reference_price: Rupiah = price
        .parse()
        .map_err(|e| RowError::Money("reference_price_rupiah", e))?;
    let product = Product {
        id,
        barcode,
        name,
        unit,
        class,
        reference_price,
    };
    product.validate(policy).map_err(RowError::Catalogue)?;
    Ok(product)
}

/// Parses a catalogue file (CSV or JSON) and checks every product against the policy.
pub fn parse_catalogue(
    file: &str,
    text: &str,
    policy: &Policy,
) -> Result<Vec<Product>, ImportError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut products = Vec::new();
    for r in records(file, text)? {
        let err = |error| ImportError::Row {
            file: file.to_owned(),
            line: r.line,
            error,
        };
        let p = product_row(&r, policy).map_err(err)?;
        for key in
            std::iter::once(p.id.clone()).chain(p.barcode.as_ref().map(|b| b.as_str().to_owned()))
        {
            if seen.insert(key.clone(), r.line).is_some() {
                return Err(err(RowError::Catalogue(CatalogueError::Duplicate(key))));
            }
        }
        products.push(p);
    }
    Ok(products)
}

/// How a roster row proves its PIN: a plain PIN (hashed on import, never stored) or a verifier.
#[derive(Debug, Clone)]
enum PinSource {
    Plain(Pin),
    Verifier(PinVerifier),
    /// A plain PIN and the verifier published before for the same card: kept if it verifies.
    Reuse(Pin, PinVerifier),
}

fn entitlements(s: &str) -> Result<Vec<Entitlement>, RowError> {
    let bad = || RowError::Entitlement(crate::i18n::echo(s));
    let mut out: Vec<Entitlement> = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (period, amount) = part.split_once('=').ok_or_else(bad)?;
        let period = period.parse().map_err(|_| bad())?;
        let amount = amount
            .parse::<Rupiah>()
            .map_err(|e| RowError::Money("entitlements", e))?;
        if out.iter().any(|e| e.period == period) {
            return Err(bad());
        }
        out.push(Entitlement { period, amount });
    }
    out.sort_by_key(|e| e.period);
    Ok(out)
}

/// Parses a roster file (CSV or JSON). Plain PINs are hashed with argon2id on all cores.
pub fn parse_roster(file: &str, text: &str) -> Result<Vec<Kpm>, ImportError> {
    parse_roster_reusing(file, text, &HashMap::new())
}

/// [`parse_roster`], keeping the verifier in `previous` (by card) of every KPM whose plain PIN
/// it still verifies: a roster published again with the same PINs then changes only the rows
/// that changed, and travels to terminals as a small delta. Checking a PIN against its old
/// verifier costs what hashing it anew would, so this is no slower.
pub fn parse_roster_reusing(
    file: &str,
    text: &str,
    previous: &HashMap<String, PinVerifier>,
) -> Result<Vec<Kpm>, ImportError> {
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for r in records(file, text)? {
        let err = |error| ImportError::Row {
            file: file.to_owned(),
            line: r.line,
            error,
        };
        let card: CardNumber = r
            .require("card")
            .map_err(err)?
            .parse()
            .map_err(|e| err(RowError::Id("card", e)))?;
        if let Some(first) = first_line.insert(card.to_string(), r.line) {
            return Err(err(RowError::DuplicateCard {
                card: card.to_string(),
                first,
            }));
        }
        let nik = r
            .get("nik")
            .map(str::parse::<Nik>)
            .transpose()
            .map_err(|e| err(RowError::Id("nik", e)))?;
        let kk: KkNumber = r
            .require("kk")
            .map_err(err)?
            .parse()
            .map_err(|e| err(RowError::Id("kk", e)))?;
        let name = r.require("name").map_err(err)?.to_owned();
        let desa = r.require("desa").map_err(err)?.to_owned();
        let pin = match (r.get("pin"), r.get("pin_verifier")) {
            (Some(p), None) => {
                PinSource::Plain(Pin::new(p).map_err(|e| err(RowError::Pin("pin", e)))?)
            }
            (None, Some(v)) => PinSource::Verifier(
                PinVerifier::parse(v).map_err(|e| err(RowError::Pin("pin_verifier", e)))?,
            ),
            _ => return Err(err(RowError::PinBoth)),
        };
        let entitlements = entitlements(r.get("entitlements").unwrap_or("")).map_err(err)?;
        let home = r
            .get("home")
            .map(|h| {
                if crate::domain::policy::is_slug(h) {
                    Ok(h.to_owned())
                } else {
                    Err(err(RowError::Home(h.to_owned())))
                }
            })
            .transpose()?;
        rows.push((r.line, card, nik, kk, name, desa, pin, entitlements, home));
    }
    let pins: Vec<(usize, PinSource)> = rows
        .iter()
        .map(|r| match (&r.6, previous.get(r.1.as_str())) {
            (PinSource::Plain(pin), Some(old)) => (r.0, PinSource::Reuse(pin.clone(), old.clone())),
            _ => (r.0, r.6.clone()),
        })
        .collect();
    let verifiers = hash_pins(file, pins)?;
    Ok(rows
        .into_iter()
        .zip(verifiers)
        .map(
            |((_, card, nik, kk, name, desa, _, entitlements, home), pin_verifier)| Kpm {
                card,
                nik,
                kk,
                name,
                desa,
                pin_verifier,
                entitlements,
                home,
            },
        )
        .collect())
}

/// Draws a 16-byte salt from the operating system's randomness.
pub fn new_salt() -> Result<[u8; 16], PinError> {
    argon2::password_hash::try_generate_salt().map_err(|_| PinError::Hashing)
}

/// Hashes plain PINs in parallel (argon2id is slow by design), keeping the order.
fn hash_pins(file: &str, pins: Vec<(usize, PinSource)>) -> Result<Vec<PinVerifier>, ImportError> {
    let workers = thread::available_parallelism().map_or(1, usize::from);
    let chunk = pins.len().div_ceil(workers).max(1);
    let hash_one = |(line, source): &(usize, PinSource)| match source {
        PinSource::Verifier(v) => Ok(v.clone()),
        PinSource::Reuse(pin, old) if old.verify(pin) => Ok(old.clone()),
        PinSource::Plain(pin) | PinSource::Reuse(pin, _) => new_salt()
            .and_then(|salt| PinVerifier::create(pin, &salt))
            .map_err(|e| ImportError::Row {
                file: file.to_owned(),
                line: *line,
                error: RowError::Pin("pin", e),
            }),
    };
    thread::scope(|s| {
        let handles: Vec<_> = pins
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(hash_one).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(pins.len());
        for h in handles {
            // A worker only panics if argon2 itself panics; report it as a hashing failure.
            let part = h.join().unwrap_or_else(|_| {
                vec![Err(ImportError::Row {
                    file: file.to_owned(),
                    line: 0,
                    error: RowError::Pin("pin", PinError::Hashing),
                })]
            });
            for v in part {
                out.push(v?);
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::default_sembako().unwrap()
    }

    const CAT_HEAD: &str = "id,barcode,name,unit,group,forbidden,reference_price_rupiah\n";

    #[test]
    fn catalogue_csv_and_json_agree() {
        let csv = format!(
            "{CAT_HEAD}beras-medium,,Beras medium,kg,karbohidrat,,13.500\nminyak-goreng,8991001000019,Minyak,liter,,minyak-goreng,18500\n"
        );
        let json = r#"[
  {"id": "beras-medium", "name": "Beras medium", "unit": "kg", "group": "karbohidrat", "reference_price_rupiah": 13500},
  {"id": "minyak-goreng", "barcode": "8991001000019", "name": "Minyak", "unit": "liter", "forbidden": "minyak-goreng", "reference_price_rupiah": "18.500"}
]"#;
        let a = parse_catalogue("c.csv", &csv, &policy()).unwrap();
        let b = parse_catalogue("c.json", json, &policy()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn bad_catalogue_rows_are_named_by_line() {
        let cases = [
            (
                format!(
                    "{CAT_HEAD}beras,,Beras,kg,karbohidrat,,13500\ntelur,,Telur,lusin,protein-hewani,,2000\n"
                ),
                3,
                "lusin",
            ),
            (
                format!("{CAT_HEAD}beras,,Beras,kg,karbohidrat,,-5\n"),
                2,
                "negatif",
            ),
            (format!("{CAT_HEAD}beras,,Beras,kg,,,13500\n"), 2, "group"),
            (
                format!("{CAT_HEAD}beras,123,Beras,kg,karbohidrat,,13500\n"),
                2,
                "EAN-13",
            ),
            (
                format!("{CAT_HEAD}beras,,Beras,kg,jajanan,,13500\n"),
                2,
                "jajanan",
            ),
            (
                format!(
                    "{CAT_HEAD}beras,,Beras,kg,karbohidrat,,13500\nberas,,Beras,kg,karbohidrat,,13500\n"
                ),
                3,
                "dua kali",
            ),
            (
                format!("{CAT_HEAD}beras,,,kg,karbohidrat,,13500\n"),
                2,
                "name",
            ),
        ];
        for (text, line, needle) in cases {
            let err = parse_catalogue("katalog.csv", &text, &policy()).unwrap_err();
            let msg = err.localize(Lang::Id);
            assert!(
                matches!(err, ImportError::Row { line: l, .. } if l == line),
                "{msg}"
            );
            assert!(
                msg.contains(needle) && msg.contains(&format!("baris {line}")),
                "{msg}"
            );
        }
        let json = "[\n  {\"id\": \"beras\", \"name\": \"B\", \"unit\": \"kg\", \"group\": \"karbohidrat\", \"reference_price_rupiah\": 1},\n  {\"id\": \"x\", \"name\": \"X\", \"unit\": \"kg\", \"group\": \"karbohidrat\", \"reference_price_rupiah\": \"abc\"}\n]";
        let err = parse_catalogue("k.json", json, &policy()).unwrap_err();
        assert!(matches!(err, ImportError::Row { line: 3, .. }), "{err:?}");
        assert!(matches!(
            parse_catalogue("k.json", "{not json", &policy()),
            Err(ImportError::Row { line: 1, .. })
        ));
        assert!(matches!(
            parse_catalogue("k.xlsx", "", &policy()),
            Err(ImportError::Format { .. })
        ));
        assert!(matches!(
            parse_catalogue("k.csv", CAT_HEAD, &policy()),
            Err(ImportError::Empty { .. })
        ));
    }

    const ROSTER_HEAD: &str = "card,nik,kk,name,desa,pin,entitlements\n";

    #[test]
    fn roster_rows() {
        let text = format!(
            "{ROSTER_HEAD}6032980000000010,5302085406503975,5302081103137343,Rosalina Lakilu,Watumbaka,123456,2026-10=200000;2026-11=200.000\n\
             6032980000000028,,5302091103106536,Frans Nggiku,Kawangu,654321,\n"
        );
        let roster = parse_roster("r.csv", &text).unwrap();
        assert_eq!(roster.len(), 2);
        assert!(roster[1].nik.is_none());
        assert_eq!(roster[0].entitlements.len(), 2);
        assert!(roster[0].pin_verifier.verify(&Pin::new("123456").unwrap()));
        assert!(roster[1].pin_verifier.verify(&Pin::new("654321").unwrap()));
    }

    #[test]
    fn a_roster_home_is_a_terminal_id() {
        let head = "card,nik,kk,name,desa,pin,entitlements,home\n";
        let row = "6032980000000010,,5302081103137343,A,Desa,123456,2026-11=1000";
        let roster = parse_roster("r.csv", &format!("{head}{row},sumba-01\n")).unwrap();
        assert_eq!(roster[0].home.as_deref(), Some("sumba-01"));
        let roster = parse_roster("r.csv", &format!("{head}{row},\n")).unwrap();
        assert_eq!(roster[0].home, None);
        let err = parse_roster("r.csv", &format!("{head}{row},Sumba 01\n")).unwrap_err();
        let msg = err.localize(Lang::Id);
        assert!(matches!(err, ImportError::Row { line: 2, .. }), "{msg}");
        assert!(
            msg.contains("home") && msg.contains("Sumba 01") && msg.contains("id terminal"),
            "{msg}"
        );
    }

    #[test]
    fn bad_roster_rows_are_named_by_line() {
        let good = "6032980000000010,5302085406503975,5302081103137343,A,Desa,123456,";
        let cases = [
            ("6032980000000011,,5302081103137343,A,Desa,123456,", "Luhn"),
            (
                "6032980000000010,9902085406503975,5302081103137343,A,Desa,123456,",
                "provinsi",
            ),
            ("6032980000000010,,53020811,A,Desa,123456,", "No. KK"),
            ("6032980000000010,,5302081103137343,,Desa,123456,", "name"),
            ("6032980000000010,,5302081103137343,A,Desa,12,", "PIN"),
            (
                "6032980000000010,,5302081103137343,A,Desa,,",
                "pin_verifier",
            ),
            (
                "6032980000000010,,5302081103137343,A,Desa,123456,2026-13=1",
                "entitlements",
            ),
            (good, "dua kali"),
        ];
        for (row, needle) in cases {
            let text = format!("{ROSTER_HEAD}{good}\n{row}\n");
            let text = if needle == "dua kali" {
                text
            } else {
                format!("{ROSTER_HEAD}6032980000000028,,5302081103137343,B,Desa,123456,\n{row}\n")
            };
            let err = parse_roster("roster.csv", &text).unwrap_err();
            let msg = err.localize(Lang::Id);
            assert!(matches!(err, ImportError::Row { line: 3, .. }), "{msg}");
            assert!(msg.contains(needle), "{needle}: {msg}");
        }
    }
}
