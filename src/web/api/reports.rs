//! Evidence reports, comments and exports over the API (managers and admins).

use super::{ApiUser, parse_body};
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::error::AppError;
use crate::reports::breakdown::ByQuery;
use crate::reports::period::PeriodQuery;
use crate::reports::{self, comments, export};
use crate::staff::Permission;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

fn csv_response(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// `GET /api/v1/teams/{code}/report`
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/report",
    tag = "reports",
    security(("api_key" = [])),
    params(
        ("code" = String, Path, description = "The team's code"),
        crate::reports::period::PeriodQuery,
        crate::reports::breakdown::ByQuery
    ),
    responses(
        (status = 200, description = "Evidence for the period", body = crate::reports::Report),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn team_report(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
    by: web::Query<ByQuery>,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ViewReports)
        .await?;
    let period = query.period()?;
    let by = by.dimension()?;
    let (catalogue, rules) = (state.catalogue.clone(), state.rules.clone());
    let report = run_db_read(&state.pool, move |conn| {
        reports::report_by(
            conn,
            &catalogue,
            &rules,
            Some((&team.id, &team.code)),
            period,
            by,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// `GET /api/v1/report`: every team together (admins).
#[utoipa::path(
    get,
    path = "/api/v1/report",
    tag = "reports",
    security(("api_key" = [])),
    params(crate::reports::period::PeriodQuery, crate::reports::breakdown::ByQuery),
    responses(
        (status = 200, description = "Evidence for every team together", body = crate::reports::Report),
        (status = 400, description = "The request names the field at fault", body = crate::web::errors::ErrorBody),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
        (status = 403, description = "Admins only", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn all_teams_report(
    user: ApiUser,
    state: State,
    query: web::Query<PeriodQuery>,
    by: web::Query<ByQuery>,
) -> Result<HttpResponse, AppError> {
    if !user.0.is_admin {
        return Err(AppError::Forbidden);
    }
    let period = query.period()?;
    let by = by.dimension()?;
    let (catalogue, rules) = (state.catalogue.clone(), state.rules.clone());
    let report = run_db_read(&state.pool, move |conn| {
        reports::report_by(conn, &catalogue, &rules, None, period, by)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// `GET /api/v1/fft-return.csv`: the monthly FFT return of every team (admins), under the same
/// release and small-number rules as each team's.
#[utoipa::path(
    get,
    path = "/api/v1/fft-return.csv",
    tag = "reports",
    security(("api_key" = [])),
    params(crate::reports::period::PeriodQuery),
    responses(
        (status = 200, description = "One row per team and month", content_type = "text/csv", body = String),
        (status = 400, description = "The request names the field at fault", body = crate::web::errors::ErrorBody),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
        (status = 403, description = "Admins only", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn all_teams_fft_return(
    user: ApiUser,
    state: State,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (catalogue, min_n) = (state.catalogue.clone(), state.rules.min_n);
    let org_code = state.settings.org_code.clone();
    admin_csv(
        &user,
        &state,
        &query,
        "fft-return.csv",
        AuditAction::ExportCsv,
        move |conn, period| {
            export::fft_return_csv(conn, &catalogue, None, period, min_n, org_code.as_deref())
        },
    )
    .await
}

/// An organisation-wide file for admins: the period checked, the export recorded in the audit
/// log in the transaction that reads it, then the file built.
async fn admin_csv<F>(
    user: &ApiUser,
    state: &State,
    query: &PeriodQuery,
    file: &'static str,
    action: AuditAction,
    build: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(
            &mut crate::db::DbConnection,
            &crate::reports::period::Period,
        ) -> anyhow::Result<String>
        + Send
        + 'static,
{
    if !user.0.is_admin {
        return Err(AppError::Forbidden);
    }
    let period = query.period()?;
    let actor = user.0.audit_label();
    let csv = run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            action,
            None,
            &format!("file={file} from={} to={}", period.from, period.to),
        )?;
        Ok::<_, AppError>(build(conn, &period)?)
    })
    .await?;
    Ok(csv_response(file, csv))
}

/// `GET /api/v1/comments/corrections.csv`: staff corrections of comment sentiment as
/// `text,sentiment`, the file `crt-feedback text evaluate` reads (admins; audited).
#[utoipa::path(
    get,
    path = "/api/v1/comments/corrections.csv",
    tag = "reports",
    security(("api_key" = [])),
    params(crate::reports::period::PeriodQuery),
    responses(
        (status = 200, description = "One row per corrected comment from a shown cell, ordered by text", content_type = "text/csv", body = String),
        (status = 400, description = "The request names the field at fault", body = crate::web::errors::ErrorBody),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
        (status = 403, description = "Admins only", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn corrections(
    user: ApiUser,
    state: State,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let min_n = state.rules.min_n;
    admin_csv(
        &user,
        &state,
        &query,
        "corrections.csv",
        AuditAction::ExportCsv,
        move |conn, period| export::corrections_csv(conn, period, min_n),
    )
    .await
}

/// `GET /api/v1/fft-submission.csv`: the organisation's true monthly FFT counts by the month
/// answers arrived, released or not, for NHS England (admins; audited). Counts only, no team.
#[utoipa::path(
    get,
    path = "/api/v1/fft-submission.csv",
    tag = "reports",
    security(("api_key" = [])),
    params(crate::reports::period::PeriodQuery),
    responses(
        (status = 200, description = "One row per month", content_type = "text/csv", body = String),
        (status = 400, description = "The request names the field at fault", body = crate::web::errors::ErrorBody),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
        (status = 403, description = "Admins only", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn fft_submission(
    user: ApiUser,
    state: State,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let org_code = state.settings.org_code.clone();
    admin_csv(
        &user,
        &state,
        &query,
        "fft-submission.csv",
        AuditAction::ExportSubmission,
        move |conn, period| export::fft_submission_csv(conn, period, org_code.as_deref()),
    )
    .await
}

/// `GET /api/v1/teams/{code}/{file}` for `report.csv`, `answers.csv` and `fft-return.csv`.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/{file}",
    tag = "reports",
    security(("api_key" = [])),
    params(
        ("code" = String, Path, description = "The team's code"),
        ("file" = String, Path, description = "`report.csv`, `answers.csv` or `fft-return.csv`"),
        crate::reports::period::PeriodQuery
    ),
    responses(
        (status = 200, description = "The file", content_type = "text/csv", body = String),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn team_csv(
    user: ApiUser,
    state: State,
    path: web::Path<(String, String)>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (code, file) = path.into_inner();
    if !export::FILES.contains(&file.as_str()) {
        return Err(AppError::NotFound("route"));
    }
    let team = user.team(&state, code, Permission::ViewReports).await?;
    let period = query.period()?;
    let (catalogue, rules, actor) = (
        state.catalogue.clone(),
        state.rules.clone(),
        user.0.audit_label(),
    );
    let name = file.clone();
    let org_code = state.settings.org_code.clone();
    let csv = run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            AuditAction::ExportCsv,
            Some(&team.id),
            &format!("file={file} from={} to={}", period.from, period.to),
        )?;
        export::team_file(
            conn,
            &catalogue,
            &rules,
            (&team.id, &team.code),
            period,
            &file,
            org_code.as_deref(),
        )?
        .ok_or(AppError::NotFound("export"))
    })
    .await?;
    Ok(csv_response(&name, csv))
}

/// `GET /api/v1/teams/{code}/comments`
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/comments",
    tag = "reports",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code"), crate::reports::period::PeriodQuery),
    responses(
        (status = 200, description = "Comments; groups withheld for small numbers are named in the X-Withheld-Groups header", body = Vec<crate::reports::comments::CommentView>),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn team_comments(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ViewComments)
        .await?;
    let period = query.period()?;
    let (catalogue, min_n, actor) = (
        state.catalogue.clone(),
        state.rules.min_n,
        user.0.audit_label(),
    );
    let list = run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            AuditAction::CommentsView,
            Some(&team.id),
            &format!("from={} to={}", period.from, period.to),
        )?;
        comments::list(conn, &catalogue, &team.id, &period, min_n)
    })
    .await?;
    // A plain list, like the other list routes; groups left out are named in a header.
    let withheld = list.withheld_groups.join(",");
    Ok(HttpResponse::Ok()
        .insert_header(("X-Withheld-Groups", withheld))
        .json(list.comments))
}

/// A staff correction of a comment's sentiment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SentimentChange {
    /// `positive`, `neutral` or `negative`.
    sentiment: String,
}

/// `PATCH /api/v1/comments/{id}` with `{"sentiment": "negative"}`: a staff correction.
#[utoipa::path(
    patch,
    path = "/api/v1/comments/{id}",
    tag = "reports",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The record's id")),
    request_body = SentimentChange,
    responses(
        (status = 204, description = "Corrected"),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn correct_comment(
    user: ApiUser,
    state: State,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let comment_id = id.into_inner();
    let lookup = comment_id.clone();
    let team_id = run_db_read(&state.pool, move |conn| comments::team_of(conn, &lookup))
        .await?
        .ok_or(AppError::NotFound("comment"))?;
    user.0
        .may_touch(&team_id, Permission::ViewComments, "comment")?;
    let change: SentimentChange = parse_body(&body)?;
    let actor = user.0.audit_label();
    run_db(&state.pool, move |conn| {
        comments::correct_sentiment(conn, &comment_id, &change.sentiment)?;
        audit::record(
            conn,
            &actor,
            AuditAction::CommentSentiment,
            Some(&team_id),
            &format!("comment={comment_id} sentiment={}", change.sentiment.trim()),
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
