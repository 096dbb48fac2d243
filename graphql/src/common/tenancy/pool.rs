//! Tenant transactions' connections, on a pool of their own.
//!
//! A tenant transaction ([`super::TenantTx`]) of an operation runs on one pooled
//! connection ([`Tx`]). SeaORM's
//! `DatabaseTransaction` would do, but it runs on sqlx's pool, which pings every
//! connection given back to it: one more round trip per request than the work needs, a
//! sixth of a small query's database traffic. Here a connection whose transaction ended
//! (COMMIT or ROLLBACK acknowledged) goes back to the pool as it is. One whose [`Tx`] was
//! dropped while open (a cancelled request) is rolled back at once by a task of its own,
//! and checked again when next handed out, so no connection ever carries a transaction,
//! its locks or its transaction-local settings (`search_path`) into another operation.
//!
//! [`Tx`] is private to the tenancy module: the only way to a transaction is
//! [`super::bind`], which binds it to a tenant first.

use std::sync::Arc;
use std::time::{Duration, Instant};

use deadpool::managed::{self, Metrics, Object, RecycleError, RecycleResult};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::sqlx::{self, ConnectOptions, Connection, Executor};
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr,
    Statement,
};
use sea_query_sqlx::SqlxValues;

use crate::common::error::connection_lost;

/// What the pool tells its owner, e.g. to count and time statements.
pub trait TxObserver: Send + Sync {
    /// A statement (BEGIN and COMMIT excepted) finished after `elapsed`.
    fn statement(&self, elapsed: Duration);
    /// A transaction was dropped while open (its operation was cancelled: the client went
    /// away, or a timeout) and is being rolled back.
    fn abandoned(&self);
}

/// A connection idle for longer than this is pinged before it is handed out.
pub const IDLE_CHECK: Duration = Duration::from_secs(30);

/// Opens [`Tx`]s on at most `size` connections.
#[derive(Clone)]
pub struct TxPool {
    pool: managed::Pool<Connector>,
    observer: Arc<dyn TxObserver>,
}

impl TxPool {
    /// A pool of at most `size` connections to `url`, opened when first needed. Waiting
    /// for a free connection gives up after `acquire_timeout`.
    pub fn new(
        url: &str,
        size: usize,
        acquire_timeout: Duration,
        observer: Arc<dyn TxObserver>,
    ) -> Result<Self, DbErr> {
        let options: PgConnectOptions = url.parse().map_err(conn_err)?;
        // Statements are counted and timed by the observer, not logged with their text.
        let options = options.disable_statement_logging();
        let pool = managed::Pool::builder(Connector { options })
            .max_size(size.max(1))
            .wait_timeout(Some(acquire_timeout))
            .create_timeout(Some(acquire_timeout))
            .recycle_timeout(Some(acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(Self { pool, observer })
    }

    /// Begins a transaction on a pooled connection.
    pub(super) async fn begin(&self) -> Result<Tx, DbErr> {
        Ok(Tx {
            conn: tokio::sync::Mutex::new(Some(self.begin_on_pooled().await?)),
            pool: self.clone(),
        })
    }

    /// The `search_path` of the connection the pool hands out next, outside any binding
    /// (a diagnostic: it must be the server default, whatever ran on it before).
    pub async fn idle_search_path(&self) -> Result<String, DbErr> {
        let tx = self.begin().await?;
        let row = tx
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SHOW search_path",
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("SHOW returned no row".into()))?;
        let path = row.try_get_by_index(0)?;
        tx.rollback().await?;
        Ok(path)
    }

    /// A pooled connection inside a new transaction.
    ///
    /// An idle connection the server closed meanwhile (a restart, `pg_terminate_backend`,
    /// an idle timeout) is only found out by using it, and `BEGIN` is the first use: such
    /// a connection is taken out of the pool for good and the next one tried, so a dead
    /// connection never reaches an operation. Nothing ran yet, so trying again is safe.
    async fn begin_on_pooled(&self) -> Result<Pooled, DbErr> {
        let mut tries = self.pool.status().max_size + 1;
        loop {
            let mut conn = self.pool.get().await.map_err(|e| match e {
                managed::PoolError::Timeout(_) => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
                managed::PoolError::Backend(e) => conn_err(e),
                other => DbErr::Custom(other.to_string()),
            })?;
            // From here until COMMIT or ROLLBACK is acknowledged the connection may be inside
            // a transaction: if this future is dropped, the recycle check rolls it back.
            conn.in_tx = true;
            match conn.raw.execute("BEGIN").await {
                Ok(_) => return Ok(conn),
                Err(err) => {
                    let err = conn_err(err);
                    tries -= 1;
                    if tries == 0 || !connection_lost(&err) {
                        return Err(err);
                    }
                    tracing::info!(error = %err, "pooled connection was closed by the server; discarded");
                    drop(Object::take(conn));
                }
            }
        }
    }
}

/// A pooled connection and whether it may be inside a transaction.
struct PooledConn {
    raw: PgConnection,
    in_tx: bool,
}

struct Connector {
    options: PgConnectOptions,
}

impl managed::Manager for Connector {
    type Type = PooledConn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PooledConn, sqlx::Error> {
        Ok(PooledConn {
            raw: PgConnection::connect_with(&self.options).await?,
            in_tx: false,
        })
    }

