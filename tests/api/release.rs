//! Anonymity against the people who run the service: responses reach staff only in released
//! batches, every output is made from the same protected cells, and nothing on disk keeps the
//! order in which links were used.

use crate::helpers::{TestApp, full_answers, spawn_team};
use crt_feedback::db::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::Value;

/// Every output a manager (and an admin, and the public) can read about team NORTH, as text.
async fn every_output(
    app: &TestApp,
    key: &str,
    admin: &str,
    browser: &reqwest::Client,
) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    for path in [
        "/api/v1/teams/NORTH/report",
        "/api/v1/teams/NORTH/report.csv",
        "/api/v1/teams/NORTH/answers.csv",
        "/api/v1/teams/NORTH/fft-return.csv",
        "/api/v1/teams/NORTH/comments",
        "/api/v1/teams/NORTH/concerns",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let withheld = res
            .headers()
            .get("x-withheld-groups")
            .map(|h| h.to_str().unwrap().to_string())
            .unwrap_or_default();
        outputs.push((path.to_string(), withheld + &res.text().await.unwrap()));
    }
    let res = app
        .client
        .get(app.url("/api/v1/report"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    outputs.push(("/api/v1/report".into(), res.text().await.unwrap()));
    for path in [
        "/staff/teams/NORTH/dashboard",
        "/staff/teams/NORTH/evidence",
        "/staff/teams/NORTH/comments",
        "/staff/teams/NORTH/concerns",
        "/staff/teams/NORTH/exports/answers.csv",
    ] {
        let res = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let page = res.text().await.unwrap();
        // The one line that is meant to change: how many responses wait for the release.
        let page = match (
            page.find("<p class=\"inset\" id=\"waiting\">"),
            page.find("</p>"),
        ) {
            (Some(start), Some(_)) => {
                let end = start + page[start..].find("</p>").unwrap();
                format!("{}{}", &page[..start], &page[end..])
            }
            _ => page,
        };
        outputs.push((path.to_string(), page));
    }
    let res = app
        .client
        .get(app.url("/teams/NORTH/you-said-we-did"))
        .send()
        .await
        .unwrap();
    outputs.push(("you said, we did".into(), res.text().await.unwrap()));
    outputs
}

fn assert_unchanged(before: &[(String, String)], after: &[(String, String)], when: &str) {
    for ((path, old), (_, new)) in before.iter().zip(after) {
        assert_eq!(old, new, "{path} changed {when}");
    }
}

async fn post_answers(app: &TestApp, link: &str, answers: &[(String, String)]) {
    let res = app.client.post(link).form(answers).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

fn with_answer(
    mut answers: Vec<(String, String)>,
    question: &str,
    value: &str,
) -> Vec<(String, String)> {
    answers.retain(|(k, _)| k != question);
    answers.push((question.to_string(), value.to_string()));
    answers
}

#[actix_web::test]
async fn a_curious_manager_sees_nothing_change_until_a_release_of_a_whole_batch() {
    let (app, key) = spawn_team().await;
    let admin = app.add_user("admin@example.org", None, &[]);
    let (browser, _) = app.signed_in_browser(crate::helpers::MANAGER).await;
    let links = app.issue_links(&key, "NORTH", "carer", 6).await;
    let answers = full_answers(&app, &key, "carer").await;
    let before = every_output(&app, &key, &admin, &browser).await;

    // One person answers, with a very poor rating and a comment: the link turns used, and
    // nothing else a manager can read changes.
    let telling = with_answer(
        with_answer(answers.clone(), "fft", "1"),
        "fft_reason",
        "The night visit on Tuesday was the worst",
    );
    post_answers(&app, &links[0].0, &telling).await;
    assert_eq!(
        app.client.get(&links[0].0).send().await.unwrap().status(),
        410
    );
    let after_one = every_output(&app, &key, &admin, &browser).await;
    assert_unchanged(&before, &after_one, "after one submission");
    let dashboard = browser
        .get(app.url("/staff/teams/NORTH/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(
        dashboard
            .text()
            .await
            .unwrap()
            .contains("1 response is waiting")
    );

    // A release with fewer than min_n waiting releases nothing.
    assert_eq!(app.release().responses, 0);
    assert_unchanged(
        &before,
        &every_output(&app, &key, &admin, &browser).await,
        "after an early release",
    );

    // Four more: now a batch of five goes, together, on one date, in an order of its own.
    for (i, (link, _)) in links[1..5].iter().enumerate() {
        let text = format!("Carer comment number {i} about the visits");
        post_answers(
            &app,
            link,
            &with_answer(answers.clone(), "fft_reason", &text),
        )
        .await;
    }
    assert_unchanged(
        &before,
        &every_output(&app, &key, &admin, &browser).await,
        "before the release",
    );
    let released = app.release();
    assert_eq!(
        (released.responses, released.batches, released.waiting),
        (5, 1, 0)
    );
    let report: Value = app.api_json(&key, "/api/v1/teams/NORTH/report").await;
    assert_eq!(report["responses"]["carer"], 5);
    assert_eq!(
        report["fft"]["very_poor"], 1,
        "the figure is there, among five"
    );
    let comments: Value = app.api_json(&key, "/api/v1/teams/NORTH/comments").await;
    let comments: Vec<&Value> = comments
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["question_id"] == "fft_reason")
        .collect();
    assert_eq!(comments.len(), 5);
    let months: std::collections::BTreeSet<&str> = comments
        .iter()
        .map(|c| c["month"].as_str().unwrap())
        .collect();
    assert_eq!(months.len(), 1, "one release, one date");
    // Listed by their random ids, not in the order they came.
    let ids: Vec<&str> = comments.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    use crt_feedback::db::schema::responses;
    let days: Vec<chrono::NaiveDate> = responses::table
        .select(responses::received_on)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        days.iter().all(|d| *d == days[0]),
        "every response carries the release's date"
    );
}

/// The number of responses of `group` that a report shows, 0 for none.
fn shown(report: &Value, group: &str) -> i64 {
    report["responses"][group].as_i64().unwrap_or(-1)
}

#[actix_web::test]
async fn small_groups_give_nothing_away_from_any_pair_of_outputs_or_periods() {
    let (app, key) = spawn_team().await;
    let today = crt_feedback::db::today();
    let last_month = today - chrono::Months::new(1);
    let answers_su = full_answers(&app, &key, "service-user").await;
    let answers_carer = full_answers(&app, &key, "carer").await;
    let answer = |slug: &'static str, fft: &'static str| {
        let base = if slug == "carer" {
            answers_carer.clone()
        } else {
            answers_su.clone()
        };
        let app = &app;
        let key = key.clone();
        async move {
            let (link, _) = app.issue_links(&key, "NORTH", slug, 1).await.remove(0);
            post_answers(app, &link, &with_answer(base, "fft", fft)).await;
        }
    };
    // Last month: six service users say very good, three carers very poor.
    for _ in 0..6 {
        answer("service-user", "5").await;
    }
    for _ in 0..3 {
        answer("carer", "1").await;
    }
    let release =
        |day| crt_feedback::submissions::release::release(&mut app.conn(), 5, day).unwrap();
    assert_eq!(release(last_month).responses, 6, "the carers wait");
    // This month two more carers make five, released together; two more wait.
    for _ in 0..2 {
        answer("carer", "1").await;
    }
    assert_eq!(release(today).responses, 5);
    for _ in 0..2 {
        answer("carer", "2").await;
    }
    assert_eq!(release(today).waiting, 2);

    let month = |d: chrono::NaiveDate| d.format("%Y-%m-01").to_string();
    let end = |d: chrono::NaiveDate| d.format("%Y-%m-28").to_string();
    let periods = [
        (month(last_month), end(last_month)),
        (month(today), today.to_string()),
        (month(last_month), today.to_string()),
    ];
    let mut reports = Vec::new();
    for (from, to) in &periods {
        let query = format!("?from={from}&to={to}");
        let report = app
            .api_json(&key, &format!("/api/v1/teams/NORTH/report{query}"))
            .await;
        let comments = app
            .api_json(&key, &format!("/api/v1/teams/NORTH/comments{query}"))
            .await;
        let fft_return = app
            .client
            .get(app.url(&format!("/api/v1/teams/NORTH/fft-return.csv{query}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let answers_csv = app
            .client
            .get(app.url(&format!("/api/v1/teams/NORTH/answers.csv{query}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        reports.push((report, comments, fft_return, answers_csv));
    }
    // Last month shows the service users and no carer; this month the five carers; both
    // months together, both. Every count, and every difference between two periods, is 0 or at
    // least five: a whole batch.
    let counts: Vec<(i64, i64)> = reports
        .iter()
        .map(|(r, ..)| (shown(r, "service_user"), shown(r, "carer")))
        .collect();
    assert_eq!(counts, vec![(6, 0), (0, 5), (6, 5)]);
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        for group in ["service_user", "carer", "staff", "partner"] {
            let difference = (shown(&reports[a].0, group) - shown(&reports[b].0, group)).abs();
            assert!(
                difference == 0 || difference >= 5,
                "{group}: periods {a} and {b}"
            );
        }
    }
    // The FFT, the FFT return, the answers and the comments hold the carers' answers exactly
    // where the report shows carers.
    let very_poor: Vec<i64> = reports
        .iter()
        .map(|(r, ..)| r["fft"]["very_poor"].as_i64().unwrap())
        .collect();
    assert_eq!(very_poor, vec![0, 5, 5]);
    let carer_rows: Vec<usize> = reports
        .iter()
        .map(|(.., csv)| csv.lines().filter(|l| l.contains(",carer,")).count())
        .collect();
    assert_eq!(carer_rows[0], 0);
    assert_eq!(
        carer_rows[1], carer_rows[2],
        "the same carers' rows in both"
    );
    assert!(carer_rows[1] > 0);
    let return_last_month = &reports[0].2;
    assert!(
        !return_last_month.lines().skip(1).any(|l| l
            .split(',')
            .nth(6)
            .is_some_and(|v| v != "0" && !v.is_empty())),
        "no very poor answer last month: {return_last_month}"
    );
    for (_, comments, ..) in &reports {
        for c in comments.as_array().unwrap() {
            assert!(c["group"] == "service_user" || c["group"] == "carer");
        }
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    body: String,
}

#[derive(QueryableByName)]
struct Stamp {
    #[diesel(sql_type = Text)]
    stamp: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Spearman's rank correlation of a permutation with the identity (no ties).
fn rank_correlation(order: &[usize]) -> f64 {
    let n = order.len() as f64;
    let d2: f64 = order
        .iter()
        .enumerate()
        .map(|(i, r)| (i as f64 - *r as f64).powi(2))
        .sum();
    1.0 - 6.0 * d2 / (n * (n * n - 1.0))
}

/// Beyond this, with 40 items in random order, a correlation happens by chance about once in
/// five thousand (|rho| * sqrt(n - 1) is close to a standard normal): small enough that this
/// test does not fail by luck, large enough that any kept order is caught.
const CHANCE: f64 = 0.6;

/// Where each comment's number (`Response NN`) sits in a list of comment bodies.
fn redemption_ranks(bodies: &[String]) -> Vec<usize> {
    bodies
        .iter()
        .map(|b| b.trim_start_matches("Response ").parse::<usize>().unwrap())
        .collect()
}

/// The comments' bodies (one per response here) in the order of `order_by`.
fn comments_in(conn: &mut DbConnection, order_by: &str) -> Vec<String> {
    let sql = format!(
        "SELECT c.body AS body FROM comments c JOIN responses r ON r.id = c.response_id \
         WHERE c.question_id = 'fft_reason' \
         ORDER BY {order_by}"
    );
    match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(sql).load::<Row>(c),
        DbConnection::Sqlite(c) => diesel::sql_query(sql).load::<Row>(c),
    }
    .unwrap()
    .into_iter()
    .map(|r| r.body)
    .collect()
}

#[actix_web::test]
async fn after_a_release_nothing_on_disk_keeps_the_order_links_were_used_in() {
    const N: usize = 40;
    let (app, key) = spawn_team().await;
    let links = app.issue_links(&key, "NORTH", "carer", N).await;
    let answers = full_answers(&app, &key, "carer").await;
    // Redeemed in the order they were issued, each saying which it was.
    for (i, (link, _)) in links.iter().enumerate() {
        let text = format!("Response {i:02}");
        post_answers(
            &app,
            link,
            &with_answer(answers.clone(), "fft_reason", &text),
        )
        .await;
    }
    let mut conn = app.db.connect();
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    // The order rows sit in: PostgreSQL's physical position; on SQLite the row id of a rowid
    // table (invitations), and the key of a table kept WITHOUT ROWID (responses, comments).
    let (rows_physical, keyed_physical) = if postgres {
        ("ctid", "ctid")
    } else {
        ("rowid", "id")
    };

    // Used invitations, by the order their links were used in (found through the hash of each
    // link's token).
    let by_use: Vec<String> = {
        use crt_feedback::db::schema::invitation_tokens;
        links
            .iter()
            .map(|(link, _)| {
                let token = link.rsplit('/').next().unwrap();
                invitation_tokens::table
                    .find(crt_feedback::tokens::hash(token))
                    .select(invitation_tokens::invitation_id)
                    .get_result::<String>(&mut conn)
                    .unwrap()
            })
            .collect()
    };
    let invitation_ranks = |sql: &str, conn: &mut DbConnection| -> Vec<usize> {
        let ids: Vec<String> = match conn {
            DbConnection::Postgresql(c) => diesel::sql_query(sql).load::<Stamp>(c),
            DbConnection::Sqlite(c) => diesel::sql_query(sql).load::<Stamp>(c),
        }
        .unwrap()
        .into_iter()
        .map(|s| s.stamp)
        .collect();
        ids.iter()
            .map(|id| by_use.iter().position(|b| b == id).unwrap())
            .collect()
    };
    let used_on_disk =
        format!("SELECT id AS stamp FROM invitations WHERE used ORDER BY {rows_physical}");
    // Before a release the order is there to be read, so this test can see one: waiting rows
    // on PostgreSQL, used invitations' row ids on SQLite.
    let before = if postgres {
        let sql = "SELECT answers AS body FROM staged_responses ORDER BY ctid";
        let waiting: Vec<String> = match &mut conn {
            DbConnection::Postgresql(c) => diesel::sql_query(sql).load::<Row>(c),
            DbConnection::Sqlite(c) => diesel::sql_query(sql).load::<Row>(c),
        }
        .unwrap()
        .into_iter()
        .map(|r| {
            let at = r.body.find("Response ").unwrap();
            r.body[at..at + "Response 00".len()].to_string()
        })
        .collect();
        rank_correlation(&redemption_ranks(&waiting))
    } else {
        rank_correlation(&invitation_ranks(&used_on_disk, &mut conn))
    };
    assert!(
        before > 0.9,
        "the order of use before a release: {before:.2}"
    );

    assert_eq!(app.release().responses, N);

    for (order_by, what) in [
        (format!("r.{keyed_physical}"), "responses on disk"),
        (format!("c.{keyed_physical}"), "comments on disk"),
        ("r.id".to_string(), "response ids"),
        ("c.id".to_string(), "comment ids"),
    ] {
        let ranks = redemption_ranks(&comments_in(&mut conn, &order_by));
        assert_eq!(ranks.len(), N);
        let rho = rank_correlation(&ranks);
        assert!(
            rho.abs() < CHANCE,
            "{what}: rank correlation {rho:.2} with the order of use"
        );
    }
    for (sql, what) in [
        (used_on_disk.clone(), "used invitations on disk"),
        (
            "SELECT id AS stamp FROM invitations WHERE used ORDER BY id".to_string(),
            "used invitations by id",
        ),
    ] {
        let ranks = invitation_ranks(&sql, &mut conn);
        assert_eq!(ranks.len(), N);
        let rho = rank_correlation(&ranks);
        assert!(
            rho.abs() < CHANCE,
            "{what}: rank correlation {rho:.2} with the order of use"
        );
    }
    if let DbConnection::Postgresql(c) = &mut conn {
        let count = |sql: &str, c: &mut diesel::PgConnection| {
            diesel::sql_query(sql).get_result::<Count>(c).unwrap().n
        };
        assert_eq!(
            count("SELECT count(DISTINCT xmin::text) AS n FROM responses", c),
            1,
            "one transaction id for the whole batch"
        );
        // No response shares its transaction id with one invitation alone.
        let alone = "SELECT count(*) AS n FROM responses r WHERE \
             (SELECT count(*) FROM invitations i WHERE i.xmin::text = r.xmin::text) = 1";
        assert_eq!(count(alone, c), 0);
    }
}
