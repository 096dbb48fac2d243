//! The production profile (`KLUSTERA_ENV=production`) against development's convenience:
//! introspection only for super admins (HTTP and WebSocket, under aliases and fragments)
//! and no field suggestions, GraphiQL off unless configured and under its own policy,
//! `/metrics` behind a token or on its own address, CORS from an allow-list, and security
//! headers on every page in both profiles.

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_ORIGIN,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    WWW_AUTHENTICATE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use klustera::config::{Config, Profile};
use klustera::tenancy::provision;

use crate::app::{PASSWORD, TestApp, code};
use crate::live::Ws;

fn production(c: &mut Config) {
    c.env = Profile::Production;
}

/// Introspection as clients write it: plain, aliased, by type, in a named fragment, in
/// an inline fragment.
const INTROSPECTIONS: &[&str] = &[
    "{ __schema { queryType { name } } }",
    "{ s: __schema { queryType { name } } }",
    "{ __type(name: \"Bill\") { name } }",
    "query Q { ...F } fragment F on Query { t: __type(name: \"Bill\") { name } }",
    "{ ... on Query { __schema { queryType { name } } } }",
];

const ADMIN: &str = "root@klustera.test";

/// Creates a super admin and signs them in (no tenant): their access token.
async fn super_admin_token(app: &TestApp) -> String {
    provision::create_super_admin(&app.state.db, ADMIN, PASSWORD.into())
        .await
        .unwrap();
    let body = app
        .gql(
            None,
            None,
            "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }",
            json!({"i": ADMIN, "p": PASSWORD}),
        )
        .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Whatever the response's errors say, in one string.
fn messages(body: &Value) -> String {
    body["errors"].to_string()
}

#[tokio::test]
async fn in_production_only_super_admins_introspect_and_nobody_gets_suggestions() {
    let app = TestApp::spawn_with(production).await;
    app.tenant("demo", 2, 2).await;
    let manager = app.manager_token("demo").await;
    let admin = super_admin_token(&app).await;

    for doc in INTROSPECTIONS {
        for (who, token) in [("anonymous", None), ("manager", Some(manager.as_str()))] {
            let body = app.gql(Some("demo"), token, doc, json!({})).await;
            assert_eq!(code(&body), "FORBIDDEN", "{who}: {doc}: {body}");
            assert!(
                messages(&body).contains("introspection is only for super admins"),
                "{body}"
            );
            assert!(body["data"].is_null(), "nothing ran: {body}");
        }
        let body = app.gql(None, Some(&admin), doc, json!({})).await;
        assert!(body["errors"].is_null(), "super admin: {doc}: {body}");
        assert!(
            body.to_string().contains("\"Query\"") || body.to_string().contains("\"Bill\""),
            "{body}"
        );
    }

    // `__typename` is not introspection: caches need it.
    let body = app
        .gql(Some("demo"), None, "{ __typename }", json!({}))
        .await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");

    // Over GET as well, with the GraphQL response type's status.
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "{ a: __schema { queryType { name } } }")])
        .header("x-tenant", "demo")
        .bearer_auth(&manager)
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "FORBIDDEN", "{body}");

    // No "did you mean": a misspelt field names no real one.
    let body = app
        .gql(
            Some("demo"),
            Some(&manager),
            "{ unitz { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(!messages(&body).contains("Did you mean"), "{body}");
    assert!(!messages(&body).contains("\\\"units\\\""), "{body}");
}

#[tokio::test]
async fn in_production_introspection_over_the_websocket_is_refused() {
    let app = TestApp::spawn_with(production).await;
    app.tenant("demo", 2, 2).await;
    let manager = app.manager_token("demo").await;
    let mut ws = Ws::ready(&app, &manager).await;
    for (i, doc) in INTROSPECTIONS.iter().enumerate() {
        let id = format!("i{i}");
        ws.subscribe(&id, doc, json!({})).await;
        let reply = ws.recv().await;
        assert_eq!(reply["type"], "error", "{doc}: {reply}");
        assert_eq!(reply["id"], id.as_str());
        assert_eq!(
            reply["payload"][0]["extensions"]["code"], "FORBIDDEN",
            "{doc}: {reply}"
        );
    }
    // The connection still serves what it may.
    ws.subscribe("t", "{ __typename }", json!({})).await;
    let reply = ws.recv().await;
    assert_eq!(reply["type"], "next", "{reply}");
    assert_eq!(reply["payload"]["data"]["__typename"], "Query");
}

