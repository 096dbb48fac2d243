//! [`TenantTx`], and binding a transaction to its tenant.
//!
//! Binding looks the tenant up and sets the transaction's `search_path` to its schema in
//! one round trip (`set_config` runs only for the matching row). A tenant is refused when
//! it is unknown (`TENANT_NOT_FOUND`), suspended (`TENANT_SUSPENDED`) or its schema is not
//! at this binary's migration version (`TENANT_MIGRATING`: its rows would not be what this
//! binary expects). Operators' tools bind [`as_it_is`] instead, and provisioning binds
//! the transaction that registered the tenant ([`registering`]).

use std::sync::{Arc, LazyLock};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use klustera_entities::states::TenantStatus;

use super::pool::{Tx, TxPool};
use crate::common::error::ApiError;
use crate::common::types::TenantSlug;

const BIND: &str = "SELECT display_name, status, time_zone, schema_version, \
        set_config('search_path', quote_ident(schema_name), true) AS search_path, \
        set_config('statement_timeout', $2, true) AS statement_timeout \
    FROM control.tenants WHERE slug = $1";

/// The control plane's own migrations run with `search_path` on its schema.
const CONTROL: &str = "SELECT set_config('search_path', 'control', true)";

/// A tenant row as binding saw it.
#[derive(Debug, Clone)]
pub struct BoundTenant {
    pub slug: TenantSlug,
    pub display_name: String,
    pub status: TenantStatus,
    pub time_zone: String,
    /// The newest migration applied to the tenant's schema.
    pub schema_version: Option<String>,
}

/// A transaction bound to one tenant's schema: the only way to a tenant's rows.
///
/// Use it as any SeaORM connection. End it with [`TenantTx::commit`] or
/// [`TenantTx::rollback`]; any holder may (the request's dataloaders share it), and a
/// statement after the end fails rather than running outside the transaction. Dropped
/// without either, it rolls back.
pub struct TenantTx {
    conn: Conn,
    tenant: BoundTenant,
}

/// Where the transaction runs: the operations' pool, or SeaORM's (operators' tools,
/// provisioning and migrations, which SeaORM's migrator needs its own transaction for).
enum Conn {
    Pooled(Tx),
    Sea(Mutex<Option<DatabaseTransaction>>),
}

/// The schema version this binary reads and writes (its newest tenant migration).
static SCHEMA_VERSION: LazyLock<String> =
    LazyLock::new(klustera_migration::tenant::current_version);

/// The version a tenant must be at to be served.
pub fn schema_version() -> &'static str {
    &SCHEMA_VERSION
}

/// Opens a transaction on `pool` bound to `slug`, refusing a tenant that may not be
/// served. Everything that serves users binds this way.
pub async fn serving(
    pool: &TxPool,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<TenantTx, ApiError> {
    let conn = Conn::Pooled(pool.begin().await?);
    let tenant = look_up(&conn, slug, statement_timeout).await?;
    match refusal(tenant.as_ref()) {
        None => Ok(TenantTx {
            conn,
            tenant: tenant.ok_or(ApiError::TenantNotFound)?,
        }),
        Some(refused) => {
            conn.end(false).await?;
            Err(refused)
        }
    }
}

/// Binds work to tenants that may be served, on the operations' pool, with one statement
/// timeout: what requests, subscriptions, webhooks and jobs hold. Cheap to clone.
#[derive(Clone)]
pub struct Binder {
    pool: TxPool,
    statement_timeout: Arc<str>,
}

impl Binder {
    /// `statement_timeout` as PostgreSQL reads it (`"30s"`; `"0"`: none).
    pub fn new(pool: TxPool, statement_timeout: &str) -> Self {
        Self {
            pool,
            statement_timeout: statement_timeout.into(),
        }
    }

    /// The same, with no statement timeout (jobs, whose batches may take long).
    pub fn without_timeout(&self) -> Self {
        Self::new(self.pool.clone(), "0")
    }

    /// The pool it binds on.
    pub fn pool(&self) -> &TxPool {
        &self.pool
    }

    /// A transaction bound to `slug` ([`serving`]).
    pub async fn begin(&self, slug: &TenantSlug) -> Result<TenantTx, ApiError> {
        serving(&self.pool, slug, &self.statement_timeout).await
    }
}

/// Opens a transaction on `db` bound to `slug` whatever its state (operators' tools:
/// listing, migrating, seeding). `Ok(None)`: no such tenant.
pub async fn as_it_is(
    db: &DatabaseConnection,
    slug: &TenantSlug,
) -> Result<Option<TenantTx>, ApiError> {
    registering(db.begin().await?, slug).await
}

/// Binds `tx`, which may already have registered the tenant (provisioning: the control
/// row, the schema and its migrations commit together), to `slug` whatever its state.
/// `Ok(None)`: no such tenant (`tx` is rolled back).
pub async fn registering(
    tx: DatabaseTransaction,
    slug: &TenantSlug,
) -> Result<Option<TenantTx>, ApiError> {
    let conn = Conn::Sea(Mutex::new(Some(tx)));
    match look_up(&conn, slug, "0").await? {
        Some(tenant) => Ok(Some(TenantTx { conn, tenant })),
        None => {
            conn.end(false).await?;
            Ok(None)
        }
    }
}

/// Sets `tx`'s `search_path` to the control plane's schema (for its migrations).
pub async fn control_plane(tx: &DatabaseTransaction) -> Result<(), DbErr> {
    tx.execute_unprepared(CONTROL).await.map(drop)
}

/// Why a tenant may not be served, if it may not.
fn refusal(tenant: Option<&BoundTenant>) -> Option<ApiError> {
    match tenant {
        None => Some(ApiError::TenantNotFound),
        Some(t) if t.status != TenantStatus::Active => Some(ApiError::TenantSuspended),
        Some(t) if t.schema_version.as_deref() != Some(schema_version()) => {
            Some(ApiError::TenantMigrating)
        }
        Some(_) => None,
    }
}

async fn look_up(
    conn: &Conn,
    slug: &TenantSlug,
    statement_timeout: &str,
) -> Result<Option<BoundTenant>, ApiError> {
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        BIND,
        [slug.as_str().into(), statement_timeout.into()],
    );
    let row = match conn {
        Conn::Pooled(tx) => tx.query_one_raw(statement).await?,
        Conn::Sea(tx) => sea(tx).await?.query_one_raw(statement).await?,
    };
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(BoundTenant {
        slug: slug.clone(),
        display_name: row.try_get_by_index(0)?,
        status: row.try_get_by_index(1)?,
        time_zone: row.try_get_by_index(2)?,
        schema_version: row.try_get_by_index(3)?,
    }))
}

