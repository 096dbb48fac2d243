//! Configuration: one typed struct, loaded once at start-up, validated with clear messages.
//!
//! Sources, later ones winning: built-in defaults, `klustera.toml` (or the file named by
//! `KLUSTERA_CONFIG`), then the environment: `DATABASE_URL`, `REDIS_URL`, `JWT_SECRET`,
//! `MIDTRANS_SERVER_KEY`, `MIDTRANS_BASE_URL`, and `KLUSTERA_<FIELD>` for every other field.
//! A key that names no field (a typo such as `KLUSTERA_WORKER`) fails start-up, naming it.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Which kind of deployment this is (`KLUSTERA_ENV`). Development keeps every convenience;
/// production is what a public deployment needs (README, "Production profile").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Introspection for everyone, GraphiQL at `GET /graphql`, open `/metrics`, CORS `*`.
    #[default]
    Development,
    /// Introspection only for super admins, no field suggestions, GraphiQL only when
    /// `playground` is set, `/metrics` only on `metrics_bind` or with `metrics_token`,
    /// CORS only for `cors_origins`, HSTS; a JWT secret and `Secure` cookies are required.
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `development` (default) or `production` (`KLUSTERA_ENV`); any other value fails
    /// start-up, naming it.
    pub env: Profile,
    /// Serve `/metrics` on this address (a private interface) instead of the public
    /// listener.
    pub metrics_bind: Option<SocketAddr>,
    /// Require `Authorization: Bearer <this>` for `/metrics` (at least 16 bytes).
    /// In production with neither this nor `metrics_bind`, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// Origins (`https://app.example.com`) whose pages may call the API with credentials.
    /// Empty: any origin without credentials (`*`) in development, none in production.
    /// A list in TOML, or comma-separated in `KLUSTERA_CORS_ORIGINS`.
    #[serde(deserialize_with = "origins")]
    pub cors_origins: Vec<String>,
    /// GraphiQL at `GET /graphql`. Absent: served in development, not in production.
    pub playground: Option<bool>,
    /// PostgreSQL URL; absent: a private cluster under `data_dir` is started.
    pub database_url: Option<String>,
    /// Redis URL; absent: in-process pub/sub and cache.
    pub redis_url: Option<String>,
    /// Prefix of this deployment's Redis keys and channels (several deployments may share
    /// one Redis).
    pub redis_namespace: String,
    /// HMAC secret for access tokens (at least 32 bytes). Absent: a random one per process
    /// (tokens then die with the process; fine for a laptop, wrong for a cluster).
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds (refresh tokens renew them).
    pub access_token_secs: u64,
    /// `<slug>.<base_domain>` selects a tenant by Host.
    pub base_domain: String,
    pub bind: SocketAddr,
    /// Connections of the API operations' pool; each running operation holds one for its
    /// transaction, and operations beyond it wait for one. Jobs and subscriptions share a
    /// pool of a quarter as many (at least 4, and 2 more than the job workers), the control
    /// plane one of a quarter as many (at least 4). Default: twice this machine's cores,
    /// at least 4 ([`default_pool_size`]).
    pub db_pool_size: u32,
    /// Where the private PostgreSQL and other local state live.
    pub data_dir: PathBuf,
    /// Largest accepted request body (bytes); larger gets 413.
    pub body_limit: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// Introspection and field suggestions; `false`: for nobody. In production they are
    /// only for super admins (introspection) and nobody (suggestions) anyway.
    pub introspection: bool,
    /// Statement timeout inside each request transaction, e.g. `10s`.
    pub statement_timeout: String,
    pub midtrans_server_key: Option<String>,
    pub midtrans_base_url: String,
    /// `json` for structured logs, `pretty` for humans.
    pub log_format: String,
    /// `smtp://user:pass@host:587` (STARTTLS), `smtps://...` (TLS) or `smtp://host:port?tls=none`
    /// (local relays); absent: notifications go to the log.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Job workers inside `klustera serve` (0: none) and `klustera worker`.
    pub workers: usize,
    /// Seconds a claimed job stays leased; a worker that dies loses it after this long.
    pub job_lease_secs: u64,
    /// How often an idle worker looks for work (milliseconds).
    pub job_poll_ms: u64,
    /// Units per bill-generation transaction.
    pub bill_batch: u64,
    /// Enqueue recurring jobs (bill generation day, sweeps) from this process.
    pub scheduler: bool,
    pub scheduler_interval_secs: u64,
    /// WebSocket: milliseconds a client has to send `connection_init` (then 4408).
    pub ws_init_timeout_ms: u64,
    /// WebSocket: seconds between server keep-alive pings.
    pub ws_keepalive_secs: u64,
    /// WebSocket: running subscriptions allowed per connection.
    pub ws_max_subscriptions: usize,
    /// The built web client (`npm run build` in `web-client/`), served at `/` on every
    /// host. Absent: `/` answers 404 and the API works as before.
    pub web_dir: PathBuf,
    /// Browser sessions: mark the refresh-token cookie `Secure` (HTTPS only). On by
    /// default; turn it off only for plain-HTTP development hosts other than localhost.
    pub cookie_secure: bool,
    /// The client address rate limits count is the last `X-Forwarded-For` entry (set this
    /// behind exactly one reverse proxy that appends it); otherwise the TCP peer.
    pub trust_forwarded_for: bool,
}

