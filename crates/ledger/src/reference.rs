//! Reference data in force (policy, catalogue, roster) and their versioned imports.

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Ledger, LedgerError, timestamp};
use ewarong_core::domain::{
    CardNumber, Catalogue, CatalogueError, Ean13, Entitlement, KkNumber, Kpm, Nik, PinVerifier,
    Policy, Product, ProductClass, Rupiah, Unit,
};

/// The versions of the reference data in force; recorded with every sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Versions {
    pub policy: i64,
    pub catalogue: i64,
    pub roster: i64,
}

#[derive(Debug)]
pub(super) struct Cached {
    /// `PRAGMA data_version` when loaded: unchanged means no other connection has committed since.
    pub data_version: i64,
    pub versions: Versions,
    pub policy: Policy,
    pub catalogue: Catalogue,
}

pub(super) fn versions(conn: &Connection) -> Result<Versions, LedgerError> {
    let mut v = Versions::default();
    let mut stmt =
        conn.prepare_cached("SELECT kind, MAX(version) FROM reference_import GROUP BY kind")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let version: i64 = row.get(1)?;
        match kind.as_str() {
            "policy" => v.policy = version,
            "catalogue" => v.catalogue = version,
            _ => v.roster = version,
        }
    }
    Ok(v)
}

fn load_policy(conn: &Connection) -> Result<Policy, LedgerError> {
    let doc: Option<String> = conn
        .query_row(
            "SELECT document FROM reference_import WHERE kind = 'policy' ORDER BY version DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let doc = doc.ok_or(LedgerError::NoPolicy)?;
    Policy::from_json(&doc).map_err(|e| LedgerError::Corrupt(e.to_string()))
}

fn load_catalogue(conn: &Connection) -> Result<Catalogue, LedgerError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, barcode, name, unit, group_id, forbidden_id, reference_price FROM product ORDER BY id",
    )?;
    let corrupt = |what: &str| LedgerError::Corrupt(format!("product.{what}"));
    let mut products = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let barcode: Option<String> = r.get(1)?;
        let unit: String = r.get(3)?;
        let group: Option<String> = r.get(4)?;
        let forbidden: Option<String> = r.get(5)?;
        let class = match (group, forbidden) {
            (Some(g), None) => ProductClass::Group(g),
            (None, Some(f)) => ProductClass::Forbidden(f),
            _ => return Err(corrupt("group_id")),
        };
        products.push(Product {
            id: r.get(0)?,
            barcode: barcode
                .map(|b| b.parse::<Ean13>())
                .transpose()
                .map_err(|_| corrupt("barcode"))?,
            name: r.get(2)?,
            unit: unit.parse::<Unit>().map_err(|_| corrupt("unit"))?,
            class,
            reference_price: Rupiah::new(r.get(6)?).map_err(|_| corrupt("reference_price"))?,
        });
    }
    Catalogue::new(products).map_err(|e| LedgerError::Corrupt(e.to_string()))
}

fn next_version(conn: &Connection, kind: &str) -> Result<i64, LedgerError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM reference_import WHERE kind = ?1",
        [kind],
        |r| r.get(0),
    )?)
}

fn record_import(
    conn: &Connection,
    kind: &str,
    sha256: &[u8; 32],
    row_count: usize,
    source: &str,
    document: Option<&str>,
    now: &DateTime<FixedOffset>,
) -> Result<i64, LedgerError> {
    let version = next_version(conn, kind)?;
    conn.execute(
        "INSERT INTO reference_import (kind, version, sha256, row_count, source, document, imported_at, enrolment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 CASE WHEN ?5 LIKE 'hub:%' THEN (SELECT MAX(id) FROM hub_enrolment) END)",
        params![kind, version, sha256, row_count, source, document, timestamp(now)],
    )?;
    Ok(version)
}

/// SHA-256 of an imported file's bytes, recorded with the import.
pub use ewarong_core::seal::hash::sha256;

/// A KPM as listed (no PIN verifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpmSummary {
    pub card: String,
    pub nik: Option<String>,
    pub kk: String,
    pub name: String,
    pub desa: String,
}

impl Ledger {
    /// Policy and catalogue in force, reloaded only when their versions changed.
    pub(super) fn refs(&mut self) -> Result<&Cached, LedgerError> {
        // Imports through this connection clear the cache; `data_version` reveals commits by
        // other connections, and only then are the versions read again.
        let data_version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        if let Some(c) = self.cache.as_mut()
            && c.data_version != data_version
        {
            if versions(&self.conn)? == c.versions {
                c.data_version = data_version;
            } else {
                self.cache = None;
            }
        }
        if self.cache.is_none() {
            let versions = versions(&self.conn)?;
            let policy = load_policy(&self.conn)?;
            let catalogue = load_catalogue(&self.conn)?;
            self.cache = Some(Cached {
                data_version,
                versions,
                policy,
                catalogue,
            });
        }
        self.cache.as_ref().ok_or(LedgerError::NoPolicy)
    }

    /// The versions of policy, catalogue and roster in force.
    pub fn versions(&self) -> Result<Versions, LedgerError> {
        versions(&self.conn)
    }

