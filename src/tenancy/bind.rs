//! Binding an operation to its tenant: one transaction, a transaction-local `search_path`.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};

use klustera_entities::states::TenantStatus;
use klustera_graphql::common::live::TenantDb;
use klustera_graphql::common::tx::{Tx, TxPool};
use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::{ApiError, TenantScope};

/// Looks the tenant up and binds the transaction to its schema in one round trip.
/// `set_config` runs only for the matching row; with `is_local = true` it lasts until the
/// transaction ends, whatever happens to the connection afterwards.
const BIND: &str = "SELECT display_name, status, time_zone, schema_version, \
        set_config('search_path', quote_ident(schema_name), true) AS search_path, \
        set_config('statement_timeout', $2, true) AS statement_timeout \
    FROM control.tenants WHERE slug = $1";

/// A tenant row as the binding saw it.
pub struct BoundTenant {
    pub display_name: String,
    pub status: TenantStatus,
    pub time_zone: String,
    /// The newest migration applied to the tenant's schema.
    pub schema_version: Option<String>,
}

/// Binds the open transaction `tx` to `slug`'s schema. `Ok(None)`: no such tenant.
async fn bind(
    tx: &impl ConnectionTrait,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<Option<BoundTenant>, ApiError> {
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            BIND,
            [slug.as_str().into(), statement_timeout.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(BoundTenant {
        display_name: row.try_get_by_index(0)?,
        status: row.try_get_by_index(1)?,
        time_zone: row.try_get_by_index(2)?,
        schema_version: row.try_get_by_index(3)?,
    }))
}

/// The schema version this binary reads and writes (its newest tenant migration).
static SCHEMA_VERSION: LazyLock<String> =
    LazyLock::new(klustera_migration::tenant::current_version);

/// The tenant if it may be used: unknown -> `TENANT_NOT_FOUND`, suspended ->
/// `TENANT_SUSPENDED`, a schema at another migration than this binary's (a `tenant
/// migrate` not yet run, or failed, for it) -> `TENANT_MIGRATING`: its rows would not be
/// what this binary expects.
fn active(tenant: Option<BoundTenant>) -> Result<BoundTenant, ApiError> {
    match tenant {
        None => Err(ApiError::TenantNotFound),
        Some(t) if t.status != TenantStatus::Active => Err(ApiError::TenantSuspended),
        Some(t) if t.schema_version.as_deref() != Some(SCHEMA_VERSION.as_str()) => {
            Err(ApiError::TenantMigrating)
        }
        Some(t) => Ok(t),
    }
}

/// Begins a transaction bound to `slug`'s schema. `Ok(None)`: no such tenant (the
/// transaction is already rolled back).
pub async fn begin_bound(
    db: &DatabaseConnection,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<Option<(DatabaseTransaction, BoundTenant)>, ApiError> {
    let tx = db.begin().await?;
    match bind(&tx, slug, statement_timeout).await? {
        Some(tenant) => Ok(Some((tx, tenant))),
        None => {
            tx.rollback().await?;
            Ok(None)
        }
    }
}

/// Binds an API request, on the operations' own pool: unknown -> `TENANT_NOT_FOUND`,
/// suspended -> `TENANT_SUSPENDED`.
pub async fn bind_request(
    pool: &TxPool,
    slug: TenantSlug,
    statement_timeout: &str,
) -> Result<TenantScope, ApiError> {
    let (tx, tenant) = bind_active(pool.begin().await?, &slug, statement_timeout).await?;
    Ok(TenantScope::new(
        slug,
        tenant.display_name,
        tenant.time_zone,
        Arc::new(tx),
    ))
}

/// [`begin_bound`] for an active tenant: unknown -> `TENANT_NOT_FOUND`, suspended ->
/// `TENANT_SUSPENDED`.
pub(crate) async fn begin_active(
    db: &DatabaseConnection,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<(DatabaseTransaction, BoundTenant), ApiError> {
    bind_active(db.begin().await?, slug, statement_timeout).await
}

/// A transaction binding can give up: the operations' [`Tx`] or SeaORM's.
trait Transaction: ConnectionTrait + Sized {
    fn roll_back(self) -> impl Future<Output = Result<(), DbErr>> + Send;
}

impl Transaction for Tx {
    fn roll_back(self) -> impl Future<Output = Result<(), DbErr>> + Send {
        self.rollback()
    }
}

impl Transaction for DatabaseTransaction {
    fn roll_back(self) -> impl Future<Output = Result<(), DbErr>> + Send {
        self.rollback()
    }
}

/// Binds the open `tx` to `slug`'s schema if the tenant may be used; a refused one's
/// transaction is rolled back before the refusal is returned.
async fn bind_active<T: Transaction>(
    tx: T,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<(T, BoundTenant), ApiError> {
    match active(bind(&tx, slug, statement_timeout).await?) {
        Ok(tenant) => Ok((tx, tenant)),
        Err(refused) => {
            tx.roll_back().await?;
            Err(refused)
        }
    }
}

/// Short tenant-bound transactions for subscriptions (which hold none while they wait).
pub struct LiveDb {
    pub db: DatabaseConnection,
    pub statement_timeout: String,
}

#[async_trait::async_trait]
impl TenantDb for LiveDb {
    async fn begin(&self, tenant: &TenantSlug) -> Result<DatabaseTransaction, ApiError> {
        let (tx, _) = begin_active(&self.db, tenant, &self.statement_timeout).await?;
        Ok(tx)
    }
}

/// Ends the operation's transaction: commit when it succeeded, roll back otherwise.
///
/// The request's dataloaders hold clones of the transaction while their batch tasks
/// finish; those end right after the operation, so this waits (yielding, bounded) for the
/// last clone before taking the transaction back.
pub async fn finish(tx: Arc<Tx>, commit: bool) -> Result<(), ApiError> {
    let owned = tokio::time::timeout(Duration::from_secs(5), async move {
        let mut tx = tx;
        loop {
            match Arc::try_unwrap(tx) {
                Ok(owned) => return owned,
                Err(shared) => {
                    tx = shared;
                    tokio::task::yield_now().await;
                }
            }
        }
    })
    .await
    .map_err(|_| {
        ApiError::internal(std::io::Error::other(
            "transaction still shared after the operation",
        ))
    })?;
    if commit {
        owned.commit().await?;
    } else {
        owned.rollback().await?;
    }
    Ok(())
}

/// Runs `sql` in a transaction bound to `slug` (operators' tools and tests).
pub async fn execute_in_tenant(
    db: &DatabaseConnection,
    slug: &TenantSlug,
    sql: &str,
) -> Result<(), ApiError> {
    let (tx, _) = begin_bound(db, slug, "0")
        .await?
        .ok_or(ApiError::TenantNotFound)?;
    tx.execute_unprepared(sql).await?;
    tx.commit().await?;
    Ok(())
}
