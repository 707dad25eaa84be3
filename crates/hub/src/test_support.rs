//! PostgreSQL for the tests and benchmarks of the whole workspace, from the server named by
//! `EWARONG_TEST_DATABASE_URL`. Nothing here installs or starts a server: `.ci/run` does that
//! (through `.ci/postgres`) and sets the variable. Shipped code never calls it.

use std::path::Path;

/// The variable that names a PostgreSQL database the tests may create databases through,
/// e.g. `postgres://ewarong:ewarong@127.0.0.1:5432/ewarong_test`.
pub const DATABASE_URL_VAR: &str = "EWARONG_TEST_DATABASE_URL";

/// The server to test against, or `None` with a line on stderr saying the PostgreSQL tests are
/// skipped. Under CI (`CI` set) an unset variable is a failure: CI must not pass without them.
pub fn admin_url(test: &str) -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{test}: {DATABASE_URL_VAR} is not set, and CI must run the PostgreSQL tests")
        }
        _ => {
            eprintln!(
                "{test}: SKIPPED on PostgreSQL: {DATABASE_URL_VAR} is not set \
                 (the same scenario runs on SQLite; .ci/run sets it)"
            );
            None
        }
    }
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i.saturating_add(3));
    let path_start = base
        .get(authority_start..)
        .and_then(|rest| rest.find('/'))
        .map_or(base.len(), |i| authority_start.saturating_add(i));
    let head = base.get(..path_start).unwrap_or(base);
    match query {
        Some(q) => format!("{head}/{db}?{q}"),
        None => format!("{head}/{db}"),
    }
}

/// A fresh, empty database for one test process, named `{prefix}_{pid}`, and its URL; `None`
/// when no server is configured (see [`admin_url`]). Databases of the same prefix left by test
/// processes that have ended are dropped first, so runs do not pile them up. With
/// `per_process` false the name is `prefix` itself, dropped and created again (benchmarks
/// reuse one name from sample to sample).
pub fn fresh_database(test: &str, prefix: &str, per_process: bool) -> Option<String> {
    let admin = admin_url(test)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{test}: tokio runtime: {e}"));
    let db = if per_process {
        format!("{prefix}_{}", std::process::id())
    } else {
        prefix.to_owned()
    };
    let result: Result<(), tokio_postgres::Error> = rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        let mut drop = vec![db.clone()];
        if per_process {
            let pattern = format!("{prefix}_");
            for row in client
                .query(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
                    &[&pattern],
                )
                .await?
            {
                let old: String = row.get(0);
                let ended = old
                    .strip_prefix(&pattern)
                    .and_then(|pid| pid.parse::<u32>().ok())
                    .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
                if ended {
                    drop.push(old);
                }
            }
        }
        for old in drop {
            client
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
                .await?;
        }
        client
            .batch_execute(&format!("CREATE DATABASE \"{db}\""))
            .await
    });
    if let Err(e) = result {
        panic!("{test}: PostgreSQL at {DATABASE_URL_VAR}: {e}");
    }
    Some(with_database(&admin, &db))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/ewarong_test", "hub_x_1"),
            "postgres://u:p@127.0.0.1:5432/hub_x_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "other"),
            "postgres://u:p@h/other?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "d"),
            "postgres://h:5432/d"
        );
    }
}
