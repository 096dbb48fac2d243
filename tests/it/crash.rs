//! A worker killed with SIGKILL in the middle of bill generation: after a restart every
//! unit has exactly one bill, each equal to the sum of its items.

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use klustera_graphql::jobs;

use crate::app::TestApp;

const UNITS: u32 = 3000;

#[tokio::test]
async fn a_killed_worker_leaves_exactly_one_bill_per_unit_after_restart() {
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

    let mut worker = Command::new(env!("CARGO_BIN_EXE_klustera"))
        .arg("worker")
        .env("DATABASE_URL", &app.db_url)
        .env("KLUSTERA_WORKERS", "1")
        .env("KLUSTERA_SCHEDULER", "false")
        .env("KLUSTERA_BILL_BATCH", "20")
        .env("KLUSTERA_JOB_LEASE_SECS", "600")
        .env("KLUSTERA_LOG_FORMAT", "json")
        .env("RUST_LOG", "klustera=info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Kill it right after its third committed batch: mid-job, by construction.
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
    worker.start_kill().unwrap(); // SIGKILL
    worker.wait().await.unwrap();

    let partial: i64 = app.rows("big", "SELECT count(*)::text FROM bills").await[0]
        .parse()
        .unwrap();
    assert!(
        partial >= 60 && partial < i64::from(UNITS),
        "killed mid-way: {partial} bills"
    );
    let status = app
        .rows(
            "big",
            &format!("SELECT status FROM control.jobs WHERE id = {}", job.id),
        )
        .await;
    assert_eq!(
        status,
        vec!["RUNNING"],
        "the dead worker still holds the lease"
    );

    // Its lease runs out (instead of waiting 10 minutes, say it already has), and a new
    // worker takes the job over.
    app.sql(
        "big",
        &format!(
            "UPDATE control.jobs SET locked_until = now() - interval '1 second' WHERE id = {}",
            job.id
        ),
    )
    .await;
    app.run_jobs().await;

    let done = app
        .rows(
            "big",
            &format!(
                "SELECT status || ':' || attempts FROM control.jobs WHERE id = {}",
                job.id
            ),
        )
        .await;
    assert_eq!(done, vec!["DONE:2"]);
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
