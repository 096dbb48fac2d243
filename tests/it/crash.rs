//! A worker stuck in the middle of bill generation keeps its lease; killed with SIGKILL, it
//! loses it by itself after the lease's length, another worker resumes the job after its
//! checkpoint (never redoing a unit that committed), and every unit ends with exactly one
//! bill, equal to the sum of its items.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use klustera_graphql::common::jobs;

use crate::app::TestApp;
use crate::jobs::{eventually, holder, lock_waiters};

const UNITS: u32 = 3000;
/// Short, so the dead worker's lease lapses within the test (the live one keeps it by heartbeat).
const LEASE_SECS: u64 = 2;

#[tokio::test]
async fn a_killed_workers_lease_lapses_and_the_job_resumes_after_its_checkpoint() {
    let app = TestApp::spawn().await;
    app.tenant("big", UNITS, 10).await;
    let job = jobs::enqueue(
        &app.state.db,
        "big",
        jobs::kind::GENERATE_BILLS,
        json!({"period": "2026-10"}),
        None,
        false,
    )
    .await
    .unwrap();

    // Every unit the generation tries to bill (a BEFORE INSERT trigger fires even for a
    // row that `ON CONFLICT DO NOTHING` then skips).
    app.sql(
        "big",
        "CREATE TABLE attempted (unit_id bigint NOT NULL); \
         CREATE FUNCTION note_attempt() RETURNS trigger LANGUAGE plpgsql AS \
           $$ BEGIN INSERT INTO attempted VALUES (NEW.unit_id); RETURN NEW; END $$; \
         CREATE TRIGGER note_attempt BEFORE INSERT ON bills FOR EACH ROW EXECUTE FUNCTION note_attempt()",
    )
    .await;

    let mut worker = Command::new(env!("CARGO_BIN_EXE_klustera"))
        .arg("worker")
        .env("DATABASE_URL", &app.db_url)
        .env("KLUSTERA_WORKERS", "1")
        .env("KLUSTERA_SCHEDULER", "false")
        .env("KLUSTERA_BILL_BATCH", "20")
        .env("KLUSTERA_JOB_LEASE_SECS", LEASE_SECS.to_string())
        .env("KLUSTERA_LOG_FORMAT", "json")
        .env("RUST_LOG", "klustera=info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // After its third committed batch, the test takes the bills table: the worker's next
    // batch waits for it, mid-job by construction.
    let mut lines = BufReader::new(worker.stderr.take().unwrap()).lines();
    let mut committed = 0;
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("bill batch committed") {
            committed += 1;
            if committed == 3 {
                break;
            }
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let holder = holder(&app).await;
    let lock = holder.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE t_big.bills IN EXCLUSIVE MODE")
        .await
        .unwrap();
    eventually("the worker's batch waits for the bills table", || async {
        lock_waiters(&app.state.db, "INSERT INTO bills").await == 1
    })
    .await;
    let job_row = |what: &str| format!("SELECT {what} FROM control.jobs WHERE id = {}", job.id);
    // Alive but stuck, the worker keeps its lease: the heartbeat extends it.
    let leased_until = app
        .rows("big", &job_row("locked_until::text"))
        .await
        .remove(0);
    eventually(
        "the stuck worker's heartbeat extended its lease",
        || async {
            app.rows(
                "big",
                &job_row(&format!(
                    "(locked_until > '{leased_until}'::timestamptz)::text"
                )),
            )
            .await
                == ["true"]
        },
    )
    .await;
    worker.start_kill().unwrap(); // SIGKILL
    worker.wait().await.unwrap();

    let checkpoint: i64 = app.rows("big", &job_row("progress->>'lastUnit'")).await[0]
        .parse()
        .unwrap();
    let partial: i64 = app.rows("big", "SELECT count(*)::text FROM bills").await[0]
        .parse()
        .unwrap();
    assert!(
        checkpoint >= 60 && checkpoint < i64::from(UNITS),
        "killed mid-way: checkpoint after unit {checkpoint}"
    );
    assert_eq!(
        partial, checkpoint,
        "the checkpoint is exactly what committed (units are numbered 1..)"
    );
    assert_eq!(
        app.rows("big", &job_row("status")).await,
        vec!["RUNNING"],
        "the dead worker still holds the lease"
    );
    // Its stuck batch gets the table, then finds its client gone and rolls back.
    lock.rollback().await.unwrap();

    // Nobody touches the lease: it lapses once the dead worker stops extending it.
    eventually("the dead worker's lease lapsed", || async {
        app.rows("big", &job_row("(locked_until < now())::text"))
            .await
            == ["true"]
    })
    .await;
    app.sql("big", "DELETE FROM attempted").await; // the dead worker's
    app.run_jobs().await;

    let done = app.rows("big", &job_row("status || ':' || attempts")).await;
    assert_eq!(done, vec!["DONE:2"]);
    // The resumed run started after the checkpoint: it tried to bill exactly the units
    // after it, each once, and none before it.
    let resumed = app
        .rows(
            "big",
            "SELECT concat_ws('|', count(*), count(DISTINCT unit_id), min(unit_id)) FROM attempted",
        )
        .await;
    assert_eq!(
        resumed,
        vec![format!(
            "{}|{}|{}",
            i64::from(UNITS) - checkpoint,
            i64::from(UNITS) - checkpoint,
            checkpoint + 1
        )],
        "units tried after the restart|distinct|first"
    );
    let progress = app
        .rows(
            "big",
            &job_row("concat_ws('|', progress->>'units', progress->>'bills')"),
        )
        .await;
    assert_eq!(
        progress,
        vec![format!("{UNITS}|{UNITS}")],
        "progress: units|bills"
    );
    let check = app
        .rows(
            "big",
            "SELECT concat_ws('|', count(*), count(DISTINCT unit_id), \
                    count(*) FILTER (WHERE total <> (SELECT coalesce(sum(amount + ppn), -1) FROM bill_items i WHERE i.bill_id = b.id))) \
             FROM bills b",
        )
        .await;
    assert_eq!(
        check,
        vec![format!("{UNITS}|{UNITS}|0")],
        "bills|units with a bill|bills not equal to their items"
    );
}
