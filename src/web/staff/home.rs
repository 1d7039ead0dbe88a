//! The staff home page and a team's page.

use super::team_for;
use crate::staff::{Permission, Role};
use crate::web::State;
use crate::web::blocking::run_db_read;
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// The teams this user can open.
pub async fn home(state: State, signed_in: SignedIn) -> Result<HttpResponse, PageError> {
    let teams = if signed_in.user.is_admin {
        run_db_read(&state.pool, crate::teams::all)
            .await?
            .into_iter()
            .map(|t| json!({ "code": t.code, "name": t.name, "role": "admin" }))
            .collect::<Vec<_>>()
    } else {
        let codes: Vec<(String, Role)> = signed_in
            .user
            .roles
            .iter()
            .map(|(_, c, r)| (c.clone(), *r))
            .collect();
        let all = run_db_read(&state.pool, crate::teams::all).await?;
        all.into_iter()
            .filter_map(|t| {
                codes
                    .iter()
                    .find(|(c, _)| *c == t.code)
                    .map(|(_, r)| json!({ "code": t.code, "name": t.name, "role": r.as_str() }))
            })
            .collect()
    };
    Ok(state.page(
        "pages/staff_home",
        StatusCode::OK,
        json!({ "title": "Your teams", "teams": teams }),
        &signed_in.chrome(),
    ))
}

/// One team's page: what this user can do there.
pub async fn team(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::ViewYouSaidWeDid,
    )
    .await?;
    let user = &signed_in.user;
    let context = json!({
        "title": team.name,
        "team": team,
        "can_issue": user.can(&team.id, Permission::IssueInvitations),
        "can_manage": user.can(&team.id, Permission::ManageConcerns),
        "can_read_urgent": user.can(&team.id, Permission::ViewUrgent),
    });
    Ok(state.page(
        "pages/staff_team",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}
