use crate::helpers::TestDb;
use crt_feedback::db;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn table_count(conn: &mut db::DbConnection, postgres: bool) -> i64 {
    let sql = if postgres {
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
    } else {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'"
    };
    match conn {
        db::DbConnection::Postgresql(c) => diesel::sql_query(sql).get_result::<Count>(c).unwrap().n,
        db::DbConnection::Sqlite(c) => diesel::sql_query(sql).get_result::<Count>(c).unwrap().n,
    }
}

#[test]
fn migrations_run_up_down_and_up_again() {
    let test_db = TestDb::new();
    let mut conn = test_db.connect();
    db::run_migrations(&mut conn).unwrap();
    let tables = table_count(&mut conn, test_db.is_postgres());
    assert!(
        tables >= 15,
        "expected the full schema, found {tables} tables"
    );
    assert!(!db::migrations_pending(&mut conn).unwrap());
    db::revert_all_migrations(&mut conn).unwrap();
    assert_eq!(
        table_count(&mut conn, test_db.is_postgres()),
        0,
        "down.sql must drop everything up.sql made"
    );
    assert!(db::migrations_pending(&mut conn).unwrap());
    db::run_migrations(&mut conn).unwrap();
    assert_eq!(table_count(&mut conn, test_db.is_postgres()), tables);
}

#[test]
fn both_backends_have_the_same_migration_names() {
    let names = |backend: &str| {
        let mut list: Vec<String> = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        list.sort();
        list
    };
    assert_eq!(names("sqlite"), names("postgres"));
    for name in names("sqlite") {
        for backend in ["sqlite", "postgres"] {
            let down = format!(
                "{}/migrations/{backend}/{name}/down.sql",
                env!("CARGO_MANIFEST_DIR")
            );
            assert!(
                std::fs::metadata(&down).unwrap().len() > 0,
                "{down} is empty"
            );
        }
    }
}
