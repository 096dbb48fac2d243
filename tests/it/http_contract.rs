//! GraphQL over HTTP as PRODUCT.md section 4 states it.

use serde_json::{Value, json};

use crate::app::{TestApp, code, gid};

#[tokio::test]
async fn http_edge_follows_the_contract() {
    let app = TestApp::spawn_with(|c| c.body_limit = 4096).await;
    app.tenant("alpha", 2, 2).await;
    let post = |body: String, content_type: &'static str, accept: &'static str| {
        app.client()
            .post(app.url("/graphql"))
            .header("content-type", content_type)
            .header("accept", accept)
            .header("x-tenant", "alpha")
            .body(body)
            .send()
    };

    // Form posts and text/plain never execute (no CSRF).
    let resp = post(
        json!({"query": "{ me { id } }"}).to_string(),
        "text/plain",
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 415);
    let resp = post(
        "query={me{id}}".into(),
        "application/x-www-form-urlencoded",
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 415);

    let resp = post("{not json".into(), "application/json", "application/json")
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = post("x".repeat(5000), "application/json", "application/json")
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);

    // Media types: application/json when asked for, graphql-response+json otherwise (400 when
    // the request could not execute).
    let resp = post(
        json!({"query": "{ me { "}).to_string(),
        "application/json",
        "application/graphql-response+json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "BAD_USER_INPUT");
    let resp = post(
        json!({"query": "{ me { "}).to_string(),
        "application/json",
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );

    // GET: GraphiQL in a browser, queries allowed, mutations never.
    let page = app
        .client()
        .get(app.url("/graphql"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("graphiql") && page.contains("/graphql/ws"),
        "GraphiQL with the WebSocket URL"
    );
    let resp = app
        .client()
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["__typename"],
        "Query"
    );
    let resp = app
        .client()
        .get(app.url("/graphql?query=mutation%7Blogout(refreshToken%3A%22x%22)%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);

    let health: Value = app
        .client()
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["database"], "ok");
}

#[tokio::test]
async fn abusive_queries_are_refused_with_codes() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;

    let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            &format!("{{ {aliases} }}"),
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases")
    );

    let deep = "{ units { edges { node { residents { units { residents { units { residents { units { residents { units { residents { id } } } } } } } } } } } } }";
    let body = app.gql(Some("alpha"), Some(&token), deep, json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");

    let body = app
        .gql(Some("nope"), None, "{ __typename }", json!({}))
        .await;
    assert_eq!(code(&body), "TENANT_NOT_FOUND");
    let body = app
        .gql(Some("Bad Slug!"), None, "{ __typename }", json!({}))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "not a slug: {body}");
    // Ids are opaque: garbage, a bare row number and a missing row are all not found.
    for id in ["abc", "1", &gid("Unit", 424_242)] {
        let body = app
            .gql(
                Some("alpha"),
                Some(&token),
                "query($id: ID!) { unit(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(code(&body), "NOT_FOUND", "{id}: {body}");
    }
}

/// A nullable field whose resolver failed is `null` in `data`, beside its error (a
/// security guard may list residents but not read their NIK).
#[tokio::test]
async fn a_failed_nullable_field_is_null_beside_its_error() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 2, 2).await;
    let (security, _) = app.login("alpha", &logins.security).await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&security),
            "{ residents(first: 1) { edges { node { fullName nik: identityNumber } } } }",
            json!({}),
        )
        .await;
    let node = &body["data"]["residents"]["edges"][0]["node"];
    assert!(node["fullName"].is_string(), "{body}");
    assert_eq!(
        node.as_object().and_then(|n| n.get("nik")),
        Some(&Value::Null),
        "present, and null: {body}"
    );
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    assert_eq!(
        body["errors"][0]["path"],
        json!(["residents", "edges", 0, "node", "nik"]),
        "{body}"
    );
}

/// `Accept` is weighed by q-values, wildcards get `application/json`, and a document that
/// never executed has no `data` entry under the GraphQL response type.
#[tokio::test]
async fn accept_is_negotiated_and_unexecuted_documents_have_no_data() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let post = |query: &'static str, accept: Option<&'static str>| {
        let mut req = app
            .client()
            .post(app.url("/graphql"))
            .header("x-tenant", "alpha")
            .json(&json!({"query": query}));
        if let Some(accept) = accept {
            req = req.header("accept", accept);
        }
        req.send()
    };
    for (accept, wanted) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("text/html, */*;q=0.8"), "application/json"),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            "application/json",
        ),
        (
            Some("application/json;q=0.9, application/graphql-response+json"),
            "application/graphql-response+json",
        ),
        // Substring matching took this for JSON.
        (
            Some("application/jsonp, application/graphql-response+json"),
            "application/graphql-response+json",
        ),
    ] {
        let resp = post("{ __typename }", accept).await.unwrap();
        let media = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(media.starts_with(wanted), "{accept:?}: {media}");
    }
    for invalid in ["{ __typename ", "{ noSuchField }"] {
        let resp = post(invalid, Some("application/graphql-response+json"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{invalid}");
        let body: Value = resp.json().await.unwrap();
        assert!(body.get("data").is_none(), "{invalid}: {body}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
}

/// A WebSocket message over the size limit closes the connection with 1009.
#[tokio::test]
async fn an_oversized_websocket_message_closes_with_1009() {
    let app = TestApp::spawn_with(|c| c.body_limit = 4096).await;
    app.tenant("alpha", 2, 2).await;
    let mut ws = crate::live::Ws::connect(&app, "graphql-transport-ws").await;
    ws.send_text(&format!(
        "{{\"type\":\"connection_init\",\"payload\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(8192)
    ))
    .await;
    assert_eq!(ws.closed().await.0, 1009);
}
