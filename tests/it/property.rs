//! The property domain as managers and residents see it.

use serde_json::{Value, json};

use crate::app::{TestApp, code, gid, row_of};

#[tokio::test]
async fn managers_manage_units_and_residents_with_clear_errors() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 4).await;
    let token = app.manager_token("alpha").await;
    let gql = |q: &'static str, v: serde_json::Value| {
        let (app, token) = (&app, token.clone());
        async move { app.gql(Some("alpha"), Some(&token), q, v).await }
    };

    let block = gql(
        r#"mutation { createBlock(name: "Blok Melati") { id } }"#,
        json!({}),
    )
    .await;
    let block_id = block["data"]["createBlock"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let unit = gql(
        "mutation($b: ID!) { createUnit(input: {blockId: $b, number: \"M-01\", areaM2: \"72.5\", type: APARTMENT}) { id number areaM2 type block { name } } }",
        json!({"b": block_id}),
    )
    .await;
    assert_eq!(unit["data"]["createUnit"]["areaM2"], "72.50", "{unit}");
    assert_eq!(unit["data"]["createUnit"]["block"]["name"], "Blok Melati");
    let unit_id = unit["data"]["createUnit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let dup = gql(
        "mutation($b: ID!) { createUnit(input: {blockId: $b, number: \"M-01\", areaM2: \"60\"}) { id } }",
        json!({"b": block_id}),
    )
    .await;
    assert_eq!(code(&dup), "CONFLICT");

    let resident = gql(
        r#"mutation { createResident(input: {fullName: " Rina Wulandari ", phone: "0813-1111-2222", identityNumber: "3174015708900001"}) { id fullName phone } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        resident["data"]["createResident"]["phone"], "+6281311112222",
        "{resident}"
    );
    assert_eq!(
        resident["data"]["createResident"]["fullName"],
        "Rina Wulandari"
    );
    let resident_id = resident["data"]["createResident"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let bad = gql(
        r#"mutation { createResident(input: {fullName: "X", phone: "+1 555 0100"}) { id } }"#,
        json!({}),
    )
    .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "phone");
    let bad = gql(
        r#"mutation { createResident(input: {fullName: "X", identityNumber: "123"}) { id } }"#,
        json!({}),
    )
    .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "identityNumber");

    let link = gql(
        "mutation($r: ID!, $u: ID!) { linkResident(input: {residentId: $r, unitId: $u, relation: TENANT}) { id relation resident { fullName } } }",
        json!({"r": resident_id, "u": unit_id}),
    )
    .await;
    assert_eq!(link["data"]["linkResident"]["relation"], "TENANT", "{link}");
    let link_id = link["data"]["linkResident"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = gql(
        "mutation($r: ID!, $u: ID!) { linkResident(input: {residentId: $r, unitId: $u, relation: OWNER}) { id } }",
        json!({"r": resident_id, "u": unit_id}),
    )
    .await;
    assert_eq!(code(&again), "CONFLICT");

    let found = gql(
        "query($s: String!) { residents(filter: {search: $s}) { edges { node { fullName units { number } } } } }",
        json!({"s": "081311112222"}),
    )
    .await;
    assert_eq!(
        found["data"]["residents"]["edges"][0]["node"]["units"][0]["number"], "M-01",
        "{found}"
    );

    let unlinked = gql(
        "mutation($l: ID!) { unlinkResident(linkId: $l) { endsOn } }",
        json!({"l": link_id}),
    )
    .await;
    assert!(
        unlinked["data"]["unlinkResident"]["endsOn"].is_string(),
        "{unlinked}"
    );
    let archived = gql(
        "mutation($u: ID!) { archiveUnit(id: $u) { archived } }",
        json!({"u": unit_id}),
    )
    .await;
    assert_eq!(archived["data"]["archiveUnit"]["archived"], true);
    let listed = gql(
        "{ units(filter: {search: \"M-01\"}) { edges { node { id } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        listed["data"]["units"]["edges"].as_array().unwrap().len(),
        0,
        "archived units are hidden"
    );
}

