//! CSV exports: the report, a tidy file of answers, and the monthly FFT return.

use super::build::Report;
use super::period::Period;
use crate::db::DbConnection;
use crate::db::schema::{answer_totals, answers, response_totals, responses, teams};
use crate::protection::Cells;
use crate::surveys::{Catalogue, QuestionKind};
use diesel::prelude::*;
use std::collections::BTreeMap;

fn cell<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Percentages always with one decimal place, as in the JSON (60.0, not 60).
fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_default()
}

fn finish(writer: csv::Writer<Vec<u8>>) -> anyhow::Result<String> {
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV failed: {e}"))?;
    Ok(String::from_utf8(bytes)?)
}

/// The CSV files a team can download, by file name.
pub const FILES: [&str; 3] = ["report.csv", "answers.csv", "fft-return.csv"];

/// Builds one of [`FILES`] for a team, or `None` for an unknown name.
pub fn team_file(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    rules: &super::rules::EvidenceRules,
    team: (&str, &str),
    period: Period,
    file: &str,
    org_code: Option<&str>,
) -> anyhow::Result<Option<String>> {
    let (team_id, team_code) = team;
    Ok(Some(match file {
        "report.csv" => report_csv(&super::report(
            conn,
            catalogue,
            rules,
            Some((team_id, team_code)),
            period,
        )?)?,
        "answers.csv" => answers_csv(conn, catalogue, team_id, &period, rules.min_n)?,
        "fft-return.csv" => fft_return_csv(
            conn,
            catalogue,
            Some(team_id),
            &period,
            rules.min_n,
            org_code,
        )?,
        _ => return Ok(None),
    }))
}

/// Writes one row of the report table: a count (in `n`) or a percentage (in `agree_pct`),
/// with `suppressed` true when the figure is withheld.
fn figure_row(
    w: &mut csv::Writer<Vec<u8>>,
    (section, item, source): (&str, &str, &str),
    count: Option<String>,
    pct_figure: Option<Option<f64>>,
    suppressed: bool,
) -> csv::Result<()> {
    let pct_cell = pct_figure.map(pct).unwrap_or_default();
    w.write_record([
        section,
        item,
        source,
        &cell(count),
        "",
        &pct_cell,
        "",
        "",
        "",
        &suppressed.to_string(),
    ])
}

/// A count row, suppressed when the count is withheld.
fn count_row<T: ToString>(
    w: &mut csv::Writer<Vec<u8>>,
    place: (&str, &str, &str),
    count: Option<T>,
) -> csv::Result<()> {
    let suppressed = count.is_none();
    figure_row(w, place, count.map(|c| c.to_string()), None, suppressed)
}

/// The report as one long table; suppressed figures are empty cells with `suppressed` true.
pub fn report_csv(report: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "section",
        "item",
        "source",
        "n",
        "agree",
        "agree_pct",
        "ci_low",
        "ci_high",
        "indicator",
        "suppressed",
    ])?;
    for (section, breakdown) in [
        ("responses", &report.responses),
        ("responses_by_channel", &report.responses_by_channel),
    ] {
        for (name, count) in &breakdown.cells {
            count_row(&mut w, (section, name, ""), *count)?;
        }
        count_row(&mut w, (section, "total", ""), breakdown.total)?;
    }
    for c in &report.criteria {
        for s in &c.sources {
            let f = &s.figures;
            w.write_record([
                "criteria",
                c.criterion.code(),
                s.source.as_str(),
                &cell(f.n),
                &cell(f.agree),
                &pct(f.agree_pct),
                &pct(f.ci_low),
                &pct(f.ci_high),
                c.indicator.as_str(),
                &f.suppressed.to_string(),
            ])?;
        }
    }
    let fft = &report.fft;
    for (item, v) in [
        ("total", fft.total),
        ("very_good", fft.very_good),
        ("good", fft.good),
        ("neither", fft.neither),
        ("poor", fft.poor),
        ("very_poor", fft.very_poor),
        ("dont_know", fft.dont_know),
    ] {
        figure_row(
            &mut w,
            ("fft", item, ""),
            v.map(|n| n.to_string()),
            None,
            fft.suppressed,
        )?;
    }
    for (item, v) in [
        ("positive_pct", fft.positive_pct),
        ("negative_pct", fft.negative_pct),
    ] {
        figure_row(&mut w, ("fft", item, ""), None, Some(v), fft.suppressed)?;
    }
    let fa = &report.feedback_action;
    for (item, v) in [
        (
            "service_user_responses",
            fa.service_user_responses.map(|n| n.to_string()),
        ),
        (
            "latest_response_on",
            fa.latest_response_on.map(|d| d.to_string()),
        ),
        ("concerns", Some(fa.concerns.to_string())),
        (
            "concerns_with_action",
            Some(fa.concerns_with_action.to_string()),
        ),
        ("actions", Some(fa.actions.to_string())),
        ("actions_done", Some(fa.actions_done.to_string())),
        (
            "median_days_to_first_action",
            fa.median_days_to_first_action.map(|d| d.to_string()),
        ),
        ("overdue_actions", Some(fa.overdue_actions.to_string())),
    ] {
        count_row(&mut w, ("feedback_action", item, ""), v)?;
    }
    let s = &report.sentiment;
    for (item, v) in [
        ("comments", s.comments),
        ("positive", s.positive),
        ("neutral", s.neutral),
        ("negative", s.negative),
    ] {
        count_row(&mut w, ("sentiment", item, ""), v)?;
    }
    for t in &report.themes {
        let c = &t.counts;
        for (source, v) in [
            ("all", c.comments),
            ("positive", c.positive),
            ("neutral", c.neutral),
            ("negative", c.negative),
        ] {
            count_row(&mut w, ("themes", &t.theme, source), v)?;
        }
    }
    finish(w)
}

