//! Basket rules: a basket becomes an accepted sale, or the list of all its violations.

use crate::key;
use serde::Serialize;

use super::catalogue::{Catalogue, ProductClass};
use super::money::{MoneyError, Rupiah};
use super::policy::Policy;
use super::quantity::{Quantity, QuantityError, Unit, line_total};
use crate::i18n::{Lang, Localize, tr};

/// A basket line as entered: a product id or barcode, a quantity as typed, and the shop's price if not the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub product: String,
    pub quantity: String,
    pub unit_price: Option<Rupiah>,
}

/// A checked basket line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedLine {
    pub product_id: String,
    pub name: String,
    pub group_id: String,
    pub unit: Unit,
    #[serde(rename = "quantity_milli")]
    pub quantity: Quantity,
    #[serde(rename = "unit_price_rupiah")]
    pub unit_price: Rupiah,
    #[serde(rename = "reference_price_rupiah")]
    pub reference_price: Rupiah,
    #[serde(rename = "line_total_rupiah")]
    pub line_total: Rupiah,
}

/// A basket that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedBasket {
    /// Sorted by product id, then price, then quantity: the canonical order.
    pub lines: Vec<AcceptedLine>,
    pub total: Rupiah,
    pub balance_before: Rupiah,
    pub balance_after: Rupiah,
    /// Present when a price above the reference tolerance was accepted.
    pub override_reason: Option<String>,
}

/// One broken rule. A basket reports all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    EmptyBasket,
    UnknownProduct {
        input: String,
    },
    Forbidden {
        product_id: String,
        name: String,
        reason_id: String,
        reason_en: String,
    },
    Quantity {
        product: String,
        error: QuantityError,
    },
    /// A warning: allowed only with an override reason.
    PriceAboveReference {
        product_id: String,
        price: Rupiah,
        reference: Rupiah,
        max: Rupiah,
    },
    OverBalance {
        total: Rupiah,
        balance: Rupiah,
        shortfall: Rupiah,
    },
    /// Over what a visitor may still spend here: the KPM's balance lives at `home`.
    OverVisitorCap {
        total: Rupiah,
        left: Rupiah,
        cap: Rupiah,
        home: String,
    },
    /// A line worth nothing: a price of Rp 0, or a quantity too small for the price to reach a
    /// rupiah. A sale records only what the family received and paid for.
    ZeroLine {
        product_id: String,
        price: Rupiah,
    },
    Overflow,
}

impl Localize for Violation {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::EmptyBasket => tr(lang, key!("basket.empty")).to_owned(),
            Self::UnknownProduct { input } => {
                tr(lang, key!("basket.unknown")).replace("{input}", input)
            }
            Self::Forbidden {
                product_id,
                reason_id,
                reason_en,
                ..
            } => tr(lang, key!("basket.forbidden"))
                .replace("{product}", product_id)
                .replace(
                    "{reason}",
                    if lang == Lang::Id {
                        reason_id
                    } else {
                        reason_en
                    },
                ),
            Self::Quantity { product, error } => tr(lang, key!("basket.quantity"))
                .replace("{product}", product)
                .replace("{detail}", &error.localize(lang)),
            Self::PriceAboveReference {
                product_id,
                price,
                reference,
                max,
            } => tr(lang, key!("basket.price"))
                .replace("{product}", product_id)
                .replace("{price}", &price.to_string())
                .replace("{reference}", &reference.to_string())
                .replace("{max}", &max.to_string()),
            Self::OverBalance {
                total,
                balance,
                shortfall,
            } => tr(lang, key!("basket.over_balance"))
                .replace("{total}", &total.to_string())
                .replace("{balance}", &balance.to_string())
                .replace("{shortfall}", &shortfall.to_string()),
            Self::OverVisitorCap {
                total,
                left,
                cap,
                home,
            } => tr(lang, key!("basket.over_visitor_cap"))
                .replace("{total}", &total.to_string())
                .replace("{left}", &left.to_string())
                .replace("{cap}", &cap.to_string())
                .replace("{home}", home),
            Self::ZeroLine { product_id, price } => tr(lang, key!("basket.zero_line"))
                .replace("{product}", product_id)
                .replace("{price}", &price.to_string()),
            Self::Overflow => MoneyError::Overflow.localize(lang),
        }
    }
}

