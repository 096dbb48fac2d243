//! Rows as the API reads them: stored states are enums (an unknown one is an error, never
//! another state), and objects on the hot lists run their own resolvers.

use serde_json::json;

use crate::app::{TestApp, code};

/// A state the code does not know (here: a CHECK constraint dropped by hand) is an
/// internal error on the fields that read it, not shown as some default state.
#[tokio::test]
async fn a_stored_state_the_api_does_not_know_is_an_error_not_a_default() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    let query = "{ units(first: 5) { edges { node { number type } } } }";

    let before = app.gql(Some("alpha"), Some(&token), query, json!({})).await;
    assert!(before["errors"].is_null(), "{before}");

    app.sql(
        "alpha",
        "ALTER TABLE units DROP CONSTRAINT units_unit_type_check; \
         UPDATE units SET unit_type = 'CASTLE'",
    )
    .await;
    let after = app.gql(Some("alpha"), Some(&token), query, json!({})).await;
    assert_eq!(code(&after), "INTERNAL_SERVER_ERROR", "{after}");
    assert!(
        !after.to_string().contains("HOUSE"),
        "no unit is shown with a default type: {after}"
    );
}

/// `Resident.identityNumber` checks who asks in its resolver. Served through the nested
/// lists' in-place resolution (units -> residents), the check still applies: security
/// staff see residents but not their NIK, the manager sees it.
#[tokio::test]
async fn fields_of_nested_list_objects_run_their_resolvers_and_checks() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 2, 2).await;
    let query =
        "{ units(first: 5) { edges { node { number residents { fullName identityNumber } } } } }";

    let manager = app.manager_token("alpha").await;
    let seen = app
        .gql(Some("alpha"), Some(&manager), query, json!({}))
        .await;
    assert!(seen["errors"].is_null(), "{seen}");

    let (security, _) = app.login("alpha", &logins.security).await;
    let refused = app
        .gql(Some("alpha"), Some(&security), query, json!({}))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let errors = refused["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .all(|e| e["path"].as_array().unwrap().last() == Some(&json!("identityNumber"))),
        "{refused}"
    );
    let units = refused["data"]["units"]["edges"].as_array().unwrap();
    for unit in units {
        for resident in unit["node"]["residents"].as_array().unwrap() {
            assert!(resident["fullName"].is_string(), "{refused}");
            assert!(resident["identityNumber"].is_null(), "{refused}");
        }
    }
}
