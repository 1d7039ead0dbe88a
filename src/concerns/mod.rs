//! Concerns raised by feedback or logged by hand, the actions taken on them, and the audit log.

pub mod actions;
pub mod audit;

use crate::db::DbConnection;
use crate::db::schema::{actions as actions_t, comments, concerns};
use crate::error::AppError;
use crate::protection::Cells;
use crate::responses::Stored;
use crate::text::sentiment::Sentiment;
use actions::{ActionRow, ActionStatus};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// Where a concern came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConcernSource {
    /// Raised automatically from a survey response.
    Survey,
    Complaint,
    Pals,
    Audit,
    Staff,
    Other,
}

impl ConcernSource {
    /// Sources staff may log by hand.
    pub const LOGGABLE: [ConcernSource; 5] = [
        ConcernSource::Complaint,
        ConcernSource::Pals,
        ConcernSource::Audit,
        ConcernSource::Staff,
        ConcernSource::Other,
    ];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConcernSource::Survey => "survey",
            ConcernSource::Complaint => "complaint",
            ConcernSource::Pals => "pals",
            ConcernSource::Audit => "audit",
            ConcernSource::Staff => "staff",
            ConcernSource::Other => "other",
        }
    }

    /// A plain label.
    pub fn label(self) -> &'static str {
        match self {
            ConcernSource::Survey => "Survey response",
            ConcernSource::Complaint => "Complaint",
            ConcernSource::Pals => "PALS",
            ConcernSource::Audit => "Audit",
            ConcernSource::Staff => "Staff",
            ConcernSource::Other => "Other",
        }
    }

    /// Parses any source, stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [ConcernSource::Survey]
            .into_iter()
            .chain(Self::LOGGABLE)
            .find(|c| c.as_str() == s)
    }

    /// Parses a source staff may log by hand, naming the field when it is not one.
    pub fn parse_loggable(raw: &str) -> Result<Self, AppError> {
        Self::LOGGABLE
            .into_iter()
            .find(|c| c.as_str() == raw.trim())
            .ok_or_else(|| {
                AppError::field(
                    "source",
                    "source must be one of complaint, pals, audit, staff, other",
                )
            })
    }
}

/// A concern's short summary, checked.
#[derive(Debug, Clone)]
pub struct Summary(String);

impl Summary {
    /// 1 to 500 characters.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(AppError::field("summary", "summary must not be empty"));
        }
        if s.chars().count() > 500 {
            return Err(AppError::field(
                "summary",
                "summary must be at most 500 characters",
            ));
        }
        Ok(Summary(s.to_string()))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = concerns)]
struct ConcernRow {
    id: String,
    team_id: String,
    source: String,
    summary: String,
    comment_id: Option<String>,
    raised_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    #[allow(dead_code)]
    created_at: NaiveDateTime,
}

/// A concern with its actions, as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Concern {
    pub id: String,
    #[serde(skip)]
    pub team_id: String,
    pub source: ConcernSource,
    pub summary: String,
    /// The scrubbed comment that raised it, if any.
    pub comment: Option<String>,
    /// The month it came in, `YYYY-MM`: never the day, which could identify a person.
    pub month: String,
    #[serde(skip)]
    pub raised_on: NaiveDate,
    pub status: &'static str,
    pub closed_on: Option<NaiveDate>,
    pub actions: Vec<ActionRow>,
    pub overdue_actions: usize,
    /// Themes of the comment that raised it, if any.
    pub themes: Vec<String>,
}