/// One row per answer with no identifiers: team, month, group, channel, questionnaire, question,
/// criterion and value, from the shown cells of the one protected table only (a team's group
/// with fewer than `min_n` responses in a month is left out, here as in the report), and free
/// text is not exported (it is read, audited, through the comments page).
pub fn answers_csv(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    team_id: &str,
    period: &Period,
    min_n: u32,
) -> anyhow::Result<String> {
    let (first, last) = period.months();
    let cells = Cells::load(conn, Some(team_id), (&first, &last), min_n)?;
    let rows: Vec<(
        String,
        chrono::NaiveDate,
        String,
        String,
        String,
        String,
        String,
    )> = answers::table
        .inner_join(responses::table.inner_join(teams::table))
        .filter(responses::team_id.eq(team_id))
        .filter(responses::received_on.between(period.from, period.to))
        // Ordered by question and value, not by response, so rows cannot be regrouped into one
        // person's set of answers.
        .order((
            answers::question_id.asc(),
            answers::value.asc(),
            responses::received_on.asc(),
        ))
        .select((
            teams::code,
            responses::received_on,
            responses::respondent,
            responses::channel,
            responses::survey_version_id,
            answers::question_id,
            answers::value,
        ))
        .load(conn)?;
    let channels_shown = cells_with_every_channel_large(conn, team_id, period, min_n)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "team",
        "month",
        "respondent",
        "channel",
        "questionnaire",
        "version",
        "question_id",
        "question_type",
        "criterion",
        "value",
    ])?;
    for (team, day, group, channel, version_id, question_id, value) in rows {
        let month = day.format("%Y-%m").to_string();
        if !cells.shows(team_id, &month, &group) {
            continue;
        }
        let version = catalogue.version(conn, &version_id)?;
        let question = version
            .as_ref()
            .and_then(|v| v.survey.question(&question_id));
        let channel = if channels_shown.contains(&(month.clone(), group.clone())) {
            channel.as_str()
        } else {
            ""
        };
        w.write_record([
            team.as_str(),
            &month,
            &group,
            channel,
            version
                .as_ref()
                .map(|v| v.survey.slug.as_str())
                .unwrap_or_default(),
            &version_id[..12.min(version_id.len())],
            &question_id,
            question.map(|q| q.kind.as_str()).unwrap_or_default(),
            question
                .and_then(|q| q.criterion)
                .map(|c| c.code())
                .unwrap_or_default(),
            &value,
        ])?;
    }
    finish(w)
}

