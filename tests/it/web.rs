//! The web client at `/` and browser sessions: the built client is served on every host
//! with history fallback and year-long caching of hashed assets, API paths keep theirs;
//! a browser sign-in's refresh token lives in an HttpOnly cookie, set, rotated and
//! cleared by the gateway, and never appears in a response body.

use std::path::PathBuf;

use reqwest::header::{CACHE_CONTROL, SET_COOKIE};
use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp, code};

const INDEX: &str = "<!doctype html><title>Klustera</title><div id=root></div>";
const ASSET: &str = "console.log('klustera')";

/// A built client: `index.html` and one hashed bundle.
fn built_client() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("klustera-web-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("assets/index-Bl6pcamI.js"), ASSET).unwrap();
    dir
}

async fn get(app: &TestApp, path: &str, host: &str) -> reqwest::Response {
    app.client()
        .get(app.url(path))
        .header("host", host)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_client_is_served_on_every_host_with_history_fallback_and_cached_assets() {
    let dir = built_client();
    let web_dir = dir.clone();
    let app = TestApp::spawn_with(|c| c.web_dir = web_dir).await;
    app.tenant("demo", 2, 2).await;

    for host in ["demo.klustera.test", "other.klustera.test", "127.0.0.1"] {
        for path in ["/", "/bills/QmlsbDo0Mg", "/complaints/new"] {
            let resp = get(&app, path, host).await;
            assert_eq!(resp.status(), 200, "{host}{path}");
            assert_eq!(resp.headers()[CACHE_CONTROL], "no-cache", "{host}{path}");
            assert!(
                resp.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            assert_eq!(resp.text().await.unwrap(), INDEX, "{host}{path}");
        }
    }

    let asset = get(&app, "/assets/index-Bl6pcamI.js", "demo.klustera.test").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.text().await.unwrap(), ASSET);

    // A bundle that does not exist is not the page, and is not cached for a year.
    let missing = get(&app, "/assets/index-gone.js", "demo.klustera.test").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get(CACHE_CONTROL).is_none());

    // The API keeps its paths.
    for path in ["/graphql/nope", "/webhooks/nope"] {
        assert_eq!(
            get(&app, path, "demo.klustera.test").await.status(),
            404,
            "{path}"
        );
    }
    let health = get(&app, "/health", "demo.klustera.test").await;
    assert_eq!(health.status(), 200);
    assert!(health.text().await.unwrap().starts_with('{'));
    let body = app
        .gql(
            Some("demo"),
            None,
            "{ tenant { displayName timeZone } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["tenant"]["displayName"], "Perumahan Demo Asri");
    assert_eq!(body["data"]["tenant"]["timeZone"], "Asia/Jakarta");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_sign_in_page_reads_the_estate_without_signing_in() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("host", "demo.klustera.test")
        .json(&json!({"query": "{ tenant { displayName timeZone } }"}))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["tenant"]["displayName"], "Perumahan Demo Asri");
    let body = app
        .gql(None, None, "{ tenant { displayName } }", json!({}))
        .await;
    assert_eq!(code(&body), "TENANT_NOT_FOUND");
}

/// One browser: its cookie jar is the `klustera_refresh` value it was last given.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
}

/// What one response did: its body (as text and JSON) and its `Set-Cookie`.
struct Answer {
    text: String,
    body: Value,
    set_cookie: Option<String>,
}

impl Browser<'_> {
    async fn send(&mut self, query: &str, variables: Value) -> Answer {
        let mut req = self
            .app
            .client()
            .post(self.app.url("/graphql"))
            .header("host", "demo.klustera.test")
            .header("accept", "application/json")
            .header("x-klustera-session", "cookie")
            .json(&json!({"query": query, "variables": variables}));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("lang=id; klustera_refresh={c}"));
        }
        let resp = req.send().await.unwrap();
        let set_cookie = resp
            .headers()
            .get(SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_owned());
        if let Some(sc) = &set_cookie {
            let value = sc
                .strip_prefix("klustera_refresh=")
                .unwrap()
                .split(';')
                .next()
                .unwrap();
            self.cookie = (!value.is_empty()).then(|| value.to_owned());
        }
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap();
        Answer {
            text,
            body,
            set_cookie,
        }
    }
}

const LOGIN: &str = "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken refreshToken user { role } } }";
const REFRESH: &str = "mutation { refreshToken { accessToken refreshToken } }";

fn assert_cookie_attributes(set_cookie: &str) {
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(
            set_cookie.split("; ").any(|a| a == attribute),
            "{attribute} missing from {set_cookie}"
        );
    }
}

