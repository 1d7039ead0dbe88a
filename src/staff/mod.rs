//! Staff: accounts, team roles, passwords, API keys and sign-in throttling.

pub mod api_keys;
pub mod directory;
pub mod invitation_allowance;
pub mod offboarding;
pub mod passwords;
pub mod roles;
pub mod sign_in;

use crate::db::DbConnection;
use crate::db::schema::{team_roles, teams, users};
use crate::error::AppError;
use diesel::prelude::*;
use validator::ValidateEmail;

pub use roles::{Permission, Role};

/// A staff email address: trimmed, lower-cased and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEmail(String);

impl StaffEmail {
    /// Accepts a plausible email address.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.validate_email() {
            Ok(StaffEmail(email))
        } else {
            Err("Enter a valid email address".into())
        }
    }
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A signed-in member of staff with their roles, loaded once per request.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: String,
    pub email: String,
    pub is_admin: bool,
    pub session_epoch: i32,
    /// (team id, team code, role) for each team the user belongs to.
    pub roles: Vec<(String, String, Role)>,
}

impl StaffUser {
    /// The user's role in a team; admins act as managers everywhere.
    pub fn role_in(&self, team_id: &str) -> Option<Role> {
        if self.is_admin {
            return Some(Role::Manager);
        }
        self.roles
            .iter()
            .find(|(id, _, _)| id == team_id)
            .map(|(_, _, r)| *r)
    }

    /// Whether the user may do this in this team.
    pub fn can(&self, team_id: &str, permission: Permission) -> bool {
        self.role_in(team_id)
            .is_some_and(|role| role.allows(permission))
    }

    /// Access to one record (a concern, an action, a comment) of a team: allowed, 403 for a
    /// member of that team without the permission, 404 for anyone else, so another team's
    /// records are not even confirmed to exist.
    pub fn may_touch(
        &self,
        team_id: &str,
        permission: Permission,
        what: &'static str,
    ) -> Result<(), AppError> {
        if self.can(team_id, permission) {
            Ok(())
        } else if self.role_in(team_id).is_some() {
            Err(AppError::Forbidden)
        } else {
            Err(AppError::NotFound(what))
        }
    }

    /// Whether the user may do this anywhere (for menus).
    pub fn can_anywhere(&self, permission: Permission) -> bool {
        self.is_admin || self.roles.iter().any(|(_, _, r)| r.allows(permission))
    }

    /// A short label for the audit log that does not repeat the full address.
    pub fn audit_label(&self) -> String {
        format!("user:{}", &self.id)
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub session_epoch: i32,
    pub created_at: chrono::NaiveDateTime,
    pub disabled: bool,
}

/// Loads an enabled user and their roles by id: a disabled account loads as no one, so its
/// sessions and keys stop at once.
pub fn load(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<StaffUser>> {
    let Some(row) = users::table
        .find(user_id)
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let roles = team_roles::table
        .inner_join(teams::table)
        .filter(team_roles::user_id.eq(user_id))
        .order(teams::code.asc())
        .select((teams::id, teams::code, team_roles::role))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .filter_map(|(id, code, role)| Role::parse(&role).map(|r| (id, code, r)))
        .collect();
    Ok(Some(StaffUser {
        id: row.id,
        email: row.email,
        is_admin: row.is_admin,
        session_epoch: row.session_epoch,
        roles,
    }))
}

/// Creates a user, or updates the password and roles of an existing one (the CLI's `user add`).
/// A new password for an existing user (a reset) revokes their API keys; setting a password
/// clears the address's sign-in throttle, so an admin's reset also unlocks it.
pub fn add_or_update(
    conn: &mut DbConnection,
    email: &StaffEmail,
    password: &passwords::NewPassword,
    is_admin: bool,
    team_roles_to_grant: &[(String, Role)],
) -> anyhow::Result<String> {
    let hash = passwords::hash(password)?;
    // Reads, then writes: take the write lock first on SQLite.
    crate::db::write_transaction(conn, |conn| {
        let existing: Option<(String, String)> = users::table
            .filter(users::email.eq(email.as_str()))
            .select((users::id, users::password_hash))
            .get_result(conn)
            .optional()?;
        sign_in::clear_address(conn, email.as_str())?;
        let id = match existing {
            Some((id, old_hash)) => {
                if !password.matches(&old_hash) {
                    api_keys::revoke_all_for_user(conn, &id)?;
                }
                diesel::update(users::table.find(&id))
                    // A new password ends every session opened with the old one.
                    .set((
                        users::password_hash.eq(&hash),
                        users::is_admin.eq(is_admin),
                        users::session_epoch.eq(users::session_epoch + 1),
                    ))
                    .execute(conn)?;
                id
            }
            None => {
                let row = UserRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    email: email.as_str().to_string(),
                    password_hash: hash.clone(),
                    is_admin,
                    session_epoch: 0,
                    created_at: crate::db::now(),
                    disabled: false,
                };
                diesel::insert_into(users::table)
                    .values(&row)
                    .execute(conn)?;
                row.id
            }
        };
        for (team_id, role) in team_roles_to_grant {
            diesel::delete(team_roles::table.find((&id, team_id))).execute(conn)?;
            diesel::insert_into(team_roles::table)
                .values((
                    team_roles::user_id.eq(&id),
                    team_roles::team_id.eq(team_id),
                    team_roles::role.eq(role.as_str()),
                ))
                .execute(conn)?;
        }
        Ok::<_, anyhow::Error>(id)
    })
}

/// A user id by email.
pub fn find_id_by_email(
    conn: &mut DbConnection,
    email: &StaffEmail,
) -> QueryResult<Option<String>> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .select(users::id)
        .get_result(conn)
        .optional()
}

/// A user's email address by id, enabled or not.
pub fn email_of(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .select(users::email)
        .get_result(conn)
        .optional()
}

/// Ends every session of a user (sign-out), by moving their session epoch on.
pub fn end_sessions(conn: &mut DbConnection, user_id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::session_epoch.eq(users::session_epoch + 1))
        .execute(conn)
        .map(|_| ())
}
