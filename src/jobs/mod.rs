//! Durable jobs: workers and the recurring-job scheduler.
//!
//! # Layout
//! - this file: the worker loop: reap lapsed leases, claim one job with
//!   `FOR UPDATE SKIP LOCKED`, run its handler while a heartbeat keeps the lease, then
//!   DONE, retry with backoff, or DEAD.
//! - [`handlers`]: what each job kind does; every handler is idempotent.
//! - [`scheduler`]: enqueues each tenant's recurring jobs (bill generation day, daily
//!   sweeps) with "once" keys, so several processes may run it at the same time.
//!
//! Several workers, in one process or many, may run at once: a job is held by one worker
//! through its lease (`locked_until`), which a heartbeat extends while the handler runs
//! (and each checkpoint too). A worker that dies (even by SIGKILL) stops extending it, so
//! after the lease's length the job is claimed again; the handler resumes from its
//! recorded progress and never duplicates what is committed.
//!
//! Jobs of a suspended tenant stay queued (not retried, not DEAD) until it is resumed.

pub mod handlers;
pub mod scheduler;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use tokio::sync::watch;
use tracing::Instrument;

use klustera_graphql::common::events::EventBus;
use klustera_graphql::common::tenancy::Binder;
use klustera_graphql::domains::billing::notify::Channel;
use klustera_graphql::{ApiError, Reportable};

/// What handlers need from the process.
#[derive(Clone)]
pub struct JobEnv {
    /// The job queue's (control plane) pool.
    pub db: DatabaseConnection,
    /// Binds a job's work to its tenant (no statement timeout).
    pub binder: Binder,
    pub channel: Arc<dyn Channel>,
    pub events: Arc<dyn EventBus>,
    pub lease: Duration,
    pub bill_batch: u64,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Claimed {
    pub id: i64,
    pub tenant_slug: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
    pub progress: Option<serde_json::Value>,
}

/// A claimed job, as its handler sees it.
pub struct JobRun<'a> {
    pub job: &'a Claimed,
    pub worker: &'a str,
    pub env: &'a JobEnv,
}

impl JobRun<'_> {
    /// Records progress and extends the lease, in the caller's transaction (so progress is
    /// exactly what committed). Fails when the lease was lost to another worker.
    pub async fn checkpoint(
        &self,
        db: &impl ConnectionTrait,
        progress: serde_json::Value,
    ) -> anyhow::Result<()> {
        let res = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE control.jobs SET progress = $3, locked_until = now() + make_interval(secs => $4) \
                 WHERE id = $1 AND locked_by = $2 AND status = 'RUNNING'",
                [
                    self.job.id.into(),
                    self.worker.into(),
                    progress.into(),
                    lease_secs(self.env.lease).into(),
                ],
            ))
            .await?;
        anyhow::ensure!(res.rows_affected() == 1, "job {} lease lost", self.job.id);
        Ok(())
    }
}

fn lease_secs(lease: Duration) -> f64 {
    lease.as_secs_f64()
}

