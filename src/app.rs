//! Start-up: from a config to a running router. Tests build the real app through here.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use klustera_graphql::auth::TokenKeys;
use klustera_graphql::{AppSchema, ControlPlane};

use crate::config::Config;
use crate::telemetry::Metrics;
use crate::tenancy::provision;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    /// Pool for tenant-bound operations (one connection per running operation).
    pub db: DatabaseConnection,
    pub keys: TokenKeys,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
}

/// Access tokens live 15 minutes.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);

/// The database URL to use: the configured one, or the private cluster's.
pub async fn database_url(config: &Config) -> anyhow::Result<String> {
    match &config.database_url {
        Some(url) => Ok(url.clone()),
        None => crate::embedded_pg::ensure(&config.data_dir).await,
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
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(options)
        .await
        .with_context(|| "connecting to PostgreSQL")?;
    let m = metrics.clone();
    db.set_metric_callback(move |info| {
        m.sql_statements.inc();
        m.sql_seconds.observe(info.elapsed.as_secs_f64());
    });
    Ok(db)
}

/// Connects, applies control-plane migrations and builds the schema.
pub async fn build(config: Config, database_url: &str) -> anyhow::Result<AppState> {
    let metrics = Metrics::new();
    let db = connect(database_url, config.db_pool_size, &metrics).await?;
    // Control-plane work (refresh tokens, super admins) runs while a request holds its
    // tenant connection: a pool of its own keeps a full tenant pool from starving it.
    let control = connect(database_url, (config.db_pool_size / 4).max(2), &metrics).await?;
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
    let keys = TokenKeys::from_secret(&secret, ACCESS_TTL);
    let schema = klustera_graphql::build_schema(
        ControlPlane { db: control },
        keys.clone(),
        &config.limits(),
    );
    Ok(AppState {
        schema,
        db,
        keys,
        config: Arc::new(config),
        metrics,
    })
}

pub fn router(state: AppState) -> Router {
    crate::http::router(state)
}

/// Serves until Ctrl-C or SIGTERM, then drains in-flight requests.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.bind;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    eprintln!("klustera: serving on http://{addr}/graphql (GraphiQL in a browser)");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
