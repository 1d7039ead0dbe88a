//! Every staff account as the admin page lists it, for offboarding.

use super::Role;
use crate::db::DbConnection;
use crate::db::schema::{team_roles, teams, users};
use diesel::prelude::*;
use serde::Serialize;

/// One account: who, what they may do where, and whether it is disabled.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub is_admin: bool,
    pub disabled: bool,
    /// (team code, role) for each team, by code.
    pub roles: Vec<TeamRole>,
}

/// A role in one team.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRole {
    pub code: String,
    pub role: &'static str,
}

/// Every account, by email address.
pub fn accounts(conn: &mut DbConnection) -> QueryResult<Vec<Account>> {
    let users: Vec<(String, String, bool, bool)> = users::table
        .order(users::email.asc())
        .select((users::id, users::email, users::is_admin, users::disabled))
        .load(conn)?;
    let roles: Vec<(String, String, String)> = team_roles::table
        .inner_join(teams::table)
        .order(teams::code.asc())
        .select((team_roles::user_id, teams::code, team_roles::role))
        .load(conn)?;
    Ok(users
        .into_iter()
        .map(|(id, email, is_admin, disabled)| Account {
            roles: roles
                .iter()
                .filter(|(user, _, _)| *user == id)
                .filter_map(|(_, code, role)| {
                    Role::parse(role).map(|r| TeamRole {
                        code: code.clone(),
                        role: r.as_str(),
                    })
                })
                .collect(),
            id,
            email,
            is_admin,
            disabled,
        })
        .collect())
}
