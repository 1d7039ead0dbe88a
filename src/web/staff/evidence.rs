//! The team dashboard (charts drawn as SVG), the printable fidelity evidence pack, comments,
//! and CSV exports for signed-in managers.

use super::glance;
use super::{StaffForm, team_for};
use crate::analysis::SourceStatus;
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::error::AppError;
use crate::reports::breakdown::ByQuery;
use crate::reports::build::{Measure, Report};
use crate::reports::period::PeriodQuery;
use crate::reports::{self, Period, comments, export};
use crate::staff::Permission;
use crate::surveys::{Dimension, Respondent};
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::charts::{self, Bar};
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;

fn source_label(source: &str) -> &'static str {
    Respondent::parse(source)
        .map(Respondent::label)
        .unwrap_or("Other")
}

/// The report as template data, with a chart by source, a trend by month and a table per
/// criterion.
fn criteria_view(report: &Report) -> Vec<Value> {
    report
        .criteria
        .iter()
        .map(|c| {
            let bars: Vec<Bar> = c
                .sources
                .iter()
                .map(|s| Bar {
                    label: s.source.label().into(),
                    pct: s.figures.agree_pct,
                    low: s.figures.ci_low,
                    high: s.figures.ci_high,
                    status: SourceStatus::of(&s.figures, report.threshold_pct),
                })
                .collect();
            let title = format!("{}: {}", c.criterion, c.criterion.label());
            let months: Vec<(String, Option<f64>)> = report
                .criteria_trend
                .iter()
                .find(|t| t.criterion == c.criterion)
                .map(|t| t.months.iter().map(|(m, f)| (m.clone(), f.agree_pct)).collect())
                .unwrap_or_default();
            let measure = match c.measure {
                Measure::Agreement => "agree (4 or 5 of 5)",
                Measure::YesNo => "answer yes",
            };
            json!({
                "criterion": c.criterion.code(),
                "label": c.criterion.label(),
                "own": c.criterion.is_own_indicator(),
                "measure": measure,
                "indicator": c.indicator.as_str(),
                "indicator_class": glance::indicator_class(c.indicator),
                "indicator_label": glance::indicator_label(c.indicator),
                "missing_sources": c.missing_sources.iter().map(|s| source_label(s)).collect::<Vec<_>>(),
                "chart": charts::percent_bars(&format!("chart-{}", c.criterion), &title, &bars, report.threshold_pct),
                "trend_chart": charts::month_bars(
                    &format!("trend-{}", c.criterion),
                    &format!("{}: % who {measure} by month, every source together", c.criterion),
                    &months,
                    Some(report.threshold_pct),
                ),
                "sources": c.sources.iter().map(|s| json!({
                    "source": s.source.label(),
                    "n": s.figures.n, "agree": s.figures.agree, "agree_pct": s.figures.agree_pct,
                    "ci_low": s.figures.ci_low, "ci_high": s.figures.ci_high, "suppressed": s.figures.suppressed,
                    "words": SourceStatus::of(&s.figures, report.threshold_pct).words(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn report_view(team: &Team, period: &Period, report: &Report) -> Value {
    let fft_months: Vec<(String, Option<f64>)> = report
        .fft_trend
        .iter()
        .map(|m| (m.month.clone(), m.figures.positive_pct))
        .collect();
    // A row is drawn only when all three of its counts are shown; a hidden cell is never a 0.
    let sentiment_months: Vec<(String, Option<[u32; 3]>)> = report
        .sentiment_by_month
        .iter()
        .map(|m| (m.month.clone(), m.counts.cells()))
        .collect();
    let theme_rows: Vec<(String, Option<[u32; 3]>)> = report
        .themes
        .iter()
        .map(|t| (t.label.clone(), t.counts.cells()))
        .collect();
    json!({
        "team": team,
        "from": period.from.to_string(),
        "to": period.to.to_string(),
        "note": report.note,
        "threshold_pct": report.threshold_pct,
        "min_n": report.min_n,
        "responses": Respondent::ALL.iter().map(|r| {
            let count = report.responses.get(r.as_str()).flatten();
            json!({ "group": r.label(), "shown": count.is_some(), "count": count })
        }).collect::<Vec<_>>(),
        "responses_total": report.responses.total,
        "responses_total_shown": report.responses.total.is_some(),
        "invitations_issued": report.invitations_issued,
        "response_rate_pct": report.response_rate_pct,
        "glance": glance::table(report),
        "criteria": criteria_view(report),
        "fft": report.fft,
        "fft_chart": charts::month_bars("chart-fft", "Friends and Family Test: % positive by month", &fft_months, None),
        "fft_trend": report.fft_trend.iter().map(|m| json!({ "month": m.month, "total": m.figures.total, "positive_pct": m.figures.positive_pct, "negative_pct": m.figures.negative_pct })).collect::<Vec<_>>(),
        "sentiment": report.sentiment,
        "sentiment_chart": charts::sentiment_rows("chart-sentiment", "Comments by month and sentiment", &sentiment_months),
        "sentiment_by_month": report.sentiment_by_month.iter().map(|m| json!({ "month": m.month, "counts": m.counts })).collect::<Vec<_>>(),
        "themes_chart": charts::sentiment_rows("chart-themes", "Comments by theme and sentiment", &theme_rows),
        "themes": report.themes.iter().map(|t| json!({ "label": t.label, "counts": t.counts })).collect::<Vec<_>>(),
        "feedback_action": report.feedback_action,
    })
}

async fn load_report(
    state: &State,
    team: &Team,
    period: Period,
    by: Option<Dimension>,
) -> Result<Report, AppError> {
    let (catalogue, rules, id, code) = (
        state.catalogue.clone(),
        state.rules.clone(),
        team.id.clone(),
        team.code.clone(),
    );
    run_db_read(&state.pool, move |conn| {
        reports::report_by(conn, &catalogue, &rules, Some((&id, &code)), period, by)
    })
    .await
}

/// The dashboard: at a glance first (criteria by source, urgent comments, overdue actions),
/// then the charts, and the equality breakdown (`?by=`, ethnic group by default).
pub async fn dashboard(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
    by: web::Query<ByQuery>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::ViewReports,
    )
    .await?;
    let period = query.period()?;
    let by = by.dimension()?.unwrap_or(Dimension::EthnicGroup);
    let report = load_report(&state, &team, period, Some(by)).await?;
    let mut context = report_view(&team, &period, &report);
    context["title"] = json!(format!("Dashboard: {}", team.name));
    if let Some(b) = &report.breakdown {
        context["breakdown"] = glance::breakdown(b, report.threshold_pct);
    }
    let team_id = team.id.clone();
    let (waiting, urgent) = run_db_read(&state.pool, move |conn| {
        let waiting = crate::submissions::staging::count_waiting(conn, Some(&team_id))?;
        let urgent = crate::urgent::waiting_by_team(conn)?
            .get(&team_id)
            .copied()
            .unwrap_or(0);
        Ok::<_, diesel::result::Error>((waiting, urgent))
    })
    .await?;
    context["waiting"] = json!(waiting);
    context["urgent_waiting"] = json!(urgent);
    context["next_release"] = json!(next_release_words(state.settings.release_time));
    Ok(state.page(
        "pages/dashboard",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}

/// When the next release happens, in local time and plain words ("2 December 2026 at 06:00").
fn next_release_words(release_time: chrono::NaiveTime) -> String {
    use chrono::TimeZone;
    let next = crate::submissions::release::next_release(crate::db::now(), release_time);
    chrono::Local
        .from_utc_datetime(&next)
        .format("%-d %B %Y at %H:%M")
        .to_string()
}

/// Criteria each theme speaks to, for picking representative comments in the pack.
fn themes_for(criterion: &str) -> &'static [&'static str] {
    match criterion {
        "13e" | "13c" | "13d" | "carer_support" => &["family"],
        "20b" => &["kindness", "practical"],
        "20c" => &["practical"],
        "21d" => &["communication", "family"],
        "22d" => &["kindness"],
        "26e" | "25e" | "25f" | "joint_crisis_plan" => &["discharge"],
        "34e" => &["practical", "continuity"],
        "relationship" => &["continuity", "communication", "kindness"],
        "12d" | "12f" => &["waiting", "communication"],
        _ => &[],
    }
}

/// The printable evidence pack: a page per criterion, with comments when not suppressed, and
/// the concerns and actions for 22c.
pub async fn evidence_pack(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::ViewReports,
    )
    .await?;
    let period = query.period()?;
    let report = load_report(&state, &team, period, None).await?;
    let (catalogue, min_n, team_id, actor) = (
        state.catalogue.clone(),
        state.rules.min_n,
        team.id.clone(),
        signed_in.user.audit_label(),
    );
    let (listed, concerns) = run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            AuditAction::CommentsView,
            Some(&team_id),
            "evidence pack",
        )?;
        let listed = comments::list(conn, &catalogue, &team_id, &period, min_n)?;
        let concerns = crate::concerns::list(
            conn,
            &team_id,
            &crate::concerns::ConcernFilter {
                period: Some((period.from, period.to)),
                ..crate::concerns::ConcernFilter::all(min_n)
            },
        )?;
        Ok::<_, diesel::result::Error>((listed, concerns))
    })
    .await?;
    let mut context = report_view(&team, &period, &report);
    if let Some(criteria) = context["criteria"].as_array_mut() {
        // The pack is one document: each comment is quoted once, under the first criterion
        // it speaks to, and no text twice.
        let mut quoted: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for c in criteria {
            let code = c["criterion"].as_str().unwrap_or_default().to_string();
            let wanted = themes_for(&code);
            let mut picked: Vec<&str> = Vec::new();
            for m in &listed.comments {
                if picked.len() == 3 {
                    break;
                }
                if m.themes.iter().any(|t| wanted.contains(&t.as_str()))
                    && quoted.insert(m.text.as_str())
                {
                    picked.push(m.text.as_str());
                }
            }
            c["comments"] = json!(picked);
        }
    }
    let today = crate::db::today();
    context["concerns"] = json!(concerns
        .iter()
        .filter(|c| c.raised_on >= period.from && c.raised_on <= period.to)
        .map(|c| json!({
            "month": c.month, "source": c.source.label(), "summary": c.summary, "status": c.status,
            "actions": c.actions.iter().map(|a| json!({ "description": a.description, "owner": a.owner, "due_on": a.due_on, "status": a.status().label(), "overdue": a.is_overdue(today), "outcome": a.outcome })).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>());
    context["withheld_groups"] = json!(
        listed
            .withheld_groups
            .iter()
            .map(|g| source_label(g))
            .collect::<Vec<_>>()
    );
    context["title"] = json!(format!("Fidelity evidence pack: {}", team.name));
    Ok(state.page(
        "pages/evidence_pack",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}

fn sentiment_options(current: &str) -> Vec<Value> {
    ["positive", "neutral", "negative"]
        .iter()
        .map(|o| json!({ "value": o, "selected": *o == current }))
        .collect()
}

/// The team's comments, with sentiment corrections.
pub async fn comments_page(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::ViewComments,
    )
    .await?;
    let period = query.period()?;
    let (catalogue, min_n, team_id, actor) = (
        state.catalogue.clone(),
        state.rules.min_n,
        team.id.clone(),
        signed_in.user.audit_label(),
    );
    let listed = run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            AuditAction::CommentsView,
            Some(&team_id),
            &format!("from={} to={}", period.from, period.to),
        )?;
        comments::list(conn, &catalogue, &team_id, &period, min_n)
    })
    .await?;
    let context = json!({
        "title": format!("Comments: {}", team.name),
        "team": team,
        "from": period.from.to_string(),
        "to": period.to.to_string(),
        "min_n": min_n,
        "withheld_groups": listed.withheld_groups.iter().map(|g| source_label(g)).collect::<Vec<_>>(),
        "comments": listed.comments.iter().map(|c| json!({
            "id": c.id, "group": source_label(&c.group), "month": c.month, "question": c.question, "text": c.text,
            "themes": c.themes.join(", "), "urgent": c.urgent, "corrected": c.sentiment_corrected, "sentiment": c.sentiment,
            "options": sentiment_options(&c.sentiment),
        })).collect::<Vec<_>>(),
    });
    Ok(state.page(
        "pages/comments",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}

/// Corrects a comment's sentiment label.
pub async fn correct_sentiment(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let comment_id = id.into_inner();
    let lookup = comment_id.clone();
    let team_id = run_db_read(&state.pool, move |conn| comments::team_of(conn, &lookup))
        .await?
        .ok_or(AppError::NotFound("comment"))?;
    signed_in
        .user
        .may_touch(&team_id, Permission::ViewComments, "comment")?;
    let form = StaffForm::checked(&signed_in, form)?;
    let label = form.get("sentiment").to_string();
    let actor = signed_in.user.audit_label();
    let audit_team = team_id.clone();
    let team = run_db(&state.pool, move |conn| {
        comments::correct_sentiment(conn, &comment_id, &label)?;
        audit::record(
            conn,
            &actor,
            AuditAction::CommentSentiment,
            Some(&audit_team),
            &format!("comment={comment_id} sentiment={}", label.trim()),
        )?;
        Ok::<_, AppError>(crate::teams::find(conn, &audit_team)?)
    })
    .await?
    .ok_or(AppError::NotFound("team"))?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/staff/teams/{}/comments", team.code)))
        .finish())
}

/// CSV downloads for signed-in managers: `report`, `answers` or `fft-return`.
pub async fn export_csv(
    state: State,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, PageError> {
    let (code, which) = path.into_inner();
    let team = team_for(&state, &signed_in, code, Permission::ViewReports).await?;
    let period = query.period()?;
    let (catalogue, rules, actor) = (
        state.catalogue.clone(),
        state.rules.clone(),
        signed_in.user.audit_label(),
    );
    let name = which.clone();
    let org_code = state.settings.org_code.clone();
    let csv = run_db(&state.pool, move |conn| {
        let body = export::team_file(
            conn,
            &catalogue,
            &rules,
            (&team.id, &team.code),
            period,
            &which,
            org_code.as_deref(),
        )?
        .ok_or(AppError::NotFound("export"))?;
        audit::record(
            conn,
            &actor,
            AuditAction::ExportCsv,
            Some(&team.id),
            &format!("file={which} from={} to={}", period.from, period.to),
        )?;
        Ok::<_, AppError>(body)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(csv))
}