#[tokio::test]
async fn pagination_walks_forward_and_backward_without_gaps() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 25, 25).await;
    let token = app.manager_token("alpha").await;
    let q = "query($a: String, $b: String, $f: Int, $l: Int) { units(after: $a, before: $b, first: $f, last: $l) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }";
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .gql(Some("alpha"), Some(&token), q, json!({"a": after, "f": 10}))
            .await;
        let conn = &body["data"]["units"];
        seen.extend(
            conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["cursor"].as_str().unwrap().to_owned()),
        );
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 25);
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            q,
            json!({"b": seen[10], "l": 3}),
        )
        .await;
    let cursors: Vec<&str> = body["data"]["units"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cursor"].as_str().unwrap())
        .collect();
    assert_eq!(
        cursors,
        seen[7..10].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(body["data"]["units"]["pageInfo"]["hasPreviousPage"], true);

    let too_big = app
        .gql(Some("alpha"), Some(&token), q, json!({"f": 201}))
        .await;
    assert_eq!(code(&too_big), "BAD_USER_INPUT");
}

#[tokio::test]
async fn residents_see_only_their_household_and_cannot_manage() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 10, 20).await;
    let (token, _) = app.login("alpha", &logins.resident).await;

    let units = app.gql(Some("alpha"), Some(&token), "{ units(first: 50) { edges { node { id number residents { id fullName units { id } } } } } }", json!({})).await;
    let edges = units["data"]["units"]["edges"].as_array().unwrap();
    assert_eq!(
        edges.len(),
        1,
        "a resident sees their own unit only: {units}"
    );
    let own_unit = edges[0]["node"]["id"].as_str().unwrap().to_owned();

    let residents = app
        .gql(
            Some("alpha"),
            Some(&token),
            "{ residents(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        residents["data"]["residents"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "household of unit 1: {residents}"
    );

    let other_unit = gid("Unit", row_of(&json!(own_unit)) + 1);
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($id: ID!) { unit(id: $id) { id } }",
            json!({"id": other_unit}),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");

    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            r#"mutation { createBlock(name: "Mine") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");

    let anonymous = app
        .gql(
            Some("alpha"),
            None,
            "{ units { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn list_objects_answer_alike_through_fragments_aliases_and_repeated_fields() {
    // Unit pages resolve their objects field by field in place, and fall back to
    // async-graphql's own path for fragments and repeated keys: both must agree.
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 6).await;
    let token = app.manager_token("alpha").await;
    let gql = |q: &'static str| {
        let (app, token) = (&app, token.clone());
        async move { app.gql(Some("alpha"), Some(&token), q, json!({})).await }
    };

    let plain = gql(
        "{ units(first: 3) { edges { node { __typename id no: number block { name } residents { fullName } } } } }",
    )
    .await;
    let fragments = gql(
        "{ units(first: 3) { edges { node { ...Head no: number ... on Unit { block { name } } residents { fullName } } } } }
         fragment Head on Unit { __typename id }",
    )
    .await;
    let repeated = gql(
        "{ units(first: 3) { edges { node { __typename id id no: number block { name } block { name } residents { fullName } } } } }",
    )
    .await;
    assert!(plain.get("errors").is_none(), "{plain}");
    let nodes = plain["data"]["units"]["edges"].as_array().unwrap();
    assert_eq!(nodes.len(), 3, "{plain}");
    assert_eq!(nodes[0]["node"]["__typename"], "Unit");
    assert!(nodes[0]["node"]["no"].is_string(), "{plain}");
    assert!(nodes[0]["node"]["block"]["name"].is_string(), "{plain}");
    assert_eq!(fragments, plain);
    assert_eq!(repeated, plain);
}

#[tokio::test]
async fn a_resident_sees_a_housemates_shared_units_only_and_only_their_own_nik() {
    let app = TestApp::spawn().await;
    // 4 units, 2 residents each: the signed-in resident shares their unit with one other.
    let logins = app.tenant("alpha", 4, 8).await;
    let manager = app.manager_token("alpha").await;
    let (resident, _) = app.login("alpha", &logins.resident).await;
    let rows = app
        .rows(
            "alpha",
            "SELECT ru.unit_id || ':' || other.resident_id || ':' || ru.resident_id \
             FROM resident_units ru JOIN resident_units other \
               ON other.unit_id = ru.unit_id AND other.resident_id <> ru.resident_id \
             WHERE ru.resident_id = (SELECT min(id) FROM residents)",
        )
        .await;
    let ids: Vec<i64> = rows[0].split(':').map(|v| v.parse().unwrap()).collect();
    let (own_unit, housemate, me) = (ids[0], ids[1], ids[2]);
    let elsewhere = app.rows("alpha", "SELECT max(id)::text FROM units").await[0]
        .parse()
        .unwrap();
    let linked = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($r: ID!, $u: ID!) { linkResident(input: {residentId: $r, unitId: $u, relation: OWNER}) { unitId } }",
            json!({"r": gid("Resident", housemate), "u": gid("Unit", elsewhere)}),
        )
        .await;
    assert_eq!(
        linked["data"]["linkResident"]["unitId"],
        gid("Unit", elsewhere).as_str(),
        "{linked}"
    );

    let units_of = "query($id: ID!) { resident(id: $id) { units { id } } }";
    let units = |body: &Value| -> Vec<String> {
        body["data"]["resident"]["units"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let staff = app
        .gql(
            Some("alpha"),
            Some(&manager),
            units_of,
            json!({"id": gid("Resident", housemate)}),
        )
        .await;
    assert_eq!(
        units(&staff),
        [gid("Unit", own_unit), gid("Unit", elsewhere)]
    );
    let seen = app
        .gql(
            Some("alpha"),
            Some(&resident),
            units_of,
            json!({"id": gid("Resident", housemate)}),
        )
        .await;
    assert_eq!(
        units(&seen),
        [gid("Unit", own_unit)],
        "the housemate's other unit is not theirs"
    );

    let nik = "query($id: ID!) { resident(id: $id) { identityNumber } }";
    let theirs = app
        .gql(
            Some("alpha"),
            Some(&resident),
            nik,
            json!({"id": gid("Resident", housemate)}),
        )
        .await;
    assert_eq!(code(&theirs), "FORBIDDEN", "{theirs}");
    let own = app
        .gql(
            Some("alpha"),
            Some(&resident),
            nik,
            json!({"id": gid("Resident", me)}),
        )
        .await;
    assert!(own["errors"].is_null(), "{own}");
    let staff = app
        .gql(
            Some("alpha"),
            Some(&manager),
            nik,
            json!({"id": gid("Resident", housemate)}),
        )
        .await;
    assert!(staff["errors"].is_null(), "{staff}");
}
