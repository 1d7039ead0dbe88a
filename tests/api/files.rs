//! Files on disk hold the same secrets as the database: they are readable by the service's own
//! user only, and a message file goes once its link has served.

use crate::helpers::{eventually, full_answers, link_in, spawn_team};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn message_files_are_private_and_deleted_once_their_link_is_used() {
    let (app, key) = spawn_team().await;
    app.client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "carer", "emails": ["a@example.net", "b@example.net"], "carer_consent": true }))
        .send()
        .await
        .unwrap();
    let dir = app.mail_dir.clone();
    assert!(eventually(Duration::from_secs(20), || eml_files(&dir).len() == 2).await);
    assert_eq!(mode(&dir), 0o700, "the folder of messages");
    let files = eml_files(&dir);
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    let message = std::fs::read_to_string(&files[0]).unwrap();
    let link = link_in(&message, &app.address);
    let answers = full_answers(&app, &key, "carer").await;
    let res = app.client.post(&link).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let deleted = crt_feedback::jobs::mail_files::delete_spent(&mut app.conn(), &dir).unwrap();
    assert_eq!(
        deleted, 1,
        "the used link's message goes; the other link still works"
    );
    assert_eq!(eml_files(&dir), vec![files[1].clone()]);
    assert!(!files[0].exists());
}

#[actix_web::test]
async fn the_database_its_log_and_its_backups_are_readable_by_the_owner_only() {
    let (app, key) = spawn_team().await;
    let Some(path) = app.db.sqlite_path() else {
        eprintln!("file modes: the embedded SQLite database only; skipped on PostgreSQL");
        return;
    };
    crate::helpers::answer(&app, &key, "carer", &[]).await;
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let backup = path.with_extension("backup.db");
    let url = crt_feedback::db::DatabaseUrl::parse(&app.db.url).unwrap();
    crt_feedback::backup::sqlite_backup(&url, &backup).unwrap();
    assert!(
        std::fs::metadata(&backup).unwrap().len() > 0,
        "the copy was written"
    );
    assert_eq!(mode(&backup), 0o600);
}
