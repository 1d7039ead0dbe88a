//! The one writer of submissions, by group commit: submissions that arrive together share one transaction and one disk flush.
//!
//! Every acknowledged response must be on disk before its thank-you page is sent. One flush per
//! submission caps SQLite at a few hundred completions a second. Here one writer thread takes
//! whatever work is waiting, runs each piece in its own savepoint (so one failure, such as a link
//! already used, undoes only that piece), commits once, and only then tells each waiting request
//! how its piece went. Under light load a batch holds one piece and nothing waits longer than it
//! would have; under heavy load the batch grows while the previous flush is in progress.
//!
//! The writer keeps a connection of its own rather than one from the pool, so that on SQLite
//! it can hold a larger page cache and leave copying the log into the database to a thread of
//! its own (`checkpoint`); after a failed batch it opens a fresh one, which is how it recovers
//! when PostgreSQL comes back after a restart.

use crate::db::checkpoint::Checkpointer;
use crate::db::{DatabaseUrl, DbConnection};
use crate::error::AppError;
use crate::metrics::CommitMetrics;
use diesel::Connection;
use std::sync::mpsc;
use tokio::sync::oneshot;

/// The most pieces of work in one transaction: enough to absorb a burst, small enough that
/// the write lock is never held for long.
const MAX_BATCH: usize = 256;

/// One piece of work in a batch, with its result held back until the batch commits.
trait Piece: Send {
    /// Runs inside the batch's transaction, in a savepoint of its own.
    fn run(&mut self, conn: &mut DbConnection);
    /// Sends the result, or the commit's failure if the batch did not commit.
    fn deliver(self: Box<Self>, commit: Result<(), &AppError>);
}

type Work<T> = Box<dyn FnOnce(&mut DbConnection) -> Result<T, AppError> + Send>;

struct Pending<T> {
    work: Option<Work<T>>,
    outcome: Option<Result<T, AppError>>,
    reply: oneshot::Sender<Result<T, AppError>>,
}

impl<T: Send + 'static> Piece for Pending<T> {
    fn run(&mut self, conn: &mut DbConnection) {
        if let Some(work) = self.work.take() {
            // A nested diesel transaction is a savepoint: an error rolls back this piece alone.
            self.outcome = Some(conn.transaction(work));
        }
    }

    fn deliver(self: Box<Self>, commit: Result<(), &AppError>) {
        let result = match (commit, self.outcome) {
            // The piece's own refusal (say, a link already used) is its answer either way.
            (_, Some(Err(refused))) => Err(refused),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Err(failed), _) => Err(failed.same_kind()),
            (Ok(()), None) => Err(AppError::Internal(anyhow::anyhow!("work was never run"))),
        };
        // The request may have gone (client hung up); its piece is committed regardless.
        let _ = self.reply.send(result);
    }
}

/// The queue in front of the writer thread. Cloning shares the same writer.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Box<dyn Piece>>,
}

impl GroupCommit {
    /// Starts the writer thread (and on SQLite the checkpoint thread). They end when the last
    /// `GroupCommit` is dropped.
    pub fn start(url: &DatabaseUrl, metrics: CommitMetrics) -> std::io::Result<Self> {
        let (queue, incoming) = mpsc::channel::<Box<dyn Piece>>();
        let checkpoints = match url {
            DatabaseUrl::Sqlite(_) => Some(Checkpointer::start(url.clone())?),
            DatabaseUrl::Postgres(_) => None,
        };
        let url = url.clone();
        std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || writer(&url, &incoming, checkpoints.as_ref(), &metrics))?;
        Ok(Self { queue })
    }

    /// Runs `work` in the next batch and returns its result once that batch is on disk.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let piece = Pending {
            work: Some(Box::new(work)),
            outcome: None,
            reply,
        };
        self.queue
            .send(Box::new(piece))
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the writer thread has stopped")))?;
        answer.await.map_err(|_| {
            AppError::Internal(anyhow::anyhow!("the writer thread dropped a request"))
        })?
    }
}

fn writer(
    url: &DatabaseUrl,
    incoming: &mpsc::Receiver<Box<dyn Piece>>,
    checkpoints: Option<&Checkpointer>,
    metrics: &CommitMetrics,
) {
    let mut conn: Option<DbConnection> = None;
    // Blocks for the first piece, then takes everything that queued meanwhile.
    while let Ok(first) = incoming.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(piece) => batch.push(piece),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let commit = commit_batch(url, &mut conn, &mut batch);
        match &commit {
            Ok(()) => {
                metrics.batch_size.observe(batch.len() as f64);
                metrics
                    .batch_seconds
                    .observe(started.elapsed().as_secs_f64());
                if let Some(checkpoints) = checkpoints {
                    checkpoints.nudge();
                }
            }
            // The connection may be what failed (a database restart); the next batch opens
            // another.
            Err(_) => conn = None,
        }
        for piece in batch {
            piece.deliver(commit.as_ref().map(|_| ()));
        }
    }
}

