//! After a real email journey, nothing in the database links an answer to a person.

use crate::helpers::{
    SmtpSink, answer, eventually, full_answers, link_in, spawn_team, spawn_team_with,
};
use crt_feedback::db::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::json;
use std::time::Duration;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    text: String,
}

/// Every row of every table as text (PostgreSQL).
fn dump_postgres(conn: &mut DbConnection) -> String {
    let DbConnection::Postgresql(c) = conn else {
        unreachable!()
    };
    let tables: Vec<Row> = diesel::sql_query(
        "SELECT table_name::text AS text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(c)
    .unwrap();
    let mut all = String::new();
    for t in tables {
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT row_to_json(t)::text AS text FROM \"{}\" t",
            t.text
        ))
        .load(c)
        .unwrap();
        for r in rows {
            all.push_str(&r.text);
            all.push('\n');
        }
    }
    all
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
}

fn columns(conn: &mut DbConnection, table: &str) -> Vec<String> {
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}')")).load::<Column>(c).unwrap(),
        DbConnection::Postgresql(c) => diesel::sql_query(format!(
            "SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{table}'"
        ))
        .load::<Column>(c)
        .unwrap(),
    }
    .into_iter()
    .map(|c| c.name)
    .collect()
}

#[actix_web::test]
async fn the_database_holds_no_address_no_token_and_no_link_between_response_and_invitation() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let (app, key) = spawn_team_with(&[("SMTP_URL", &smtp)]).await;
    let address = "very.private.person@example.net";
    app.client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "service-user", "emails": [address] }))
        .send()
        .await
        .unwrap();
    assert!(eventually(Duration::from_secs(20), || sink.received().len() == 1).await);
    let link = link_in(&sink.received()[0], &app.address);
    let token = link.rsplit('/').next().unwrap().to_string();
    let answers = full_answers(&app, &key, "service-user").await;
    assert_eq!(
        app.client
            .post(&link)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // No column of a response table names or points at an invitation, and none holds a time.
    let mut conn = app.db.connect();
    for table in ["responses", "answers", "comments"] {
        for column in columns(&mut conn, table) {
            assert!(
                !column.contains("invitation")
                    && !column.contains("token")
                    && !column.contains("email"),
                "{table}.{column}"
            );
            assert!(
                !column.ends_with("_at"),
                "{table}.{column} would hold a time"
            );
        }
    }
    for column in columns(&mut conn, "invitations") {
        assert!(
            !column.contains("response")
                && !column.contains("used_at")
                && !column.contains("used_on"),
            "invitations.{column}"
        );
    }

    if app.db.is_postgres() {
        let everything = dump_postgres(&mut conn);
        assert!(
            everything.contains("NORTH"),
            "the dump really holds the data"
        );
        assert!(!everything.contains(address), "the address is gone");
        assert!(!everything.contains(&token), "the token is never stored");
    } else {
        drop(conn);
        let db = app.stop().await;
        let path = db.sqlite_path().unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        for suffix in ["-wal", "-journal"] {
            if let Ok(more) = std::fs::read(format!("{}{suffix}", path.display())) {
                bytes.extend(more);
            }
        }
        let haystack = String::from_utf8_lossy(&bytes);
        assert!(haystack.contains("NORTH"), "the file really holds the data");
        assert!(
            !haystack.contains(address),
            "the address is gone from the file"
        );
        assert!(!haystack.contains(&token), "the token is never stored");
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut DbConnection, sql: &str) -> i64 {
    let DbConnection::Postgresql(c) = conn else {
        unreachable!()
    };
    diesel::sql_query(sql).get_result::<Count>(c).unwrap().n
}

/// Used invitations that share a transaction id (`xmin`) with a submission waiting for its
/// release, a response, an answer or a comment.
const PAIRED: &str = "SELECT count(*) AS n FROM invitations i WHERE i.used AND (\
     i.xmin IN (SELECT xmin FROM staged_responses) \
     OR i.xmin IN (SELECT xmin FROM responses) OR i.xmin IN (SELECT xmin FROM answers) \
     OR i.xmin IN (SELECT xmin FROM comments))";

#[actix_web::test]
async fn on_postgresql_no_transaction_id_pairs_a_used_link_with_its_response() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        eprintln!("xmin pairing: PostgreSQL only (set TEST_DATABASE_URL); skipped on SQLite");
        return;
    }
    let (app, key) = spawn_team().await;
    let unused = app.issue_links(&key, "NORTH", "carer", 2).await;
    let mut conn = app.db.connect();
    let rewrite = |conn: &mut DbConnection| {
        crt_feedback::invitations::unpair::rewrite_used_invitations(conn).unwrap()
    };

    answer(&app, &key, "carer", &[]).await;
    // The pairing is really there before the rewrite.
    assert_eq!(count(&mut conn, PAIRED), 1);
    assert_eq!(rewrite(&mut conn), 1);
    assert_eq!(count(&mut conn, PAIRED), 0);

    for _ in 0..2 {
        answer(&app, &key, "carer", &[]).await;
    }
    assert_eq!(count(&mut conn, PAIRED), 2, "one for each new submission");
    assert_eq!(rewrite(&mut conn), 3, "the new and the old together");
    assert_eq!(count(&mut conn, PAIRED), 0);
    let used_ids = "SELECT count(DISTINCT xmin::text) AS n FROM invitations WHERE used";
    assert_eq!(count(&mut conn, used_ids), 1, "one id for all used links");
    assert_eq!(rewrite(&mut conn), 0, "nothing new, nothing rewritten");

    let unused_count = "SELECT count(*) AS n FROM invitations WHERE NOT used";
    assert_eq!(count(&mut conn, unused_count), 2, "unused links left alone");
    let answers = full_answers(&app, &key, "carer").await;
    let res = app.client.post(&unused[0].0).form(&answers).send().await;
    assert_eq!(res.unwrap().status(), 200, "an unused link still works");
    assert_eq!(count(&mut conn, PAIRED), 1);
    assert_eq!(rewrite(&mut conn), 4);
    assert_eq!(count(&mut conn, PAIRED), 0);
}
