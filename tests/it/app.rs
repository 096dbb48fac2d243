//! `TestApp`: the real router on a random port over a database made for one test.

use std::net::SocketAddr;

use serde_json::{Value, json};

use klustera::app;
use klustera::config::Config;
use klustera::demo;
use klustera::http::state::AppState;
use klustera_graphql::common::tenancy::{TenantTx, bind};
use klustera_graphql::common::types::TenantSlug;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret!";
pub const PASSWORD: &str = demo::PASSWORD;

/// The server's admin URL: `KLUSTERA_TEST_ADMIN_URL`, else the local PostgreSQL.
pub fn admin_url() -> String {
    std::env::var("KLUSTERA_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn url_for(db: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{db}")
}

/// Logs go through libtest's output capture: a passing test prints nothing, a failing one
/// shows its own lines (`--nocapture` shows them all). `RUST_LOG` overrides the filter.
pub fn init_test_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // The first test to get here installs it for the whole binary.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub db_name: String,
    pub db_url: String,
    /// Whether dropping this app drops the database (not for a second instance).
    owns_db: bool,
    client: reqwest::Client,
}

/// A fresh, empty database; dropped with the returned guard.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create() -> Self {
        let name = format!("kt_{}", uuid::Uuid::new_v4().simple());
        klustera::embedded_pg::create_database_if_missing(&admin_url(), &name)
            .await
            .unwrap();
        Self {
            url: url_for(&name),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop_database(&self.name);
    }
}

fn drop_database(name: &str) {
    let name = name.to_owned();
    // A fresh runtime on a plain thread: Drop cannot await, and the test's runtime may be gone.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sea_orm::ConnectionTrait;
            if let Ok(admin) = sea_orm::Database::connect(admin_url()).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        });
    })
    .join()
    .unwrap();
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        init_test_logs();
        let db = TestDb::create().await;
        let (db_name, db_url) = (db.name.clone(), db.url.clone());
        std::mem::forget(db); // dropped by TestApp instead
        Self::start(db_name, db_url, true, configure).await
    }

    /// A second gateway instance over the same database reached at `url` (through a proxy).
    pub async fn spawn_beside_via(&self, url: &str, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start(self.db_name.clone(), url.to_owned(), false, configure).await
    }

    /// A second gateway instance over the same database (its own process state).
    pub async fn spawn_beside(&self, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start(self.db_name.clone(), self.db_url.clone(), false, configure).await
    }

    async fn start(
        db_name: String,
        db_url: String,
        owns_db: bool,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config {
            jwt_secret: Some(JWT_SECRET.into()),
            base_domain: "klustera.test".into(),
            ..Config::default()
        };
        configure(&mut config);
        let state = app::build(config, &db_url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app::router(state.clone());
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await });
        Self {
            addr,
            state,
            db_name,
            db_url,
            owns_db,
            client: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Provisions `slug` with demo data and its three logins (all with [`PASSWORD`]).
    pub async fn tenant(&self, slug: &str, units: u32, residents: u32) -> demo::DemoLogins {
        demo::provision_demo(
            &self.state.db,
            &TenantSlug::parse(slug).unwrap(),
            units,
            residents,
        )
        .await
        .unwrap()
    }

    /// A transaction bound to `slug` as it is (test set-up and inspection).
    pub async fn bound(&self, slug: &str) -> TenantTx {
        bind::as_it_is(&self.state.db, &TenantSlug::parse(slug).unwrap())
            .await
            .unwrap()
            .expect("the tenant exists")
    }

    /// Runs SQL inside `slug`'s schema (test set-up and inspection).
    pub async fn sql(&self, slug: &str, sql: &str) {
        use sea_orm::ConnectionTrait;
        let tx = self.bound(slug).await;
        tx.execute_unprepared(sql).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Runs a query inside `slug`'s schema and returns the first column of every row as text.
    pub async fn rows(&self, slug: &str, sql: &str) -> Vec<String> {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let tx = self.bound(slug).await;
        let rows = tx
            .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    }

    /// POST /graphql with `X-Tenant` (when given) and a bearer token (when given).
    pub async fn gql(
        &self,
        tenant: Option<&str>,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .header("accept", "application/json")
            .json(&json!({"query": query, "variables": variables}));
        if let Some(t) = tenant {
            req = req.header("x-tenant", t);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200, "application/json responses are 200");
        resp.json().await.unwrap()
    }

    /// Signs in and returns `(access token, refresh token)`.
    pub async fn login(&self, tenant: &str, identifier: &str) -> (String, String) {
        let body = self
            .gql(
                Some(tenant),
                None,
                "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken refreshToken } }",
                json!({"i": identifier, "p": PASSWORD}),
            )
            .await;
        let login = &body["data"]["login"];
        assert!(login.is_object(), "login failed: {body}");
        (
            login["accessToken"].as_str().unwrap().into(),
            login["refreshToken"].as_str().unwrap().into(),
        )
    }

    pub async fn manager_token(&self, tenant: &str) -> String {
        self.login(tenant, &format!("manager@{tenant}.test"))
            .await
            .0
    }

    /// Runs the job queue in this process until no job is ready (what a worker does).
    pub async fn run_jobs(&self) -> usize {
        let env = self.state.job_env();
        let mut ran = 0;
        while klustera::jobs::work_once(&env, "test-worker")
            .await
            .unwrap()
        {
            ran += 1;
        }
        ran
    }

    /// Asks for `period`'s bills through the API and runs the job; returns the job's status.
    pub async fn generate_bills(&self, tenant: &str, token: &str, period: &str) -> Value {
        let body = self
            .gql(
                Some(tenant),
                Some(token),
                "mutation($p: String!) { generateMonthlyBills(period: $p) { id status } }",
                json!({"p": period}),
            )
            .await;
        let id = body["data"]["generateMonthlyBills"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned();
        self.run_jobs().await;
        let job = self
            .gql(
                Some(tenant),
                Some(token),
                "query($id: ID!) { job(id: $id) { status progress lastError } }",
                json!({"id": id}),
            )
            .await;
        job["data"]["job"].clone()
    }

    /// `klustera_sql_statements_total` from `/metrics`.
    pub async fn statements(&self) -> u64 {
        self.metric("klustera_sql_statements_total").await
    }

    /// The `search_path` the operations' pool hands its next connection out with (on a
    /// one-connection pool: the connection the previous operation used).
    pub async fn pooled_search_path(&self) -> String {
        self.state.binder.pool().idle_search_path().await.unwrap()
    }

    /// A counter from `/metrics`, by its full name.
    pub async fn metric(&self, name: &str) -> u64 {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let prefix = format!("{name} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /metrics"))
    }
}

impl TestApp {
    /// Moves every spent refresh token's rotation `secs` seconds into the past (past the
    /// reuse grace, for tests of what a late reuse does).
    pub async fn age_spent_refresh_tokens(&self, secs: i64) {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        self.state
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE control.refresh_tokens SET used_at = used_at - make_interval(secs => $1) \
                 WHERE used_at IS NOT NULL",
                [(secs as f64).into()],
            ))
            .await
            .unwrap();
    }
}

