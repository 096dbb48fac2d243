//! Global Object Identification: every node type fetched through `node(id:)` and
//! `nodes(ids:)`, as the caller may see it; ids of another type are `NOT_FOUND`.
//! One function per domain.

use serde_json::{Value, json};

use crate::app::{TestApp, code, gid, row_of};
use crate::live::create_poll;

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";

async fn node(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql(Some("alpha"), Some(token), NODE, json!({"id": id}))
        .await
}

/// `node(id:)` answers the `kind` object with row `row`, under the same id.
async fn assert_node(app: &TestApp, token: &str, kind: &str, row: i64) {
    let id = gid(kind, row);
    let body = node(app, token, &id).await;
    assert_eq!(
        body["data"]["node"]["__typename"], kind,
        "{kind} {row}: {body}"
    );
    assert_eq!(body["data"]["node"]["id"], id.as_str(), "{body}");
}

/// `node(id:)` answers `NOT_FOUND` for `id`.
async fn assert_no_node(app: &TestApp, token: &str, id: &str) {
    let body = node(app, token, id).await;
    assert_eq!(code(&body), "NOT_FOUND", "{id}: {body}");
    assert!(body["data"].is_null(), "{body}");
}

/// `query` (one `$id: ID!` variable) answers `NOT_FOUND` for `id`.
async fn assert_field_not_found(app: &TestApp, token: &str, query: &str, id: &str) {
    let body = app
        .gql(Some("alpha"), Some(token), query, json!({"id": id}))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{query} {id}: {body}");
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    let rows = app.rows("alpha", sql).await;
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0].parse().unwrap()
}

#[tokio::test]
async fn property_nodes_blocks_units_and_residents() {
    let app = TestApp::spawn().await;
    // Residents are spread over the units in turn: 4 units, 2 residents each.
    let logins = app.tenant("alpha", 4, 8).await;
    let manager = app.manager_token("alpha").await;
    let (resident, _) = app.login("alpha", &logins.resident).await;
    let me = one(&app, "SELECT min(id)::text FROM residents").await;
    let own_unit = one(
        &app,
        &format!("SELECT unit_id::text FROM resident_units WHERE resident_id = {me}"),
    )
    .await;
    let other_unit = one(&app, "SELECT max(id)::text FROM units").await;
    assert_ne!(own_unit, other_unit);
    let other_resident = one(
        &app,
        &format!("SELECT max(resident_id)::text FROM resident_units WHERE unit_id = {other_unit}"),
    )
    .await;
    let block = one(&app, "SELECT min(id)::text FROM blocks").await;
    // Rows above every block's and every unit's: ids of those types name nothing.
    let (blocks, units) = (
        one(&app, "SELECT count(*)::text FROM blocks").await,
        one(&app, "SELECT count(*)::text FROM units").await,
    );
    assert!(blocks < other_unit && units < other_resident);

    for token in [&manager, &resident] {
        assert_node(&app, token, "Block", block).await;
        assert_node(&app, token, "Unit", own_unit).await;
        assert_node(&app, token, "Resident", me).await;
    }
    assert_node(&app, &manager, "Unit", other_unit).await;
    assert_node(&app, &manager, "Resident", other_resident).await;

    // The same row under another type name: not that object, through `node` or the
    // type's own field.
    assert_no_node(&app, &manager, &gid("Block", other_unit)).await;
    assert_no_node(&app, &manager, &gid("Unit", other_resident)).await;
    assert_no_node(&app, &manager, &gid("Occupancy", 1)).await;
    let unit = "query($id: ID!) { unit(id: $id) { id } }";
    let resident_field = "query($id: ID!) { resident(id: $id) { id } }";
    assert_field_not_found(&app, &manager, unit, &gid("Resident", own_unit)).await;
    assert_field_not_found(&app, &manager, unit, &gid("Block", block)).await;
    assert_field_not_found(&app, &manager, unit, &own_unit.to_string()).await;
    assert_field_not_found(&app, &manager, resident_field, &gid("Unit", me)).await;

    // A resident sees nothing of another household, whichever way they ask.
    assert_no_node(&app, &resident, &gid("Unit", other_unit)).await;
    assert_no_node(&app, &resident, &gid("Resident", other_resident)).await;
    assert_field_not_found(&app, &resident, unit, &gid("Unit", other_unit)).await;
    assert_field_not_found(
        &app,
        &resident,
        resident_field,
        &gid("Resident", other_resident),
    )
    .await;

    // `nodes`: in order, `null` for what the caller may not see.
    let ids = [
        gid("Unit", own_unit),
        gid("Unit", other_unit),
        gid("Resident", me),
        gid("Resident", other_resident),
        gid("Block", block),
    ];
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({"ids": ids}),
        )
        .await;
    let expected = json!([
        {"__typename": "Unit", "id": ids[0]},
        null,
        {"__typename": "Resident", "id": ids[2]},
        null,
        {"__typename": "Block", "id": ids[4]},
    ]);
    assert_eq!(body["data"]["nodes"], expected, "{body}");

    // Ids the API returns are the ones `node` takes, across types.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "query($id: ID!) { unit(id: $id) { block { id } occupancies { id unitId resident { id } } } }",
            json!({"id": gid("Unit", other_unit)}),
        )
        .await;
    let found = &body["data"]["unit"];
    assert_node(&app, &manager, "Block", row_of(&found["block"]["id"])).await;
    assert_eq!(
        found["occupancies"][0]["unitId"],
        gid("Unit", other_unit).as_str()
    );
    let occupants: Vec<&Value> = found["occupancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["resident"]["id"])
        .collect();
    assert!(
        occupants.contains(&&json!(gid("Resident", other_resident))),
        "{body}"
    );
    let link = found["occupancies"][0]["id"].as_str().unwrap();
    let (kind, _) = klustera_graphql::common::ids::decode(link).unwrap();
    assert_eq!(kind, "Occupancy", "{body}");
}

