//! Releasing waiting submissions to staff, a whole batch at a time.
//!
//! A team's group (service users, carers, staff or partners) is released only when at least
//! `min_n` of its submissions wait, and then all of them go together, in random order, dated by
//! the release. So every month's count for a group is zero or at least `min_n`, and the
//! difference between any two periods is a union of whole batches: no figure, comment or
//! concern can be put down to one link.
//!
//! In the same transaction the used invitations are rewritten in random order
//! (`invitations::unpair::shuffle_used`), so neither their position on disk nor their
//! transaction id says when each was used. After it commits, what the transaction left behind
//! is cleaned out (`invitations::unpair::settle`).

use super::staging::{self, Waiting};
use crate::concerns;
use crate::db::DbConnection;
use crate::responses::{self, NewResponse, Prepared};
use crate::surveys::Respondent;
use crate::totals::Tally;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// What one release did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Released {
    /// Responses released.
    pub responses: usize,
    /// Team groups released, each a batch of at least `min_n`.
    pub batches: usize,
    /// Submissions still waiting for their group to reach `min_n`.
    pub waiting: i64,
}

/// Releases every team group with at least `min_n` submissions waiting, dated `today`.
pub fn release(conn: &mut DbConnection, min_n: u32, today: NaiveDate) -> anyhow::Result<Released> {
    let mut released = crate::db::write_transaction(conn, |conn| {
        crate::invitations::unpair::lock_for_rewrite(conn)?;
        let groups = staging::full_groups(conn, min_n)?;
        let mut batch: Vec<Waiting> = Vec::new();
        for (team_id, respondent) in &groups {
            batch.extend(staging::group(conn, team_id, respondent)?);
        }
        // Their order on disk, and of their ids, must say nothing about when each arrived.
        shuffle(&mut batch);
        let mut tally = Tally::default();
        for waiting in &batch {
            let answers = Prepared::from_json(&waiting.answers)
                .map_err(|e| anyhow::anyhow!("a waiting submission cannot be read: {e}"))?;
            let respondent = Respondent::parse(&waiting.respondent)
                .ok_or_else(|| anyhow::anyhow!("a waiting submission has no known group"))?;
            let new = NewResponse {
                team_id: &waiting.team_id,
                survey_version_id: &waiting.survey_version_id,
                respondent,
                channel: &waiting.channel,
                received_on: today,
            };
            let stored = responses::store(conn, &new, &answers, &mut tally)?;
            concerns::raise_from_response(conn, &waiting.team_id, &stored, today)?;
        }
        tally.write(conn)?;
        let ids: Vec<String> = batch.iter().map(|w| w.id.clone()).collect();
        staging::remove(conn, &ids)?;
        staging::rewrite_remaining(conn)?;
        crate::invitations::unpair::shuffle_used(conn)?;
        anyhow::Ok(Released {
            responses: batch.len(),
            batches: groups.len(),
            waiting: 0,
        })
    })?;
    if released.responses > 0 {
        crate::invitations::unpair::settle(conn)?;
    }
    released.waiting = staging::count_waiting(conn, None)?;
    Ok(released)
}

/// The next release after `now` (UTC): the next moment at which local time reads `at` (the
/// setting `RELEASE_TIME`), in UTC.
pub fn next_release(now: NaiveDateTime, at: NaiveTime) -> NaiveDateTime {
    use chrono::{Local, TimeZone};
    let local_now = Local.from_utc_datetime(&now);
    let mut day = local_now.date_naive();
    for _ in 0..3 {
        // A time that does not exist that day (the clocks go forward) is skipped.
        if let Some(candidate) = Local.from_local_datetime(&day.and_time(at)).earliest() {
            let candidate = candidate.naive_utc();
            if candidate > now {
                return candidate;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    now + chrono::TimeDelta::days(1)
}

/// Puts `items` in a random order: each gets a random key from the operating system's
/// generator, and they are sorted by it.
pub fn shuffle<T>(items: &mut Vec<T>) {
    let mut keys = vec![0u8; items.len() * 8];
    // The OS generator failing is not something a release can recover from.
    getrandom::fill(&mut keys).expect("the operating system's random generator failed");
    let mut keyed: Vec<(u64, T)> = keys
        .chunks_exact(8)
        .map(|k| k.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
        .zip(items.drain(..))
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    items.extend(keyed.into_iter().map(|(_, item)| item));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_release_is_always_ahead_and_within_a_day() {
        let at = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        for hour in 0..24 {
            let now = NaiveDate::from_ymd_opt(2026, 3, 29)
                .unwrap()
                .and_hms_opt(hour, 30, 0)
                .unwrap();
            let next = next_release(now, at);
            assert!(next > now);
            assert!(
                next - now <= chrono::TimeDelta::hours(25),
                "{now} -> {next}"
            );
        }
    }

    #[test]
    fn a_shuffle_keeps_every_item_and_does_not_keep_the_order() {
        let mut items: Vec<u32> = (0..200).collect();
        shuffle(&mut items);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..200).collect::<Vec<_>>());
        // The chance of 200 items staying in order is 1 in 200 factorial.
        assert_ne!(items, (0..200).collect::<Vec<_>>());
    }
}
