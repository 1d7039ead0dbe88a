//! Each member of staff's daily allowance of discharge invitations (`INVITES_PER_USER_PER_DAY`),
//! so that one account, or a key taken from it, cannot fill a team's evidence with links it
//! answers itself.

use crate::db::DbConnection;
use crate::db::schema::daily_invitation_counts;
use chrono::NaiveDate;
use diesel::prelude::*;

/// A request that would take a user past their allowance for the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverAllowance {
    /// Invitations the user had issued today before this request.
    pub issued_today: i64,
    /// The daily allowance.
    pub allowance: u32,
}

impl OverAllowance {
    /// What the person is told: how many are left, never whose.
    pub fn message(&self) -> String {
        let left = (i64::from(self.allowance) - self.issued_today).max(0);
        format!(
            "you may issue {} discharge invitations a day and have {left} left today; ask a colleague or try again tomorrow",
            self.allowance
        )
    }
}

/// Adds `count` to the user's invitations today in one statement, so parallel requests each
/// count. Over the allowance, nothing may be issued: the caller's transaction must fail, which
/// also takes the count back.
const TAKE: &str = "INSERT INTO daily_invitation_counts (user_id, day, issued) VALUES ($1, $2, $3) \
     ON CONFLICT (user_id, day) DO UPDATE SET issued = daily_invitation_counts.issued + $3 \
     RETURNING issued";

#[derive(QueryableByName)]
struct Issued {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    issued: i32,
}

/// Takes `count` invitations from the user's allowance for `today`.
pub fn take(
    conn: &mut DbConnection,
    user_id: &str,
    count: usize,
    allowance: u32,
    today: NaiveDate,
) -> QueryResult<Result<(), OverAllowance>> {
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    let issued: Issued = crate::on_backend!(conn, |c| diesel::sql_query(TAKE)
        .bind::<diesel::sql_types::Text, _>(user_id)
        .bind::<diesel::sql_types::Date, _>(today)
        .bind::<diesel::sql_types::Integer, _>(count)
        .get_result(c))?;
    if i64::from(issued.issued) > i64::from(allowance) {
        return Ok(Err(OverAllowance {
            issued_today: i64::from(issued.issued) - i64::from(count),
            allowance,
        }));
    }
    Ok(Ok(()))
}

/// Deletes the counts of days before `day`; returns how many.
pub fn forget_before(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<usize> {
    diesel::delete(daily_invitation_counts::table.filter(daily_invitation_counts::day.lt(day)))
        .execute(conn)
}
