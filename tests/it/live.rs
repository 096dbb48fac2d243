//! Live: subscriptions over WebSocket (both protocols, close codes), polls and their live
//! tallies, votes under concurrency, and fan-out across instances through Redis.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use klustera_graphql::{Principal, Role};

use crate::app::{JWT_SECRET, TestApp, code, row_of};

pub const TRANSPORT: &str = "graphql-transport-ws";
pub const LEGACY: &str = "graphql-ws";
/// Upper bound on any single wait: a hang fails the test instead of blocking CI.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub const TALLY: &str = "subscription($p: ID!) { voteTally(pollId: $p) { pollId total hidden results { optionId votes } } }";

/// A raw WebSocket client speaking whatever the test sends.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    pub async fn connect(app: &TestApp, protocol: &str) -> Self {
        let mut request = format!("ws://{}/graphql/ws", app.addr)
            .into_client_request()
            .unwrap();
        if !protocol.is_empty() {
            request.headers_mut().insert(
                "sec-websocket-protocol",
                HeaderValue::from_str(protocol).unwrap(),
            );
        }
        let (stream, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        if protocol == TRANSPORT || protocol == LEGACY {
            assert_eq!(
                response.headers()["sec-websocket-protocol"],
                protocol,
                "the server accepts the subprotocol"
            );
        }
        Self { stream }
    }

    /// Connected, initialised with `token` and acknowledged.
    pub async fn ready(app: &TestApp, token: &str) -> Self {
        let mut ws = Self::connect(app, TRANSPORT).await;
        ws.send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}}))
            .await;
        assert_eq!(ws.recv().await["type"], "connection_ack");
        ws
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"type": "subscribe", "id": id, "payload": {"query": query, "variables": variables}}))
            .await;
    }

    /// The next protocol message, answering and skipping keep-alives. Keep-alives do not
    /// extend the wait: a value that never comes fails the test after `PATIENCE`.
    pub async fn recv(&mut self) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .expect("a message in time")
                .expect("the connection is open")
                .unwrap();
            match message {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    match value["type"].as_str() {
                        Some("ping") => self.send(json!({"type": "pong"})).await,
                        Some("ka") => {}
                        _ => return value,
                    }
                }
                Message::Close(frame) => panic!("closed unexpectedly: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The next text message as sent, keep-alives included (nothing is answered).
    pub async fn raw_within(&mut self, patience: Duration) -> Value {
        loop {
            let message = tokio::time::timeout(patience, self.stream.next())
                .await
                .expect("a message in time")
                .expect("the connection is open")
                .unwrap();
            match message {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => panic!("closed unexpectedly: {frame:?}"),
                _ => {}
            }
        }
    }

    /// Reads until the server closes; returns the close code and reason.
    pub async fn closed(&mut self) -> (u16, String) {
        self.closed_within(PATIENCE).await
    }

    /// Reads until the server closes, which must happen within `patience`.
    pub async fn closed_within(&mut self, patience: Duration) -> (u16, String) {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .expect("the server closes in time");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (frame.code.into(), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                    panic!("closed without a close code")
                }
                Some(Ok(_)) => {}
            }
        }
    }
}

/// A poll of `options` options; returns its id and option ids.
pub async fn create_poll(
    app: &TestApp,
    tenant: &str,
    manager: &str,
    eligibility: &str,
    hide: bool,
) -> (String, Vec<String>) {
    let body = app
        .gql(
            Some(tenant),
            Some(manager),
            "mutation($e: Eligibility!, $h: Boolean!, $c: DateTime!) { createPoll(input: {
                title: \"Ganti satpam?\", options: [\"Setuju\", \"Tidak setuju\", \"Abstain\"],
                eligibility: $e, hideResultsUntilClose: $h, closesAt: $c }) { id options { id } } }",
            json!({"e": eligibility, "h": hide, "c": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339()}),
        )
        .await;
    let poll = &body["data"]["createPoll"];
    assert!(poll.is_object(), "{body}");
    let options = poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    (poll["id"].as_str().unwrap().to_owned(), options)
}

