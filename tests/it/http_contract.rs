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
    assert_eq!(code(&body), "TENANT_NOT_FOUND");
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
