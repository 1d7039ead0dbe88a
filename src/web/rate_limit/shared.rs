//! Rate-limit counters in the database, shared by every server (PostgreSQL): one atomic
//! upsert per request (`db::counters`), so two servers counting the same client both count.

use crate::db::{Pool, counters};
use actix_extensible_rate_limit::backend::{Decision, SimpleInput, SimpleOutput};
use actix_web::rt::time::Instant;
use chrono::TimeDelta;
use std::time::Duration;

/// Counters kept in the shared database.
#[derive(Clone)]
pub struct SharedCounters {
    pool: Pool,
}

impl SharedCounters {
    /// Counters in the database behind `pool`.
    pub fn new(pool: Pool) -> Self {
        SharedCounters { pool }
    }

    /// Counts a request and decides. When the database cannot be reached the request is let
    /// through: the route it guards needs the database too, and answers for itself.
    pub async fn request(&self, input: SimpleInput) -> (Decision, SimpleOutput, String) {
        let pool = self.pool.clone();
        let key = input.key.clone();
        let interval = TimeDelta::from_std(input.interval).unwrap_or(TimeDelta::minutes(1));
        let now = crate::db::now();
        let counted = actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok::<_, anyhow::Error>(counters::hit(&mut conn, &key, now, interval)?)
        })
        .await;
        let hit = match counted {
            Ok(Ok(hit)) => Some(hit),
            Ok(Err(e)) => {
                tracing::warn!(error = format!("{e:#}"), "shared rate limit not counted");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "shared rate limit not counted");
                None
            }
        };
        let (hits, window_start) = hit.map_or((1, now), |h| (h.hits, h.window_start));
        let hits = u64::try_from(hits).unwrap_or(u64::MAX);
        let left = (window_start + interval - now)
            .to_std()
            .unwrap_or(Duration::ZERO);
        let output = SimpleOutput {
            limit: input.max_requests,
            remaining: input.max_requests.saturating_sub(hits),
            reset: Instant::now() + left,
        };
        (
            Decision::from_allowed(hits <= input.max_requests),
            output,
            input.key,
        )
    }
}