/// Access tokens for the first `n` residents with a unit, minted with the server's keys
/// for logins made in SQL (they stand in for `n` sign-ins, which would only test
/// argon2's speed).
pub async fn resident_tokens(app: &TestApp, tenant: &str, n: usize) -> Vec<String> {
    let ids = app
        .rows(
            tenant,
            &format!(
                "SELECT resident_id::text FROM (SELECT DISTINCT resident_id FROM resident_units \
                 WHERE ends_on IS NULL) r ORDER BY resident_id LIMIT {n}"
            ),
        )
        .await;
    assert_eq!(ids.len(), n, "enough residents with a unit");
    let ids: Vec<i64> = ids.iter().map(|id| id.parse().unwrap()).collect();
    minted_tokens(app, tenant, &ids).await
}

/// Access tokens of a login (made here, in SQL) for each resident of `resident_ids`.
pub async fn minted_tokens(app: &TestApp, tenant: &str, resident_ids: &[i64]) -> Vec<String> {
    let list = resident_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    app.sql(
        tenant,
        &format!(
            "INSERT INTO users (email, password_hash, role, resident_id, display_name) \
             SELECT 'minted-' || r || '@test.invalid', 'x', 'RESIDENT', r, 'Minted' \
             FROM unnest(ARRAY[{list}]::bigint[]) r ON CONFLICT DO NOTHING"
        ),
    )
    .await;
    let mut tokens = Vec::new();
    for &resident in resident_ids {
        let user = app
            .rows(
                tenant,
                &format!(
                    "SELECT id::text FROM users WHERE email = 'minted-{resident}@test.invalid'"
                ),
            )
            .await[0]
            .parse()
            .unwrap();
        let principal = Principal {
            user_id: user,
            role: Role::Resident,
            tenant: tenant.into(),
            resident_id: Some(resident),
            auth_version: 0,
        };
        tokens.push(app.state.keys.issue(&principal).unwrap().0);
    }
    tokens
}

pub async fn vote(app: &TestApp, tenant: &str, token: &str, poll: &str, option: &str) -> Value {
    app.gql(
        Some(tenant),
        Some(token),
        "mutation($p: ID!, $o: ID!) { castVote(pollId: $p, optionId: $o) { total } }",
        json!({"p": poll, "o": option}),
    )
    .await
}

fn token_expiring_in(seconds: i64) -> String {
    token_expiring_at(chrono::Utc::now().timestamp() + seconds)
}

