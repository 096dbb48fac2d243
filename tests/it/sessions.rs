//! Access ends when it should: a disabled, demoted or signed-out-everywhere login is
//! refused at once (not when its access token expires), on every instance, its refresh
//! tokens die and its open WebSocket connections close with 4403.

use std::time::Duration;

use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp, code};
use crate::live::{Ws, redis_url};

const ME: &str = "{ me { id role } }";
/// A manager-only field.
const MANAGER_ONLY: &str = "mutation($i: CreateAccountInput!) { createUserAccount(input: $i) }";
const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken user { role } } }";
const DISABLE: &str = "mutation($u: ID!) { disableUser(userId: $u) { id disabled } }";
const ENABLE: &str = "mutation($u: ID!) { enableUser(userId: $u) { id disabled } }";
const CHANGE_ROLE: &str =
    "mutation($u: ID!, $r: Role!) { changeRole(userId: $u, role: $r) { id role } }";
const SIGN_OUT_EVERYWHERE: &str = "mutation($u: ID) { signOutEverywhere(userId: $u) { id } }";

/// A second manager of `tenant`, created by its first: `(user id, access, refresh)`.
async fn second_manager(app: &TestApp, tenant: &str, first: &str) -> (String, String, String) {
    let email = format!("second@{tenant}.test");
    let body = app
        .gql(
            Some(tenant),
            Some(first),
            MANAGER_ONLY,
            json!({"i": {"role": "MANAGER", "email": email, "password": PASSWORD,
                         "displayName": "Second Manager"}}),
        )
        .await;
    let id = body["data"]["createUserAccount"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let (access, refresh) = app.login(tenant, &email).await;
    (id, access, refresh)
}

fn new_login(n: u32) -> Value {
    json!({"i": {"role": "SECURITY", "email": format!("guard{n}@alpha.test"),
                 "password": PASSWORD, "displayName": "Guard"}})
}

async fn me_id(app: &TestApp, token: &str) -> String {
    let body = app.gql(Some("alpha"), Some(token), ME, json!({})).await;
    body["data"]["me"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

#[tokio::test]
async fn a_disabled_login_is_refused_at_once_and_cannot_refresh_or_sign_in() {
    let app = TestApp::spawn().await;
    let resident = app.tenant("alpha", 2, 2).await.resident;
    let first = app.manager_token("alpha").await;
    let (second, access, refresh) = second_manager(&app, "alpha", &first).await;
    let ok = app
        .gql(Some("alpha"), Some(&access), MANAGER_ONLY, new_login(1))
        .await;
    assert!(ok["data"]["createUserAccount"].is_string(), "{ok}");

    let body = app
        .gql(Some("alpha"), Some(&first), DISABLE, json!({"u": second}))
        .await;
    assert_eq!(body["data"]["disableUser"]["disabled"], true, "{body}");

    // The very next request with the unexpired token is refused.
    let refused = app
        .gql(Some("alpha"), Some(&access), MANAGER_ONLY, new_login(2))
        .await;
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
    assert_eq!(
        code(&app.gql(Some("alpha"), Some(&access), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
    let refreshed = app
        .gql(Some("alpha"), None, REFRESH, json!({"t": refresh}))
        .await;
    assert_eq!(code(&refreshed), "UNAUTHENTICATED", "{refreshed}");
    let revoked = app
        .rows(
            "alpha",
            "SELECT count(*)::text FROM control.refresh_tokens \
             WHERE tenant_slug = 'alpha' AND revoked_at IS NULL AND subject = \
             (SELECT id::text FROM users WHERE email = 'second@alpha.test')",
        )
        .await;
    assert_eq!(
        revoked,
        vec!["0"],
        "every refresh token of the login is revoked"
    );

    // Enabled again: a new sign-in works (the old tokens stay dead).
    let body = app
        .gql(Some("alpha"), Some(&first), ENABLE, json!({"u": second}))
        .await;
    assert_eq!(body["data"]["enableUser"]["disabled"], false, "{body}");
    let (again, _) = app.login("alpha", "second@alpha.test").await;
    assert_eq!(me_id(&app, &again).await, second);
    assert_eq!(
        code(&app.gql(Some("alpha"), Some(&access), ME, json!({})).await),
        "UNAUTHENTICATED"
    );

    // Only managers manage logins; the change is audited.
    let resident = app.login("alpha", &resident).await.0;
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            DISABLE,
            json!({"u": second}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let audited = app
        .rows(
            "alpha",
            "SELECT operation FROM audit_log WHERE operation IN ('disableUser', 'enableUser') ORDER BY id",
        )
        .await;
    assert_eq!(audited, vec!["disableUser", "enableUser"]);
}

#[tokio::test]
async fn a_demoted_manager_is_refused_at_once_and_refreshes_into_the_new_role() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let first = app.manager_token("alpha").await;
    let (second, access, refresh) = second_manager(&app, "alpha", &first).await;

    let body = app
        .gql(
            Some("alpha"),
            Some(&first),
            CHANGE_ROLE,
            json!({"u": second, "r": "SECURITY"}),
        )
        .await;
    assert_eq!(body["data"]["changeRole"]["role"], "SECURITY", "{body}");
    let refused = app
        .gql(Some("alpha"), Some(&access), MANAGER_ONLY, new_login(1))
        .await;
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");

    // The sign-in itself goes on, with the new role.
    let refreshed = app
        .gql(Some("alpha"), None, REFRESH, json!({"t": refresh}))
        .await;
    assert_eq!(
        refreshed["data"]["refreshToken"]["user"]["role"], "SECURITY",
        "{refreshed}"
    );
    let token = refreshed["data"]["refreshToken"]["accessToken"]
        .as_str()
        .unwrap();
    let body = app
        .gql(Some("alpha"), Some(token), MANAGER_ONLY, new_login(2))
        .await;
    assert_eq!(code(&body), "FORBIDDEN");

    // A RESIDENT login belongs to a resident record: no role change makes one.
    let body = app
        .gql(
            Some("alpha"),
            Some(&first),
            CHANGE_ROLE,
            json!({"u": second, "r": "RESIDENT"}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn the_last_manager_cannot_be_locked_out_even_by_two_at_once() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let first = app.manager_token("alpha").await;
    let first_id = me_id(&app, &first).await;
    let (second, access, _) = second_manager(&app, "alpha", &first).await;

    // Each demotes the other, both waiting behind a held lock on the logins: exactly one
    // may win, whatever the order.
    let held = app.hold("LOCK TABLE t_alpha.users IN EXCLUSIVE MODE").await;
    let (a, b, ()) = tokio::join!(
        app.gql(
            Some("alpha"),
            Some(&first),
            CHANGE_ROLE,
            json!({"u": second, "r": "SECURITY"})
        ),
        app.gql(
            Some("alpha"),
            Some(&access),
            DISABLE,
            json!({"u": first_id})
        ),
        async {
            app.until_lock_waiters(2).await;
            held.release().await;
        },
    );
    let outcomes = [&a, &b].map(|body| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("OK")
            .to_owned()
    });
    let mut sorted = outcomes.clone();
    sorted.sort();
    assert_eq!(sorted, ["CONFLICT", "OK"], "{a} {b}");
    let managers = app
        .rows(
            "alpha",
            "SELECT count(*)::text FROM users WHERE role = 'MANAGER' AND disabled_at IS NULL",
        )
        .await;
    assert_eq!(managers, vec!["1"]);

    // The one left cannot disable or demote themself.
    let (last, last_id) = if outcomes[0] == "OK" {
        (first.clone(), first_id.clone())
    } else {
        let (token, _) = app.login("alpha", "second@alpha.test").await;
        (token, second.clone())
    };
    for (query, vars) in [
        (DISABLE, json!({"u": last_id})),
        (CHANGE_ROLE, json!({"u": last_id, "r": "SECURITY"})),
    ] {
        let body = app.gql(Some("alpha"), Some(&last), query, vars).await;
        assert_eq!(code(&body), "CONFLICT", "{body}");
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_sign_in_of_the_login() {
    let app = TestApp::spawn().await;
    let resident = app.tenant("alpha", 2, 2).await.resident;
    let (phone, phone_refresh) = app.login("alpha", &resident).await;
    let (laptop, laptop_refresh) = app.login("alpha", &resident).await;

    let body = app
        .gql(Some("alpha"), Some(&laptop), SIGN_OUT_EVERYWHERE, json!({}))
        .await;
    assert!(
        body["data"]["signOutEverywhere"]["id"].is_string(),
        "{body}"
    );
    for token in [&phone, &laptop] {
        assert_eq!(
            code(&app.gql(Some("alpha"), Some(token), ME, json!({})).await),
            "UNAUTHENTICATED"
        );
    }
    for refresh in [&phone_refresh, &laptop_refresh] {
        let body = app
            .gql(Some("alpha"), None, REFRESH, json!({"t": refresh}))
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    // A new sign-in works.
    let (fresh, _) = app.login("alpha", &resident).await;
    let resident_id = me_id(&app, &fresh).await;

    // A resident may not sign out someone else; a manager may sign out anyone.
    let manager = app.manager_token("alpha").await;
    let manager_id = me_id(&app, &manager).await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&fresh),
            SIGN_OUT_EVERYWHERE,
            json!({"u": manager_id}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            SIGN_OUT_EVERYWHERE,
            json!({"u": resident_id}),
        )
        .await;
    assert!(
        body["data"]["signOutEverywhere"]["id"].is_string(),
        "{body}"
    );
    assert_eq!(
        code(&app.gql(Some("alpha"), Some(&fresh), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn a_disabled_logins_sockets_close_on_every_instance_and_its_tokens_die_there() {
    let namespace = format!("kt-{}", uuid::Uuid::new_v4().simple());
    let with_redis = |c: &mut klustera::config::Config| {
        c.redis_url = Some(redis_url());
        c.redis_namespace = namespace.clone();
    };
    let one = TestApp::spawn_with(with_redis).await;
    let two = one.spawn_beside(with_redis).await;
    one.tenant("alpha", 2, 2).await;
    let first = one.manager_token("alpha").await;
    let (second, access, _) = second_manager(&one, "alpha", &first).await;
    // Instance two has seen (and cached) the token as current.
    assert_eq!(me_id(&two, &access).await, second);

    let mut on_one = Ws::ready(&one, &access).await;
    let mut on_two = Ws::ready(&two, &access).await;
    let mut other = Ws::ready(&two, &first).await;

    let body = one
        .gql(Some("alpha"), Some(&first), DISABLE, json!({"u": second}))
        .await;
    assert_eq!(body["data"]["disableUser"]["disabled"], true, "{body}");
    for ws in [&mut on_one, &mut on_two] {
        let (code, reason) = ws.closed_within(Duration::from_secs(2)).await;
        assert_eq!(code, 4403);
        assert!(reason.contains("ended"), "{reason}");
    }
    // Instance two heard it: the token is refused there too.
    assert_eq!(
        code(&two.gql(Some("alpha"), Some(&access), ME, json!({})).await),
        "UNAUTHENTICATED"
    );
    // Another login's connection stays.
    other.send(json!({"type": "ping"})).await;
    assert_eq!(other.recv().await["type"], "pong");
    // And a new connection with the old token is refused at connection_init.
    let mut refused = Ws::connect(&two, crate::live::TRANSPORT).await;
    refused
        .send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {access}")}}))
        .await;
    assert_eq!(refused.closed().await.0, 4403);
}