#[tokio::test]
async fn development_keeps_introspection_suggestions_graphiql_open_metrics_and_any_origin() {
    let app = TestApp::spawn().await;
    app.tenant("demo", 2, 2).await;
    let manager = app.manager_token("demo").await;

    for doc in INTROSPECTIONS {
        let body = app.gql(Some("demo"), None, doc, json!({})).await;
        assert!(body["errors"].is_null(), "{doc}: {body}");
    }
    let mut ws = Ws::ready(&app, &manager).await;
    ws.subscribe("s", INTROSPECTIONS[1], json!({})).await;
    let reply = ws.recv().await;
    assert_eq!(
        reply["payload"]["data"]["s"]["queryType"]["name"], "Query",
        "{reply}"
    );

    let body = app
        .gql(
            Some("demo"),
            Some(&manager),
            "{ unitz { totalCount } }",
            json!({}),
        )
        .await;
    assert!(messages(&body).contains("Did you mean"), "{body}");

    let page = app
        .client()
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get(STRICT_TRANSPORT_SECURITY).is_none());

    let metrics = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.text().await.unwrap().contains("klustera_"));

    let preflight = preflight(&app, "https://anywhere.example").await;
    assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        preflight
            .headers()
            .get(ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none(),
        "never credentials with *"
    );
}

/// The text of the page's inline `<script>` elements, as `'sha256-...'` sources.
fn inline_script_hashes(html: &str) -> Vec<String> {
    html.split("<script>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</script>").map(|(s, _)| s))
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect()
}

/// The value of `directive` in a Content-Security-Policy.
fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).map(str::trim))
        .unwrap_or_else(|| panic!("{name} in {csp}"))
}

#[tokio::test]
async fn graphiql_is_off_in_production_unless_configured_and_runs_under_its_own_policy() {
    let app = TestApp::spawn_with(production).await;
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("GraphiQL is not served here")
    );
    // Queries over GET still work.
    let resp = app
        .client()
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let app = TestApp::spawn_with(|c| {
        production(c);
        c.playground = Some(true);
    })
    .await;
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .header("host", "api.klustera.test")
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(resp.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(resp.headers().get(STRICT_TRANSPORT_SECURITY).is_some());
    let html = resp.text().await.unwrap();
    assert!(html.contains("GraphiQL"));

    // Scripts: the CDN and the page's own inline script, by hash; nothing else.
    let hashes = inline_script_hashes(&html);
    assert_eq!(hashes.len(), 1);
    assert_eq!(
        directive(&csp, "script-src"),
        format!("https://unpkg.com {}", hashes[0])
    );
    for src in html.split("src=\"").skip(1) {
        assert!(src.starts_with("https://unpkg.com/"), "{src}");
    }
    assert_eq!(directive(&csp, "default-src"), "'none'");
    assert_eq!(directive(&csp, "frame-ancestors"), "'none'");
    assert_eq!(directive(&csp, "object-src"), "'none'");
    assert_eq!(
        directive(&csp, "connect-src"),
        "'self' ws://api.klustera.test wss://api.klustera.test"
    );
}

/// A client built as `npm run build` leaves it: `index.html` and one hashed bundle.
fn built_client() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("klustera-web-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Klustera</title><div id=root></div>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/index-Bl6pcamI.js"), "console.log(1)").unwrap();
    dir
}

