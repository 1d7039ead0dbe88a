//! Concerns and actions in the staff area: list with filters, log a concern, add and update
//! actions, close a concern.

use super::{StaffForm, team_for};
use crate::concerns::actions::{self, ActionChange, ActionStatus, NewAction};
use crate::concerns::audit::AuditAction;
use crate::concerns::{self, ConcernFilter, ConcernSource, Summary, audit};
use crate::error::AppError;
use crate::staff::Permission;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// List filters from the query string.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    source: Option<String>,
    theme: Option<String>,
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

fn sources(selected: &str) -> Vec<Value> {
    ConcernSource::LOGGABLE
        .iter()
        .map(|s| json!({ "value": s.as_str(), "label": s.label(), "selected": s.as_str() == selected }))
        .collect()
}

fn action_view(a: &actions::ActionRow, today: chrono::NaiveDate) -> Value {
    let status = a.status();
    let statuses: Vec<Value> = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::NotTakenForward,
    ]
    .iter()
    .map(|s| json!({ "value": s.as_str(), "label": s.label(), "selected": *s == status }))
    .collect();
    json!({
        "id": a.id,
        "description": a.description,
        "owner": a.owner,
        "due_on": a.due_on,
        "status": status.as_str(),
        "status_label": status.label(),
        "is_final": status.is_final(),
        "overdue": a.is_overdue(today),
        "outcome": a.outcome,
        "reason": a.reason,
        "publishable": a.publishable,
        "public_you_said": a.public_you_said,
        "public_wording": a.public_wording,
        "statuses": statuses,
    })
}

fn concern_view(c: &concerns::Concern) -> Value {
    let today = crate::db::today();
    json!({
        "id": c.id,
        "source": c.source.label(),
        "summary": c.summary,
        "comment": c.comment,
        "month": c.month,
        "status": c.status,
        "open": c.closed_on.is_none(),
        "overdue_actions": c.overdue_actions,
        "action_count": c.actions.len(),
        "actions": c.actions.iter().map(|a| action_view(a, today)).collect::<Vec<_>>(),
    })
}

async fn render_list(
    state: &State,
    signed_in: &SignedIn,
    code: String,
    query: ListQuery,
    form: Option<(&HashMap<String, String>, &AppError)>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(state, signed_in, code, Permission::ViewConcerns).await?;
    let status = query.status.clone().unwrap_or_default();
    let source_filter = query.source.clone().unwrap_or_default();
    let filter = ConcernFilter {
        open_only: status == "open" || status == "overdue",
        overdue_only: status == "overdue",
        source: ConcernSource::parse(&source_filter),
        period: None,
        comment_min_n: state.rules.min_n,
        theme: query.theme.clone().filter(|t| !t.is_empty()),
    };
    let team_id = team.id.clone();
    let list = run_db(&state.pool, move |conn| {
        concerns::list(conn, &team_id, &filter)
    })
    .await?;
    let (values, error) = match form {
        Some((values, AppError::BadRequest { field, message })) => (
            values.clone(),
            Some((
                field.clone().unwrap_or_else(|| "summary".into()),
                message.clone(),
            )),
        ),
        _ => (HashMap::new(), None),
    };
    let filter_sources: Vec<Value> = ConcernSource::LOGGABLE
        .iter()
        .chain([ConcernSource::Survey].iter())
        .map(|s| json!({ "value": s.as_str(), "label": s.label(), "selected": s.as_str() == source_filter }))
        .collect();
    let field_error = |f: &str| {
        error
            .as_ref()
            .filter(|(field, _)| field == f)
            .map(|(_, m)| m.clone())
    };
    let context = json!({
        "title": if error.is_some() { format!("Error: Concerns: {}", team.name) } else { format!("Concerns: {}", team.name) },
        "team": team,
        "concerns": list.iter().map(concern_view).collect::<Vec<_>>(),
        "filter_status": status,
        "filter_open": status == "open",
        "filter_overdue": status == "overdue",
        "filter_sources": filter_sources,
        "filter_themes": state.rules.themes.iter().map(|t| json!({
            "value": t.id, "label": t.label, "selected": query.theme.as_deref() == Some(t.id.as_str()),
        })).collect::<Vec<_>>(),
        "sources": sources(values.get("source").map(String::as_str).unwrap_or("complaint")),
        "summary": values.get("summary").cloned().unwrap_or_default(),
        "errors": error.iter().map(|(f, m)| json!({ "href": format!("#{f}"), "message": m })).collect::<Vec<_>>(),
        "summary_error": field_error("summary"),
        "source_error": field_error("source"),
    });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(state.page("pages/concerns", status, context, &signed_in.chrome()))
}