async fn sea(
    tx: &Mutex<Option<DatabaseTransaction>>,
) -> Result<MappedMutexGuard<'_, DatabaseTransaction>, DbErr> {
    MutexGuard::try_map(tx.lock().await, Option::as_mut).map_err(|_| ended())
}

fn ended() -> DbErr {
    DbErr::Custom("statement on a transaction that has ended".into())
}

impl Conn {
    async fn end(&self, commit: bool) -> Result<(), DbErr> {
        match self {
            Conn::Pooled(tx) if commit => tx.commit().await,
            Conn::Pooled(tx) => tx.rollback().await,
            Conn::Sea(tx) => {
                let tx = tx.lock().await.take().ok_or_else(ended)?;
                if commit {
                    tx.commit().await
                } else {
                    tx.rollback().await
                }
            }
        }
    }
}

impl TenantTx {
    /// The tenant it is bound to.
    pub fn tenant(&self) -> &BoundTenant {
        &self.tenant
    }

    pub async fn commit(&self) -> Result<(), DbErr> {
        self.conn.end(true).await
    }

    pub async fn rollback(&self) -> Result<(), DbErr> {
        self.conn.end(false).await
    }

    /// Awaits `call` (a call to another service) without holding a connection if the
    /// transaction has neither written nor locked anything yet (see the pool's
    /// `without_connection`); on SeaORM's pool (operators' tools) it just awaits it.
    pub async fn without_connection<F: Future>(&self, call: F) -> Result<F::Output, DbErr> {
        match &self.conn {
            Conn::Pooled(tx) => tx.without_connection(call).await,
            Conn::Sea(_) => Ok(call.await),
        }
    }

    /// SeaORM's transaction under it, for the migrator (which takes nothing else): only
    /// for a transaction bound by [`as_it_is`] or [`registering`].
    pub async fn for_migrations(&self) -> Result<MappedMutexGuard<'_, DatabaseTransaction>, DbErr> {
        match &self.conn {
            Conn::Sea(tx) => sea(tx).await,
            Conn::Pooled(_) => Err(DbErr::Custom(
                "migrations run on a transaction bound for operators' tools".into(),
            )),
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for TenantTx {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match &self.conn {
            Conn::Pooled(tx) => tx.execute_raw(stmt).await,
            Conn::Sea(tx) => sea(tx).await?.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match &self.conn {
            Conn::Pooled(tx) => tx.execute_unprepared(sql).await,
            Conn::Sea(tx) => sea(tx).await?.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.conn {
            Conn::Pooled(tx) => tx.query_one_raw(stmt).await,
            Conn::Sea(tx) => sea(tx).await?.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.conn {
            Conn::Pooled(tx) => tx.query_all_raw(stmt).await,
            Conn::Sea(tx) => sea(tx).await?.query_all_raw(stmt).await,
        }
    }
}
