//! The hub's schema: one list of migrations, each in both dialects, and the one rule for which
//! of them a database still needs. The stores only record where they are: SQLite in
//! `PRAGMA user_version` (as the embedded hub always has), PostgreSQL in `hub_schema`.
//! Migrations are never edited once released, only added, in both dialects at once;
//! `crates/hub/tests/hub.rs` checks that both give the same tables and columns.

use crate::StoreError;

/// One step of the schema.
#[derive(Debug)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, in order; `version` is its place in the list, from 1.
pub const MIGRATIONS: [Migration; 4] = [
    Migration {
        version: 1,
        name: "hub",
        sqlite: include_str!("../../../migrations/hub/sqlite_0001_hub.sql"),
        postgres: include_str!("../../../migrations/hub/postgres_0001_hub.sql"),
    },
    Migration {
        version: 2,
        name: "publication",
        sqlite: include_str!("../../../migrations/hub/sqlite_0002_publication.sql"),
        postgres: include_str!("../../../migrations/hub/postgres_0002_publication.sql"),
    },
    Migration {
        version: 3,
        name: "moves",
        sqlite: include_str!("../../../migrations/hub/sqlite_0003_moves.sql"),
        postgres: include_str!("../../../migrations/hub/postgres_0003_moves.sql"),
    },
    Migration {
        version: 4,
        name: "ops",
        sqlite: include_str!("../../../migrations/hub/sqlite_0004_ops.sql"),
        postgres: include_str!("../../../migrations/hub/postgres_0004_ops.sql"),
    },
];

/// The migrations a database at `applied` still needs, in order. A database written by a newer
/// hub is refused rather than used half-understood.
pub fn pending(applied: u32) -> Result<&'static [Migration], StoreError> {
    let known = latest();
    if applied > known {
        return Err(StoreError::NewerSchema {
            database: applied,
            known,
        });
    }
    let from = usize::try_from(applied).unwrap_or(usize::MAX);
    Ok(MIGRATIONS.get(from..).unwrap_or(&[]))
}

/// The schema version this hub writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }

    #[test]
    fn pending_is_what_is_left_and_newer_is_refused() {
        assert_eq!(pending(0).unwrap().len(), MIGRATIONS.len());
        assert_eq!(pending(2).unwrap()[0].version, 3);
        assert!(pending(latest()).unwrap().is_empty());
        let e = pending(latest() + 1).unwrap_err();
        assert!(
            matches!(e, StoreError::NewerSchema { database, known } if database == latest() + 1 && known == latest())
        );
        assert!(e.to_string().contains("newer"), "{e}");
    }
}
