//! Protocol conformance with the reference client: `graphql-ws` (npm) under node drives
//! `/graphql/ws` (tests/node/transport-ws.mjs). Needs node and npm; installs the client's
//! locked dependencies on first run. Without node this test fails: it never skips.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};

use crate::app::TestApp;
use crate::live::{create_poll, resident_tokens, vote};

async fn ensure_node_modules(dir: &Path) {
    if dir.join("node_modules/graphql-ws").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .await
        .expect("npm is needed to run the graphql-ws conformance test");
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .expect("the node client answers in time")
        .unwrap()
        .expect("the node client printed a line");
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"))
}

#[tokio::test]
async fn the_reference_graphql_ws_client_subscribes_receives_completes_and_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    ensure_node_modules(&dir).await;
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", false).await;

    let mut child = Command::new("node")
        .arg(dir.join("transport-ws.mjs"))
        .args([
            format!("ws://{}/graphql/ws", app.addr),
            manager.clone(),
            poll.clone(),
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is needed to run the graphql-ws conformance test");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    assert_eq!(next_line(&mut lines).await["tally"]["total"], 0);
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    vote(&app, "alpha", &resident, &poll, &options[2]).await;
    let tally = next_line(&mut lines).await;
    assert_eq!(tally["tally"]["total"], 1, "{tally}");
    assert_eq!(tally["tally"]["results"][2]["votes"], 1, "{tally}");
    assert_eq!(next_line(&mut lines).await["completed"], true);
    assert_eq!(next_line(&mut lines).await["me"], "MANAGER");
    assert_eq!(next_line(&mut lines).await["badAuthClose"], 4403);
    assert_eq!(next_line(&mut lines).await["done"], true);
    assert!(child.wait().await.unwrap().success());
}
