//! The job queue under real concurrency: claims racing for one job, leases kept by the
//! heartbeat while a handler is blocked, jobs of suspended tenants, failures' causes.

use std::future::Future;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::json;

use klustera::jobs::{JobEnv, work_once};
use klustera::tenancy::provision::set_status;
use klustera_graphql::common::jobs::{self, kind};
use klustera_graphql::common::types::TenantSlug;

use crate::app::{TestApp, gid};

/// Polls `condition` every 50 ms until it holds; fails the test after 15 s.
pub async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many backends of this test's database wait for a lock in a statement starting
/// with `statement`.
pub async fn lock_waiters(db: &DatabaseConnection, statement: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' \
               AND starts_with(query, $1)",
            [statement.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// A connection of the test's own, outside the app's pools, to hold locks with.
pub async fn holder(app: &TestApp) -> DatabaseConnection {
    sea_orm::Database::connect(&app.db_url).await.unwrap()
}

/// Runs the queue with one worker until no job is ready; returns how many it ran.
async fn drain(env: &JobEnv, worker: &str) -> usize {
    let mut ran = 0;
    while work_once(env, worker).await.unwrap() {
        ran += 1;
    }
    ran
}

async fn job_state(app: &TestApp, id: i64) -> String {
    app.rows(
        "alpha",
        &format!(
            "SELECT concat_ws('|', status, attempts, locked_by) FROM control.jobs WHERE id = {id}"
        ),
    )
    .await
    .remove(0)
}

const CLAIM: &str = "UPDATE control.jobs SET status = 'RUNNING'";

#[tokio::test]
async fn workers_claiming_while_another_claim_holds_the_job_never_run_it_twice() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let job = jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::OVERDUE_SWEEP,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    // The test is a claim in flight: it holds the job row's lock, as a worker's claim
    // does from the moment it picks the row until it commits.
    let holder = holder(&app).await;
    let in_flight = holder.begin().await.unwrap();
    in_flight
        .execute_unprepared(&format!(
            "SELECT id FROM control.jobs WHERE id = {} FOR UPDATE",
            job.id
        ))
        .await
        .unwrap();
    let env = app.state.job_env();
    let claims: Vec<_> = ["worker-a", "worker-b"]
        .into_iter()
        .map(|worker| {
            let env = env.clone();
            tokio::spawn(async move { work_once(&env, worker).await.unwrap() })
        })
        .collect();
    // Both claims are decided while the row is held: each has passed it by (returned) or
    // waits for it. Only then is it released.
    eventually("both claims ran into the held job", || async {
        let returned = claims.iter().filter(|c| c.is_finished()).count();
        let waiting = lock_waiters(&app.state.db, CLAIM).await;
        returned + usize::try_from(waiting).unwrap() == 2
    })
    .await;
    in_flight.rollback().await.unwrap();
    let mut runs = 0;
    for claim in claims {
        runs += usize::from(claim.await.unwrap());
    }
    // Then both work the queue at once until it is empty.
    let (a, b) = tokio::join!(drain(&env, "worker-a"), drain(&env, "worker-b"));
    runs += a + b;
    assert_eq!(runs, 1, "the job was run by exactly one claim");
    let state = job_state(&app, job.id).await;
    assert_eq!(state, "DONE|1", "done after one attempt (status|attempts)");
}

#[tokio::test]
async fn a_job_blocked_longer_than_its_lease_keeps_it_and_is_not_taken_over() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 4).await;
    let job = jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::GENERATE_BILLS,
        json!({"period": "2026-10"}),
        None,
        false,
    )
    .await
    .unwrap();
    let lease = Duration::from_secs(2);
    let env = JobEnv {
        lease,
        ..app.state.job_env()
    };
    // The test holds the bills table: the job's first batch waits for it as long as the
    // test likes (a slow step, like a stalled SMTP server or a long batch).
    let holder = holder(&app).await;
    let lock = holder.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE t_alpha.bills IN EXCLUSIVE MODE")
        .await
        .unwrap();
    let worker_a = {
        let env = env.clone();
        tokio::spawn(async move { work_once(&env, "worker-a").await.unwrap() })
    };
    eventually("the job's batch waits for the bills table", || async {
        lock_waiters(&app.state.db, "INSERT INTO bills").await == 1
    })
    .await;
    let claimed_until = app
        .rows(
            "alpha",
            &format!(
                "SELECT locked_until::text FROM control.jobs WHERE id = {}",
                job.id
            ),
        )
        .await
        .remove(0);
    // Time is the behaviour here: let the lease seen above run out.
    eventually("the lease seen after the claim ran out", || async {
        app.rows(
            "alpha",
            &format!("SELECT (clock_timestamp() > '{claimed_until}'::timestamptz + interval '500 milliseconds')::text"),
        )
        .await
            == ["true"]
    })
    .await;
    let held = app
        .rows(
            "alpha",
            &format!(
                "SELECT concat_ws('|', status, locked_by, locked_until > clock_timestamp()) \
                 FROM control.jobs WHERE id = {}",
                job.id
            ),
        )
        .await;
    assert_eq!(
        held,
        ["RUNNING|worker-a|t"],
        "the blocked job's lease was extended while it ran"
    );
    // Another worker finds nothing to take over.
    let taken = tokio::time::timeout(Duration::from_secs(10), work_once(&env, "worker-b"))
        .await
        .expect("worker-b does not wait for the blocked job")
        .unwrap();
    assert!(!taken, "worker-b claimed the running job");

    lock.rollback().await.unwrap();
    assert!(worker_a.await.unwrap());
    assert_eq!(job_state(&app, job.id).await, "DONE|1");
    let bills = app.rows("alpha", "SELECT count(*)::text FROM bills").await;
    assert_eq!(bills, ["4"]);
}

