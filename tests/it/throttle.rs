//! Sign-in attempts are limited per identifier and per client address: every attempt
//! counts (aliased `login` fields in one document too), the refusal is `RATE_LIMITED`
//! with HTTP 429 and `Retry-After`, shared by instances through Redis, and still enforced
//! in-process when Redis goes away.

use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp};
use crate::live::{PrivateRedis, redis_url};

/// One document of `n` aliased `login` attempts on `identifier` (or `identifier<i>` when
/// `distinct`), all with a wrong password.
fn attempts(n: usize, identifier: &str, distinct: bool) -> String {
    let fields: Vec<String> = (0..n)
        .map(|i| {
            let who = if distinct {
                format!("{identifier}{i}")
            } else {
                identifier.to_owned()
            };
            format!(
                r#"a{i}: login(identifier: "{who}", password: "wrong-password") {{ accessToken }}"#
            )
        })
        .collect();
    format!("mutation {{ {} }}", fields.join(" "))
}

/// POSTs `query` to `tenant` as from `client` (`X-Forwarded-For`): `(status, Retry-After, body)`.
async fn post(
    app: &TestApp,
    client: &str,
    query: &str,
    variables: Value,
) -> (u16, Option<u64>, Value) {
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "alpha")
        .header("accept", "application/json")
        .header("x-forwarded-for", format!("198.51.100.1, {client}"))
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry, resp.json().await.unwrap())
}

const LOGIN: &str =
    "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }";

fn codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn behind_a_proxy(c: &mut klustera::config::Config) {
    c.trust_forwarded_for = true;
}

#[tokio::test]
async fn every_aliased_attempt_on_one_identifier_counts() {
    let app = TestApp::spawn_with(behind_a_proxy).await;
    app.tenant("alpha", 2, 2).await;
    let manager = "manager@alpha.test";

    // Eleven guesses in one document: ten are checked, the eleventh is refused.
    let (status, retry, body) = post(
        &app,
        "203.0.113.1",
        &attempts(11, manager, false),
        json!({}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(retry.is_some_and(|s| (1..=30).contains(&s)), "{retry:?}");
    let all = codes(&body);
    assert_eq!(all.len(), 11, "{body}");
    assert!(all[..10].iter().all(|c| *c == "UNAUTHENTICATED"), "{body}");
    assert_eq!(all[10], "RATE_LIMITED");
    assert_eq!(
        body["errors"][10]["extensions"]["retryAfter"],
        retry.unwrap()
    );

    // The right password does not get through either, from any address, until it is time.
    let (status, _, body) = post(
        &app,
        "203.0.113.2",
        LOGIN,
        json!({"i": manager, "p": PASSWORD}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(codes(&body), ["RATE_LIMITED"]);
    // Other identifiers are not affected.
    let resident = app
        .rows("alpha", "SELECT phone FROM users WHERE role = 'RESIDENT'")
        .await;
    let (status, _, body) = post(
        &app,
        "203.0.113.2",
        LOGIN,
        json!({"i": resident[0], "p": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
}

#[tokio::test]
async fn attempts_from_one_client_address_are_limited_across_identifiers() {
    let app = TestApp::spawn_with(behind_a_proxy).await;
    app.tenant("alpha", 2, 2).await;
    // Thirty different identifiers from one address: all checked.
    let started = std::time::Instant::now();
    let (status, _, body) =
        post(&app, "203.0.113.9", &attempts(30, "guess", true), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        codes(&body).iter().all(|c| *c == "UNAUTHENTICATED"),
        "{body}"
    );
    // Then at most the one regained every 2 s meanwhile gets through before a refusal.
    let mut extra = 0;
    let retry = loop {
        let (status, retry, body) = post(
            &app,
            "203.0.113.9",
            LOGIN,
            json!({"i": "someone-else", "p": "x"}),
        )
        .await;
        if status == 429 {
            assert_eq!(codes(&body), ["RATE_LIMITED"], "{body}");
            break retry;
        }
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{body}");
        extra += 1;
        let regained = started.elapsed().as_secs() / 2 + 1;
        assert!(
            extra <= regained,
            "{extra} attempts beyond the burst in {:?}",
            started.elapsed()
        );
    };
    assert!(retry.is_some_and(|s| (1..=2).contains(&s)), "{retry:?}");
    // Another address is not limited.
    let (status, _, body) = post(
        &app,
        "203.0.113.10",
        LOGIN,
        json!({"i": "someone-else", "p": "x"}),
    )
    .await;
    assert_eq!(
        (status, codes(&body)),
        (200, vec!["UNAUTHENTICATED"]),
        "{body}"
    );
}

#[tokio::test]
async fn instances_share_their_counts_through_redis() {
    let namespace = format!("kt-{}", uuid::Uuid::new_v4().simple());
    let with_redis = |c: &mut klustera::config::Config| {
        c.redis_url = Some(redis_url());
        c.redis_namespace = namespace.clone();
        c.trust_forwarded_for = true;
    };
    let one = TestApp::spawn_with(with_redis).await;
    let two = one.spawn_beside(with_redis).await;
    one.tenant("alpha", 2, 2).await;
    let manager = "manager@alpha.test";
    let (status, _, body) = post(
        &one,
        "203.0.113.1",
        &attempts(10, manager, false),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The other instance knows the ten.
    let (status, retry, body) = post(
        &two,
        "203.0.113.2",
        LOGIN,
        json!({"i": manager, "p": PASSWORD}),
    )
    .await;
    assert_eq!(
        (status, codes(&body)),
        (429, vec!["RATE_LIMITED"]),
        "{body}"
    );
    assert!(retry.is_some());
    assert_eq!(one.metric("klustera_rate_limit_fallbacks_total").await, 0);
}

#[tokio::test]
async fn without_redis_the_limit_still_holds_and_the_fallback_is_counted() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = PrivateRedis::start_on(port);
    let url = redis.url();
    let app = TestApp::spawn_with(|c| {
        c.redis_url = Some(url.clone());
        c.trust_forwarded_for = true;
    })
    .await;
    app.tenant("alpha", 2, 2).await;
    redis.stop();

    let manager = "manager@alpha.test";
    let (status, _, body) = post(
        &app,
        "203.0.113.1",
        &attempts(11, manager, false),
        json!({}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(codes(&body)[10], "RATE_LIMITED", "{body}");
    // Not everything is refused: another identifier from another address is checked.
    let (status, _, body) = post(
        &app,
        "203.0.113.2",
        LOGIN,
        json!({"i": "nobody@alpha.test", "p": "x"}),
    )
    .await;
    assert_eq!(
        (status, codes(&body)),
        (200, vec!["UNAUTHENTICATED"]),
        "{body}"
    );
    assert!(app.metric("klustera_rate_limit_fallbacks_total").await >= 12);
}
