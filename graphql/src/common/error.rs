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
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// PostgreSQL's `query_canceled`: the statement timeout fired (or the statement was cancelled).
const QUERY_CANCELED: &str = "57014";

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
        if let ApiError::TooManyAttempts { retry_after_secs } = &err {
            ext.set("retryAfter", *retry_after_secs);
        }
        async_graphql::Error {
            message: err.message(),
            source: None,
            extensions: Some(ext),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

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
