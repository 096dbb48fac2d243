//! Operations that end before their transaction does: a client that goes away and a
//! statement past `KLUSTERA_STATEMENT_TIMEOUT`. On a one-connection pool the next
//! operation, of another tenant, gets the very same connection: it must find the first
//! operation rolled back and the default `search_path`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::app::{TestApp, code};

/// Writes a block, then a resident: the second write waits while the test holds
/// `residents`, so the operation stops mid-transaction with its first write done.
const TWO_WRITES: &str = r#"mutation {
    a: createBlock(name: "Dropped") { id }
    b: createResident(input: {fullName: "Ani Cancelled", phone: "+62811000009"}) { id }
}"#;
const HOLD_RESIDENTS: &str = "LOCK TABLE t_alpha.residents IN SHARE MODE";

async fn two_tenants(
    configure: impl FnOnce(&mut klustera::config::Config),
) -> (TestApp, String, String) {
    let app = TestApp::spawn_with(|c| {
        c.db_pool_size = 1;
        configure(c);
    })
    .await;
    app.tenant("alpha", 2, 2).await;
    app.tenant("beta", 2, 2).await;
    let alpha = app.manager_token("alpha").await;
    let beta = app.manager_token("beta").await;
    (app, alpha, beta)
}

/// What the next operation, of `beta`, and the connection it ran on see; and that
/// nothing of the cancelled operation reached `alpha`.
async fn assert_nothing_left_behind(app: &TestApp, beta: &str) {
    let body = app
        .gql(Some("beta"), Some(beta), "{ blocks { name } }", json!({}))
        .await;
    let names: Vec<&str> = body["data"]["blocks"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && !names.contains(&"Dropped"),
        "{names:?}"
    );

    // The pool's one connection, as the next operation finds it.
    assert_eq!(app.pooled_search_path().await, "\"$user\", public");

    for sql in [
        "SELECT name FROM blocks WHERE name = 'Dropped'",
        "SELECT full_name FROM residents WHERE full_name = 'Ani Cancelled'",
        "SELECT operation FROM audit_log WHERE operation = 'createBlock'",
    ] {
        assert_eq!(app.rows("alpha", sql).await, Vec::<String>::new(), "{sql}");
    }
}

#[tokio::test]
async fn a_client_gone_mid_transaction_leaves_nothing_and_no_tenant_on_the_connection() {
    let (app, alpha, beta) = two_tenants(|_| {}).await;
    let held = app.hold(HOLD_RESIDENTS).await;

    // The client is its own, so aborting the request closes its connection.
    let request = {
        let url = app.url("/graphql");
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .header("x-tenant", "alpha")
                .bearer_auth(alpha)
                .json(&json!({"query": TWO_WRITES}))
                .send()
                .await
        })
    };
    app.until_lock_waiters(1).await; // the block is written, the resident waits
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled());

    // The gateway notices the client is gone and abandons the operation while its
    // statement still waits; only then may the statement go on.
    let abandoned = async {
        while app.metric("klustera_transactions_abandoned_total").await == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), abandoned)
        .await
        .expect("the operation of a client that went away is abandoned");
    held.release().await;

    assert_nothing_left_behind(&app, &beta).await;
    assert_eq!(app.metric("klustera_transactions_abandoned_total").await, 1);
}

#[tokio::test]
async fn a_statement_past_the_timeout_is_a_timeout_error_and_rolls_everything_back() {
    let (app, alpha, beta) = two_tenants(|c| c.statement_timeout = "300ms".into()).await;
    let held = app.hold(HOLD_RESIDENTS).await;

    // Without a statement timeout the operation would wait for the lock for ever.
    let answer = app.gql(Some("alpha"), Some(&alpha), TWO_WRITES, json!({}));
    let body: Value = tokio::time::timeout(Duration::from_secs(20), answer)
        .await
        .expect("the statement timeout ends the operation");
    assert_eq!(code(&body), "TIMEOUT", "{body}");
    assert!(body["data"].is_null(), "{body}");
    // The lock is still held: the operation gave up on its own.
    held.release().await;

    assert_nothing_left_behind(&app, &beta).await;
}
