//! Admin pages: teams and staff accounts. Only admins reach them; every change is audited.

use super::StaffForm;
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::error::AppError;
use crate::staff::{self, Role, StaffEmail, passwords::NewPassword};
use crate::teams::{self, TeamCode};
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde_json::json;
use std::collections::HashMap;

/// Refuses anyone but an admin.
pub(super) fn admin_only(signed_in: &SignedIn) -> Result<(), AppError> {
    if signed_in.user.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The admin page, with a refused form's values and errors when there are some.
pub(super) async fn render(
    state: &State,
    signed_in: &SignedIn,
    values: &HashMap<String, String>,
    errors: &[(&str, String)],
) -> Result<HttpResponse, PageError> {
    let (all, tablets, accounts, keys) = run_db_read(&state.pool, |conn| {
        Ok::<_, diesel::result::Error>((
            teams::all(conn)?,
            crate::tablets::all(conn)?,
            staff::directory::accounts(conn)?,
            staff::api_keys::list(conn, None)?,
        ))
    })
    .await?;
    let tablets: Vec<_> = tablets
        .iter()
        .map(|tablet| {
            let team = all.iter().find(|t| t.id == tablet.team_id);
            json!({
                "id": tablet.id,
                "label": tablet.label,
                "team": team.map(|t| t.code.clone()),
                "survey": tablet.survey_slug,
                "revoked": tablet.revoked,
            })
        })
        .collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let error = |f: &str| {
        errors
            .iter()
            .find(|(field, _)| *field == f)
            .map(|(_, m)| m.clone())
    };
    // A refused duty contact comes back in its own team's form, as typed.
    let duty_code = get("duty_code");
    let duty: Vec<_> = all
        .iter()
        .map(|t| {
            let refused = t.code == duty_code;
            json!({
                "code": t.code,
                "name": t.name,
                "email": if refused { Some(get("urgent_email")) } else { t.urgent_email.clone() },
                "mobile": if refused { Some(get("urgent_mobile")) } else { t.urgent_mobile.clone() },
                "email_error": if refused { error(&format!("urgent-email-{}", t.code)) } else { None },
                "mobile_error": if refused { error(&format!("urgent-mobile-{}", t.code)) } else { None },
            })
        })
        .collect();
    // A refused round size comes back in its own team's form, as typed.
    let sizes_code = get("sizes_code");
    let sizes: Vec<_> = all
        .iter()
        .map(|t| {
            let refused = t.code == sizes_code;
            let shown = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
            json!({
                "code": t.code,
                "name": t.name,
                "staff_size": if refused { get("staff_size") } else { shown(t.staff_size) },
                "partners": if refused { get("partners") } else { shown(t.partners) },
                "staff_size_error": if refused { error(&format!("staff-size-{}", t.code)) } else { None },
                "partners_error": if refused { error(&format!("partners-{}", t.code)) } else { None },
            })
        })
        .collect();
    let me = signed_in.user.id.clone();
    let accounts: Vec<_> = accounts
        .iter()
        .map(|a| json!({ "account": a, "is_me": a.id == me }))
        .collect();
    let keys: Vec<_> = keys
        .iter()
        .map(|k| {
            json!({
                "id": k.id,
                "owner": k.owner,
                "name": k.name,
                "created_on": k.created_at.date(),
                "last_used_on": k.last_used_on,
                "expires_on": k.expires_at.map(|at| at.date()),
                "state": k.state.as_str(),
                "revocable": k.state != staff::api_keys::KeyState::Revoked,
            })
        })
        .collect();
    let context = json!({
        "title": if errors.is_empty() { "Teams and staff" } else { "Error: Teams and staff" },
        "teams": all,
        "duty": duty,
        "tablets": tablets,
        "tablet_surveys": TABLET_SURVEYS,
        "tablet_label": get("tablet_label"),
        "tablet_label_error": error("tablet_label"),
        "tablet_team_error": error("tablet_team"),
        "sizes": sizes,
        "accounts": accounts,
        "accounts_error": error("accounts"),
        "keys": keys,
        "fallback_email": state.settings.urgent_fallback_email,
        "errors": errors.iter().map(|(f, m)| json!({ "href": format!("#{f}"), "message": m })).collect::<Vec<_>>(),
        "team_code": get("team_code"),
        "team_name": get("team_name"),
        "user_email": get("user_email"),
        "user_teams": get("user_teams"),
        "role_admin": get("role") == "admin",
        "role_manager": get("role") == "manager" || get("role").is_empty(),
        "role_clinician": get("role") == "clinician",
        "team_code_error": error("team_code"),
        "team_name_error": error("team_name"),
        "user_email_error": error("user_email"),
        "user_password_error": error("user_password"),
        "user_teams_error": error("user_teams"),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(state.page("pages/admin", status, context, &signed_in.chrome()))
}

/// The admin page.
pub async fn show(state: State, signed_in: SignedIn) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    render(&state, &signed_in, &HashMap::new(), &[]).await
}

/// Back to the admin page after a change.
/// An admin-page change with nothing to check but the role and the form's CSRF token: `change`
/// runs in one transaction with the admin's audit label, then back to the admin page.
pub(super) async fn admin_change<F>(
    state: &State,
    signed_in: &SignedIn,
    form: web::Form<HashMap<String, String>>,
    change: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut crate::db::DbConnection, &str) -> Result<(), AppError> + Send + 'static,
{
    admin_only(signed_in)?;
    StaffForm::checked(signed_in, form)?;
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| change(conn, &actor)).await?;
    Ok(back())
}

pub(super) fn back() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, "/staff/admin"))
        .finish()
}

