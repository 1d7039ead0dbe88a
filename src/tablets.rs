//! Tablets at a team's base: each has a link of its own (`/k/{token}`, stored as a hash). Every
//! visit opens a fresh questionnaire that can be sent once (its visit, also stored as a hash, is
//! used up by the transaction that stores the answers), and revoking the tablet ends its link.

use crate::db::DbConnection;
use crate::db::schema::{tablet_visits, tablets};
use crate::tokens;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

/// How long an opened questionnaire on a tablet can still be sent.
const VISIT_LIFETIME: TimeDelta = TimeDelta::hours(2);

/// A registered tablet.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = tablets)]
pub struct Tablet {
    pub id: String,
    pub team_id: String,
    #[serde(skip)]
    pub token_hash: String,
    pub label: String,
    pub survey_slug: String,
    pub revoked: bool,
    pub created_at: NaiveDateTime,
}

/// Registers a tablet for a team; returns its link's token, in clear this once.
pub fn register(
    conn: &mut DbConnection,
    team_id: &str,
    label: &str,
    survey_slug: &str,
) -> QueryResult<String> {
    let token = tokens::random_token();
    diesel::insert_into(tablets::table)
        .values((
            tablets::id.eq(uuid::Uuid::new_v4().to_string()),
            tablets::team_id.eq(team_id),
            tablets::token_hash.eq(tokens::hash(&token)),
            tablets::label.eq(label),
            tablets::survey_slug.eq(survey_slug),
            tablets::revoked.eq(false),
            tablets::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The tablet whose link holds `token`, if it is one and has not been revoked.
pub fn find_by_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<Tablet>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    tablets::table
        .filter(tablets::token_hash.eq(tokens::hash(token)))
        .filter(tablets::revoked.eq(false))
        .select(Tablet::as_select())
        .get_result(conn)
        .optional()
}

/// Every tablet, for the admin page.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Tablet>> {
    tablets::table
        .order(tablets::created_at.asc())
        .select(Tablet::as_select())
        .load(conn)
}

/// Ends a tablet's link, and any questionnaire open on it.
pub fn revoke(conn: &mut DbConnection, tablet_id: &str) -> QueryResult<Option<Tablet>> {
    diesel::update(tablets::table.find(tablet_id))
        .set(tablets::revoked.eq(true))
        .execute(conn)?;
    diesel::delete(tablet_visits::table.filter(tablet_visits::tablet_id.eq(tablet_id)))
        .execute(conn)?;
    tablets::table
        .find(tablet_id)
        .select(Tablet::as_select())
        .get_result(conn)
        .optional()
}

/// Opens a questionnaire on a tablet; returns the visit's secret, for the form.
pub fn open_visit(conn: &mut DbConnection, tablet_id: &str) -> QueryResult<String> {
    let visit = tokens::random_token();
    diesel::insert_into(tablet_visits::table)
        .values((
            tablet_visits::visit_hash.eq(tokens::hash(&visit)),
            tablet_visits::tablet_id.eq(tablet_id),
            tablet_visits::expires_at.eq(crate::db::now() + VISIT_LIFETIME),
        ))
        .execute(conn)?;
    Ok(visit)
}

/// Uses up an open visit of `tablet_id`; false when it was used already, has expired, or is
/// not this tablet's. Must be the first write of the transaction that stores the answers, as
/// redeeming a link is.
pub fn use_visit(conn: &mut DbConnection, tablet_id: &str, visit: &str) -> QueryResult<bool> {
    if !tokens::looks_like_token(visit) {
        return Ok(false);
    }
    let used = diesel::delete(
        tablet_visits::table
            .filter(tablet_visits::visit_hash.eq(tokens::hash(visit)))
            .filter(tablet_visits::tablet_id.eq(tablet_id))
            .filter(tablet_visits::expires_at.ge(crate::db::now())),
    )
    .execute(conn)?;
    Ok(used == 1)
}

/// Deletes visits that were opened and never sent; returns how many.
pub fn expire_visits(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::delete(tablet_visits::table.filter(tablet_visits::expires_at.lt(crate::db::now())))
        .execute(conn)
}