/// A manager's access token of tenant `alpha` that expires at `exp` (unix seconds).
fn token_expiring_at(exp: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"iss": "klustera", "aud": "klustera-api", "sub": "1", "tenant": "alpha",
        "role": "MANAGER", "iat": now, "nbf": now, "exp": exp, "jti": "short", "typ": "access"});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn graphql_transport_ws_follows_the_protocol_to_the_close_code() {
    let app = TestApp::spawn_with(|c| c.ws_init_timeout_ms = 300).await;
    app.tenant("alpha", 4, 6).await;
    app.tenant("beta", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {manager}")}});

    // Subscribing before the acknowledgement: 4401.
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    ws.subscribe("1", TALLY, json!({"p": poll})).await;
    assert_eq!(ws.closed().await, (4401, "Unauthorized".into()));

    // No connection_init in time: 4408.
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    assert_eq!(ws.closed().await.0, 4408);

    // A bad token, or another tenant's: 4403.
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    ws.send(json!({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}}))
        .await;
    assert_eq!(ws.closed().await.0, 4403);
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    ws.send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {manager}"), "X-Tenant": "beta"}}))
        .await;
    let (code, reason) = ws.closed().await;
    assert_eq!(code, 4403);
    assert!(
        reason.len() < 123 && reason.contains("another tenant"),
        "{reason}"
    );

    // Garbage: 4400. A second init: 4429.
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    ws.send_text("{not json").await;
    assert_eq!(ws.closed().await.0, 4400);
    let mut ws = Ws::connect(&app, TRANSPORT).await;
    ws.send(init.clone()).await;
    assert_eq!(ws.recv().await["type"], "connection_ack");
    ws.send(init.clone()).await;
    assert_eq!(ws.closed().await.0, 4429);

    // Subscribe, receive the tally now and after a vote, ping/pong, complete.
    let mut ws = Ws::ready(&app, &manager).await;
    ws.subscribe("t1", TALLY, json!({"p": poll})).await;
    let first = ws.recv().await;
    assert_eq!(first["type"], "next", "{first}");
    assert_eq!(first["id"], "t1");
    assert_eq!(first["payload"]["data"]["voteTally"]["total"], 0);
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let voted = vote(&app, "alpha", &resident, &poll, &options[1]).await;
    assert_eq!(voted["data"]["castVote"]["total"], 1, "{voted}");
    let next = ws.recv().await;
    assert_eq!(next["payload"]["data"]["voteTally"]["total"], 1);
    assert_eq!(
        next["payload"]["data"]["voteTally"]["results"][1]["votes"], 1,
        "{next}"
    );
    ws.send(json!({"type": "ping"})).await;
    assert_eq!(ws.recv().await["type"], "pong");

    // Errors of one operation end only that operation.
    ws.subscribe("bad", TALLY, json!({"p": "999999"})).await;
    let error = ws.recv().await;
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(error["id"], "bad");
    assert_eq!(error["payload"][0]["extensions"]["code"], "NOT_FOUND");
    ws.subscribe("q", "{ me { role } }", json!({})).await;
    let answer = ws.recv().await;
    assert_eq!(
        answer["payload"]["data"]["me"]["role"], "MANAGER",
        "{answer}"
    );
    assert_eq!(ws.recv().await, json!({"type": "complete", "id": "q"}));

    // The client completes: nothing more for that id; the id may be reused.
    ws.send(json!({"type": "complete", "id": "t1"})).await;
    ws.subscribe("t1", TALLY, json!({"p": poll})).await;
    assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 1);

    // A running id again: 4409.
    ws.subscribe("t1", TALLY, json!({"p": poll})).await;
    assert_eq!(
        ws.closed().await,
        (4409, "Subscriber for t1 already exists".into())
    );

    // No subprotocol: 4406.
    let mut ws = Ws::connect(&app, "").await;
    assert_eq!(ws.closed().await.0, 4406);
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_still_works() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", false).await;

    let mut ws = Ws::connect(&app, LEGACY).await;
    ws.send(json!({"type": "connection_init", "payload": {"Authorization": "Bearer bad"}}))
        .await;
    assert_eq!(ws.recv().await["type"], "connection_error");
    assert_eq!(ws.closed().await.0, 4401);

    let mut ws = Ws::connect(&app, LEGACY).await;
    ws.send(json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {manager}")}}))
        .await;
    assert_eq!(ws.recv().await["type"], "connection_ack");
    ws.send(
        json!({"type": "start", "id": "1", "payload": {"query": TALLY, "variables": {"p": poll}}}),
    )
    .await;
    let data = ws.recv().await;
    assert_eq!(data["type"], "data");
    assert_eq!(data["payload"]["data"]["voteTally"]["total"], 0);
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    vote(&app, "alpha", &resident, &poll, &options[0]).await;
    assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 1);
    ws.send(json!({"type": "stop", "id": "1"})).await;
    assert_eq!(ws.recv().await, json!({"type": "complete", "id": "1"}));
}

#[tokio::test]
async fn an_expired_access_token_closes_the_connection_unless_refreshed() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", false).await;
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);

    // The first token lives 2-3 s; a ping carries a fresh one right away.
    let first_expiry = chrono::Utc::now().timestamp() + 3;
    let mut ws = Ws::ready(&app, &token_expiring_at(first_expiry)).await;
    ws.send(json!({"type": "ping", "payload": {"Authorization": format!("Bearer {}", token_expiring_in(600))}}))
        .await;
    assert_eq!(ws.recv().await["type"], "pong");
    ws.subscribe("t", TALLY, json!({"p": poll})).await;
    assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);

    // A twin never refreshed, whose token outlives the first one by a second: once the
    // server closed it for its expiry, the first token has been dead for a second.
    let mut twin = Ws::ready(&app, &token_expiring_at(first_expiry + 1)).await;
    let (code, reason) = twin.closed().await;
    assert_eq!(code, 4403);
    assert!(reason.contains("expired"), "{reason}");
    assert!(chrono::Utc::now().timestamp() > first_expiry);

    // The refreshed connection is alive past the first token's expiry: it answers, and its
    // subscription still delivers.
    ws.send(json!({"type": "ping"})).await;
    assert_eq!(ws.recv().await["type"], "pong");
    let voted = vote(&app, "alpha", &resident, &poll, &options[0]).await;
    assert_eq!(voted["data"]["castVote"]["total"], 1, "{voted}");
    let next = ws.recv().await;
    assert_eq!(next["payload"]["data"]["voteTally"]["total"], 1, "{next}");
}