    /// Puts a new policy in force. The catalogue in force must still fit it.
    pub fn import_policy(
        &mut self,
        policy: &Policy,
        source: &str,
        file_sha256: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Result<i64, LedgerError> {
        policy
            .validate()
            .map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        let doc = serde_json::to_string(policy).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for p in load_catalogue(&tx)?.products() {
            p.validate(policy).map_err(LedgerError::CatalogueVsPolicy)?;
        }
        let version = record_import(&tx, "policy", file_sha256, 1, source, Some(&doc), &now)?;
        tx.commit()?;
        self.cache = None;
        tracing::info!(version, source, "policy imported");
        Ok(version)
    }

    /// Replaces the catalogue in force. Every product must fit the policy; ids and barcodes unique.
    pub fn import_catalogue(
        &mut self,
        products: Vec<Product>,
        source: &str,
        file_sha256: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Result<i64, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let policy = load_policy(&tx)?;
        for p in &products {
            p.validate(&policy)
                .map_err(LedgerError::CatalogueVsPolicy)?;
        }
        let catalogue = Catalogue::new(products).map_err(LedgerError::CatalogueVsPolicy)?;
        tx.execute("DELETE FROM product", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO product (id, barcode, name, unit, group_id, forbidden_id, reference_price)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for p in catalogue.products() {
                let (group, forbidden) = match &p.class {
                    ProductClass::Group(g) => (Some(g.as_str()), None),
                    ProductClass::Forbidden(f) => (None, Some(f.as_str())),
                };
                insert.execute(params![
                    p.id,
                    p.barcode.as_ref().map(Ean13::as_str),
                    p.name,
                    p.unit.as_str(),
                    group,
                    forbidden,
                    p.reference_price.as_i64()
                ])?;
            }
        }
        let version = record_import(
            &tx,
            "catalogue",
            file_sha256,
            catalogue.len(),
            source,
            None,
            &now,
        )?;
        tx.commit()?;
        self.cache = None;
        tracing::info!(
            version,
            source,
            products = catalogue.len(),
            "catalogue imported"
        );
        Ok(version)
    }

    /// Replaces the roster in force, with entitlements.
    pub fn import_roster(
        &mut self,
        roster: &[Kpm],
        source: &str,
        file_sha256: &[u8; 32],
        now: DateTime<FixedOffset>,
    ) -> Result<i64, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM entitlement", [])?;
        tx.execute("DELETE FROM kpm", [])?;
        {
            let mut kpm = tx.prepare(
                "INSERT INTO kpm (card, nik, kk, name, desa, pin_verifier, home)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut ent =
                tx.prepare("INSERT INTO entitlement (card, period, amount) VALUES (?1, ?2, ?3)")?;
            for k in roster {
                kpm.execute(params![
                    k.card.as_str(),
                    k.nik.as_ref().map(Nik::as_str),
                    k.kk.as_str(),
                    k.name,
                    k.desa,
                    k.pin_verifier.as_phc(),
                    k.home
                ])?;
                for e in &k.entitlements {
                    ent.execute(params![
                        k.card.as_str(),
                        e.period.to_string(),
                        e.amount.as_i64()
                    ])?;
                }
            }
        }
        let version = record_import(&tx, "roster", file_sha256, roster.len(), source, None, &now)?;
        tx.commit()?;
        self.cache = None;
        tracing::info!(version, source, kpm = roster.len(), "roster imported");
        Ok(version)
    }

    /// One KPM by card number, with entitlements.
    pub fn kpm(&self, card: &CardNumber) -> Result<Option<Kpm>, LedgerError> {
        let corrupt = |what: &str| LedgerError::Corrupt(format!("kpm.{what}"));
        let row = self
            .conn
            .prepare_cached(
                "SELECT nik, kk, name, desa, pin_verifier, home FROM kpm WHERE card = ?1",
            )?
            .query_row([card.as_str()], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .optional()?;
        let Some((nik, kk, name, desa, verifier, home)) = row else {
            return Ok(None);
        };
        let mut entitlements = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT period, amount FROM entitlement WHERE card = ?1 ORDER BY period",
        )?;
        let mut rows = stmt.query([card.as_str()])?;
        while let Some(r) = rows.next()? {
            let period: String = r.get(0)?;
            entitlements.push(Entitlement {
                period: period.parse().map_err(|_| corrupt("entitlement.period"))?,
                amount: Rupiah::new(r.get(1)?).map_err(|_| corrupt("entitlement.amount"))?,
            });
        }
        Ok(Some(Kpm {
            card: card.clone(),
            nik: nik
                .map(|n| n.parse::<Nik>())
                .transpose()
                .map_err(|_| corrupt("nik"))?,
            kk: kk.parse::<KkNumber>().map_err(|_| corrupt("kk"))?,
            name,
            desa,
            pin_verifier: PinVerifier::parse(&verifier).map_err(|_| corrupt("pin_verifier"))?,
            entitlements,
            home,
        }))
    }

    /// The roster in force, sorted by desa then name.
    pub fn roster(&self) -> Result<Vec<KpmSummary>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT card, nik, kk, name, desa FROM kpm ORDER BY desa, name, card")?;
        let rows = stmt.query_map([], |r| {
            Ok(KpmSummary {
                card: r.get(0)?,
                nik: r.get(1)?,
                kk: r.get(2)?,
                name: r.get(3)?,
                desa: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl From<CatalogueError> for LedgerError {
    fn from(e: CatalogueError) -> Self {
        LedgerError::CatalogueVsPolicy(e)
    }
}