fn open(url: &DatabaseUrl) -> Result<DbConnection, AppError> {
    crate::db::establish_writer(url)
        .map_err(|e| AppError::Unavailable(anyhow::anyhow!("opening the writer's connection: {e}")))
}

fn commit_batch(
    url: &DatabaseUrl,
    conn: &mut Option<DbConnection>,
    batch: &mut [Box<dyn Piece>],
) -> Result<(), AppError> {
    let conn = match conn {
        Some(conn) => conn,
        None => conn.insert(open(url)?),
    };
    conn.transaction::<(), AppError, _>(|conn| {
        for piece in batch.iter_mut() {
            piece.run(conn);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Pool, build_pool, establish, run_migrations};
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn url(dir: &tempfile::TempDir) -> DatabaseUrl {
        DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap()
    }

    fn fresh_pool(dir: &tempfile::TempDir) -> Pool {
        let url = url(dir);
        run_migrations(&mut establish(&url).unwrap()).unwrap();
        let pool = build_pool(&url, 4).unwrap();
        // `links` refers to `marks` with a check deferred to COMMIT, so a test can make a batch
        // whose every piece succeeds and whose commit still fails.
        use diesel::connection::SimpleConnection;
        pool.get()
            .unwrap()
            .batch_execute(
                "CREATE TABLE marks (n BIGINT PRIMARY KEY); \
                 CREATE TABLE links (n BIGINT NOT NULL \
                   REFERENCES marks(n) DEFERRABLE INITIALLY DEFERRED);",
            )
            .unwrap();
        pool
    }

    fn marks(pool: &Pool) -> i64 {
        diesel::sql_query("SELECT COUNT(*) AS n FROM marks")
            .get_result::<Count>(&mut pool.get().unwrap())
            .unwrap()
            .n
    }

    fn mark(n: i64) -> impl FnOnce(&mut DbConnection) -> Result<i64, AppError> + Send {
        move |conn| {
            diesel::sql_query(format!("INSERT INTO marks (n) VALUES ({n})")).execute(conn)?;
            if n % 3 == 0 {
                // Written, then refused: the savepoint must undo this write alone.
                return Err(AppError::Gone);
            }
            Ok(n)
        }
    }

    #[actix_web::test]
    async fn a_refused_piece_is_undone_without_undoing_its_batch() {
        let dir = tempfile::tempdir().unwrap();
        let pool = fresh_pool(&dir);
        let commit =
            GroupCommit::start(&url(&dir), crate::metrics::Metrics::new().unwrap().commits)
                .unwrap();
        let results = futures_util::future::join_all((1..=30).map(|n| commit.run(mark(n)))).await;
        for (n, result) in (1..=30).zip(&results) {
            match result {
                Ok(v) => assert_eq!(*v, n),
                Err(AppError::Gone) => assert_eq!(n % 3, 0, "piece {n}"),
                Err(other) => panic!("piece {n}: {other:?}"),
            }
        }
        assert_eq!(marks(&pool), 20);
    }

    #[actix_web::test]
    async fn a_failed_commit_reaches_every_waiting_request() {
        let dir = tempfile::tempdir().unwrap();
        let pool = fresh_pool(&dir);
        let commit =
            GroupCommit::start(&url(&dir), crate::metrics::Metrics::new().unwrap().commits)
                .unwrap();
        let dangling = |conn: &mut DbConnection| -> Result<(), AppError> {
            diesel::sql_query("INSERT INTO marks (n) VALUES (1)").execute(conn)?;
            // Passes when written; fails the foreign key check at COMMIT.
            diesel::sql_query("INSERT INTO links (n) VALUES (99)").execute(conn)?;
            Ok(())
        };
        let result = commit.run(dangling).await;
        assert!(
            matches!(result, Err(AppError::Internal(_))),
            "a batch that cannot commit must not report success: {result:?}"
        );
        assert_eq!(marks(&pool), 0, "nothing of the failed batch is kept");
        // The writer goes on after a failed batch.
        assert_eq!(commit.run(mark(2)).await.unwrap(), 2);
        assert_eq!(marks(&pool), 1);
    }
}