#[tokio::test]
async fn in_production_metrics_are_not_public_without_a_token_or_their_own_address() {
    let dir = built_client();
    let web_dir = dir.clone();
    let app = TestApp::spawn_with(|c| {
        production(c);
        c.web_dir = web_dir;
    })
    .await;
    let resp = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(
        resp.status(),
        404,
        "neither the metrics nor the client's page"
    );
    assert!(!resp.text().await.unwrap().contains("klustera_"));
    // Start-up says how to turn it on.
    let notes = app.state.config.startup_notes().join("\n");
    assert!(
        notes.contains("/metrics is not served")
            && notes.contains("KLUSTERA_METRICS_BIND")
            && notes.contains("KLUSTERA_METRICS_TOKEN"),
        "{notes}"
    );

    // Behind a token, compared whole.
    const TOKEN: &str = "scrape-token-0123456789";
    let app = TestApp::spawn_with(|c| {
        production(c);
        c.metrics_token = Some(TOKEN.into());
    })
    .await;
    let scrape = |token: Option<&str>| {
        let mut req = app.client().get(app.url("/metrics"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let resp = scrape(None).await.unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    for wrong in [
        "scrape-token-012345678",
        "scrape-token-01234567890",
        "scrape-token-0123456780",
    ] {
        assert_eq!(scrape(Some(wrong)).await.unwrap().status(), 401, "{wrong}");
    }
    let resp = scrape(Some(TOKEN)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        !app.state
            .config
            .startup_notes()
            .iter()
            .any(|n| n.contains("/metrics"))
    );
    assert!(resp.text().await.unwrap().contains("klustera_"));

    // On an address of its own, and only there.
    let app = TestApp::spawn_with(|c| {
        production(c);
        c.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let resp = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let private = klustera::app::spawn_metrics(&app.state)
        .await
        .unwrap()
        .expect("metrics_bind is set");
    let resp = app
        .client()
        .get(format!("http://{private}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("klustera_"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A browser's CORS preflight for a POST with a bearer token, from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,x-klustera-session",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn in_production_cors_allows_only_the_configured_origins_with_credentials() {
    const APP: &str = "https://app.estate.example";
    let app = TestApp::spawn_with(|c| {
        production(c);
        c.cors_origins = vec![APP.into()];
    })
    .await;
    let resp = preflight(&app, APP).await;
    assert!(resp.status().is_success());
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    let allowed = resp.headers()[ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("x-klustera-session"), "{allowed}");
    // The request itself.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("origin", APP)
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);

    for other in ["https://evil.example", "http://app.estate.example", "null"] {
        let resp = preflight(&app, other).await;
        assert!(
            resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{other}"
        );
    }

    // None configured: no other origin at all.
    let app = TestApp::spawn_with(production).await;
    let resp = preflight(&app, APP).await;
    assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
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
async fn every_page_carries_the_security_headers_in_both_profiles_and_hsts_in_production() {
    let dir = built_client();
    for production_profile in [false, true] {
        let web_dir = dir.clone();
        let app = TestApp::spawn_with(|c| {
            c.web_dir = web_dir;
            if production_profile {
                production(c);
            }
        })
        .await;
        for path in ["/", "/bills/QmlsbDo0Mg"] {
            let resp = get(&app, path, "demo.klustera.test").await;
            assert_eq!(resp.status(), 200);
            let h = resp.headers();
            assert!(h[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
            let csp = h[CONTENT_SECURITY_POLICY].to_str().unwrap();
            for (name, value) in [
                ("default-src", "'self'"),
                ("script-src", "'self'"),
                ("style-src", "'self'"),
                ("object-src", "'none'"),
                ("base-uri", "'self'"),
                ("frame-ancestors", "'none'"),
                (
                    "connect-src",
                    "'self' ws://demo.klustera.test wss://demo.klustera.test",
                ),
            ] {
                assert_eq!(directive(csp, name), value, "{path}: {csp}");
            }
            assert_eq!(h[X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert_eq!(h[REFERRER_POLICY], "no-referrer");
            assert_eq!(h[X_FRAME_OPTIONS], "DENY");
            assert_eq!(
                h.get(STRICT_TRANSPORT_SECURITY).is_some(),
                production_profile,
                "{path}"
            );
        }
        // A Host that would smuggle a directive is left out of the policy.
        let resp = get(&app, "/", "demo.klustera.test;script-src=*").await;
        if let Some(csp) = resp.headers().get(CONTENT_SECURITY_POLICY) {
            assert!(!csp.to_str().unwrap().contains('*'), "{csp:?}");
        }

        // Everything else: no sniffing, and HSTS in production.
        let asset = get(&app, "/assets/index-Bl6pcamI.js", "demo.klustera.test").await;
        assert_eq!(asset.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
        let resp = app
            .client()
            .post(app.url("/graphql"))
            .json(&json!({"query": "{ __typename }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            resp.headers()
                .get(STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap().to_owned()),
            production_profile.then(|| "max-age=63072000; includeSubDomains".to_owned())
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// `klustera tenant list` with `env` set: what start-up says (it fails before connecting).
fn start_up(env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_klustera"));
    cmd.args(["tenant", "list"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("JWT_SECRET")
        .env_remove("KLUSTERA_ENV");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_profile_that_is_not_one_or_an_unsafe_production_fails_start_up_naming_it() {
    let (ok, stderr) = start_up(&[("KLUSTERA_ENV", "staging")]);
    assert!(!ok);
    assert!(
        stderr.contains("staging") && stderr.contains("production"),
        "{stderr}"
    );
    assert!(!stderr.contains("connect"), "before connecting: {stderr}");

    let (ok, stderr) = start_up(&[("KLUSTERA_ENV", "production")]);
    assert!(!ok);
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");

    let secret = ("JWT_SECRET", crate::app::JWT_SECRET);
    for (origins, named) in [("*", "*"), ("https://a.example/path", "/path")] {
        let (ok, stderr) = start_up(&[
            ("KLUSTERA_ENV", "production"),
            secret,
            ("KLUSTERA_CORS_ORIGINS", origins),
        ]);
        assert!(!ok);
        assert!(
            stderr.contains("KLUSTERA_CORS_ORIGINS") && stderr.contains(named),
            "{stderr}"
        );
    }
    let (ok, stderr) = start_up(&[
        ("KLUSTERA_ENV", "production"),
        secret,
        ("KLUSTERA_METRICS_TOKEN", "short"),
    ]);
    assert!(!ok);
    assert!(stderr.contains("KLUSTERA_METRICS_TOKEN"), "{stderr}");
}
