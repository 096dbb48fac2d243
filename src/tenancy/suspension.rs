//! News of suspended tenants, heard by every gateway instance.
//!
//! Requests check the tenant's status when they bind, but a WebSocket connection checks
//! it once, at `connection_init`, and may then stay open for days. So suspending a tenant
//! (or dropping it) also sends `NOTIFY klustera_tenant_suspended, '<slug>'` in the same
//! transaction ([`announce`]): PostgreSQL delivers it once the change committed, to every
//! process listening, whichever process made the change (`klustera tenant suspend` runs
//! without Redis and without any gateway's in-process bus). Each instance listens on one
//! connection of its own ([`Suspensions::listen`]) and hands the slugs to its connections,
//! which close theirs with 4403.
//!
//! Notifications sent while the listening connection was down are lost, so after every
//! reconnection the instance re-reads which tenants are not active and hands those on.
//! The news carries slugs only, never tenant data.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use tokio::sync::broadcast;

/// The PostgreSQL notification channel.
const CHANNEL: &str = "klustera_tenant_suspended";
/// Suspensions waiting for a busy connection before it has to re-check its tenant.
const CAPACITY: usize = 64;

/// Tells every instance, once the transaction `tx` commits, that `slug` may no longer be
/// served.
pub async fn announce(tx: &impl ConnectionTrait, slug: &str) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), slug.into()],
    ))
    .await?;
    Ok(())
}

/// This instance's receiver of suspension news.
pub struct Suspensions {
    news: broadcast::Sender<Arc<str>>,
}

impl Suspensions {
    /// Listens on a connection of its own; returns once listening, so a suspension
    /// committed after this returns is heard.
    pub async fn listen(url: &str, db: DatabaseConnection) -> anyhow::Result<Arc<Self>> {
        let listener = listening(url).await?;
        let news = broadcast::channel(CAPACITY).0;
        tokio::spawn(run(listener, url.to_owned(), db, news.clone()));
        Ok(Arc::new(Self { news }))
    }

    /// Slugs of tenants suspended from now on. `Lagged` means some were missed: the
    /// receiver re-checks its tenant.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.news.subscribe()
    }
}

async fn listening(url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(
    mut listener: PgListener,
    url: String,
    db: DatabaseConnection,
    news: broadcast::Sender<Arc<str>>,
) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                // Nobody listening (no connection open) is fine.
                let _ = news.send(notification.payload().into());
            }
            // Reconnected and listening again: what was sent meanwhile is lost.
            Ok(None) => resync(&db, &news).await,
            Err(err) => {
                tracing::warn!(error = %err, "tenant suspension listener lost; reconnecting");
                listener = loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    match listening(&url).await {
                        Ok(listener) => break listener,
                        Err(err) => tracing::warn!(error = %err, "tenant suspension listener"),
                    }
                };
                resync(&db, &news).await;
            }
        }
    }
}

/// Hands on every tenant that is not active now (after news may have been lost); retries
/// until the database answers.
async fn resync(db: &DatabaseConnection, news: &broadcast::Sender<Arc<str>>) {
    let statement = Statement::from_string(
        DbBackend::Postgres,
        "SELECT slug FROM control.tenants WHERE status <> 'ACTIVE'",
    );
    loop {
        match db.query_all_raw(statement.clone()).await {
            Ok(rows) => {
                for row in rows {
                    if let Ok(slug) = row.try_get_by_index::<String>(0) {
                        let _ = news.send(slug.into());
                    }
                }
                return;
            }
            Err(err) => tracing::warn!(error = %err, "re-reading suspended tenants failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