    async fn recycle(
        &self,
        conn: &mut PooledConn,
        metrics: &Metrics,
    ) -> RecycleResult<sqlx::Error> {
        if conn.in_tx {
            // Given back while open (its rollback task did not run or failed): roll back,
            // which also drains whatever the cancelled statement left unread.
            conn.raw
                .execute("ROLLBACK")
                .await
                .map_err(RecycleError::Backend)?;
            conn.in_tx = false;
        } else if metrics.last_used() > IDLE_CHECK {
            conn.raw.ping().await.map_err(RecycleError::Backend)?;
        }
        Ok(())
    }
}

type Pooled = Object<Connector>;

/// One transaction on one pooled connection. Statements of concurrent resolvers take
/// turns on it. End it with [`Tx::commit`] or [`Tx::rollback`] (any holder may: ending
/// takes the connection out, so statements that come later fail instead of running outside
/// the transaction); dropping it open rolls back.
pub(super) struct Tx {
    conn: tokio::sync::Mutex<Option<Pooled>>,
    pool: TxPool,
}

/// Whether the transaction has written or locked anything (a transaction id is assigned
/// on the first write or row lock), and the transaction-local settings an operation is
/// bound with (`tenancy::bind`), to carry them over to the next transaction.
const AWAY_CHECK: &str = "SELECT pg_current_xact_id_if_assigned() IS NULL, \
    current_setting('search_path'), current_setting('statement_timeout')";
const AWAY_RESTORE: &str =
    "SELECT set_config('search_path', $1, true), set_config('statement_timeout', $2, true)";

impl Tx {
    pub(super) async fn commit(&self) -> Result<(), DbErr> {
        self.end("COMMIT").await
    }

    pub(super) async fn rollback(&self) -> Result<(), DbErr> {
        self.end("ROLLBACK").await
    }

    async fn end(&self, sql: &'static str) -> Result<(), DbErr> {
        let Some(mut conn) = self.conn.lock().await.take() else {
            return Err(ended());
        };
        // As SeaORM reports a failed COMMIT: a statement error (a deferred unique
        // violation stays a `CONFLICT`).
        conn.raw.execute(sql).await.map_err(exec_err)?;
        conn.in_tx = false;
        Ok(())
    }

