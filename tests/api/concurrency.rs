use crate::helpers::{full_answers, spawn_team};
use crt_feedback::db::schema::invitations;
use diesel::prelude::*;

#[actix_web::test]
async fn fifty_racing_submissions_of_one_link_store_exactly_one_response() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let answers = full_answers(&app, &key, "carer").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (client, url, answers) = (reqwest::Client::new(), url.clone(), answers.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(&url)
                .form(&answers)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 410).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(app.stored_responses(), 1);
    let used: i64 = invitations::table
        .filter(invitations::used.eq(true))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(used, 1);
}