/// A team's concerns.
pub async fn list(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    render_list(
        &state,
        &signed_in,
        code.into_inner(),
        query.into_inner(),
        None,
    )
    .await
}

/// Logs a concern by hand.
pub async fn create(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let team = team_for(&state, &signed_in, code.clone(), Permission::ManageConcerns).await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let parsed = Summary::parse(form.get("summary"))
        .and_then(|s| Ok((s, ConcernSource::parse_loggable(form.get("source"))?)));
    let (summary, source) = match parsed {
        Ok(ok) => ok,
        Err(e) => {
            return render_list(
                &state,
                &signed_in,
                code,
                ListQuery::default(),
                Some((&form.0, &e)),
            )
            .await;
        }
    };
    let actor = signed_in.user.audit_label();
    let id = run_db(&state.pool, move |conn| {
        let id = concerns::log(conn, &team.id, source, &summary)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ConcernCreate,
            Some(&team.id),
            &format!("concern={id} source={}", source.as_str()),
        )?;
        Ok::<_, diesel::result::Error>(id)
    })
    .await?;
    Ok(redirect(format!("/staff/concerns/{id}")))
}

/// Loads a concern the user may see (404 for other teams, so nothing is confirmed).
async fn load_concern(
    state: &State,
    signed_in: &SignedIn,
    id: String,
    permission: Permission,
) -> Result<concerns::Concern, AppError> {
    let min_n = state.rules.min_n;
    let concern = run_db_read(&state.pool, move |conn| concerns::find(conn, &id, min_n))
        .await?
        .ok_or(AppError::NotFound("concern"))?;
    signed_in
        .user
        .may_touch(&concern.team_id, permission, "concern")?;
    Ok(concern)
}

async fn render_concern(
    state: &State,
    signed_in: &SignedIn,
    concern: concerns::Concern,
    error: Option<(&HashMap<String, String>, AppError)>,
) -> Result<HttpResponse, PageError> {
    let team_id = concern.team_id.clone();
    let team = run_db_read(&state.pool, move |conn| crate::teams::find(conn, &team_id))
        .await?
        .ok_or(AppError::NotFound("team"))?;
    let (values, message, field) = match &error {
        Some((values, AppError::BadRequest { field, message })) => {
            ((*values).clone(), Some(message.clone()), field.clone())
        }
        Some((_, other)) => (HashMap::new(), Some(other.to_string()), None),
        None => (HashMap::new(), None, None),
    };
    let actor = signed_in.user.audit_label();
    let (concern_id, audit_team) = (concern.id.clone(), concern.team_id.clone());
    if concern.comment.is_some() {
        // Reading a person's words is recorded.
        run_db(&state.pool, move |conn| {
            audit::record(
                conn,
                &actor,
                AuditAction::CommentsView,
                Some(&audit_team),
                &format!("concern={concern_id}"),
            )
        })
        .await?;
    }
    let context = json!({
        "title": if message.is_some() { "Error: Concern".to_string() } else { "Concern".to_string() },
        "team": team,
        "concern": concern_view(&concern),
        "can_close": concern.closed_on.is_none() && concern.actions.iter().all(|a| a.status().is_final()),
        "errors": message.iter().map(|m| json!({ "href": format!("#{}", field.clone().unwrap_or_else(|| "description".into())), "message": m })).collect::<Vec<_>>(),
        "error_field": field,
        "form": {
            "description": values.get("description").cloned().unwrap_or_default(),
            "owner": values.get("owner").cloned().unwrap_or_default(),
            "due_on": values.get("due_on").cloned().unwrap_or_default(),
        },
    });
    let status = if message.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(state.page("pages/concern", status, context, &signed_in.chrome()))
}

