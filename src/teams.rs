//! Teams: the unit every response, invitation, concern and role belongs to.

use crate::db::DbConnection;
use crate::db::schema::teams;
use diesel::prelude::*;
use serde::Serialize;

/// A team's short code, e.g. `NORTH`: what staff type and what appears in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TeamCode(String);

impl TeamCode {
    /// Accepts 2 to 20 letters, digits or hyphens; stored in upper case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = (2..=20).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(TeamCode(code))
        } else {
            Err(format!(
                "team code `{raw}` must be 2 to 20 letters, digits or hyphens"
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored team.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: String,
    pub code: String,
    pub name: String,
    pub crisis_line: Option<String>,
    pub welsh_first: bool,
    pub created_at: chrono::NaiveDateTime,
    pub easy_read: bool,
    /// The duty contact alerted about urgent comments.
    pub urgent_email: Option<String>,
    pub urgent_mobile: Option<String>,
    /// How many staff the team has: the most links a round of the staff questionnaire issues.
    pub staff_size: Option<i32>,
    /// How many partner services the team works with: the same for the partner questionnaire.
    pub partners: Option<i32>,
}

/// Adds a team; a second team with the same code is refused.
pub fn add(conn: &mut DbConnection, code: &TeamCode, name: &str) -> anyhow::Result<Team> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.len() <= 200,
        "team name must be 1 to 200 characters"
    );
    anyhow::ensure!(
        find_by_code(conn, code.as_str())?.is_none(),
        "a team with code {} already exists",
        code.as_str()
    );
    let team = Team {
        id: uuid::Uuid::new_v4().to_string(),
        code: code.as_str().to_string(),
        name: name.to_string(),
        crisis_line: None,
        welsh_first: false,
        created_at: crate::db::now(),
        easy_read: false,
        urgent_email: None,
        urgent_mobile: None,
        staff_size: None,
        partners: None,
    };
    diesel::insert_into(teams::table)
        .values(&team)
        .execute(conn)?;
    Ok(team)
}

/// A team by code (case-insensitive input).
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Team>> {
    teams::table
        .filter(teams::code.eq(code.trim().to_ascii_uppercase()))
        .select(Team::as_select())
        .get_result(conn)
        .optional()
}

/// A team by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Team>> {
    teams::table
        .find(id)
        .select(Team::as_select())
        .get_result(conn)
        .optional()
}

/// Every team, by code.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Team>> {
    teams::table
        .order(teams::code.asc())
        .select(Team::as_select())
        .load(conn)
}

/// Sets whether the team's public pages open in Welsh and whether service users get the
/// easy-read questionnaire at discharge.
pub fn set_preferences(
    conn: &mut DbConnection,
    team_id: &str,
    welsh_first: bool,
    easy_read: bool,
) -> QueryResult<()> {
    diesel::update(teams::table.find(team_id))
        .set((
            teams::welsh_first.eq(welsh_first),
            teams::easy_read.eq(easy_read),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The service-user questionnaire a team uses at discharge.
pub fn service_user_slug(team: &Team) -> &'static str {
    if team.easy_read {
        "service-user-easy-read"
    } else {
        "service-user"
    }
}

/// Sets the team's own crisis line, shown first on its public pages.
pub fn set_crisis_line(
    conn: &mut DbConnection,
    team_id: &str,
    line: Option<&str>,
) -> QueryResult<()> {
    diesel::update(teams::table.find(team_id))
        .set(teams::crisis_line.eq(line.map(str::trim).filter(|l| !l.is_empty())))
        .execute(conn)
        .map(|_| ())
}

/// The largest staff size or partner list a team may have: one round's links at most.
pub const MAX_ROUND_SIZE: i32 = 500;

/// A staff size or partner list size as typed: a whole number from 1 to `MAX_ROUND_SIZE`.
pub fn parse_round_size(raw: &str, what: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(n) if (1..=MAX_ROUND_SIZE).contains(&n) => Ok(n),
        _ => Err(format!(
            "{what} must be a whole number from 1 to {MAX_ROUND_SIZE}"
        )),
    }
}

/// Sets the sizes that cap survey rounds: `None` leaves a size as it is, `Some(None)` clears it.
pub fn set_round_sizes(
    conn: &mut DbConnection,
    team_id: &str,
    staff_size: Option<Option<i32>>,
    partners: Option<Option<i32>>,
) -> QueryResult<()> {
    if let Some(size) = staff_size {
        diesel::update(teams::table.find(team_id))
            .set(teams::staff_size.eq(size))
            .execute(conn)?;
    }
    if let Some(size) = partners {
        diesel::update(teams::table.find(team_id))
            .set(teams::partners.eq(size))
            .execute(conn)?;
    }
    Ok(())
}

/// The audit detail of a change of round sizes: numbers only.
pub fn round_sizes_detail(
    staff_size: Option<Option<i32>>,
    partners: Option<Option<i32>>,
) -> String {
    let part = |n: Option<Option<i32>>| match n {
        None => "unchanged".to_string(),
        Some(None) => "cleared".to_string(),
        Some(Some(n)) => n.to_string(),
    };
    format!(
        "staff_size={} partners={}",
        part(staff_size),
        part(partners)
    )
}
