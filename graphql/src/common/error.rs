//! The one error type of the GraphQL boundary, mapped once to `extensions.code`.
//!
//! Services return [`ApiError`]; resolvers `?` it into `async_graphql::Error` through the
//! single `From` impl below. Internal causes are logged where they are converted and never
//! serialised: the client sees `INTERNAL_SERVER_ERROR` and a fixed message.

use std::sync::Arc;

use sea_orm::{DbErr, SqlErr};

///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error
/// without a code, so the only way from here to a GraphQL error is the `From` impl below.
#[derive(Debug, Clone)]
pub enum ApiError {
    Unauthenticated(&'static str),
    Forbidden(&'static str),
    TenantNotFound,
    TenantMismatch,
    TenantSuspended,
    /// The tenant's schema is not at this binary's migration version.
    TenantMigrating,
    BadUserInput {
        field: &'static str,
        message: String,
    },
    NotFound(&'static str),
    Conflict(String),
    RateLimited(&'static str),
    /// A rate limit's quota is spent: retry after this many seconds.
    TooManyAttempts {
        retry_after_secs: u64,
    },
    /// A statement ran past the statement timeout (or was cancelled): nothing was changed.
    Timeout,
    /// PostgreSQL cannot be reached (or dropped the connection): nothing was changed.
    Unavailable,
    /// A deadlock (40P01) or serialization failure (40001) rolled the operation back:
    /// running it again may well succeed (the server does, a few times, before answering).
    Transient,
    Internal(Arc<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field,
            message: message.into(),
        }
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Arc::new(err))
    }

    /// What the client reads; never an internal cause.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) | Self::Forbidden(m) | Self::RateLimited(m) => (*m).to_owned(),
            Self::TenantNotFound => "unknown tenant".into(),
            Self::TenantMismatch => "the token belongs to another tenant".into(),
            Self::TenantSuspended => "this tenant is suspended".into(),
            Self::TenantMigrating => {
                "this tenant's data is being migrated; try again shortly".into()
            }
            Self::BadUserInput { field, message } => format!("{field}: {message}"),
            Self::NotFound(what) => format!("{what} not found"),
            Self::Conflict(m) => m.clone(),
            Self::Timeout => {
                "the operation took too long and was cancelled; nothing was changed".into()
            }
            Self::TooManyAttempts { retry_after_secs } => {
                format!("too many attempts; try again in {retry_after_secs} s")
            }
            Self::Unavailable => "the database is unavailable; try again shortly".into(),
            Self::Transient => {
                "the operation collided with concurrent changes; nothing was changed, try again"
                    .into()
            }
            Self::Internal(_) => "internal server error".into(),
        }
    }

    /// The stable code clients branch on (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::TenantNotFound => "TENANT_NOT_FOUND",
            Self::TenantMismatch => "TENANT_MISMATCH",
            Self::TenantSuspended => "TENANT_SUSPENDED",
            Self::TenantMigrating => "TENANT_MIGRATING",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::RateLimited(_) | Self::TooManyAttempts { .. } => "RATE_LIMITED",
            Self::Timeout => "TIMEOUT",
            Self::Unavailable | Self::Transient => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// PostgreSQL's `query_canceled`: the statement timeout fired (or the statement was cancelled).
const QUERY_CANCELED: &str = "57014";
/// `deadlock_detected` and `serialization_failure`: the transaction was rolled back and
/// may be run again.
const TRANSIENT: [&str; 2] = ["40P01", "40001"];

/// `extensions.reason` of a [`ApiError::Transient`] error: how the server knows an
/// operation may be run again.
pub const TRANSIENT_REASON: &str = "CONCURRENT_UPDATE";

/// Whether `err` says the connection to PostgreSQL is gone or cannot be made: the server
/// is unreachable, shutting down, or killed this backend (class 08, 57P01-57P03), or the
/// socket failed.
pub fn connection_lost(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                    code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

/// PostgreSQL's `exclusion_violation`: an `EXCLUDE` constraint refused the row.
pub const EXCLUSION_VIOLATION: &str = "23P01";

/// The SQLSTATE of a database error, if `err` is one.
pub fn sqlstate(err: &DbErr) -> Option<String> {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            Some(e.as_database_error()?.code()?.into_owned())
        }
        _ => None,
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("a record with the same unique value already exists".into())
            }
            _ if sqlstate(&err).as_deref() == Some(EXCLUSION_VIOLATION) => {
                Self::Conflict("overlaps a record that excludes it".into())
            }
            _ if sqlstate(&err).as_deref() == Some(QUERY_CANCELED) => Self::Timeout,
            _ if sqlstate(&err).is_some_and(|code| TRANSIENT.contains(&code.as_str())) => {
                Self::Transient
            }
            _ if connection_lost(&err) => {
                tracing::warn!(error = %err, "database unavailable");
                Self::Unavailable
            }
            _ => Self::internal(err),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        if let ApiError::Internal(cause) = &err {
            tracing::error!(error = %cause, "internal error");
        }
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", err.code());
        if let ApiError::BadUserInput { field, .. } = &err {
            ext.set("field", *field);
        }
        match &err {
            ApiError::TooManyAttempts { retry_after_secs } => {
                ext.set("retryAfter", *retry_after_secs);
            }
            ApiError::Unavailable => ext.set("retryAfter", UNAVAILABLE_RETRY_SECS),
            ApiError::Transient => {
                ext.set("retryAfter", 1);
                ext.set("reason", TRANSIENT_REASON);
            }
            _ => {}
        }
        async_graphql::Error {
            message: err.message(),
            source: None,
            extensions: Some(ext),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// When to try again while the database is unavailable (seconds).
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// An [`ApiError`] where it is reported rather than answered (job handlers, which record
/// it in `last_error` and the log): a standard error showing the code and the client's
/// message, with an internal error's cause kept as its `source`, so `{:#}` shows the real
/// reason instead of "internal server error". Never serialised to a client.
#[derive(Debug)]
pub struct Reportable(pub ApiError);

impl std::fmt::Display for Reportable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            ApiError::Internal(_) => f.write_str("internal error"),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

impl std::error::Error for Reportable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            ApiError::Internal(cause) => Some(cause.as_ref()),
            _ => None,
        }
    }
}
