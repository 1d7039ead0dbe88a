//! Parsing `DATABASE_URL`: the scheme picks the backend; anything else is refused.

use std::fmt;
use std::path::PathBuf;

/// A database location whose backend is known.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://` or `postgresql://`, kept whole for libpq.
    Postgres(String),
    /// `sqlite://PATH`: relative (`sqlite://data/crt.db`) or absolute (`sqlite:///var/lib/crt/crt.db`).
    Sqlite(PathBuf),
}

/// Why a `DATABASE_URL` was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("has no scheme; expected sqlite://PATH or postgres://...")]
    NoScheme,
    #[error("has unknown scheme `{0}`; expected sqlite, postgres or postgresql")]
    UnknownScheme(String),
    #[error("names no SQLite file after sqlite://")]
    EmptyPath,
    #[error("is not a valid PostgreSQL URL: missing host or database")]
    MalformedPostgres,
    #[error(
        "is not a valid PostgreSQL URL ({0}); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    UnreadablePostgres(String),
}

impl DatabaseUrl {
    /// Parses a URL, naming what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        let (scheme, rest) = raw.split_once("://").ok_or(DatabaseUrlError::NoScheme)?;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                // Query strings (e.g. ?mode=rwc) are diesel-specific; we only take the path.
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(DatabaseUrlError::EmptyPath);
                }
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => {
                if rest.is_empty() || rest.starts_with('/') && !rest.contains("host=") {
                    return Err(DatabaseUrlError::MalformedPostgres);
                }
                // Read it whole now, so a typo is one clear line at start rather than a pool
                // retrying a connection libpq can never make. The error names the problem,
                // never the URL, which may hold a password.
                url::Url::parse(raw)
                    .map_err(|e| DatabaseUrlError::UnreadablePostgres(e.to_string()))?;
                Ok(DatabaseUrl::Postgres(raw.to_string()))
            }
            "" => Err(DatabaseUrlError::NoScheme),
            other => Err(DatabaseUrlError::UnknownScheme(other.to_string())),
        }
    }

    /// Whether this is the embedded backend.
    pub fn is_sqlite(&self) -> bool {
        matches!(self, DatabaseUrl::Sqlite(_))
    }
}

/// Shows the URL without its password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => {
                let (scheme, rest) = u.split_once("://").unwrap_or(("postgres", u));
                match rest.split_once('@') {
                    Some((userinfo, host)) => {
                        let user = userinfo.split(':').next().unwrap_or_default();
                        write!(f, "{scheme}://{user}:***@{host}")
                    }
                    None => write!(f, "{u}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_sqlite_paths_are_kept() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/crt.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("data/crt.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/crt/crt.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("/var/lib/crt/crt.db"))
        );
    }

    #[test]
    fn both_postgres_schemes_are_accepted() {
        assert!(
            !DatabaseUrl::parse("postgres://u@localhost/db")
                .unwrap()
                .is_sqlite()
        );
        assert!(
            !DatabaseUrl::parse("postgresql://u@localhost/db")
                .unwrap()
                .is_sqlite()
        );
    }

    #[test]
    fn unknown_schemes_and_bare_paths_are_refused_not_turned_into_files() {
        assert_eq!(
            DatabaseUrl::parse("mysql://localhost/db"),
            Err(DatabaseUrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("crt.db"),
            Err(DatabaseUrlError::NoScheme)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::EmptyPath)
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://"),
            Err(DatabaseUrlError::MalformedPostgres)
        );
    }

    #[test]
    fn a_postgres_url_that_cannot_be_read_is_refused_at_once_without_echoing_it() {
        for broken in [
            "postgres://[broken",
            "postgres://u:p@host:notaport/db",
            "postgresql://u:s3cret@[::1/db",
        ] {
            let err = DatabaseUrl::parse(broken).unwrap_err();
            assert!(
                matches!(err, DatabaseUrlError::UnreadablePostgres(_)),
                "{broken}: {err}"
            );
            assert!(!err.to_string().contains("s3cret"));
        }
        for fine in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgresql://crt:p%40ss@db.trust.internal/crt?sslmode=require",
            "postgres:///crt?host=/var/run/postgresql",
        ] {
            assert!(DatabaseUrl::parse(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn display_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://crt:s3cret@db.example/crt").unwrap();
        assert_eq!(url.to_string(), "postgres://crt:***@db.example/crt");
    }
}