    /// Awaits `call`, a call to another service, without holding a connection if the
    /// transaction has neither written nor locked anything yet: it then commits what it
    /// read, gives its connection back to the pool, and once `call` is done continues as a
    /// new transaction on a pooled connection, bound to the same schema and statement
    /// timeout. A slow service then keeps no connection from other operations, and
    /// statements of this operation wait until it answers. A transaction that has written
    /// or locked something keeps its connection, and its atomicity, while it waits.
    pub(super) async fn without_connection<F: Future>(&self, call: F) -> Result<F::Output, DbErr> {
        let mut slot = self.conn.lock().await;
        let conn = &mut slot.as_mut().ok_or_else(ended)?.raw;
        let started = Instant::now();
        let check = detached(sqlx::query(AWAY_CHECK).fetch_one(&mut *conn)).await;
        self.pool.observer.statement(started.elapsed());
        let (clean, search_path, timeout): (bool, String, String) =
            sqlx::FromRow::from_row(&check.map_err(query_err)?).map_err(query_err)?;
        if !clean {
            drop(slot);
            return Ok(call.await);
        }
        if let Some(mut pooled) = slot.take() {
            pooled.raw.execute("COMMIT").await.map_err(exec_err)?;
            pooled.in_tx = false;
        }
        let output = call.await;
        let mut pooled = self.pool.begin_on_pooled().await?;
        let started = Instant::now();
        let restore = sqlx::query(AWAY_RESTORE)
            .bind(search_path)
            .bind(timeout)
            .execute(&mut pooled.raw);
        detached(restore).await.map_err(exec_err)?;
        self.pool.observer.statement(started.elapsed());
        *slot = Some(pooled);
        Ok(output)
    }

    /// The connection, for one statement (reported to the hook when done).
    async fn statement(&self) -> Result<Running<'_>, DbErr> {
        let guard = self.conn.lock().await;
        let conn = tokio::sync::MutexGuard::try_map(guard, |c| c.as_mut().map(|p| &mut p.raw))
            .map_err(|_| ended())?;
        Ok(Running {
            conn,
            started: Instant::now(),
            observer: self.pool.observer.as_ref(),
        })
    }
}

/// The connection, held for one statement.
struct Running<'a> {
    conn: tokio::sync::MappedMutexGuard<'a, PgConnection>,
    started: Instant,
    observer: &'a dyn TxObserver,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.observer.statement(self.started.elapsed());
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.get_mut().take() else {
            return;
        };
        if conn.in_tx
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            tracing::info!("operation cancelled with its transaction open: rolling back");
            self.pool.observer.abandoned();
            // Roll back now rather than when the connection is next needed: an open
            // transaction would hold its locks while the connection sits in the pool.
            runtime.spawn(async move {
                if conn.raw.execute("ROLLBACK").await.is_ok() {
                    conn.in_tx = false;
                }
            });
        }
    }
}

/// A statement's future, polled with no current span.
///
/// sqlx instruments the streams behind a statement with the span current when they are
/// created, and enters that span on every poll: about once per row. Under the default
/// `info` filter the request's span is enabled, so a bill list entered and left it some
/// 1,600 times per request (a twentieth of its instructions). Polled here without a
/// subscriber, sqlx's streams capture no span. The price: sqlx's own events during these
/// polls are not logged, which are its statement log (off anyway: statements are counted
/// and timed by the hook) and the server's NOTICE and WARNING messages (none of our
/// statements raise any). The request's own events keep their span.
async fn detached<F: Future>(statement: F) -> F::Output {
    let mut statement = std::pin::pin!(statement);
    std::future::poll_fn(|cx| {
        tracing::dispatcher::with_default(&tracing::Dispatch::none(), || {
            statement.as_mut().poll(cx)
        })
    })
    .await
}

fn query(stmt: &Statement) -> sqlx::query::Query<'_, sqlx::Postgres, SqlxValues> {
    let values = stmt.values.clone().unwrap_or(sea_orm::Values(Vec::new()));
    sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

fn conn_err(e: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e)))
}

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e)))
}

/// A statement's failure, as SeaORM reports one.
pub(crate) fn query_err(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
}

fn ended() -> DbErr {
    DbErr::Custom("statement on a transaction that has ended".into())
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let mut st = self.statement().await?;
        let done = detached(query(&stmt).execute(&mut *st.conn)).await;
        done.map(Into::into).map_err(exec_err)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let mut st = self.statement().await?;
        let done = detached(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *st.conn)).await;
        done.map(Into::into).map_err(exec_err)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut st = self.statement().await?;
        let row = detached(query(&stmt).fetch_optional(&mut *st.conn)).await;
        row.map(|r| r.map(Into::into)).map_err(query_err)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut st = self.statement().await?;
        let rows = detached(query(&stmt).fetch_all(&mut *st.conn)).await;
        Ok(rows
            .map_err(query_err)?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
