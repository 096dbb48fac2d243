//! One transaction per operation: all of it lands, or none of it.

use serde_json::json;

use crate::app::{TestApp, code, gid, row_of};

#[tokio::test]
async fn an_operation_that_fails_midway_leaves_nothing_and_resets_search_path() {
    // One pooled connection: the statement after the failure runs on the very same one.
    let app = TestApp::spawn_with(|c| c.db_pool_size = 1).await;
    app.tenant("alpha", 4, 4).await;
    let token = app.manager_token("alpha").await;

    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            r#"mutation($missing: ID!) {
                first: createBlock(name: "Blok Baru") { id }
                second: createResident(input: {fullName: "Ani", phone: "+62811000001"}) { id }
                third: createUnit(input: {blockId: $missing, number: "1", areaM2: "36"}) { id }
            }"#,
            json!({"missing": gid("Block", 999_999)}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(body["data"].is_null(), "{body}");

    assert!(
        app.rows("alpha", "SELECT name FROM blocks WHERE name = 'Blok Baru'")
            .await
            .is_empty()
    );
    assert!(
        app.rows(
            "alpha",
            "SELECT full_name FROM residents WHERE full_name = 'Ani'"
        )
        .await
        .is_empty()
    );
    assert!(
        app.rows(
            "alpha",
            "SELECT operation FROM audit_log WHERE operation = 'createBlock'"
        )
        .await
        .is_empty(),
        "the audit row of a rolled-back mutation must roll back with it"
    );

    // The operations' pool holds one connection: the one the failed operation used.
    assert_eq!(app.pooled_search_path().await, "\"$user\", public");
}

#[tokio::test]
async fn a_successful_mutation_commits_with_its_audit_row() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 4).await;
    let token = app.manager_token("alpha").await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            r#"mutation { createBlock(name: "Blok C") { id name } }"#,
            json!({}),
        )
        .await;
    let id = row_of(&body["data"]["createBlock"]["id"]);
    assert_eq!(
        app.rows("alpha", "SELECT name FROM blocks WHERE name = 'Blok C'")
            .await,
        vec!["Blok C"]
    );
    let audit = app
        .rows(
            "alpha",
            "SELECT concat_ws('|', actor_role, tenant_slug, operation, array_to_string(target_ids, ','), \
             (request_id IS NOT NULL)::text) FROM audit_log WHERE operation = 'createBlock'",
        )
        .await;
    assert_eq!(
        audit,
        vec![format!("MANAGER|alpha|createBlock|block:{id}|true")]
    );
}
