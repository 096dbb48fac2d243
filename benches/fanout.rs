//! Fan-out benchmark: N WebSocket subscribers on `voteTally` of one poll, on one gateway.
//!
//! Run through `bench/fanout.sh` (it builds the release binary and raises the file limit).
//! This program starts `target/release/klustera serve` itself (on the database named by
//! `DATABASE_URL`, else the private embedded PostgreSQL under `bench/out/data`), seeds a
//! small tenant, opens `FANOUT_SUBSCRIBERS` (default 10,000) connections, each
//! `connection_init` + `subscribe`, and measures:
//!
//! - memory: the gateway's RSS (`/proc/<pid>/status`) before the connections and once
//!   they are all subscribed and idle, divided by the number of connections (clients
//!   arrive in waves of `FANOUT_WAVE`, default 500);
//! - latency: for each of `FANOUT_VOTES` votes (default 10), the time from sending the
//!   `castVote` mutation until each subscriber received the tally with the new total;
//!   p50 and p99 over every (vote, subscriber) pair, and the slowest "last subscriber".
//!
//! The client runs on the same machine as the gateway and PostgreSQL and shares the CPU.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

type Error = Box<dyn std::error::Error + Send + Sync>;

const SLUG: &str = "fanout";
const PASSWORD: &str = "demo-pass-2024";
const TALLY: &str =
    "subscription($p: ID!) { voteTally(pollId: $p) { total results { optionId votes } } }";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    child: std::process::Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> Result<u64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).ok_or("bad VmRSS")?.parse()?)
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, Error> {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.base))
            .header("accept", "application/json")
            .header("x-tenant", SLUG)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let body: Value = req.send().await?.json().await?;
        if !body["errors"].is_null() {
            return Err(format!("GraphQL error: {body}").into());
        }
        Ok(body["data"].clone())
    }

    async fn login(&self, identifier: &str) -> Result<String, Error> {
        let data = self
            .gql(
                None,
                "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }",
                json!({"i": identifier, "p": PASSWORD}),
            )
            .await?;
        Ok(data["login"]["accessToken"]
            .as_str()
            .ok_or("no token")?
            .to_owned())
    }
}