fn insert(
    conn: &mut DbConnection,
    team_id: &str,
    source: ConcernSource,
    summary: &str,
    comment_id: Option<&str>,
    raised_on: NaiveDate,
) -> QueryResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(concerns::table)
        .values((
            concerns::id.eq(&id),
            concerns::team_id.eq(team_id),
            concerns::source.eq(source.as_str()),
            concerns::summary.eq(summary),
            concerns::comment_id.eq(comment_id),
            concerns::raised_on.eq(raised_on),
            // Concerns from a response must not record when it arrived, only the day.
            concerns::created_at.eq(if source == ConcernSource::Survey {
                raised_on.and_time(chrono::NaiveTime::MIN)
            } else {
                crate::db::now()
            }),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Logs a concern by hand.
pub fn log(
    conn: &mut DbConnection,
    team_id: &str,
    source: ConcernSource,
    summary: &Summary,
) -> QueryResult<String> {
    insert(conn, team_id, source, &summary.0, None, crate::db::today())
}

/// Raises concerns from a just-stored response: a Poor or Very poor FFT answer, each comment
/// flagged urgent, and otherwise a clearly negative comment. Returns how many were raised. Runs in the response's transaction.
pub fn raise_from_response(
    conn: &mut DbConnection,
    team_id: &str,
    stored: &Stored,
    received_on: NaiveDate,
) -> QueryResult<usize> {
    let mut raised = 0;
    let first_comment = stored.comments.first().map(|c| c.id.as_str());
    if matches!(stored.fft, Some(1 | 2)) {
        let summary = if stored.fft == Some(1) {
            "Friends and Family Test answer: Very poor"
        } else {
            "Friends and Family Test answer: Poor"
        };
        insert(
            conn,
            team_id,
            ConcernSource::Survey,
            summary,
            first_comment,
            received_on,
        )?;
        raised += 1;
    }
    for comment in &stored.comments {
        let summary = if comment.urgent {
            "Comment flagged urgent: risk language"
        } else if comment.sentiment == Sentiment::Negative && raised == 0 {
            // A poor FFT answer already raised this response's concern; one is enough.
            "Comment with negative sentiment"
        } else {
            continue;
        };
        insert(
            conn,
            team_id,
            ConcernSource::Survey,
            summary,
            Some(&comment.id),
            received_on,
        )?;
        raised += 1;
    }
    Ok(raised)
}

/// Filters for a team's list of concerns.
#[derive(Debug, Clone)]
pub struct ConcernFilter {
    pub open_only: bool,
    pub overdue_only: bool,
    pub source: Option<ConcernSource>,
    /// Only concerns raised in this period (reports); otherwise the newest thousand.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// A comment is shown only if its team's group gave at least this many responses in its
    /// month (the one protected table's rule).
    pub comment_min_n: u32,
    /// Only concerns whose comment touches this theme.
    pub theme: Option<String>,
}

impl ConcernFilter {
    /// Every concern, comments shown under the small-number rule.
    pub fn all(comment_min_n: u32) -> Self {
        ConcernFilter {
            open_only: false,
            overdue_only: false,
            source: None,
            period: None,
            comment_min_n,
            theme: None,
        }
    }
}

fn assemble(
    conn: &mut DbConnection,
    rows: Vec<ConcernRow>,
    comment_min_n: u32,
) -> QueryResult<Vec<Concern>> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let all_actions: Vec<ActionRow> = actions_t::table
        .filter(actions_t::concern_id.eq_any(ids))
        .order(actions_t::created_at.asc())
        .select(ActionRow::as_select())
        .load(conn)?;
    let comment_ids: Vec<&String> = rows.iter().filter_map(|r| r.comment_id.as_ref()).collect();
    let with_groups: Vec<(String, String, String, String, String, NaiveDate)> = comments::table
        .filter(comments::id.eq_any(comment_ids))
        .select((
            comments::id,
            comments::body,
            comments::team_id,
            comments::respondent,
            comments::themes,
            comments::received_on,
        ))
        .load(conn)?;
    // Theme tags are coarse and shown even where the words themselves are withheld.
    let themes_of: std::collections::HashMap<String, Vec<String>> = with_groups
        .iter()
        .map(|(id, _, _, _, themes, _)| {
            (
                id.clone(),
                themes
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect();
    // The words are shown only from the shown cells of the one protected table, as
    // everywhere else.
    let mut months: std::collections::BTreeMap<&str, (String, String)> =
        std::collections::BTreeMap::new();
    for (_, _, team_id, _, _, day) in &with_groups {
        let month = crate::totals::month_of(*day);
        let span = months
            .entry(team_id.as_str())
            .or_insert_with(|| (month.clone(), month.clone()));
        span.0 = span.0.clone().min(month.clone());
        span.1 = span.1.clone().max(month);
    }
    let mut cells = std::collections::HashMap::new();
    for (team_id, (first, last)) in months {
        let shown = Cells::load(conn, Some(team_id), (&first, &last), comment_min_n)?;
        cells.insert(team_id.to_string(), shown);
    }
    let mut bodies: Vec<(String, String)> = Vec::new();
    for (id, body, team_id, group, _, day) in &with_groups {
        let month = crate::totals::month_of(*day);
        if cells
            .get(team_id)
            .is_some_and(|c: &Cells| c.shows(team_id, &month, group))
        {
            bodies.push((id.clone(), body.clone()));
        }
    }
    let today = crate::db::today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let actions: Vec<ActionRow> = all_actions
                .iter()
                .filter(|a| a.concern_id == row.id)
                .cloned()
                .collect();
            let overdue_actions = actions.iter().filter(|a| a.is_overdue(today)).count();
            Concern {
                themes: row
                    .comment_id
                    .as_ref()
                    .and_then(|cid| themes_of.get(cid).cloned())
                    .unwrap_or_default(),
                comment: row.comment_id.as_ref().and_then(|cid| {
                    bodies
                        .iter()
                        .find(|(id, _)| id == cid)
                        .map(|(_, b)| b.clone())
                }),
                source: ConcernSource::parse(&row.source).unwrap_or(ConcernSource::Other),
                month: row.raised_on.format("%Y-%m").to_string(),
                status: if row.closed_on.is_some() {
                    "closed"
                } else {
                    "open"
                },
                id: row.id,
                team_id: row.team_id,
                summary: row.summary,
                raised_on: row.raised_on,
                closed_on: row.closed_on,
                actions,
                overdue_actions,
            }
        })
        .collect())
}

/// A team's concerns with their actions, newest first.
pub fn list(
    conn: &mut DbConnection,
    team_id: &str,
    filter: &ConcernFilter,
) -> QueryResult<Vec<Concern>> {
    let mut query = concerns::table
        .filter(concerns::team_id.eq(team_id.to_string()))
        .into_boxed();
    if filter.open_only {
        query = query.filter(concerns::closed_on.is_null());
    }
    if let Some(source) = filter.source {
        query = query.filter(concerns::source.eq(source.as_str()));
    }
    match filter.period {
        Some((from, to)) => query = query.filter(concerns::raised_on.between(from, to)),
        None => query = query.limit(1000),
    }
    let rows = query
        .order((concerns::raised_on.desc(), concerns::created_at.desc()))
        .select(ConcernRow::as_select())
        .load(conn)?;
    let mut list = assemble(conn, rows, filter.comment_min_n)?;
    if filter.overdue_only {
        list.retain(|c| c.overdue_actions > 0);
    }
    if let Some(theme) = &filter.theme {
        list.retain(|c| c.themes.contains(theme));
    }
    Ok(list)
}

/// One concern with its actions.
pub fn find(conn: &mut DbConnection, id: &str, comment_min_n: u32) -> QueryResult<Option<Concern>> {
    let row = concerns::table
        .find(id)
        .select(ConcernRow::as_select())
        .get_result(conn)
        .optional()?;
    Ok(assemble(conn, row.into_iter().collect(), comment_min_n)?.pop())
}

/// The team a concern belongs to, for access checks before anything else is read.
pub fn team_of(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    concerns::table
        .find(id)
        .select(concerns::team_id)
        .get_result(conn)
        .optional()
}

/// The team an action belongs to, through its concern.
pub fn team_of_action(conn: &mut DbConnection, action_id: &str) -> QueryResult<Option<String>> {
    actions_t::table
        .inner_join(concerns::table)
        .filter(actions_t::id.eq(action_id))
        .select(concerns::team_id)
        .get_result(conn)
        .optional()
}

/// Closes a concern once every action on it is done or not taken forward.
pub fn close(conn: &mut DbConnection, concern: &Concern) -> Result<(), AppError> {
    if concern.closed_on.is_some() {
        return Err(AppError::field("status", "this concern is already closed"));
    }
    if concern.actions.iter().any(|a| !a.status().is_final()) {
        return Err(AppError::field(
            "status",
            "every action must be done or not taken forward before closing",
        ));
    }
    diesel::update(concerns::table.find(&concern.id))
        .set(concerns::closed_on.eq(Some(crate::db::today())))
        .execute(conn)?;
    Ok(())
}

/// One line of the public "you said, we did" page: only words a manager wrote for it.
#[derive(Debug, Clone, Serialize)]
pub struct YouSaidWeDid {
    pub month: String,
    pub you_said: Option<String>,
    pub we_did: String,
}

/// Published, done actions of a team, newest first.
pub fn you_said_we_did(conn: &mut DbConnection, team_id: &str) -> QueryResult<Vec<YouSaidWeDid>> {
    let rows: Vec<(Option<NaiveDate>, Option<String>, Option<String>)> = actions_t::table
        .inner_join(concerns::table)
        .filter(concerns::team_id.eq(team_id))
        .filter(actions_t::publishable.eq(true))
        .filter(actions_t::status.eq(ActionStatus::Done.as_str()))
        .order((actions_t::done_on.desc(), actions_t::created_at.desc()))
        .limit(200)
        .select((
            actions_t::done_on,
            actions_t::public_you_said,
            actions_t::public_wording,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(done_on, you_said, we_did)| {
            Some(YouSaidWeDid {
                month: done_on
                    .map(|d| d.format("%B %Y").to_string())
                    .unwrap_or_default(),
                you_said,
                we_did: we_did?,
            })
        })
        .collect())
}