/// Adds a team.
pub async fn add_team(
    state: State,
    signed_in: SignedIn,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let code = match TeamCode::parse(form.get("team_code")) {
        Ok(code) => code,
        Err(message) => {
            return render(&state, &signed_in, &form.0, &[("team_code", message)]).await;
        }
    };
    let name = form.get("team_name").trim().to_string();
    if name.is_empty() {
        return render(
            &state,
            &signed_in,
            &form.0,
            &[("team_name", "Enter the team's name".into())],
        )
        .await;
    }
    let actor = signed_in.user.audit_label();
    let outcome = run_db(&state.pool, move |conn| {
        let team = teams::add(conn, &code, &name)
            .map_err(|e| AppError::field("team_code", e.to_string()))?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamAdd,
            Some(&team.id),
            &format!("code={}", team.code),
        )?;
        Ok::<_, AppError>(())
    })
    .await;
    match outcome {
        Ok(()) => Ok(back()),
        Err(AppError::BadRequest { message, .. }) => {
            render(&state, &signed_in, &form.0, &[("team_code", message)]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a staff account, or changes an existing one's password and roles.
pub async fn add_user(
    state: State,
    signed_in: SignedIn,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let mut errors = Vec::new();
    let email = StaffEmail::parse(form.get("user_email"))
        .map_err(|m| errors.push(("user_email", m)))
        .ok();
    let password = NewPassword::parse(form.get("user_password"))
        .map_err(|m| errors.push(("user_password", format!("The {m}"))))
        .ok();
    let (is_admin, role) = match form.get("role") {
        "admin" => (true, None),
        "clinician" => (false, Some(Role::Clinician)),
        _ => (false, Some(Role::Manager)),
    };
    let codes: Vec<String> = form
        .get("user_teams")
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    if role.is_some() && codes.is_empty() {
        errors.push((
            "user_teams",
            "Enter at least one team code for a manager or clinician".into(),
        ));
    }
    let (Some(email), Some(password)) = (email, password) else {
        return render(&state, &signed_in, &form.0, &errors).await;
    };
    if !errors.is_empty() {
        return render(&state, &signed_in, &form.0, &errors).await;
    }
    let actor = signed_in.user.audit_label();
    let outcome = run_db(&state.pool, move |conn| {
        let mut grants = Vec::new();
        for code in &codes {
            let team = teams::find_by_code(conn, code)?.ok_or_else(|| {
                AppError::field("user_teams", format!("There is no team with code {code}"))
            })?;
            if let Some(role) = role {
                grants.push((team.id, role));
            }
        }
        let id = staff::add_or_update(conn, &email, &password, is_admin, &grants)?;
        let role_name = if is_admin {
            "admin"
        } else {
            role.map(Role::as_str).unwrap_or_default()
        };
        audit::record(
            conn,
            &actor,
            AuditAction::UserSave,
            None,
            &format!("user={id} role={role_name} teams={}", codes.join(",")),
        )?;
        Ok::<_, AppError>(())
    })
    .await;
    match outcome {
        Ok(()) => Ok(back()),
        Err(AppError::BadRequest { field, message }) => {
            let field = if field.as_deref() == Some("user_teams") {
                "user_teams"
            } else {
                "user_email"
            };
            render(&state, &signed_in, &form.0, &[(field, message)]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets whether a team's public pages open in Welsh and whether it uses the easy-read
/// service-user questionnaire.
pub async fn set_preferences(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let (welsh_first, easy_read) = (
        form.get("welsh_first") == "yes",
        form.get("easy_read") == "yes",
    );
    let code = code.into_inner();
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        let team = teams::find_by_code(conn, &code)?.ok_or(AppError::NotFound("team"))?;
        teams::set_preferences(conn, &team.id, welsh_first, easy_read)?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamPreferences,
            Some(&team.id),
            &format!("welsh_first={welsh_first} easy_read={easy_read}"),
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(back())
}

/// Sets a team's own crisis line, shown first on its public pages.
pub async fn set_crisis_line(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let line = form
        .get("crisis_line")
        .trim()
        .chars()
        .take(300)
        .collect::<String>();
    let code = code.into_inner();
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        let team = teams::find_by_code(conn, &code)?.ok_or(AppError::NotFound("team"))?;
        teams::set_crisis_line(conn, &team.id, Some(&line))?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamCrisisLine,
            Some(&team.id),
            "",
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(back())
}

/// Sets a team's duty contact for urgent comments: an email address, a mobile number, or both;
/// an empty field clears that part.
pub async fn set_duty_contact(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let code = code.into_inner();
    let check = |value: &str, parse: fn(&str) -> Result<String, String>| {
        let value = value.trim();
        if value.is_empty() {
            Ok(None)
        } else {
            parse(value).map(Some)
        }
    };
    let email = check(form.get("urgent_email"), crate::urgent::parse_duty_email);
    let mobile = check(form.get("urgent_mobile"), crate::urgent::parse_duty_mobile);
    let (email, mobile) = match (email, mobile) {
        (Ok(email), Ok(mobile)) => (email, mobile),
        (email, mobile) => {
            let mut values = form.0.clone();
            values.insert("duty_code".into(), code.to_ascii_uppercase());
            let email_field = format!("urgent-email-{}", code.to_ascii_uppercase());
            let mobile_field = format!("urgent-mobile-{}", code.to_ascii_uppercase());
            let mut errors: Vec<(&str, String)> = Vec::new();
            if let Err(why) = email {
                errors.push((
                    &email_field,
                    why.replace("urgent_email", "The duty email address"),
                ));
            }
            if let Err(why) = mobile {
                errors.push((
                    &mobile_field,
                    why.replace("urgent_mobile", "The duty mobile number"),
                ));
            }
            return render(&state, &signed_in, &values, &errors).await;
        }
    };
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        let team = teams::find_by_code(conn, &code)?.ok_or(AppError::NotFound("team"))?;
        crate::urgent::set_duty_contact(
            conn,
            &team.id,
            Some(email.as_deref()),
            Some(mobile.as_deref()),
        )?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamDutyContact,
            Some(&team.id),
            "",
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(back())
}

/// The questionnaires a tablet may offer: those answered by people in the team's care.
const TABLET_SURVEYS: [&str; 3] = ["service-user", "service-user-easy-read", "carer"];

/// Registers a tablet for a team and shows its link, the only time it exists in clear.
pub async fn add_tablet(
    state: State,
    signed_in: SignedIn,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let label = form.get("tablet_label").trim().to_string();
    let code = form.get("tablet_team").trim().to_string();
    let survey = form.get("tablet_survey").to_string();
    let mut errors: Vec<(&str, String)> = Vec::new();
    if label.is_empty() || label.chars().count() > 100 {
        errors.push((
            "tablet_label",
            "Name the tablet (for example, where it is), in 100 characters or fewer".into(),
        ));
    }
    let lookup = code.clone();
    let team = run_db_read(&state.pool, move |conn| teams::find_by_code(conn, &lookup)).await?;
    if team.is_none() {
        errors.push((
            "tablet_team",
            "Choose the team the tablet belongs to".into(),
        ));
    }
    let survey = TABLET_SURVEYS
        .iter()
        .find(|s| **s == survey)
        .copied()
        .unwrap_or("service-user");
    let Some(team) = team.filter(|_| errors.is_empty()) else {
        return render(&state, &signed_in, &form.0, &errors).await;
    };
    let actor = signed_in.user.audit_label();
    let team_id = team.id.clone();
    let token = run_db(&state.pool, move |conn| {
        let token = crate::tablets::register(conn, &team_id, &label, survey)?;
        audit::record(
            conn,
            &actor,
            AuditAction::TabletAdd,
            Some(&team_id),
            &format!("survey={survey}"),
        )?;
        Ok::<_, AppError>(token)
    })
    .await?;
    let context = json!({
        "title": "Tablet registered",
        "team": team,
        "link": format!("{}/k/{token}", state.settings.public_url),
    });
    Ok(state.page(
        "pages/tablet_registered",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}

/// Ends a tablet's link.
pub async fn revoke_tablet(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    admin_change(&state, &signed_in, form, move |conn, actor| {
        let tablet = crate::tablets::revoke(conn, &id)?.ok_or(AppError::NotFound("tablet"))?;
        audit::record(
            conn,
            actor,
            AuditAction::TabletRevoke,
            Some(&tablet.team_id),
            "",
        )?;
        Ok(())
    })
    .await
}

/// Sets the sizes that cap a team's survey rounds: how many staff it has and how many partner
/// services it works with. An empty field clears that size.
pub async fn set_round_sizes(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let code = code.into_inner().to_ascii_uppercase();
    let size = |value: &str, what: &str| match value.trim() {
        "" => Ok(None),
        v => teams::parse_round_size(v, what).map(Some),
    };
    let staff_size = size(form.get("staff_size"), "The staff size");
    let partners = size(form.get("partners"), "The number of partner services");
    let (staff_size, partners) = match (staff_size, partners) {
        (Ok(s), Ok(p)) => (s, p),
        (s, p) => {
            let mut values = form.0.clone();
            values.insert("sizes_code".into(), code.clone());
            let staff_field = format!("staff-size-{code}");
            let partners_field = format!("partners-{code}");
            let mut errors: Vec<(&str, String)> = Vec::new();
            if let Err(why) = s {
                errors.push((&staff_field, why));
            }
            if let Err(why) = p {
                errors.push((&partners_field, why));
            }
            return render(&state, &signed_in, &values, &errors).await;
        }
    };
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        let team = teams::find_by_code(conn, &code)?.ok_or(AppError::NotFound("team"))?;
        teams::set_round_sizes(conn, &team.id, Some(staff_size), Some(partners))?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamRoundSizes,
            Some(&team.id),
            &teams::round_sizes_detail(Some(staff_size), Some(partners)),
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(back())
}
