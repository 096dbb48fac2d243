//! Start-up: from a config to a running router. Tests build the real app through here.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use klustera_graphql::common::tenancy::{Binder, IDLE_CHECK, TxPool};
use klustera_graphql::domains::auth::TokenKeys;
use klustera_graphql::domains::auth::sessions::AuthVersions;
use klustera_graphql::domains::billing::midtrans::SnapClient;
use klustera_graphql::domains::billing::notify::Channel;
use klustera_graphql::{ControlPlane, Services};

use crate::config::Config;
use crate::http::state::AppState;
use crate::jobs::{self, JobEnv};
use crate::notify::{LogChannel, SmtpChannel};
use crate::pubsub::PubSub;
use crate::rate_limit::Limiter;
use crate::telemetry::Metrics;
use crate::tenancy::provision;
use crate::tenancy::suspension::Suspensions;
use klustera_graphql::common::rate_limit::RateLimit;

/// How long an operation waits for a database connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The database URL to use: the configured one, or the private cluster's (with this
/// process's hold on it, to keep until the process ends).
pub async fn database_url(
    config: &Config,
) -> anyhow::Result<(String, Option<crate::embedded_pg::ClusterUse>)> {
    match &config.database_url {
        Some(url) => Ok((url.clone(), None)),
        None => {
            let (url, hold) = crate::embedded_pg::ensure(&config.data_dir).await?;
            Ok((url, Some(hold)))
        }
    }
}

/// Connects a pool whose statements are counted in `metrics`.
pub async fn connect(
    url: &str,
    size: u32,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(size)
        .min_connections(1.min(size))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // Pinging every connection handed out would cost each request a round trip more
        // than its own statements; only a connection idle for a while is checked first
        // (the pool still checks, and resets, every connection given back).
        .test_before_acquire_if_idle_for(IDLE_CHECK)
        .sqlx_logging(false);
    let mut db = Database::connect(options)
        .await
        .with_context(|| "connecting to PostgreSQL")?;
    let m = metrics.clone();
    db.set_metric_callback(move |info| {
        tracing::trace!(target: "klustera::sql", sql = %info.statement, elapsed = ?info.elapsed);
        m.record_statement(info.elapsed);
    });
    Ok(db)
}

/// The operations' own pool (see `klustera_graphql::common::tx`), its statements counted in
/// `metrics` like the SeaORM pools'.
fn operation_pool(url: &str, size: u32, metrics: &Arc<Metrics>) -> anyhow::Result<TxPool> {
    TxPool::new(url, size as usize, ACQUIRE_TIMEOUT, metrics.clone())
        .with_context(|| "the database URL")
}

/// Connects, applies control-plane migrations and builds the schema.
pub async fn build(config: Config, database_url: &str) -> anyhow::Result<AppState> {
    let metrics = Metrics::new();
    let tx_pool = operation_pool(database_url, config.db_pool_size, &metrics)?;
    let side = (config.db_pool_size / 4).max(4);
    // Everything else tenant-side (jobs, subscriptions' short reads, provisioning, webhooks):
    // each job worker may hold one while it runs, with room left for the rest.
    let background = side.max(
        u32::try_from(config.workers)
            .unwrap_or(u32::MAX)
            .saturating_add(2),
    );
    let db = connect(database_url, background, &metrics).await?;
    // Control-plane work (refresh tokens, super admins) runs while a request holds its
    // tenant connection: a pool of its own keeps a full tenant pool from starving it.
    let control = connect(database_url, side, &metrics).await?;
    provision::ensure_control_plane(&db).await?;
    let secret = match &config.jwt_secret {
        Some(s) => s.as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "JWT_SECRET is not set: using a random secret; tokens die with this process"
            );
            let mut bytes = vec![0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            bytes
        }
    };
    let keys = TokenKeys::from_secret(&secret, Duration::from_secs(config.access_token_secs));
    let snap = config
        .midtrans_server_key
        .as_deref()
        .map(|key| SnapClient::new(&config.midtrans_base_url, key));
    let limiter: Arc<dyn RateLimit> = match &config.redis_url {
        Some(url) => Arc::new(
            Limiter::with_redis(url, &config.redis_namespace, metrics.clone())
                .await
                .context("REDIS_URL (rate limits)")?,
        ),
        None => Arc::new(Limiter::in_process(metrics.clone())),
    };
    let services = Services {
        control: ControlPlane { db: control },
        keys: keys.clone(),
        snap,
        limiter,
    };
    let schema = klustera_graphql::build_schema(services.clone(), &config.limits(), false);
    let mutation_schema = klustera_graphql::build_schema(services, &config.limits(), true);
    let channel: Arc<dyn Channel> = match &config.smtp_url {
        Some(url) => Arc::new(SmtpChannel::new(url, &config.mail_from).context("SMTP_URL")?),
        None => Arc::new(LogChannel),
    };
    let events = Arc::new(match &config.redis_url {
        Some(url) => PubSub::with_redis(url, &config.redis_namespace)
            .await
            .context("REDIS_URL")?,
        None => PubSub::in_process(),
    });
    let auth_versions = Arc::new(AuthVersions::default());
    events.tap(auth_versions.clone());
    let binder = Binder::new(tx_pool, &config.statement_timeout);
    let suspensions = Suspensions::listen(database_url, db.clone())
        .await
        .context("listening for tenant suspensions")?;
    Ok(AppState {
        schema,
        mutation_schema,
        suspensions,
        binder,
        db,
        keys,
        auth_versions,
        config: Arc::new(config),
        metrics,
        events,
        channel,
        documents: Arc::default(),
    })
}