/// Twice this machine's cores, at least 4. PostgreSQL does the most work per second with
/// a couple of active connections per core; beyond that, more connections add context
/// switches and contention rather than throughput, for the database and for the gateway
/// sharing its machine (on 2 cores, under the same 16 clients, 16 connections served
/// about a tenth fewer billing requests than 4, and 8 was no better; bench/README.md).
/// Operations beyond the pool queue for a connection instead of crowding the database.
/// Operations that wait on another service (a Midtrans checkout) give their connection
/// back while they wait (`Tx::without_connection`), so a slow service cannot take these few.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores.saturating_mul(2)).map_or(u32::MAX, |n| n.max(4))
}

impl Default for Config {
    fn default() -> Self {
        Self {
            env: Profile::Development,
            metrics_bind: None,
            metrics_token: None,
            cors_origins: Vec::new(),
            playground: None,
            database_url: None,
            redis_url: None,
            redis_namespace: "klustera".into(),
            jwt_secret: None,
            access_token_secs: 15 * 60,
            base_domain: "localhost".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db_pool_size: default_pool_size(),
            data_dir: PathBuf::from(".klustera"),
            body_limit: 256 * 1024,
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_directives: 10,
            introspection: true,
            statement_timeout: "10s".into(),
            midtrans_server_key: None,
            midtrans_base_url: "https://app.sandbox.midtrans.com".into(),
            log_format: "pretty".into(),
            smtp_url: None,
            mail_from: "Klustera <noreply@klustera.local>".into(),
            workers: 2,
            job_lease_secs: 60,
            job_poll_ms: 1000,
            bill_batch: 1000,
            scheduler: true,
            scheduler_interval_secs: 60,
            ws_init_timeout_ms: 3_000,
            ws_keepalive_secs: 15,
            ws_max_subscriptions: 50,
            web_dir: PathBuf::from("web-client/dist"),
            cookie_secure: true,
            trust_forwarded_for: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration: {0}")]
    Invalid(String),
}

/// `KLUSTERA_*` variables that are not configuration: the config file's name, a CLI
/// argument's variable, and the test suite's server.
/// An origin as browsers send it: `scheme://host[:port]`, nothing after. `*` is refused
/// (development's default when the list is empty; never with credentials).
fn check_origin(origin: &str) -> Result<(), ConfigError> {
    let bad = |why: &str| {
        Err(ConfigError::Invalid(format!(
            "KLUSTERA_CORS_ORIGINS: {origin:?} {why}"
        )))
    };
    if origin == "*" {
        return bad("is not an origin: list the origins (an empty list is `*` in development)");
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return bad("is not scheme://host[:port]");
    };
    if !matches!(scheme, "https" | "http") {
        return bad("must be http:// or https://");
    }
    let host_ok = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !host_ok {
        return bad("must be scheme://host[:port] with no path, query or trailing slash");
    }
    Ok(())
}

/// A list (TOML) or one comma-separated string (an environment variable).
fn origins<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Origins {
        List(Vec<String>),
        Text(String),
    }
    let list = match Origins::deserialize(de)? {
        Origins::List(list) => list,
        Origins::Text(text) => text.split(',').map(str::to_owned).collect(),
    };
    Ok(list
        .into_iter()
        .map(|o| o.trim().to_owned())
        .filter(|o| !o.is_empty())
        .collect())
}

const NOT_CONFIG: &[&str] = &["config", "superadmin_password", "test_admin_url"];

impl Config {
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("KLUSTERA_CONFIG").unwrap_or_else(|_| "klustera.toml".into());
        let config: Self = Figment::from(Serialized::defaults(Self::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&[
                "database_url",
                "redis_url",
                "jwt_secret",
                "midtrans_server_key",
                "midtrans_base_url",
                "smtp_url",
            ]))
            .merge(Env::prefixed("KLUSTERA_").ignore(NOT_CONFIG))
            .extract()
            .map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(secret) = &self.jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError::Invalid(
                "JWT_SECRET must be at least 32 bytes".into(),
            ));
        }
        if self.db_pool_size == 0 {
            return Err(ConfigError::Invalid(
                "KLUSTERA_DB_POOL_SIZE must be at least 1".into(),
            ));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid(
                "DATABASE_URL must be a postgres:// URL".into(),
            ));
        }
        let timeout_ok = self
            .statement_timeout
            .trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if timeout_ok.is_empty() || !timeout_ok.chars().all(|c| c.is_ascii_digit()) {
            return Err(ConfigError::Invalid(
                "KLUSTERA_STATEMENT_TIMEOUT must look like 10s or 500ms".into(),
            ));
        }
        if self.access_token_secs == 0 {
            return Err(ConfigError::Invalid(
                "KLUSTERA_ACCESS_TOKEN_SECS must be positive".into(),
            ));
        }
        if self.job_lease_secs == 0 || self.bill_batch == 0 {
            return Err(ConfigError::Invalid(
                "KLUSTERA_JOB_LEASE_SECS and KLUSTERA_BILL_BATCH must be positive".into(),
            ));
        }
        if let Some(token) = &self.metrics_token
            && token.len() < 16
        {
            return Err(ConfigError::Invalid(
                "KLUSTERA_METRICS_TOKEN must be at least 16 bytes".into(),
            ));
        }
        for origin in &self.cors_origins {
            check_origin(origin)?;
        }
        if self.env == Profile::Production {
            if self.jwt_secret.is_none() {
                return Err(ConfigError::Invalid(
                    "KLUSTERA_ENV=production needs JWT_SECRET (a random one per process signs \
                     everyone out at each restart and differs between instances)"
                        .into(),
                ));
            }
            if !self.cookie_secure {
                return Err(ConfigError::Invalid(
                    "KLUSTERA_ENV=production needs KLUSTERA_COOKIE_SECURE=true".into(),
                ));
            }
        }
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.env == Profile::Production
    }

    /// Whether GraphiQL is served at `GET /graphql`.
    pub fn playground_served(&self) -> bool {
        self.playground.unwrap_or(!self.is_production())
    }

    /// Whether `/metrics` is served on the public listener: not when it has its own
    /// address; in production only behind a token.
    pub fn public_metrics(&self) -> bool {
        self.metrics_bind.is_none() && (!self.is_production() || self.metrics_token.is_some())
    }

    /// What start-up says about this profile: what is off, and how to turn it on.
    pub fn startup_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.is_production() {
            return notes;
        }
        if self.metrics_bind.is_none() && self.metrics_token.is_none() {
            notes.push(
                "/metrics is not served: set KLUSTERA_METRICS_BIND (e.g. 127.0.0.1:9090, a \
                 private address) or KLUSTERA_METRICS_TOKEN (scrapers send it as a bearer token)"
                    .into(),
            );
        }
        if self.cors_origins.is_empty() {
            notes.push(
                "CORS: no other origin may call the API; list web origins in \
                 KLUSTERA_CORS_ORIGINS (comma-separated)"
                    .into(),
            );
        }
        if !self.playground_served() {
            notes.push(
                "GraphiQL is not served at GET /graphql; KLUSTERA_PLAYGROUND=true serves it \
                 (introspection still needs a super admin's token)"
                    .into(),
            );
        }
        notes
    }

    pub fn limits(&self) -> klustera_graphql::Limits {
        klustera_graphql::Limits {
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
            introspection: self.introspection,
            suggestions: self.introspection && !self.is_production(),
        }
    }
}
