//! Enqueuing and reading durable jobs (the worker that runs them lives in the server).
//!
//! Jobs are rows of `control.jobs`. Enqueuing happens in the caller's transaction, so a
//! job exists exactly when the mutation that asked for it committed.

use async_graphql::Object;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use crate::common::error::{ApiError, ApiResult};
use crate::common::ids::JobId;
use klustera_entities::states::JobStatus;

pub mod kind {
    pub const GENERATE_BILLS: &str = "billing.generate";
    pub const OVERDUE_SWEEP: &str = "billing.overdue";
    pub const REMINDER_SWEEP: &str = "billing.reminders";
    pub const DELIVER_NOTIFICATIONS: &str = "notifications.deliver";
    pub const PUBLISH_ANNOUNCEMENTS: &str = "announcements.publish";
    /// Marks complaints past their SLA deadline (enqueued by the scheduler when some are due).
    pub const COMPLAINT_SLA: &str = "complaints.sla";
    /// Expires unpaid booking holds past their time (enqueued by the scheduler when some are).
    pub const EXPIRE_BOOKING_HOLDS: &str = "bookings.expire_holds";
    /// Anonymises former residents past the tenant's retention period (daily).
    pub const RETENTION_SWEEP: &str = "privacy.retention";
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub progress: Option<serde_json::Value>,
}

const COLUMNS: &str = "id, kind, status, attempts, last_error, progress";

/// Enqueues a job for `tenant`. With a `dedupe_key`, a live (queued or running) job of
/// that key is returned instead of a second one; with `once`, any job of that key ever
/// (the scheduler's "once per day" sweeps).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    tenant: &str,
    kind: &str,
    payload: serde_json::Value,
    dedupe_key: Option<String>,
    once: bool,
) -> ApiResult<JobRow> {
    let inserted = JobRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO control.jobs (tenant_slug, kind, payload, dedupe_key) \
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS ( \
                SELECT 1 FROM control.jobs WHERE dedupe_key = $4 AND ($5 OR status IN ('QUEUED', 'RUNNING'))) \
             ON CONFLICT (dedupe_key) WHERE status IN ('QUEUED', 'RUNNING') DO NOTHING RETURNING {COLUMNS}"
        ),
        [tenant.into(), kind.into(), payload.into(), dedupe_key.clone().into(), once.into()],
    ))
    .one(db)
    .await?;
    match (inserted, dedupe_key) {
        (Some(job), _) => Ok(job),
        (None, Some(key)) => JobRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {COLUMNS} FROM control.jobs WHERE dedupe_key = $1 ORDER BY id DESC LIMIT 1"
            ),
            [key.into()],
        ))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("job")),
        (None, None) => Err(ApiError::NotFound("job")),
    }
}

/// A job of `tenant` (another tenant's job is not found).
pub async fn get(db: &impl ConnectionTrait, tenant: &str, id: i64) -> ApiResult<JobRow> {
    JobRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM control.jobs WHERE id = $1 AND tenant_slug = $2"),
        [id.into(), tenant.into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("job"))
}

/// A background job, as its requester sees it.
pub struct Job(pub JobRow);

#[Object]
impl Job {
    pub async fn id(&self) -> JobId {
        JobId::new(self.0.id)
    }
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// DEAD: gave up after its retries.
    async fn status(&self) -> JobStatus {
        self.0.status
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// Why the last attempt failed, as far as a client may know: a coded error
    /// (`BAD_USER_INPUT: period: ...`, `TENANT_SUSPENDED: ...`); any other cause reads
    /// "internal error" (its text stays in `control.jobs` and the server log).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref().map(client_safe)
    }
    /// Handler-specific progress, e.g. `{"bills": 1200, "units": 1200}`.
    async fn progress(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        self.0.progress.clone().map(async_graphql::Json)
    }
    /// Steps done so far (bill generation: units), for a progress bar; `null` while the
    /// job has not said.
    async fn done(&self) -> Option<i64> {
        self.step("done")
    }
    /// Steps in all (bill generation: the units to bill), known once the job started;
    /// `done` reaches it when the job is `DONE`.
    async fn total(&self) -> Option<i64> {
        self.step("total")
    }
}

impl Job {
    /// Handlers that can count their work record `done` and `total` in their progress.
    fn step(&self, key: &str) -> Option<i64> {
        self.0.progress.as_ref()?.get(key)?.as_i64()
    }
}

/// A job's recorded error as a client may read it: handlers record an [`ApiError`] as
/// `CODE: message` ([`crate::Reportable`]), which clients may see; anything else (an
/// internal error's cause, a database message) is replaced by "internal error".
fn client_safe(recorded: &str) -> &str {
    let code = recorded.split_once(": ").map_or("", |(code, _)| code);
    let coded = !code.is_empty()
        && code != "INTERNAL_SERVER_ERROR"
        && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    if coded { recorded } else { "internal error" }
}