#[tokio::test]
async fn auth_ids_are_typed() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (resident, _) = app.login("alpha", &logins.resident).await;
    let me = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "{ me { id residentId } }",
            json!({}),
        )
        .await;
    let user = one(&app, "SELECT id::text FROM users WHERE role = 'RESIDENT'").await;
    let resident_row = one(&app, "SELECT min(id)::text FROM residents").await;
    assert_eq!(me["data"]["me"]["id"], gid("User", user).as_str(), "{me}");
    assert_eq!(
        me["data"]["me"]["residentId"],
        gid("Resident", resident_row).as_str()
    );
    assert_node(&app, &resident, "Resident", resident_row).await;

    let create =
        "mutation($r: ID) { createUserAccount(input: {role: RESIDENT, phone: \"081299998888\",
        password: \"long-enough-1\", displayName: \"Warga Baru\", residentId: $r}) }";
    let other = one(&app, "SELECT max(id)::text FROM residents").await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            create,
            json!({"r": gid("Unit", other)}),
        )
        .await;
    assert_eq!(
        code(&body),
        "NOT_FOUND",
        "a unit's id is no resident: {body}"
    );
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            create,
            json!({"r": gid("Resident", other)}),
        )
        .await;
    let created = one(&app, "SELECT max(id)::text FROM users").await;
    assert_eq!(
        body["data"]["createUserAccount"],
        gid("User", created).as_str(),
        "{body}"
    );
}

#[tokio::test]
async fn polls_nodes_and_their_results_as_the_caller_may_see_them() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (resident, _) = app.login("alpha", &logins.resident).await;
    // Results hidden until the poll closes: from residents only.
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", true).await;
    let row = row_of(&json!(poll));
    assert_eq!(poll, gid("Poll", row));
    assert_eq!(options[0], gid("PollOption", row_of(&json!(options[0]))));

    let tally = "query($id: ID!) { node(id: $id) { __typename id ... on Poll { options { id } tally { pollId hidden } } } }";
    for (token, hidden) in [(&manager, false), (&resident, true)] {
        let body = app
            .gql(Some("alpha"), Some(token), tally, json!({"id": poll}))
            .await;
        let node = &body["data"]["node"];
        assert_eq!(node["__typename"], "Poll", "{body}");
        assert_eq!(node["id"], poll.as_str());
        assert_eq!(node["options"][0]["id"], options[0].as_str());
        assert_eq!(node["tally"]["pollId"], poll.as_str());
        assert_eq!(node["tally"]["hidden"], hidden, "{body}");
    }

    // Another type's id, or an option's, is not a poll.
    assert_no_node(&app, &manager, &gid("PollOption", row)).await;
    assert_no_node(&app, &manager, &gid("Poll", row + 1)).await;
    let poll_field = "query($id: ID!) { poll(id: $id) { id } }";
    assert_field_not_found(&app, &manager, poll_field, &gid("Unit", row)).await;
    assert_field_not_found(&app, &manager, poll_field, &options[0]).await;

    // Votes take typed ids: an option id where the poll's goes is NOT_FOUND.
    let vote = "mutation($p: ID!, $o: ID!) { castVote(pollId: $p, optionId: $o) { pollId total } }";
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            vote,
            json!({"p": options[0], "o": poll}),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            vote,
            json!({"p": poll, "o": options[1]}),
        )
        .await;
    assert_eq!(body["data"]["castVote"]["total"], 1, "{body}");
    let mine = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "query($id: ID!) { poll(id: $id) { myVote } }",
            json!({"id": poll}),
        )
        .await;
    assert_eq!(
        mine["data"]["poll"]["myVote"],
        options[1].as_str(),
        "{mine}"
    );

    // `nodes`: in order, `null` for an id that names no poll.
    let ids = [gid("Poll", row + 1), poll.clone()];
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({"ids": ids}),
        )
        .await;
    assert_eq!(
        body["data"]["nodes"],
        json!([null, {"__typename": "Poll", "id": poll}]),
        "{body}"
    );
}