/// One concern with its actions and forms.
pub async fn show(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let concern = load_concern(
        &state,
        &signed_in,
        id.into_inner(),
        Permission::ViewConcerns,
    )
    .await?;
    render_concern(&state, &signed_in, concern, None).await
}

/// Adds an action.
pub async fn add_action(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let concern = load_concern(
        &state,
        &signed_in,
        id.into_inner(),
        Permission::ManageConcerns,
    )
    .await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let new = match NewAction::parse(
        form.get("description"),
        form.get("owner"),
        form.get("due_on"),
    ) {
        Ok(new) => new,
        Err(e) => return render_concern(&state, &signed_in, concern, Some((&form.0, e))).await,
    };
    let actor = signed_in.user.audit_label();
    let (concern_id, team_id) = (concern.id.clone(), concern.team_id.clone());
    run_db(&state.pool, move |conn| {
        let id = actions::add(conn, &concern_id, &new)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ActionCreate,
            Some(&team_id),
            &format!("concern={concern_id} action={id}"),
        )
    })
    .await?;
    Ok(redirect(format!("/staff/concerns/{}", concern.id)))
}

/// Updates an action from its form on the concern page.
pub async fn update_action(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let action_id = id.into_inner();
    let lookup = action_id.clone();
    let action = run_db_read(&state.pool, move |conn| actions::find(conn, &lookup))
        .await?
        .ok_or(AppError::NotFound("action"))?;
    let concern = load_concern(
        &state,
        &signed_in,
        action.concern_id.clone(),
        Permission::ManageConcerns,
    )
    .await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let optional = |name: &str| {
        form.0
            .get(name)
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    };
    let change = ActionChange {
        status: optional("status"),
        outcome: optional("outcome"),
        reason: optional("reason"),
        description: None,
        owner: None,
        due_on: optional("due_on"),
        // A checkbox is absent when unticked; the form always sends `publish_form` with it.
        publishable: form
            .0
            .contains_key("publish_form")
            .then(|| form.get("publishable") == "yes"),
        public_you_said: form.0.get("public_you_said").cloned(),
        public_wording: form.0.get("public_wording").cloned(),
    };
    let actor = signed_in.user.audit_label();
    let team_id = concern.team_id.clone();
    let outcome = run_db(&state.pool, move |conn| {
        let updated = actions::update(conn, &action, &change)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ActionUpdate,
            Some(&team_id),
            &format!("action={} status={}", updated.id, updated.status),
        )?;
        Ok::<_, AppError>(())
    })
    .await;
    match outcome {
        Ok(()) => Ok(redirect(format!("/staff/concerns/{}", concern.id))),
        Err(e @ AppError::BadRequest { .. }) => {
            let mut values = form.0.clone();
            values.insert("action_id".into(), action_id);
            render_concern(&state, &signed_in, concern, Some((&values, e))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Closes a concern when every action is finished.
pub async fn close(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let concern = load_concern(
        &state,
        &signed_in,
        id.into_inner(),
        Permission::ManageConcerns,
    )
    .await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let actor = signed_in.user.audit_label();
    let to_close = concern.clone();
    let outcome = run_db(&state.pool, move |conn| {
        concerns::close(conn, &to_close)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ConcernClose,
            Some(&to_close.team_id),
            &format!("concern={}", to_close.id),
        )?;
        Ok::<_, AppError>(())
    })
    .await;
    match outcome {
        Ok(()) => Ok(redirect(format!("/staff/concerns/{}", concern.id))),
        Err(e @ AppError::BadRequest { .. }) => {
            render_concern(&state, &signed_in, concern, Some((&form.0, e))).await
        }
        Err(e) => Err(e.into()),
    }
}
