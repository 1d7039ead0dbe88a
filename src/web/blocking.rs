//! Running database work off the HTTP workers: diesel is blocking, and an actix worker that
//! waits on the database stops answering every other request it holds.

use crate::db::{DbConnection, Pool};
use crate::error::AppError;
use diesel::Connection;

/// Runs database work on the blocking thread pool, never on an actix worker, as one
/// transaction: a handler's writes and its audit entry commit together or not at all. On SQLite
/// the transaction takes the write lock at its start, so work that reads and then writes waits
/// its turn instead of failing when another writer commits in between.
pub async fn run_db<T, E, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    blocking(pool, move |conn| {
        crate::db::write_transaction::<T, AppError, _>(conn, |conn| work(conn).map_err(Into::into))
    })
    .await
}

/// `run_db` for work that only reads: it never waits for the write lock, so pages and reports
/// read alongside the writer of submissions.
pub async fn run_db_read<T, E, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    blocking(pool, move |conn| {
        conn.transaction::<T, AppError, _>(|conn| work(conn).map_err(Into::into))
    })
    .await
}

async fn blocking<T, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let outcome = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(AppError::from)?;
        work(&mut conn)
    })
    .await;
    match outcome {
        Ok(result) => result,
        Err(blocking) => Err(AppError::Internal(anyhow::anyhow!(
            "blocking task failed: {blocking}"
        ))),
    }
}