/// Runs one worker until `shutdown` turns true (finishing the job in hand first).
pub async fn run_worker(env: JobEnv, poll: Duration, mut shutdown: watch::Receiver<bool>) {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    tracing::info!(%worker, "job worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        match work_once(&env, &worker).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(err) => tracing::error!(error = %err, "job queue unavailable"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Claims and runs at most one job. `Ok(true)`: a job was run.
///
/// Jobs of suspended tenants are not claimed: they wait in the queue, attempts untouched,
/// until the tenant is resumed. A job whose tenant is suspended while it runs goes back
/// to the queue the same way at its next transaction (its committed progress kept).
pub async fn work_once(env: &JobEnv, worker: &str) -> anyhow::Result<bool> {
    // Leases of dead workers: back to the queue, or DEAD once out of attempts.
    env.db
        .execute_unprepared(
            "UPDATE control.jobs SET status = CASE WHEN attempts >= max_attempts THEN 'DEAD' ELSE 'QUEUED' END, \
                    locked_by = NULL, last_error = coalesce(last_error, 'LEASE_LOST: the worker stopped extending its lease'), \
                    finished_at = CASE WHEN attempts >= max_attempts THEN now() END \
             WHERE status = 'RUNNING' AND locked_until < now()",
        )
        .await?;
    let claimed = Claimed::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.jobs SET status = 'RUNNING', attempts = attempts + 1, locked_by = $1, \
                locked_until = now() + make_interval(secs => $2) \
         WHERE id = (SELECT id FROM control.jobs j WHERE status = 'QUEUED' AND run_at <= now() \
                       AND NOT EXISTS (SELECT 1 FROM control.tenants t \
                                       WHERE t.slug = j.tenant_slug AND t.status = 'SUSPENDED') \
                     ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, tenant_slug, kind, payload, attempts, max_attempts, progress",
        [worker.into(), lease_secs(env.lease).into()],
    ))
    .one(&env.db)
    .await?;
    let Some(job) = claimed else { return Ok(false) };
    let span = tracing::info_span!("job", id = job.id, kind = %job.kind, tenant = %job.tenant_slug);
    run_claimed(env, worker, job).instrument(span).await?;
    Ok(true)
}

/// Runs a claimed job's handler while keeping its lease, then records the outcome.
async fn run_claimed(env: &JobEnv, worker: &str, job: Claimed) -> anyhow::Result<()> {
    let handler = handlers::run(JobRun {
        job: &job,
        worker,
        env,
    });
    tokio::pin!(handler);
    let outcome = tokio::select! {
        outcome = &mut handler => outcome,
        // Only returns once the lease is lost: the handler's next checkpoint then fails.
        () = keep_leased(env, job.id, worker) => handler.await,
    };
    let (sql, error): (&str, Option<String>) = match &outcome {
        Ok(()) => (
            "UPDATE control.jobs SET status = 'DONE', finished_at = now(), locked_by = NULL, last_error = NULL \
             WHERE id = $1 AND locked_by = $2",
            None,
        ),
        Err(err) if tenant_refusal(err) == Some(Refusal::Suspended) => {
            tracing::info!("tenant suspended: job deferred until it is resumed");
            (
                "UPDATE control.jobs SET status = 'QUEUED', attempts = attempts - 1, locked_by = NULL, \
                        last_error = $3 \
                 WHERE id = $1 AND locked_by = $2",
                Some(format!("{err:#}")),
            )
        }
        Err(err) if tenant_refusal(err) == Some(Refusal::Migrating) => {
            // Not the job's fault either: try again once `tenant migrate` had time to run.
            tracing::info!("tenant awaiting its migration: job deferred");
            (
                "UPDATE control.jobs SET status = 'QUEUED', attempts = attempts - 1, locked_by = NULL, \
                        last_error = $3, run_at = now() + interval '30 seconds' \
                 WHERE id = $1 AND locked_by = $2",
                Some(format!("{err:#}")),
            )
        }
        Err(err) => {
            tracing::warn!(
                error = format!("{err:#}"),
                attempt = job.attempts,
                "job failed"
            );
            (
                "UPDATE control.jobs SET locked_by = NULL, last_error = $3, \
                        status = CASE WHEN attempts >= max_attempts THEN 'DEAD' ELSE 'QUEUED' END, \
                        finished_at = CASE WHEN attempts >= max_attempts THEN now() END, \
                        run_at = now() + make_interval(secs => least(power(2, attempts), 300)) \
                 WHERE id = $1 AND locked_by = $2",
                Some(format!("{err:#}")),
            )
        }
    };
    let mut values: Vec<sea_orm::Value> = vec![job.id.into(), worker.into()];
    if let Some(e) = error {
        values.push(e.into());
    }
    env.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    Ok(())
}

/// Why a tenant refused a handler that had claimed its job (no fault of the job's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Suspended meanwhile: the claim skips its jobs until it is resumed.
    Suspended,
    /// Its schema is not at this binary's migration version.
    Migrating,
}

fn tenant_refusal(err: &anyhow::Error) -> Option<Refusal> {
    match err.downcast_ref::<Reportable>()?.0 {
        ApiError::TenantSuspended => Some(Refusal::Suspended),
        ApiError::TenantMigrating => Some(Refusal::Migrating),
        _ => None,
    }
}

/// The lease's heartbeat: extends the lease every third of its length while the handler
/// runs (a step may take longer than the lease: a slow SMTP server, a blocked batch), so
/// only a dead worker's lease lapses. Returns only when the lease was lost (another worker
/// took the job over after this one stalled past its lease); a failed extension is retried.
async fn keep_leased(env: &JobEnv, id: i64, worker: &str) {
    let extend = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.jobs SET locked_until = now() + make_interval(secs => $3) \
         WHERE id = $1 AND locked_by = $2 AND status = 'RUNNING'",
        [id.into(), worker.into(), lease_secs(env.lease).into()],
    );
    loop {
        tokio::time::sleep(env.lease / 3).await;
        match env.db.execute_raw(extend.clone()).await {
            Ok(res) if res.rows_affected() == 0 => {
                tracing::warn!("job lease lost to another worker");
                return;
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "job lease not extended"),
        }
    }
}

/// Starts `count` workers; the returned sender stops them.
pub fn spawn_workers(env: &JobEnv, count: usize, poll: Duration) -> watch::Sender<bool> {
    let (tx, rx) = watch::channel(false);
    for _ in 0..count {
        tokio::spawn(run_worker(env.clone(), poll, rx.clone()));
    }
    tx
}