#[tokio::test]
async fn hidden_results_stay_hidden_from_residents_until_the_poll_closes() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", true).await;
    let residents = resident_tokens(&app, "alpha", 2).await;

    let mut resident_ws = Ws::ready(&app, &residents[0]).await;
    resident_ws.subscribe("r", TALLY, json!({"p": poll})).await;
    let mut staff_ws = Ws::ready(&app, &manager).await;
    staff_ws.subscribe("s", TALLY, json!({"p": poll})).await;
    assert_eq!(
        resident_ws.recv().await["payload"]["data"]["voteTally"]["hidden"],
        true
    );
    assert_eq!(
        staff_ws.recv().await["payload"]["data"]["voteTally"]["hidden"],
        false
    );

    vote(&app, "alpha", &residents[1], &poll, &options[2]).await;
    let seen = resident_ws.recv().await["payload"]["data"]["voteTally"].clone();
    assert_eq!(seen["total"], 1);
    assert_eq!(seen["results"], Value::Null, "results hidden: {seen}");
    let staff = staff_ws.recv().await["payload"]["data"]["voteTally"].clone();
    assert_eq!(staff["results"][2]["votes"], 1, "{staff}");

    // Closed: everybody sees the results.
    let closed = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($p: ID!) { closePoll(id: $p) { tally { hidden results { votes } } } }",
            json!({"p": poll}),
        )
        .await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&residents[0]),
            "query($p: ID!) { poll(id: $p) { isOpen tally { hidden total results { votes } } } }",
            json!({"p": poll}),
        )
        .await;
    assert_eq!(
        closed["data"]["closePoll"]["tally"]["hidden"], false,
        "{closed}"
    );
    // Subscribers get the final tally when the poll closes: results no longer hidden.
    let last = resident_ws.recv().await["payload"]["data"]["voteTally"].clone();
    assert_eq!(last["hidden"], false, "{last}");
    assert_eq!(last["results"][2]["votes"], 1, "{last}");
    assert_eq!(body["data"]["poll"]["isOpen"], false, "{body}");
    assert_eq!(
        body["data"]["poll"]["tally"]["results"][2]["votes"], 1,
        "{body}"
    );
    let late = vote(&app, "alpha", &residents[0], &poll, &options[0]).await;
    assert_eq!(
        code(&late),
        "BAD_USER_INPUT",
        "no votes after close: {late}"
    );
}