/// A transaction of the test's own, on a connection of its own, holding the locks its
/// statement took until [`Held::release`].
pub struct Held(sea_orm::DatabaseTransaction);

impl Held {
    pub async fn release(self) {
        self.0.rollback().await.unwrap();
    }
}

impl TestApp {
    /// Runs `sql` (e.g. `LOCK TABLE t_alpha.payments IN SHARE MODE`) in a new transaction on
    /// a connection of the test's own and keeps it open.
    pub async fn hold(&self, sql: &str) -> Held {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        let db = sea_orm::Database::connect(&self.db_url).await.unwrap();
        let tx = db.begin().await.unwrap();
        tx.execute_unprepared(sql).await.unwrap();
        Held(tx)
    }

    /// Waits until `n` backends of this test's database are waiting for a lock: the
    /// barrier that makes an overlap certain rather than likely.
    pub async fn until_lock_waiters(&self, n: i64) {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let count = Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        let wait = async {
            loop {
                let row = self
                    .state
                    .db
                    .query_one_raw(count.clone())
                    .await
                    .unwrap()
                    .unwrap();
                if row.try_get::<i64>("", "n").unwrap() >= n {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), wait)
            .await
            .unwrap_or_else(|_| panic!("{n} backends never waited for a lock at once"));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.owns_db {
            drop_database(&self.db_name);
        }
    }
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
}

/// The global id clients see for row `row` of GraphQL type `kind` (e.g. `gid("Bill", 7)`),
/// for tests that take a row id from SQL.
pub fn gid(kind: &str, row: i64) -> String {
    klustera_graphql::common::ids::encode(kind, row)
}

/// The row id inside a global id the API returned (for tests that go on in SQL).
pub fn row_of(id: &Value) -> i64 {
    let raw = id.as_str().expect("an id is a string");
    klustera_graphql::common::ids::decode(raw)
        .expect("a global id")
        .1
}