/// The months and groups of a team in which every channel answered by has at least `min_n`
/// responses. Elsewhere `answers.csv` leaves the channel blank: one paper form, tablet visit or
/// telephone call in a month would otherwise mark out one person's whole set of answers to
/// whoever keyed it in or handed the tablet over.
fn cells_with_every_channel_large(
    conn: &mut DbConnection,
    team_id: &str,
    period: &Period,
    min_n: u32,
) -> QueryResult<std::collections::BTreeSet<(String, String)>> {
    let counts: Vec<(chrono::NaiveDate, String, String, i64)> = responses::table
        .filter(responses::team_id.eq(team_id))
        .filter(responses::received_on.between(period.from, period.to))
        .group_by((
            responses::received_on,
            responses::respondent,
            responses::channel,
        ))
        .select((
            responses::received_on,
            responses::respondent,
            responses::channel,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut by_cell: BTreeMap<(String, String), BTreeMap<String, i64>> = BTreeMap::new();
    for (day, group, channel, count) in counts {
        let month = day.format("%Y-%m").to_string();
        *by_cell
            .entry((month, group))
            .or_default()
            .entry(channel)
            .or_default() += count;
    }
    Ok(by_cell
        .into_iter()
        .filter(|(_, channels)| channels.values().all(|n| *n >= i64::from(min_n)))
        .map(|(cell, _)| cell)
        .collect())
}

/// Answers of one value to one question, from one team's group in one month.
#[derive(Queryable)]
struct FftAnswerCount {
    team_id: String,
    group: String,
    team: String,
    month: String,
    version_id: String,
    question_id: String,
    value: String,
    count: i64,
}

/// The collection modes of the FFT return, in its column order.
pub const MODES: [&str; 6] = ["sms", "online", "tablet", "paper", "telephone", "other"];

/// The mode a response was completed in, from its channel: a text's link is `sms`, any other
/// web link (email, printed card, handed over) is `online`.
pub fn collection_mode(channel: &str) -> &'static str {
    match channel {
        "sms" => "sms",
        "email" | "printed" | "other" => "online",
        "tablet" => "tablet",
        "paper" => "paper",
        "telephone" => "telephone",
        _ => "other",
    }
}

/// Which of the six FFT answers a stored value is, in the return's column order.
fn fft_slot(value: &str) -> Option<usize> {
    match value {
        "5" => Some(0),
        "4" => Some(1),
        "3" => Some(2),
        "2" => Some(3),
        "1" => Some(4),
        "dont_know" => Some(5),
        _ => None,
    }
}

/// The header of an FFT return: the organisation, the unit and month, the six answers, the
/// total and the count in each collection mode.
fn fft_header(first: &str) -> Vec<&str> {
    let mut header = vec![
        "org_code",
        first,
        "month",
        "very_good",
        "good",
        "neither_good_nor_poor",
        "poor",
        "very_poor",
        "dont_know",
        "total",
    ];
    header.extend(MODES);
    header
}

/// One unit's month of a return: the six answers and the responses by mode.
#[derive(Default)]
struct FftMonthCounts {
    answers: [i64; 6],
    modes: [i64; 6],
}

/// The monthly FFT return: per team and month, the six counts, the total and the counts by
/// collection mode, each response counted once under the mode it was completed in, so the
/// modes add up to the total (the FFT question is required wherever it is asked). Counted from
/// the shown cells of the one protected table only, as the report is; months with fewer than
/// `min_n` answers are suppressed (empty cells), and the next-smallest month with them.
pub fn fft_return_csv(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    team_id: Option<&str>,
    period: &Period,
    min_n: u32,
    org_code: Option<&str>,
) -> anyhow::Result<String> {
    let (first, last) = period.months();
    let cells = Cells::load(conn, team_id, (&first, &last), min_n)?;
    let mut answers_q = answer_totals::table
        .inner_join(teams::table)
        .filter(answer_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    let mut responses_q = response_totals::table
        .inner_join(teams::table)
        .filter(response_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    if let Some(t) = team_id {
        answers_q = answers_q.filter(answer_totals::team_id.eq(t.to_string()));
        responses_q = responses_q.filter(response_totals::team_id.eq(t.to_string()));
    }
    let answer_rows: Vec<FftAnswerCount> = answers_q
        .select((
            answer_totals::team_id,
            answer_totals::respondent,
            teams::code,
            answer_totals::month,
            answer_totals::survey_version_id,
            answer_totals::question_id,
            answer_totals::value,
            answer_totals::count,
        ))
        .load(conn)?;
    let response_rows: Vec<(String, String, String, String, String, String, i64)> = responses_q
        .select((
            response_totals::team_id,
            response_totals::respondent,
            teams::code,
            response_totals::month,
            response_totals::survey_version_id,
            response_totals::channel,
            response_totals::count,
        ))
        .load(conn)?;
    let mut asks_fft: BTreeMap<String, bool> = BTreeMap::new();
    let mut version_asks_fft = |conn: &mut DbConnection, id: &str| -> anyhow::Result<bool> {
        if let Some(known) = asks_fft.get(id) {
            return Ok(*known);
        }
        let asks = catalogue.version(conn, id)?.is_some_and(|v| {
            v.survey
                .questions
                .iter()
                .any(|q| q.kind == QuestionKind::Fft)
        });
        asks_fft.insert(id.to_string(), asks);
        Ok(asks)
    };
    let mut table: BTreeMap<(String, String), FftMonthCounts> = BTreeMap::new();
    for row in answer_rows {
        if !cells.shows(&row.team_id, &row.month, &row.group) {
            continue;
        }
        let is_fft = catalogue
            .version(conn, &row.version_id)?
            .and_then(|v| {
                v.survey
                    .question(&row.question_id)
                    .map(|q| q.kind == QuestionKind::Fft)
            })
            .unwrap_or(false);
        if let (true, Some(slot)) = (is_fft, fft_slot(&row.value)) {
            table.entry((row.team, row.month)).or_default().answers[slot] += row.count;
        }
    }
    for (team_id, group, team, month, version_id, channel, count) in response_rows {
        if !cells.shows(&team_id, &month, &group) || !version_asks_fft(conn, &version_id)? {
            continue;
        }
        let mode = collection_mode(&channel);
        let slot = MODES
            .iter()
            .position(|m| *m == mode)
            .unwrap_or(MODES.len() - 1);
        table.entry((team, month)).or_default().modes[slot] += count;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = fft_header("team");
    header.push("suppressed");
    w.write_record(&header)?;
    // Within a team the months add up to the period's total, which the report shows: when one
    // month is hidden, the next-smallest is hidden too.
    let mut by_team: BTreeMap<String, Vec<(String, FftMonthCounts)>> = BTreeMap::new();
    for ((team, month), counts) in table {
        by_team.entry(team).or_default().push((month, counts));
    }
    for (team, months) in by_team {
        let totals: Vec<u32> = months
            .iter()
            .map(|(_, c)| u32::try_from(c.answers.iter().sum::<i64>()).unwrap_or(u32::MAX))
            .collect();
        let shown = crate::analysis::suppression::suppress_cells(&totals, min_n);
        for ((month, c), shown) in months.into_iter().zip(shown) {
            let visible = shown.is_some();
            let v = |x: i64| {
                if visible {
                    x.to_string()
                } else {
                    String::new()
                }
            };
            let mut record = vec![
                org_code.unwrap_or_default().to_string(),
                team.clone(),
                month,
            ];
            record.extend(c.answers.iter().map(|n| v(*n)));
            record.push(v(c.answers.iter().sum()));
            record.extend(c.modes.iter().map(|n| v(*n)));
            record.push((!visible).to_string());
            w.write_record(&record)?;
        }
    }
    finish(w)
}

/// The organisation's monthly counts for the submission to NHS England: by the month the
/// answers arrived, released or not, with no small-number suppression (NHS England receives
/// true counts and applies its own rules when it publishes). Counts only, and no team.
pub fn fft_submission_csv(
    conn: &mut DbConnection,
    period: &Period,
    org_code: Option<&str>,
) -> anyhow::Result<String> {
    use crate::db::schema::submission_counts;
    let (first, last) = period.months();
    let rows: Vec<(String, String, String, i64)> = submission_counts::table
        .filter(submission_counts::month.between(first, last))
        .select((
            submission_counts::month,
            submission_counts::channel,
            submission_counts::value,
            submission_counts::count,
        ))
        .load(conn)?;
    let mut table: BTreeMap<String, FftMonthCounts> = BTreeMap::new();
    for (month, channel, value, count) in rows {
        let counts = table.entry(month).or_default();
        if let Some(slot) = fft_slot(&value) {
            counts.answers[slot] += count;
            let mode = collection_mode(&channel);
            let m = MODES
                .iter()
                .position(|x| *x == mode)
                .unwrap_or(MODES.len() - 1);
            counts.modes[m] += count;
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fft_header("unit"))?;
    for (month, c) in table {
        let mut record = vec![
            org_code.unwrap_or_default().to_string(),
            "all".to_string(),
            month,
        ];
        record.extend(c.answers.iter().map(i64::to_string));
        record.push(c.answers.iter().sum::<i64>().to_string());
        record.extend(c.modes.iter().map(i64::to_string));
        w.write_record(&record)?;
    }
    finish(w)
}

/// Staff corrections of comment sentiment, as `text,sentiment`: the file `crt-feedback text
/// evaluate` reads, for checking the model on a Trust's own comments and for future training.
/// Every team, from shown cells only, in the order of the text so nothing says when each
/// comment came.
pub fn corrections_csv(
    conn: &mut DbConnection,
    period: &Period,
    min_n: u32,
) -> anyhow::Result<String> {
    use crate::db::schema::comments;
    let (first, last) = period.months();
    let cells = Cells::load(conn, None, (&first, &last), min_n)?;
    let rows: Vec<(String, String, chrono::NaiveDate, String, Option<String>)> = comments::table
        .filter(comments::sentiment_corrected.is_not_null())
        .filter(comments::received_on.between(period.from, period.to))
        .select((
            comments::team_id,
            comments::respondent,
            comments::received_on,
            comments::body,
            comments::sentiment_corrected,
        ))
        .load(conn)?;
    let mut shown: Vec<(String, String)> = rows
        .into_iter()
        .filter(|(team, group, day, _, _)| {
            cells.shows(team, &day.format("%Y-%m").to_string(), group)
        })
        .filter_map(|(_, _, _, text, label)| label.map(|label| (text, label)))
        .collect();
    shown.sort();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["text", "sentiment"])?;
    for (text, label) in shown {
        w.write_record([text, label])?;
    }
    finish(w)
}
