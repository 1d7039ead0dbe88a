//! The database: one connection type over SQLite or PostgreSQL, a pool, embedded migrations.
//!
//! Lookups of one row use `get_result`, not `first`: `first` binds its `LIMIT` as a parameter,
//! and SQLite (3.47 and later) re-prepares a statement whose `LIMIT` is bound every time it
//! runs, which cost about a tenth of the server's time under load.

pub mod cached_sql;
pub mod checkpoint;
pub mod counters;
pub mod files;
pub mod schema;
mod url;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

pub use url::{DatabaseUrl, DatabaseUrlError};

/// One connection type for both backends, so every query is written once.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// A pooled connection.
pub type Pool = r2d2::Pool<ConnectionManager>;
/// A connection checked out of the pool.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Opens connections for the backend named by the URL's scheme.
///
/// diesel's own `AnyConnection` manager tries PostgreSQL and then treats any other string as a
/// SQLite file name, hiding the real error; this one reports it.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager for an already parsed URL.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

/// SQLite settings applied on every new connection. `secure_delete` zeroes erased contact details
/// instead of leaving them in free pages. `busy_timeout` comes first: switching to WAL
/// needs a lock, and without the timeout a second connection opening at once fails with SQLITE_BUSY.
/// `temp_store = MEMORY` keeps the journal of each savepoint (one per submission in a group
/// commit) in memory instead of a temporary file.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;";

/// Opens one connection without a pool (CLI commands, migrations).
pub fn establish(url: &DatabaseUrl) -> Result<DbConnection, ConnectionError> {
    match url {
        DatabaseUrl::Postgres(u) => Ok(DbConnection::Postgresql(diesel::PgConnection::establish(
            u,
        )?)),
        DatabaseUrl::Sqlite(path) => {
            files::make_private(path)
                .map_err(|e| ConnectionError::BadConnection(format!("{}: {e}", path.display())))?;
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
            conn.batch_execute(SQLITE_PRAGMAS)
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

/// SQLite settings for the one writer's own connection (see `submissions::writer`): a page
/// cache big enough for the pages every submission touches, and the log copied into the
/// database by the checkpoint thread. SQLite still copies it here if the log ever reaches
/// 10,000 pages (40 MB), so the log stays bounded even if that thread cannot keep up.
const SQLITE_WRITER_PRAGMAS: &str =
    "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 10000;";

/// Opens the connection of a long-lived single writer, with its larger cache on SQLite.
pub fn establish_writer(url: &DatabaseUrl) -> Result<DbConnection, ConnectionError> {
    let mut conn = establish(url)?;
    if let DbConnection::Sqlite(c) = &mut conn {
        c.batch_execute(SQLITE_WRITER_PRAGMAS)
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
    }
    Ok(conn)
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        establish(&self.url).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        match conn {
            // A PostgreSQL connection dies with its server; checking it on every checkout is
            // what lets the pool recover by itself after a restart.
            DbConnection::Postgresql(_) => conn
                .batch_execute("SELECT 1")
                .map_err(r2d2::Error::QueryError),
            // A SQLite connection is an open file in this process: nothing outside can break it.
            DbConnection::Sqlite(_) => Ok(()),
        }
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Builds the pool. Connections are made lazily so that the service starts (and answers 503)
/// while PostgreSQL is briefly down, and recovers by itself when it is back.
pub fn build_pool(url: &DatabaseUrl, max_size: u32) -> Result<Pool, r2d2::PoolError> {
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(true)
        .build(ConnectionManager::new(url.clone()))
}

/// On SQLite, copies the write-ahead log into the database and empties the log file. Until
/// then the log still holds old page images, including contact details already erased from
/// the tables. A no-op on PostgreSQL; best effort while readers are busy.
pub fn truncate_wal(conn: &mut DbConnection) {
    if let DbConnection::Sqlite(c) = conn {
        let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
}

/// Applies every pending migration for the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("applying migrations failed: {e}"))
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))
}

/// Whether every embedded migration has been applied (readiness).
pub fn migrations_pending(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let result = match conn {
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    result.map_err(|e| anyhow::anyhow!("reading migration state failed: {e}"))
}

/// Runs the same diesel code on whichever backend the connection is, for the few statements
/// `MultiConnection` cannot express (upserts, raw SQL with row locks).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// Runs `work` in a transaction that takes the write lock at its start on SQLite (`BEGIN
/// IMMEDIATE`), or in a savepoint when one is already open. A deferred SQLite transaction that
/// reads and then writes fails at once, without waiting, when another connection committed in
/// between; work that reads first and writes later must start this way.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()?
            .is_none(),
        DbConnection::Postgresql(_) => false,
    };
    if !outermost {
        return conn.transaction(work);
    }
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// The current time truncated to microseconds, the precision both backends keep.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Today's date in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
