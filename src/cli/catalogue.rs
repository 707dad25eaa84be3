//! `ewarong catalogue`: lists the catalogue in force with each product's food group or refusal.

use super::*;
use ewarong_core::key;

pub(super) fn list(ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let lang = ctx.lang;
    let mut ledger = ctx.open_reading()?;
    let catalogue = ledger.catalogue().map_err(|e| ctx.ledger_err(e))?;
    let policy = ledger.policy().map_err(|e| ctx.ledger_err(e))?;
    if ctx.json {
        let items: Vec<_> = catalogue
            .products()
            .iter()
            .map(|p| ProductJson {
                id: &p.id,
                barcode: p.barcode.as_ref().map(|b| b.as_str()),
                name: &p.name,
                unit: p.unit.as_str(),
                group: match &p.class {
                    ProductClass::Group(g) => Some(g),
                    ProductClass::Forbidden(_) => None,
                },
                forbidden: match &p.class {
                    ProductClass::Forbidden(f) => Some(f),
                    ProductClass::Group(_) => None,
                },
                reference_price_rupiah: p.reference_price.as_i64(),
            })
            .collect();
        return ctx.print_json(&items);
    }
    ctx.print(&format!(
        "{:<20}  {:<36}  {:<6}  {:<22}  {}",
        tr(lang, key!("list.id")),
        tr(lang, key!("list.product")),
        tr(lang, key!("list.unit")),
        tr(lang, key!("list.class")),
        tr(lang, key!("list.price"))
    ))?;
    for p in catalogue.products() {
        let class = match &p.class {
            ProductClass::Group(g) => policy
                .group(g)
                .map_or_else(|| g.clone(), |g| g.name(lang).to_owned()),
            ProductClass::Forbidden(f) => format!("{} ({f})", tr(lang, key!("list.forbidden"))),
        };
        ctx.print(&format!(
            "{:<20}  {:<36}  {:<6}  {:<22}  {}",
            p.id, p.name, p.unit, class, p.reference_price
        ))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ProductJson<'a> {
    id: &'a str,
    barcode: Option<&'a str>,
    name: &'a str,
    unit: &'a str,
    group: Option<&'a str>,
    forbidden: Option<&'a str>,
    reference_price_rupiah: i64,
}
