//! Transient database failures: a deadlock victim runs again and succeeds; connections
//! the server killed are never handed to an operation; while PostgreSQL cannot be
//! reached, GraphQL answers 503 with `Retry-After` and `SERVICE_UNAVAILABLE`.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::app::{TestApp, admin_url, code, gid};

const DISABLE: &str = "mutation($u: ID!) { disableUser(userId: $u) { disabled } }";
const ME: &str = "{ me { id } }";

async fn id_of(app: &TestApp, role: &str) -> i64 {
    app.rows(
        "alpha",
        &format!("SELECT id::text FROM users WHERE role = '{role}'"),
    )
    .await[0]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_deadlock_victim_runs_again_and_succeeds() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let guard = id_of(&app, "SECURITY").await;
    let boss = id_of(&app, "MANAGER").await;
    let (low, high) = (guard.min(boss), guard.max(boss));

    // Disabling a login locks it and the active managers in id order. The test's
    // transaction holds the higher row, so the operation locks the lower and waits; then
    // the test takes the lower: a deadlock. The test's own deadlock check comes a minute
    // late, so the operation is the one PostgreSQL rolls back.
    let db = sea_orm::Database::connect(&app.db_url).await.unwrap();
    let held = db.begin().await.unwrap();
    held.execute_unprepared("SET LOCAL deadlock_timeout = '60s'")
        .await
        .unwrap();
    held.execute_unprepared(&format!(
        "SELECT 1 FROM t_alpha.users WHERE id = {high} FOR UPDATE"
    ))
    .await
    .unwrap();
    let (body, ()) = tokio::join!(
        app.gql(
            Some("alpha"),
            Some(&manager),
            DISABLE,
            json!({"u": gid("User", guard)})
        ),
        async {
            app.until_lock_waiters(1).await;
            // Returns once the operation was chosen as the deadlock's victim.
            held.execute_unprepared(&format!(
                "SELECT 1 FROM t_alpha.users WHERE id = {low} FOR UPDATE"
            ))
            .await
            .unwrap();
            // Its second run waits for the test's locks; let it through.
            app.until_lock_waiters(1).await;
            held.rollback().await.unwrap();
        },
    );
    assert_eq!(body["data"]["disableUser"]["disabled"], true, "{body}");
    assert_eq!(app.metric("klustera_operation_retries_total").await, 1);
    let disabled = app
        .rows(
            "alpha",
            &format!("SELECT (disabled_at IS NOT NULL)::text FROM users WHERE id = {guard}"),
        )
        .await;
    assert_eq!(disabled, vec!["true"]);
}

#[tokio::test]
async fn connections_the_server_killed_are_never_handed_out() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 4).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    // Four operations at once: four pooled connections.
    let warm = futures::future::join_all(
        (0..4).map(|_| app.gql(Some("alpha"), Some(&manager), ME, json!({}))),
    )
    .await;
    assert!(warm.iter().all(|b| b["data"]["me"]["id"].is_string()));

    let admin = sea_orm::Database::connect(&app.db_url).await.unwrap();
    admin
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();
    for _ in 0..8 {
        let body = app.gql(Some("alpha"), Some(&manager), ME, json!({})).await;
        assert!(body["data"]["me"]["id"].is_string(), "{body}");
    }
}

/// A TCP proxy to the test's PostgreSQL that can be cut (listener and connections).
struct Proxy {
    port: u16,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut proxy = Self { port, task: None };
        proxy.up().await;
        proxy
    }

    fn upstream() -> String {
        let admin = admin_url();
        let after_at = admin.rsplit_once('@').map_or(admin.as_str(), |(_, h)| h);
        after_at.split('/').next().unwrap().to_owned()
    }

    async fn up(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let upstream = Self::upstream();
        self.task = Some(tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Cuts every connection and stops listening (dropping the task drops them all).
    async fn down(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    fn url(&self, db: &str) -> String {
        let admin = admin_url();
        let user = admin
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('@'))
            .map_or("postgres", |(u, _)| u);
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }
}

async fn post(app: &TestApp, token: &str) -> (u16, Option<String>, Value) {
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("x-tenant", "alpha")
        .header("accept", "application/json")
        .bearer_auth(token)
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, resp.json().await.unwrap())
}

#[tokio::test]
async fn while_postgres_is_unreachable_graphql_answers_503_and_recovers() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let mut proxy = Proxy::start().await;
    let via = app.spawn_beside_via(&proxy.url(&app.db_name), |_| {}).await;
    let (status, _, body) = post(&via, &manager).await;
    assert_eq!(status, 200, "{body}");

    proxy.down().await;
    for _ in 0..2 {
        let (status, retry, body) = post(&via, &manager).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(retry.as_deref(), Some("5"));
        assert_eq!(code(&body), "SERVICE_UNAVAILABLE");
    }

    proxy.up().await;
    let (status, _, body) = post(&via, &manager).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["me"]["id"].is_string(), "{body}");
}