impl AppState {
    pub fn job_env(&self) -> JobEnv {
        JobEnv {
            db: self.db.clone(),
            binder: self.binder.without_timeout(),
            channel: self.channel.clone(),
            events: self.events.clone(),
            lease: Duration::from_secs(self.config.job_lease_secs),
            bill_batch: self.config.bill_batch,
        }
    }

    /// Starts the configured job workers and scheduler; the sender stops them.
    pub fn start_background(&self) -> tokio::sync::watch::Sender<bool> {
        let poll = Duration::from_millis(self.config.job_poll_ms);
        let stop = jobs::spawn_workers(&self.job_env(), self.config.workers, poll);
        if self.config.scheduler {
            let every = Duration::from_secs(self.config.scheduler_interval_secs);
            tokio::spawn(jobs::scheduler::run(
                self.db.clone(),
                every,
                stop.subscribe(),
            ));
        }
        stop
    }
}

pub fn router(state: AppState) -> Router {
    crate::http::router(state)
}

/// Serves (with the job workers and scheduler) until Ctrl-C or SIGTERM, then drains
/// in-flight requests; running jobs stop after their current step.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.bind;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let playground = if state.config.playground_served() {
        " (GraphiQL in a browser)"
    } else {
        ""
    };
    eprintln!(
        "klustera: serving on http://{addr}/graphql{playground}; {} database connections for operations; {:?} profile",
        state.config.db_pool_size, state.config.env
    );
    for note in state.config.startup_notes() {
        tracing::warn!("{note}");
    }
    if let Some(metrics) = spawn_metrics(&state).await? {
        eprintln!("klustera: /metrics on http://{metrics}/metrics");
    }
    let stop = state.start_background();
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop.send(true);
    Ok(())
}

/// Serves `/metrics` on `metrics_bind`, when configured; returns the address it listens
/// on (port 0 picks one). The listener lives as long as the process.
pub async fn spawn_metrics(state: &AppState) -> anyhow::Result<Option<std::net::SocketAddr>> {
    let Some(addr) = state.config.metrics_bind else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding KLUSTERA_METRICS_BIND {addr}"))?;
    let local = listener.local_addr()?;
    let router = crate::http::metrics_router(state.clone());
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(%err, "the metrics listener stopped");
        }
    });
    Ok(Some(local))
}

/// Runs only job workers and the scheduler (`klustera worker`), until Ctrl-C or SIGTERM.
pub async fn work(state: AppState) -> anyhow::Result<()> {
    anyhow::ensure!(
        state.config.workers > 0,
        "KLUSTERA_WORKERS is 0: nothing to run"
    );
    eprintln!("klustera: {} job worker(s) running", state.config.workers);
    let stop = state.start_background();
    shutdown_signal().await;
    let _ = stop.send(true);
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
