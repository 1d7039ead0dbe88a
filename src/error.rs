//! One error type for every failure a request can meet. People see a safe message; the log gets
//! the cause. It knows nothing of HTTP: the status mapping lives in `web::errors`.

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("this link has already been used or has expired")]
    Gone,
    #[error("sign-in or a valid API key is needed")]
    Unauthorized,
    #[error("you do not have access to this")]
    Forbidden,
    #[error("{message}")]
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// Refused for a reason the person can act on (a second open round, a questionnaire their
    /// role does not send).
    #[error("{message}")]
    NotAllowed {
        field: Option<String>,
        message: String,
    },
    #[error("too many attempts; please wait a little and try again")]
    TooManyRequests,
    /// A limit on how much one person may do in a day, explained.
    #[error("{message}")]
    LimitReached {
        field: Option<String>,
        message: String,
    },
    #[error("the request body did not arrive in time")]
    RequestTimeout,
    #[error("the service is briefly unavailable; please try again in a minute")]
    Unavailable(#[source] anyhow::Error),
    #[error("something went wrong on our side")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// A 400 that names the field at fault.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// A 400 about the request as a whole.
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            field: None,
            message: message.into(),
        }
    }

    /// A stable code that API clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Gone => "gone",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::BadRequest { .. } => "bad_request",
            AppError::NotAllowed { .. } => "forbidden",
            AppError::TooManyRequests | AppError::LimitReached { .. } => "too_many_requests",
            AppError::RequestTimeout => "request_timeout",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The same failure for another request that shared it (a batch that did not commit):
    /// the kind is kept, the cause is carried as text.
    pub fn same_kind(&self) -> AppError {
        let cause = anyhow::anyhow!("{:#}", self.cause_or_self());
        match self {
            AppError::Unavailable(_) => AppError::Unavailable(cause),
            _ => AppError::Internal(cause),
        }
    }

    fn cause_or_self(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            AppError::Unavailable(cause) | AppError::Internal(cause) => cause.as_ref(),
            other => other,
        }
    }

    /// Logs server-side failures with their whole cause chain; client errors are not logged,
    /// because their messages can echo what a person typed.
    pub fn log(&self) {
        match self {
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed")
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "database unavailable")
            }
            _ => {}
        }
    }
}

/// Messages of failures that pass once the database is back: a PostgreSQL server shutting
/// down, restarting or gone (diesel reports these as `Unknown` until libpq notices the
/// connection is dead), and SQLite's lock still held after the busy timeout. PostgreSQL words
/// them in English unless `lc_messages` says otherwise; anything unrecognised stays a 500.
const TRANSIENT_MESSAGES: &[&str] = &[
    "terminating connection",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "server closed the connection",
    "no connection to the server",
    "connection to server",
    "database is locked",
];

/// Whether the failure is the database being briefly out of reach rather than a fault.
fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            TRANSIENT_MESSAGES.iter().any(|m| message.contains(m))
        }
        Error::RollbackErrorOnCommit { commit_error, .. } => is_transient(commit_error),
        // Left so only when the connection failed part way through a transaction.
        Error::BrokenTransactionManager => true,
        _ => false,
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound("record"),
            e if is_transient(&e) => AppError::Unavailable(e.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl From<handlebars::RenderError> for AppError {
    fn from(e: handlebars::RenderError) -> Self {
        AppError::Internal(e.into())
    }
}