/// One subscriber: connects, subscribes, reports every total it sees with when it saw it.
async fn subscriber(
    url: String,
    token: Arc<str>,
    poll: Arc<str>,
    index: usize,
    seen: mpsc::UnboundedSender<(usize, i64, Instant)>,
) -> Result<(), Error> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    let init =
        json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
    ws.send(Message::Text(init.to_string().into())).await?;
    let subscribe = json!({"type": "subscribe", "id": "1", "payload": {"query": TALLY, "variables": {"p": &*poll}}});
    ws.send(Message::Text(subscribe.to_string().into())).await?;
    while let Some(message) = ws.next().await {
        let Message::Text(text) = message? else {
            continue;
        };
        let at = Instant::now();
        let value: Value = serde_json::from_str(&text)?;
        match value["type"].as_str() {
            Some("next") => {
                let total = value["payload"]["data"]["voteTally"]["total"]
                    .as_i64()
                    .ok_or("no total")?;
                let _ = seen.send((index, total, at));
            }
            Some("ping") => {
                ws.send(Message::Text(json!({"type": "pong"}).to_string().into()))
                    .await?;
            }
            Some("connection_ack") => {}
            _ => return Err(format!("unexpected: {text}").into()),
        }
    }
    Err("connection closed".into())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.max(1) - 1)
        .copied()
        .unwrap_or(Duration::ZERO)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let subscribers: usize = env_or("FANOUT_SUBSCRIBERS", 10_000);
    let votes: usize = env_or("FANOUT_VOTES", 10).max(1);
    let port: u16 = env_or("FANOUT_PORT", 18_090);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/release/klustera");
    let out = root.join("bench/out");
    std::fs::create_dir_all(&out)?;
    let env = [
        ("KLUSTERA_CONFIG", out.join("no-such-config.toml")),
        ("KLUSTERA_DATA_DIR", out.join("data")),
    ];

    eprintln!("[fanout] seeding tenant '{SLUG}'");
    let seeded = std::process::Command::new(&bin)
        .args([
            "demo",
            "--slug",
            SLUG,
            "--units",
            "40",
            "--residents",
            "40",
            "--reset",
        ])
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()?;
    if !seeded.success() {
        return Err("klustera demo failed".into());
    }
    let log = std::fs::File::create(out.join("fanout-server.log"))?;
    let server = Server {
        child: std::process::Command::new(&bin)
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
            .env("KLUSTERA_BIND", format!("127.0.0.1:{port}"))
            .env("JWT_SECRET", "fanout-secret-0123456789abcdefghijklmn")
            .env("KLUSTERA_WORKERS", "0")
            .env("KLUSTERA_SCHEDULER", "false")
            .env("KLUSTERA_WS_KEEPALIVE_SECS", "600")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?,
    };
    let pid = server.child.id();
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while api
        .http
        .get(format!("{}/health", api.base))
        .send()
        .await
        .is_err()
    {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("the gateway did not start (see bench/out/fanout-server.log)".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A poll, and one resident login per vote.
    let manager = api.login(&format!("manager@{SLUG}.test")).await?;
    let data = api
        .gql(
            Some(&manager),
            "mutation($c: DateTime!) { createPoll(input: {title: \"Fan-out\", options: [\"Ya\", \"Tidak\"],
               eligibility: RESIDENT, closesAt: $c}) { id options { id } } }",
            json!({"c": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339()}),
        )
        .await?;
    let poll: Arc<str> = data["createPoll"]["id"].as_str().ok_or("no poll")?.into();
    let option = data["createPoll"]["options"][0]["id"]
        .as_str()
        .ok_or("no option")?
        .to_owned();
    let residents = api
        .gql(
            Some(&manager),
            "query($n: Int!) { residents(first: $n) { edges { node { id } } } }",
            json!({"n": votes}),
        )
        .await?;
    let mut voters = Vec::new();
    for (i, edge) in residents["residents"]["edges"]
        .as_array()
        .ok_or("no residents")?
        .iter()
        .enumerate()
    {
        let email = format!("voter{i}-{}@{SLUG}.test", std::process::id());
        api.gql(
            Some(&manager),
            "mutation($e: String!, $p: String!, $r: ID!) { createUserAccount(input: {role: RESIDENT,
               email: $e, password: $p, displayName: \"Voter\", residentId: $r}) }",
            json!({"e": email, "p": PASSWORD, "r": edge["node"]["id"]}),
        )
        .await?;
        voters.push(api.login(&email).await?);
    }

    // Connections.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = rss_kib(pid)?;
    eprintln!("[fanout] opening {subscribers} subscriptions (gateway RSS {rss_before} KiB)");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let url = format!("ws://127.0.0.1:{port}/graphql/ws");
    let token: Arc<str> = manager.clone().into();
    let mut tasks = Vec::with_capacity(subscribers);
    let opened = Instant::now();
    // Clients arrive in waves of `FANOUT_WAVE`, each wave subscribed before the next, as
    // clients of a real estate do over minutes; a herd of 10,000 at once would measure
    // the allocator's high-water mark rather than what an idle connection holds.
    let wave: usize = env_or("FANOUT_WAVE", 500);
    let mut ready = 0;
    for i in 0..subscribers {
        tasks.push(tokio::spawn(subscriber(
            url.clone(),
            token.clone(),
            poll.clone(),
            i,
            tx.clone(),
        )));
        if (i + 1) % wave == 0 || i + 1 == subscribers {
            while ready < i + 1 {
                match tokio::time::timeout(Duration::from_secs(120), rx.recv()).await {
                    Ok(Some((_, 0, _))) => ready += 1,
                    Ok(Some(_)) => {}
                    _ => {
                        return Err(
                            format!("only {ready} subscribers got their first tally").into()
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "[fanout] {subscribers} subscribed in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(pid)?;

    // Votes.
    let mut all = Vec::with_capacity(subscribers * votes);
    let mut lasts = Vec::with_capacity(votes);
    for (n, voter) in voters.iter().enumerate() {
        let expected = i64::try_from(n + 1)?;
        let sent = Instant::now();
        api.gql(
            Some(voter),
            "mutation($p: ID!, $o: ID!) { castVote(pollId: $p, optionId: $o) { total } }",
            json!({"p": &*poll, "o": option}),
        )
        .await?;
        let mut got = 0;
        let mut last = Duration::ZERO;
        while got < subscribers {
            match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
                Ok(Some((_, total, at))) if total == expected => {
                    got += 1;
                    let latency = at.duration_since(sent);
                    last = last.max(latency);
                    all.push(latency);
                }
                Ok(Some(_)) => {}
                _ => return Err(format!("vote {expected}: only {got} subscribers heard").into()),
            }
        }
        lasts.push(last);
    }
    all.sort();
    lasts.sort();
    let votes = voters.len();
    let per_conn = (rss_after.saturating_sub(rss_before) as f64) / subscribers as f64;
    let report = format!(
        "| subscribers | votes | p50 | p99 | last subscriber (median over votes) | last subscriber (worst) | RSS before | RSS after | per connection |\n\
         |---|---|---|---|---|---|---|---|---|\n\
         | {subscribers} | {votes} | {} | {} | {} | {} | {} MiB | {} MiB | {per_conn:.1} KiB |\n",
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 99.0)),
        ms(percentile(&lasts, 50.0)),
        ms(*lasts.last().ok_or("no votes")?),
        rss_before / 1024,
        rss_after / 1024,
    );
    print!("{report}");
    std::fs::write(out.join("fanout.md"), &report)?;
    for task in tasks {
        task.abort();
    }
    drop(server);
    Ok(())
}