#[tokio::test]
async fn jobs_of_a_suspended_tenant_wait_queued_until_it_is_resumed() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    app.tenant("beta", 3, 3).await;
    let mut ids = vec![];
    for tenant in ["alpha", "beta"] {
        let job = jobs::enqueue(
            &app.state.db,
            tenant,
            kind::GENERATE_BILLS,
            json!({"period": "2026-10"}),
            None,
            false,
        )
        .await
        .unwrap();
        ids.push(job.id);
    }
    let alpha = TenantSlug::parse("alpha").unwrap();
    set_status(&app.state.db, &alpha, false).await.unwrap(); // klustera tenant suspend alpha

    let ran = tokio::time::timeout(Duration::from_secs(10), app.run_jobs())
        .await
        .expect("the queue empties: alpha's job is not claimed again and again");
    assert_eq!(ran, 1, "only beta's job runs");
    assert_eq!(app.run_jobs().await, 0, "alpha's job is not retried");
    assert_eq!(job_state(&app, ids[0]).await, "QUEUED|0");
    assert_eq!(job_state(&app, ids[1]).await, "DONE|1");
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM bills").await,
        ["0"]
    );

    set_status(&app.state.db, &alpha, true).await.unwrap();
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(job_state(&app, ids[0]).await, "DONE|1");
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM bills").await,
        ["3"]
    );
}

#[tokio::test]
async fn a_tenant_suspended_while_its_job_runs_defers_the_rest_without_spending_attempts() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let job = jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::GENERATE_BILLS,
        json!({"period": "2026-10"}),
        None,
        false,
    )
    .await
    .unwrap();
    let env = JobEnv {
        bill_batch: 1,
        ..app.state.job_env()
    };
    let holder = holder(&app).await;
    let lock = holder.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE t_alpha.bills IN EXCLUSIVE MODE")
        .await
        .unwrap();
    let worker = {
        let env = env.clone();
        tokio::spawn(async move { work_once(&env, "worker-a").await.unwrap() })
    };
    eventually("the first batch waits for the bills table", || async {
        lock_waiters(&app.state.db, "INSERT INTO bills").await == 1
    })
    .await;
    // Suspended while the first batch is in flight: that batch commits, no other starts.
    let alpha = TenantSlug::parse("alpha").unwrap();
    set_status(&app.state.db, &alpha, false).await.unwrap();
    lock.rollback().await.unwrap();
    assert!(worker.await.unwrap());

    let state = app
        .rows(
            "alpha",
            &format!(
                "SELECT concat_ws('|', status, attempts, progress->>'lastUnit', last_error) \
                 FROM control.jobs WHERE id = {}",
                job.id
            ),
        )
        .await;
    assert_eq!(
        state,
        ["QUEUED|0|1|TENANT_SUSPENDED: this tenant is suspended"],
        "status|attempts|last unit done|last error"
    );
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM bills").await,
        ["1"]
    );
    assert_eq!(drain(&env, "worker-a").await, 0, "deferred, not retried");

    set_status(&app.state.db, &alpha, true).await.unwrap();
    assert_eq!(drain(&env, "worker-a").await, 1);
    assert_eq!(job_state(&app, job.id).await, "DONE|1");
    let bills = app
        .rows(
            "alpha",
            "SELECT count(*) || '|' || count(DISTINCT unit_id) FROM bills",
        )
        .await;
    assert_eq!(bills, ["3|3"]);
}

#[tokio::test]
async fn a_failed_job_records_its_real_cause_and_clients_see_no_internals() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    // A schema the binary does not expect: reading the billing settings fails inside
    // the database (an internal error, whose client message says nothing).
    app.sql(
        "alpha",
        "ALTER TABLE settings RENAME COLUMN due_day TO due_day_renamed",
    )
    .await;
    let job = app.generate_bills("alpha", &token, "2026-10").await;
    assert_eq!(job["status"], "QUEUED", "to be retried: {job}");
    assert_eq!(
        job["lastError"], "internal error",
        "the API shows no database text: {job}"
    );
    let recorded = app
        .rows(
            "alpha",
            "SELECT last_error FROM control.jobs WHERE kind = 'billing.generate'",
        )
        .await
        .remove(0);
    assert!(
        recorded.contains("column \"due_day\" does not exist"),
        "the job's row keeps the database's reason: {recorded}"
    );

    // A client-facing error (bad input) stays readable through the API.
    let job = jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::GENERATE_BILLS,
        json!({"period": "2026-13"}),
        None,
        false,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($id: ID!) { job(id: $id) { lastError } }",
            json!({"id": gid("Job", job.id)}),
        )
        .await;
    let shown = body["data"]["job"]["lastError"].as_str().unwrap();
    assert!(
        shown.starts_with("BAD_USER_INPUT: period:"),
        "a coded error reads as it is: {body}"
    );
}