#[tokio::test]
async fn a_browser_sign_in_keeps_its_refresh_token_in_an_http_only_cookie() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let mut browser = Browser {
        app: &app,
        cookie: None,
    };

    let login = browser
        .send(LOGIN, json!({"i": "manager@demo.test", "p": PASSWORD}))
        .await;
    assert!(
        login.body["data"]["login"]["accessToken"].is_string(),
        "{}",
        login.text
    );
    assert_eq!(login.body["data"]["login"]["refreshToken"], Value::Null);
    let set = login.set_cookie.expect("a sign-in sets the cookie");
    assert_cookie_attributes(&set);
    assert!(set.contains("Max-Age=2592000"), "{set}");
    let first = browser.cookie.clone().unwrap();
    assert!(
        !login.text.contains(&first),
        "the refresh token leaked into the body"
    );

    // Refresh reads the cookie and rotates it there.
    let refreshed = browser.send(REFRESH, json!({})).await;
    assert!(
        refreshed.body["data"]["refreshToken"]["accessToken"].is_string(),
        "{}",
        refreshed.text
    );
    assert_eq!(
        refreshed.body["data"]["refreshToken"]["refreshToken"],
        Value::Null
    );
    assert_cookie_attributes(&refreshed.set_cookie.unwrap());
    let second = browser.cookie.clone().unwrap();
    assert_ne!(first, second, "the cookie was not rotated");
    assert!(!refreshed.text.contains(&second));

    // Sign-out ends the sign-in and clears the cookie.
    let out = browser.send("mutation { logout }", json!({})).await;
    assert_eq!(out.body["data"]["logout"], true, "{}", out.text);
    let cleared = out.set_cookie.unwrap();
    assert!(cleared.starts_with("klustera_refresh=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(browser.cookie, None);
    browser.cookie = Some(second);
    let after = browser.send(REFRESH, json!({})).await;
    assert_eq!(code(&after.body), "UNAUTHENTICATED");
    assert!(after.set_cookie.unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn a_stolen_spent_cookie_revokes_the_sign_in_and_is_cleared() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let mut browser = Browser {
        app: &app,
        cookie: None,
    };
    browser
        .send(LOGIN, json!({"i": "manager@demo.test", "p": PASSWORD}))
        .await;
    let spent = browser.cookie.clone().unwrap();
    browser.send(REFRESH, json!({})).await;
    let current = browser.cookie.clone().unwrap();

    // Past the grace in which a spent cookie still yields its successor.
    app.age_spent_refresh_tokens(31).await;
    let mut thief = Browser {
        app: &app,
        cookie: Some(spent),
    };
    let reuse = thief.send(REFRESH, json!({})).await;
    assert_eq!(code(&reuse.body), "UNAUTHENTICATED");
    assert!(reuse.set_cookie.unwrap().contains("Max-Age=0"));
    // The whole sign-in is revoked: the owner's current cookie no longer works either.
    let owner = browser.send(REFRESH, json!({})).await;
    assert_eq!(code(&owner.body), "UNAUTHENTICATED", "{current}");
}

#[tokio::test]
async fn two_tabs_refreshing_one_cookie_at_once_stay_signed_in() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let mut tab = Browser {
        app: &app,
        cookie: None,
    };
    tab.send(LOGIN, json!({"i": "manager@demo.test", "p": PASSWORD}))
        .await;
    let mut other = Browser {
        app: &app,
        cookie: tab.cookie.clone(),
    };
    // Both refreshes wait behind a held lock, so both present the same cookie.
    let held = app
        .hold("LOCK TABLE control.refresh_tokens IN EXCLUSIVE MODE")
        .await;
    let (a, b, ()) = tokio::join!(
        tab.send(REFRESH, json!({})),
        other.send(REFRESH, json!({})),
        async {
            app.until_lock_waiters(2).await;
            held.release().await;
        }
    );
    for answer in [&a, &b] {
        assert!(
            answer.body["data"]["refreshToken"]["accessToken"].is_string(),
            "{}",
            answer.text
        );
    }
    assert!(tab.cookie.is_some());
    assert_eq!(
        tab.cookie, other.cookie,
        "both tabs hold the same successor"
    );
    // And it works: the sign-in was not revoked.
    let again = tab.send(REFRESH, json!({})).await;
    assert!(
        again.body["data"]["refreshToken"]["accessToken"].is_string(),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn api_clients_keep_the_body_flow_and_never_read_cookies() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "demo")
        .header("accept", "application/json")
        .json(&json!({"query": LOGIN, "variables": {"i": "manager@demo.test", "p": PASSWORD}}))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get(SET_COOKIE).is_none());
    let body: Value = resp.json().await.unwrap();
    let token = body["data"]["login"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // Without the session header a cookie is ignored: no CSRF through the cookie.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "demo")
        .header("accept", "application/json")
        .header("cookie", format!("klustera_refresh={token}"))
        .json(&json!({"query": REFRESH}))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get(SET_COOKIE).is_none());
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "refreshToken");

    let body = app
        .gql(
            Some("demo"),
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }",
            json!({"t": token}),
        )
        .await;
    assert!(
        body["data"]["refreshToken"]["refreshToken"].is_string(),
        "{body}"
    );
}