impl Violation {
    /// Violations that an override reason can lift.
    pub fn is_warning(&self) -> bool {
        matches!(self, Self::PriceAboveReference { .. })
    }
}

/// Rewrites "over the balance" as "over the visitor cap" when the KPM is a visitor here (their
/// balance lives at `home`) and the cap is what bound: the shopkeeper then knows why, and that
/// the KPM can spend the rest at home.
pub fn explain_visitor(
    violations: Vec<Violation>,
    balance: &super::Balance,
    home: Option<&str>,
    cap: Rupiah,
) -> Vec<Violation> {
    let (Some(home), Some(left)) = (home, balance.visitor_cap_left) else {
        return violations;
    };
    violations
        .into_iter()
        .map(|v| match v {
            Violation::OverBalance { total, balance, .. } if balance == left => {
                Violation::OverVisitorCap {
                    total,
                    left,
                    cap,
                    home: home.to_owned(),
                }
            }
            other => other,
        })
        .collect()
}

/// Checks a basket against the catalogue, the policy and the KPM's balance.
pub fn check_basket(
    lines: &[LineInput],
    policy: &Policy,
    catalogue: &Catalogue,
    balance: Rupiah,
    override_reason: Option<&str>,
) -> Result<AcceptedBasket, Vec<Violation>> {
    let mut violations = Vec::new();
    let mut accepted = Vec::with_capacity(lines.len());
    if lines.is_empty() {
        violations.push(Violation::EmptyBasket);
    }
    let override_reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    for line in lines {
        let Some(product) = catalogue.find(&line.product) else {
            violations.push(Violation::UnknownProduct {
                input: crate::i18n::echo(line.product.trim()),
            });
            continue;
        };
        let quantity =
            Quantity::parse_for(&line.quantity, product.unit, policy.max_quantity_per_line);
        if let Err(error) = &quantity {
            violations.push(Violation::Quantity {
                product: product.id.clone(),
                error: error.clone(),
            });
        }
        let group_id = match &product.class {
            ProductClass::Group(g) if policy.group(g).is_some() => g.clone(),
            ProductClass::Group(_) | ProductClass::Forbidden(_) => {
                let category = match &product.class {
                    ProductClass::Forbidden(f) => policy.forbidden_category(f),
                    ProductClass::Group(_) => None,
                };
                let (reason_id, reason_en) = match category {
                    Some(c) => (c.reason_id.clone(), c.reason_en.clone()),
                    None => (
                        tr(Lang::Id, key!("basket.outside_groups")).to_owned(),
                        tr(Lang::En, key!("basket.outside_groups")).to_owned(),
                    ),
                };
                violations.push(Violation::Forbidden {
                    product_id: product.id.clone(),
                    name: product.name.clone(),
                    reason_id,
                    reason_en,
                });
                continue;
            }
        };
        let Ok(quantity) = quantity else { continue };
        let unit_price = line.unit_price.unwrap_or(product.reference_price);
        let Ok(max) = policy.max_price_without_override(product.reference_price) else {
            violations.push(Violation::Overflow);
            continue;
        };
        if unit_price > max && override_reason.is_none() {
            violations.push(Violation::PriceAboveReference {
                product_id: product.id.clone(),
                price: unit_price,
                reference: product.reference_price,
                max,
            });
        }
        match line_total(unit_price, quantity) {
            Ok(total) if total == Rupiah::ZERO => violations.push(Violation::ZeroLine {
                product_id: product.id.clone(),
                price: unit_price,
            }),
            Ok(total) => accepted.push(AcceptedLine {
                product_id: product.id.clone(),
                name: product.name.clone(),
                group_id,
                unit: product.unit,
                quantity,
                unit_price,
                reference_price: product.reference_price,
                line_total: total,
            }),
            Err(_) => violations.push(Violation::Overflow),
        }
    }
    let total = match Rupiah::sum(accepted.iter().map(|l| l.line_total)) {
        Ok(t) => t,
        Err(_) => {
            violations.push(Violation::Overflow);
            Rupiah::ZERO
        }
    };
    if total > balance {
        violations.push(Violation::OverBalance {
            total,
            balance,
            shortfall: total.saturating_sub(balance),
        });
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let needs_override = accepted.iter().any(|l| {
        policy
            .max_price_without_override(l.reference_price)
            .map(|max| l.unit_price > max)
            .unwrap_or(true)
    });
    accepted.sort_by(|a, b| {
        (a.product_id.as_str(), a.unit_price, a.quantity).cmp(&(
            b.product_id.as_str(),
            b.unit_price,
            b.quantity,
        ))
    });
    Ok(AcceptedBasket {
        lines: accepted,
        total,
        balance_before: balance,
        balance_after: balance.saturating_sub(total),
        override_reason: needs_override.then(|| override_reason.unwrap_or_default().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::Product;

    fn rp(v: i64) -> Rupiah {
        Rupiah::new(v).unwrap()
    }

    fn setup() -> (Policy, Catalogue) {
        let policy = Policy::default_sembako().unwrap();
        let p = |id: &str, unit, class, price| Product {
            id: id.into(),
            barcode: None,
            name: id.into(),
            unit,
            class,
            reference_price: rp(price),
        };
        let g = |s: &str| ProductClass::Group(s.into());
        let cat = Catalogue::new(vec![
            p("beras-medium", Unit::Kg, g("karbohidrat"), 13_500),
            p("telur-ayam-butir", Unit::Butir, g("protein-hewani"), 2_200),
            p("tempe", Unit::Papan, g("protein-nabati"), 6_000),
            p(
                "minyak-goreng",
                Unit::Liter,
                ProductClass::Forbidden("minyak-goreng".into()),
                18_500,
            ),
            p("keripik", Unit::Buah, g("jajanan"), 5_000),
        ])
        .unwrap();
        (policy, cat)
    }

    fn line(product: &str, qty: &str) -> LineInput {
        LineInput {
            product: product.into(),
            quantity: qty.into(),
            unit_price: None,
        }
    }

    #[test]
    fn a_good_basket_is_accepted_and_sorted() {
        let (policy, cat) = setup();
        let ok = check_basket(
            &[
                line("tempe", "2"),
                line("beras-medium", "5"),
                line("telur-ayam-butir", "10"),
            ],
            &policy,
            &cat,
            rp(200_000),
            None,
        )
        .unwrap();
        assert_eq!(ok.total, rp(12_000 + 67_500 + 22_000));
        assert_eq!(ok.balance_after, rp(200_000 - 101_500));
        let ids: Vec<_> = ok.lines.iter().map(|l| l.product_id.as_str()).collect();
        assert_eq!(ids, ["beras-medium", "telur-ayam-butir", "tempe"]);
        assert_eq!(ok.override_reason, None);
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let (policy, cat) = setup();
        let err = check_basket(
            &[
                line("beras-medium", "abc"),
                line("minyak-goreng", "1"),
                line("sabun", "1"),
                line("tempe", "-1"),
                line("keripik", "1"),
            ],
            &policy,
            &cat,
            rp(200_000),
            None,
        )
        .unwrap_err();
        assert_eq!(err.len(), 5, "{err:?}");
        assert!(matches!(
            &err[0],
            Violation::Quantity {
                error: QuantityError::NotANumber(_),
                ..
            }
        ));
        assert!(
            matches!(&err[1], Violation::Forbidden { reason_id, .. } if reason_id == "Minyak goreng tidak termasuk bahan pangan Program Sembako")
        );
        assert_eq!(
            err[2],
            Violation::UnknownProduct {
                input: "sabun".into()
            }
        );
        assert!(matches!(
            &err[3],
            Violation::Quantity {
                error: QuantityError::NotPositive(_),
                ..
            }
        ));
        assert!(
            matches!(&err[4], Violation::Forbidden { product_id, .. } if product_id == "keripik")
        );
        assert!(
            err[1]
                .localize(Lang::Id)
                .contains("Minyak goreng tidak termasuk")
        );
    }

    #[test]
    fn quantity_rules() {
        let (policy, cat) = setup();
        for q in ["0", "-1", "1e9", "abc", "1000000000", "101"] {
            let err = check_basket(
                &[line("beras-medium", q)],
                &policy,
                &cat,
                rp(1_000_000_000),
                None,
            )
            .unwrap_err();
            assert!(
                matches!(err.as_slice(), [Violation::Quantity { .. }]),
                "{q}: {err:?}"
            );
        }
        let err = check_basket(
            &[line("telur-ayam-butir", "1,5")],
            &policy,
            &cat,
            rp(200_000),
            None,
        )
        .unwrap_err();
        assert!(matches!(
            err.as_slice(),
            [Violation::Quantity {
                error: QuantityError::NotWhole { .. },
                ..
            }]
        ));
    }

    #[test]
    fn over_balance_reports_the_shortfall() {
        let (policy, cat) = setup();
        let err = check_basket(
            &[line("beras-medium", "20")],
            &policy,
            &cat,
            rp(200_000),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            vec![Violation::OverBalance {
                total: rp(270_000),
                balance: rp(200_000),
                shortfall: rp(70_000)
            }]
        );
        assert!(err[0].localize(Lang::Id).contains("Rp 70.000"));
        // Exactly the balance is fine.
        assert!(
            check_basket(
                &[line("beras-medium", "10")],
                &policy,
                &cat,
                rp(135_000),
                None
            )
            .is_ok()
        );
        assert!(
            check_basket(&[], &policy, &cat, rp(135_000), None).unwrap_err()
                == vec![Violation::EmptyBasket]
        );
    }

    #[test]
    fn a_line_worth_nothing_is_refused_naming_the_product() {
        let (policy, cat) = setup();
        let free = LineInput {
            unit_price: Some(rp(0)),
            ..line("beras-medium", "1")
        };
        let err = check_basket(&[free], &policy, &cat, rp(200_000), None).unwrap_err();
        assert_eq!(
            err,
            vec![Violation::ZeroLine {
                product_id: "beras-medium".into(),
                price: rp(0)
            }]
        );
        for lang in [Lang::Id, Lang::En] {
            let words = err[0].localize(lang);
            assert!(
                words.contains("beras-medium") && words.contains("Rp 0"),
                "{words}"
            );
        }
        // One gram at Rp 1 a kilo rounds to nothing: refused the same way.
        let crumb = LineInput {
            unit_price: Some(rp(1)),
            ..line("beras-medium", "0,001")
        };
        assert!(matches!(
            check_basket(&[crumb], &policy, &cat, rp(200_000), None)
                .unwrap_err()
                .as_slice(),
            [Violation::ZeroLine { .. }]
        ));
    }

    #[test]
    fn price_above_tolerance_needs_a_recorded_reason() {
        let (policy, cat) = setup();
        let at_limit = LineInput {
            unit_price: Some(rp(14_850)),
            ..line("beras-medium", "1")
        };
        assert_eq!(
            check_basket(&[at_limit], &policy, &cat, rp(200_000), None)
                .unwrap()
                .override_reason,
            None
        );
        let dear = LineInput {
            unit_price: Some(rp(14_851)),
            ..line("beras-medium", "1")
        };
        let err = check_basket(
            std::slice::from_ref(&dear),
            &policy,
            &cat,
            rp(200_000),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(err.as_slice(), [v @ Violation::PriceAboveReference { .. }] if v.is_warning())
        );
        // A blank reason is no reason.
        assert!(
            check_basket(
                std::slice::from_ref(&dear),
                &policy,
                &cat,
                rp(200_000),
                Some("  ")
            )
            .is_err()
        );
        let ok = check_basket(
            &[dear],
            &policy,
            &cat,
            rp(200_000),
            Some("harga pasar naik"),
        )
        .unwrap();
        assert_eq!(ok.override_reason.as_deref(), Some("harga pasar naik"));
        assert_eq!(ok.total, rp(14_851));
    }
}
