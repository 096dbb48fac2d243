//! Tokens: what is refused, and with which code.

use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

use crate::app::{JWT_SECRET, TestApp, code};

const ME: &str = "{ me { id role tenant } }";

fn claims(exp_offset: i64) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": "klustera", "aud": "klustera-api", "sub": "1", "tenant": "alpha", "role": "MANAGER",
           "iat": now - 60, "nbf": now - 60, "exp": now + exp_offset, "jti": "t", "typ": "access"})
}

fn sign(claims: &serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn bad_access_tokens_are_unauthenticated() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;

    let valid = sign(&claims(600), JWT_SECRET);
    let ok = app.gql(Some("alpha"), Some(&valid), ME, json!({})).await;
    assert_eq!(ok["data"]["me"]["role"], "MANAGER", "{ok}");

    let expired = sign(&claims(-120), JWT_SECRET);
    let body = app.gql(Some("alpha"), Some(&expired), ME, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert_eq!(body["errors"][0]["message"], "access token expired");

    let forged = sign(&claims(600), "another-secret-another-secret-another");
    assert_eq!(
        code(&app.gql(Some("alpha"), Some(&forged), ME, json!({})).await),
        "UNAUTHENTICATED"
    );

    let b64 = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims(600))
    );
    assert_eq!(
        code(&app.gql(Some("alpha"), Some(&none), ME, json!({})).await),
        "UNAUTHENTICATED"
    );

    let mut not_access = claims(600);
    not_access["typ"] = json!("refresh");
    let wrong_type = sign(&not_access, JWT_SECRET);
    assert_eq!(
        code(
            &app.gql(Some("alpha"), Some(&wrong_type), ME, json!({}))
                .await
        ),
        "UNAUTHENTICATED"
    );

    let (_, refresh) = app.login("alpha", "manager@alpha.test").await;
    let body = app.gql(Some("alpha"), Some(&refresh), ME, json!({})).await;
    assert_eq!(
        code(&body),
        "UNAUTHENTICATED",
        "a refresh token is not a bearer token"
    );
}

#[tokio::test]
async fn a_token_of_one_tenant_is_refused_by_another() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    app.tenant("beta", 2, 2).await;
    let (alpha_token, alpha_refresh) = app.login("alpha", "manager@alpha.test").await;

    let body = app
        .gql(
            Some("beta"),
            Some(&alpha_token),
            "{ units(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "TENANT_MISMATCH");

    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("host", "beta.klustera.test")
        .header("accept", "application/json")
        .bearer_auth(&alpha_token)
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    assert_eq!(code(&resp.json().await.unwrap()), "TENANT_MISMATCH");

    let refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }";
    let body = app
        .gql(Some("beta"), None, refresh, json!({"t": alpha_refresh}))
        .await;
    assert_eq!(code(&body), "TENANT_MISMATCH");
    // Refused before spending: the token still works where it belongs.
    let body = app
        .gql(Some("alpha"), None, refresh, json!({"t": alpha_refresh}))
        .await;
    assert!(
        body["data"]["refreshToken"]["accessToken"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let (_, first) = app.login("alpha", "manager@alpha.test").await;
    let refresh =
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";

    let body = app
        .gql(Some("alpha"), None, refresh, json!({"t": first}))
        .await;
    let second = body["data"]["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let access = body["data"]["refreshToken"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    let me = app.gql(Some("alpha"), Some(&access), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["tenant"], "alpha");

    // The spent token comes back after the grace: someone else has it. Everything of this
    // sign-in dies.
    app.age_spent_refresh_tokens(31).await;
    let reuse = app
        .gql(Some("alpha"), None, refresh, json!({"t": first}))
        .await;
    assert_eq!(code(&reuse), "UNAUTHENTICATED");
    let after = app
        .gql(Some("alpha"), None, refresh, json!({"t": second}))
        .await;
    assert_eq!(
        code(&after),
        "UNAUTHENTICATED",
        "the rotated token must be revoked too"
    );
}

#[tokio::test]
async fn logout_ends_the_sign_in_and_wrong_passwords_are_refused() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let (_, refresh) = app.login("alpha", "manager@alpha.test").await;
    let body = app
        .gql(
            Some("alpha"),
            None,
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({"t": refresh}),
        )
        .await;
    assert_eq!(body["data"]["logout"], true);
    let body = app
        .gql(
            Some("alpha"),
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({"t": refresh}),
        )
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED");

    for (who, password) in [
        ("manager@alpha.test", "wrong-password"),
        ("nobody@alpha.test", "demo-pass-2024"),
    ] {
        let body = app
            .gql(
                Some("alpha"),
                None,
                "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }",
                json!({"i": who, "p": password}),
            )
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED");
        assert_eq!(body["errors"][0]["message"], "wrong login or password");
    }
}

/// Issuer and audience are required, `nbf` honoured, and an `Authorization` header over
/// 8 KiB is refused before anything reads it (431).
#[tokio::test]
async fn tokens_name_their_issuer_and_audience_and_headers_are_capped() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let now = chrono::Utc::now().timestamp();
    for (claim, value) in [
        ("iss", None),
        ("aud", None),
        ("iss", Some(json!("elsewhere"))),
        ("aud", Some(json!("another-api"))),
        ("nbf", Some(json!(now + 600))),
    ] {
        let mut c = claims(600);
        match value {
            Some(v) => c[claim] = v,
            None => {
                c.as_object_mut().unwrap().remove(claim);
            }
        }
        let body = app
            .gql(Some("alpha"), Some(&sign(&c, JWT_SECRET)), ME, json!({}))
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{claim}: {body}");
    }

    let huge = format!("Bearer {}", "a".repeat(8 * 1024));
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "alpha")
        .header("authorization", huge)
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 431);
    // Just under the cap, it is only an invalid token.
    let long = format!("Bearer {}", "a".repeat(8 * 1024 - 7));
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "alpha")
        .header("authorization", long)
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(code(&resp.json().await.unwrap()), "UNAUTHENTICATED");
}

const REFRESH_PAIR: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";

#[tokio::test]
async fn two_concurrent_refreshes_with_one_token_get_the_same_successor() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let (_, first) = app.login("alpha", "manager@alpha.test").await;

    // Both requests wait for the token's row lock behind a held lock on the table, so both
    // present `first` before either has rotated it: a race made certain.
    let held = app
        .hold("LOCK TABLE control.refresh_tokens IN EXCLUSIVE MODE")
        .await;
    let (a, b, ()) = tokio::join!(
        app.gql(Some("alpha"), None, REFRESH_PAIR, json!({"t": first})),
        app.gql(Some("alpha"), None, REFRESH_PAIR, json!({"t": first})),
        async {
            app.until_lock_waiters(2).await;
            held.release().await;
        },
    );
    let successor = a["data"]["refreshToken"]["refreshToken"].as_str();
    assert!(successor.is_some(), "{a}");
    assert_eq!(
        successor,
        b["data"]["refreshToken"]["refreshToken"].as_str(),
        "both get the same successor: {a} {b}"
    );
    // The successor lives on (the family was not revoked), and rotates as usual.
    let next = app
        .gql(
            Some("alpha"),
            None,
            REFRESH_PAIR,
            json!({"t": successor.unwrap()}),
        )
        .await;
    assert!(
        next["data"]["refreshToken"]["accessToken"].is_string(),
        "{next}"
    );
}
