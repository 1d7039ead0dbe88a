//! Fixed SQL that diesel prepares once per connection and then reuses.
//!
//! diesel never reuses a prepared `UPDATE`, an upsert's `DO UPDATE`, or anything from
//! `sql_query`, because in general their SQL can change from one call to the next. Storing a
//! response runs about a dozen such statements, and preparing each afresh was the largest cost
//! of the one writer (see `submissions::writer`). The statements here are constant text, so reusing
//! them is safe: diesel caches them by their SQL.
//!
//! Write the SQL with `?` for each bound value, in order; diesel writes the placeholder each
//! backend wants (`?` for SQLite, `$1`... for PostgreSQL), so one text serves both. The text
//! must hold no other `?`.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, Date, HasSqlType, Nullable, Text};
use diesel::{QueryResult, RunQueryDsl};

/// One bound value.
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    Text(&'a str),
    NullableText(Option<&'a str>),
    BigInt(i64),
    Bool(bool),
    Date(chrono::NaiveDate),
}

/// A statement and its values. Its text should come from a small set (a constant, or one
/// text per number of rows), since diesel keeps each distinct text prepared.
#[derive(Debug)]
pub struct CachedSql<'a> {
    sql: &'a str,
    binds: Vec<Bind<'a>>,
}

impl<'a> CachedSql<'a> {
    /// `sql` with one `?` for each of `binds`.
    pub fn new(sql: &'a str, binds: Vec<Bind<'a>>) -> Self {
        debug_assert_eq!(
            sql.matches('?').count(),
            binds.len(),
            "one value for each placeholder in {sql}"
        );
        Self { sql, binds }
    }
}

impl<DB> QueryFragment<DB> for CachedSql<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt> + HasSqlType<Bool> + HasSqlType<Date>,
    str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
    bool: ToSql<Bool, DB>,
    chrono::NaiveDate: ToSql<Date, DB>,
    for<'x> Option<&'x str>: ToSql<Nullable<Text>, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut pieces = self.sql.split('?');
        out.push_sql(pieces.next().unwrap_or_default());
        for (bind, piece) in self.binds.iter().zip(pieces) {
            match bind {
                Bind::Text(value) => out.push_bind_param::<Text, str>(value)?,
                Bind::NullableText(value) => {
                    out.push_bind_param::<Nullable<Text>, Option<&str>>(value)?
                }
                Bind::BigInt(value) => out.push_bind_param::<BigInt, i64>(value)?,
                Bind::Bool(value) => out.push_bind_param::<Bool, bool>(value)?,
                Bind::Date(value) => out.push_bind_param::<Date, chrono::NaiveDate>(value)?,
            }
            out.push_sql(piece);
        }
        Ok(())
    }
}

impl QueryId for CachedSql<'_> {
    type QueryId = ();
    // Not one type per statement, so diesel keys its cache on the SQL text instead.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for CachedSql<'_> {}

/// For tests that check what diesel keeps prepared.
#[cfg(test)]
pub(crate) mod newly_prepared {
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use std::sync::{Arc, Mutex};

    /// The SQL of each statement diesel newly keeps prepared; set a clone as a connection's
    /// instrumentation.
    #[derive(Clone, Default)]
    pub(crate) struct NewlyPrepared(Arc<Mutex<Vec<String>>>);

    impl NewlyPrepared {
        /// The statements seen since the last call.
        pub(crate) fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    impl Instrumentation for NewlyPrepared {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                self.0.lock().unwrap().push(sql.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::newly_prepared::NewlyPrepared;
    use super::*;
    use diesel::connection::{Connection, SimpleConnection};

    #[test]
    fn a_repeated_upsert_is_prepared_once_and_binds_in_order() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)")
            .unwrap();
        let events = NewlyPrepared::default();
        conn.set_instrumentation(events.clone());
        for note in [Some("first"), None, Some("third")] {
            CachedSql::new(
                "INSERT INTO t (k, n, note) VALUES (?, ?, ?) \
                 ON CONFLICT (k) DO UPDATE SET n = t.n + excluded.n, note = excluded.note",
                vec![Bind::Text("a"), Bind::BigInt(2), Bind::NullableText(note)],
            )
            .execute(&mut conn)
            .unwrap();
        }
        assert_eq!(events.take().len(), 1, "prepared once, then reused");

        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            n: i64,
            #[diesel(sql_type = Nullable<Text>)]
            note: Option<String>,
        }
        let row: Row = diesel::sql_query("SELECT n, note FROM t WHERE k = 'a'")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!((row.n, row.note.as_deref()), (6, Some("third")));
    }
}