#[tokio::test]
async fn two_hundred_residents_vote_at_once_and_double_votes_lose() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 8).await;
    app.tenant("alpha", 200, 220).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let residents = resident_tokens(&app, "alpha", 200).await;

    let mut ws = Ws::ready(&app, &manager).await;
    ws.subscribe("t", TALLY, json!({"p": poll})).await;
    assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);

    let results: Vec<Value> = futures::future::join_all(
        residents
            .iter()
            .enumerate()
            .map(|(i, t)| vote(&app, "alpha", t, &poll, &options[i % 3])),
    )
    .await;
    let refused = results.iter().find(|r| !r["errors"].is_null());
    assert!(refused.is_none(), "every vote counts: {refused:?}");

    // Bursts are coalesced, and the tally only ever grows, ending at exactly 200.
    let mut last = 0;
    while last < 200 {
        let tally = ws.recv().await["payload"]["data"]["voteTally"].clone();
        let total = tally["total"].as_i64().unwrap();
        assert!(total > last, "tallies never go back: {total} after {last}");
        let sum: i64 = tally["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["votes"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, total, "a tally adds up");
        last = total;
    }
    let rows = app
        .rows(
            "alpha",
            &format!(
                "SELECT count(*)::text FROM votes WHERE poll_id = {}",
                row_of(&json!(poll))
            ),
        )
        .await;
    assert_eq!(rows, vec!["200"]);

    // 50 attempts of one resident at once on a new poll: exactly one vote.
    let (poll2, options2) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let attempts: Vec<Value> = futures::future::join_all(
        (0..50).map(|i| vote(&app, "alpha", &residents[7], &poll2, &options2[i % 3])),
    )
    .await;
    let won = attempts.iter().filter(|r| r["errors"].is_null()).count();
    let conflicts = attempts
        .iter()
        .filter(|r| r["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!((won, conflicts), (1, 49));
    let rows = app
        .rows(
            "alpha",
            &format!(
                "SELECT count(*)::text FROM votes WHERE poll_id = {}",
                row_of(&json!(poll2))
            ),
        )
        .await;
    assert_eq!(rows, vec!["1"]);
}

/// The Redis the suite uses: `KLUSTERA_TEST_REDIS_URL`, else the local one.
pub fn redis_url() -> String {
    std::env::var("KLUSTERA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[tokio::test]
async fn a_vote_on_one_instance_reaches_subscribers_of_another_and_no_other_tenant() {
    let namespace = format!("kt-{}", uuid::Uuid::new_v4().simple());
    let with_redis = |c: &mut klustera::config::Config| {
        c.redis_url = Some(redis_url());
        c.redis_namespace = namespace.clone();
    };
    let one = TestApp::spawn_with(with_redis).await;
    let two = one.spawn_beside(with_redis).await;
    for tenant in ["alpha", "beta"] {
        one.tenant(tenant, 3, 3).await;
    }
    let health: Value = reqwest::get(two.url("/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["redis"], "ok", "{health}");

    let alpha_manager = one.manager_token("alpha").await;
    let beta_manager = one.manager_token("beta").await;
    let (alpha_poll, alpha_options) =
        create_poll(&one, "alpha", &alpha_manager, "UNIT", false).await;
    let (beta_poll, beta_options) = create_poll(&one, "beta", &beta_manager, "UNIT", false).await;

    // alpha watched on instance two; beta watched on both instances.
    let mut alpha_on_two = Ws::ready(&two, &alpha_manager).await;
    alpha_on_two
        .subscribe("a", TALLY, json!({"p": alpha_poll}))
        .await;
    let mut beta_on_one = Ws::ready(&one, &beta_manager).await;
    beta_on_one
        .subscribe("b", TALLY, json!({"p": beta_poll}))
        .await;
    let mut beta_on_two = Ws::ready(&two, &beta_manager).await;
    beta_on_two
        .subscribe("b", TALLY, json!({"p": beta_poll}))
        .await;
    for ws in [&mut alpha_on_two, &mut beta_on_one, &mut beta_on_two] {
        assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);
    }

    let alpha_resident = resident_tokens(&one, "alpha", 1).await.remove(0);
    vote(
        &one,
        "alpha",
        &alpha_resident,
        &alpha_poll,
        &alpha_options[0],
    )
    .await;
    let seen = alpha_on_two.recv().await;
    assert_eq!(
        seen["payload"]["data"]["voteTally"]["pollId"],
        alpha_poll.as_str()
    );
    assert_eq!(seen["payload"]["data"]["voteTally"]["total"], 1);

    // beta's subscribers heard nothing of alpha: their next message is beta's own vote.
    let beta_resident = resident_tokens(&two, "beta", 1).await.remove(0);
    vote(&two, "beta", &beta_resident, &beta_poll, &beta_options[1]).await;
    for ws in [&mut beta_on_one, &mut beta_on_two] {
        let next = ws.recv().await;
        assert_eq!(
            next["payload"]["data"]["voteTally"]["pollId"],
            beta_poll.as_str(),
            "{next}"
        );
        assert_eq!(
            next["payload"]["data"]["voteTally"]["results"][1]["votes"],
            1
        );
    }
}

/// A private `redis-server` on a free port, killed on drop.
pub struct PrivateRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    pub fn start_on(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is needed for the Redis restart test");
        let redis = Self {
            port,
            child: Some(child),
        };
        // Ready when it answers PING.
        let deadline = std::time::Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not start"
            );
            std::thread::yield_now();
        }
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn the_gateway_rides_out_a_redis_restart() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = PrivateRedis::start_on(port);
    let url = redis.url();
    let one = TestApp::spawn_with(|c| c.redis_url = Some(url.clone())).await;
    let two = one.spawn_beside(|c| c.redis_url = Some(url.clone())).await;
    one.tenant("alpha", 30, 30).await;
    let manager = one.manager_token("alpha").await;
    let (poll, options) = create_poll(&one, "alpha", &manager, "RESIDENT", false).await;
    let residents = resident_tokens(&one, "alpha", 30).await;
    let mut on_one = Ws::ready(&one, &manager).await;
    on_one.subscribe("t", TALLY, json!({"p": poll})).await;
    let mut on_two = Ws::ready(&two, &manager).await;
    on_two.subscribe("t", TALLY, json!({"p": poll})).await;
    for ws in [&mut on_one, &mut on_two] {
        assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);
    }

    // Redis goes away: queries, mutations and this instance's subscribers carry on.
    redis.stop();
    let voted = vote(&one, "alpha", &residents[0], &poll, &options[0]).await;
    assert_eq!(voted["data"]["castVote"]["total"], 1, "{voted}");
    assert_eq!(
        on_one.recv().await["payload"]["data"]["voteTally"]["total"],
        1
    );
    let health = one.client().get(one.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 503, "health tells Redis is down");

    // Redis is back: the gateways resubscribe by themselves, and instance two hears
    // instance one's votes again (each vote carries the full tally, so nothing is lost).
    let _redis = PrivateRedis::start_on(port);
    let mut heard = None;
    for (i, resident) in residents.iter().enumerate().skip(1) {
        vote(&one, "alpha", resident, &poll, &options[i % 3]).await;
        if let Ok(message) = tokio::time::timeout(Duration::from_millis(500), on_two.recv()).await {
            heard = Some((i + 1, message));
            break;
        }
    }
    let (cast, mut message) = heard.expect("instance two hears votes again after the restart");
    // The first tally heard may be the re-read that follows the resubscription, taken
    // before the last vote committed; the next one (that vote's event) is then current.
    let cast = i64::try_from(cast).unwrap();
    loop {
        let total = message["payload"]["data"]["voteTally"]["total"]
            .as_i64()
            .unwrap();
        assert!(total <= cast, "never ahead of the votes: {message}");
        if total == cast {
            break;
        }
        message = tokio::time::timeout(Duration::from_secs(5), on_two.recv())
            .await
            .unwrap_or_else(|_| panic!("the tally never became current: {message}"));
    }
}

#[tokio::test]
async fn a_poll_reaching_its_closing_time_pushes_its_final_tally() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let closes = (chrono::Utc::now() + chrono::Duration::seconds(4)).to_rfc3339();
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($c: DateTime!) { createPoll(input: {title: \"Cepat\", options: [\"A\", \"B\"],
                eligibility: UNIT, hideResultsUntilClose: true, closesAt: $c}) { id options { id } } }",
            json!({"c": closes}),
        )
        .await;
    let poll = body["data"]["createPoll"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let option = body["data"]["createPoll"]["options"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let voted = vote(&app, "alpha", &resident, &poll, &option).await;
    assert_eq!(voted["data"]["castVote"]["total"], 1, "{voted}");

    let mut ws = Ws::ready(&app, &resident).await;
    let query =
        "subscription($p: ID!) { voteTally(pollId: $p) { total closed hidden results { votes } } }";
    ws.subscribe("t", query, json!({"p": poll})).await;
    let now = ws.recv().await["payload"]["data"]["voteTally"].clone();
    assert_eq!(
        (now["closed"].clone(), now["hidden"].clone()),
        (json!(false), json!(true)),
        "{now}"
    );
    // Nobody votes or closes it: the closing time alone brings the results.
    let last = ws.recv().await["payload"]["data"]["voteTally"].clone();
    assert_eq!(last["closed"], true, "{last}");
    assert_eq!(last["hidden"], false, "{last}");
    assert_eq!(last["results"][0]["votes"], 1, "{last}");
}
