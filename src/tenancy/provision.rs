//! Operators' tooling: the control plane, and tenants' whole life cycle.
//!
//! Every operation on one tenant is one transaction: PostgreSQL DDL is transactional, so
//! a failure anywhere (a migration, the first manager's account) leaves nothing behind.
//! Functions are generic over the tenant migrator so tests can prove that with a
//! migration that fails.

use futures::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use sea_orm_migration::{MigrationStatus, MigratorTrait};

use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::domains::auth::{accounts, password};
use klustera_graphql::{ApiError, Role};
use klustera_migration::tenant::version_of as tenant_version_of;
use klustera_migration::{control, sea_orm_migration};

use klustera_graphql::common::tenancy::bind;

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("tenant '{0}' does not exist")]
    NotFound(String),
    #[error("tenant '{0}' already exists")]
    Exists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<ApiError> for ProvisionError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Internal(cause) => Self::Db(sea_orm::DbErr::Custom(cause.to_string())),
            other => Self::Invalid(other.message()),
        }
    }
}

type Result<T> = std::result::Result<T, ProvisionError>;

/// Creates the `control` schema and applies control-plane migrations (idempotent).
pub async fn ensure_control_plane(db: &DatabaseConnection) -> Result<()> {
    let tx = db.begin().await?;
    // Serialises concurrent start-ups of several gateway processes.
    tx.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('klustera.control'))")
        .await?;
    tx.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS {}", control::SCHEMA))
        .await?;
    bind::control_plane(&tx).await?;
    control::Migrator::up(&tx, None).await?;
    tx.commit().await?;
    Ok(())
}

pub struct NewTenant {
    pub slug: TenantSlug,
    pub display_name: String,
    pub time_zone: String,
    pub manager_email: String,
    pub manager_password: String,
}

/// Registers the tenant, creates its schema, migrates it and creates its first manager,
/// all in one transaction.
pub async fn create_tenant<M: MigratorTrait>(db: &DatabaseConnection, t: NewTenant) -> Result<()> {
    let name = t.display_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ProvisionError::Invalid(
            "--name must have 1 to 200 characters".into(),
        ));
    }
    let tx = db.begin().await?;
    let zone_known = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM pg_timezone_names WHERE name = $1",
            [t.time_zone.clone().into()],
        ))
        .await?
        .is_some();
    if !zone_known {
        return Err(ProvisionError::Invalid(format!(
            "unknown time zone '{}'",
            t.time_zone
        )));
    }
    let inserted = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO control.tenants (slug, schema_name, display_name, time_zone) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO NOTHING",
            [t.slug.as_str().into(), t.slug.schema_name().into(), name.into(), t.time_zone.clone().into()],
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(ProvisionError::Exists(t.slug.to_string()));
    }
    tx.execute_unprepared(&format!("CREATE SCHEMA {}", t.slug.quoted_schema()))
        .await?;
    let tx = bind::registering(tx, &t.slug)
        .await?
        .ok_or_else(|| ProvisionError::NotFound(t.slug.to_string()))?;
    M::up(&*tx.for_migrations().await?, None).await?;
    record_version::<M>(&tx, &t.slug).await?;
    accounts::create(
        &tx,
        accounts::NewAccount {
            role: Role::Manager,
            email: Some(t.manager_email.clone()),
            phone: None,
            password: t.manager_password,
            display_name: format!("Pengelola {name}"),
            resident_id: None,
        },
    )
    .await?;
    audit(&tx, "tenant.create", &t.slug).await?;
    tx.commit().await?;
    Ok(())
}

/// A tenant as `tenant list` shows it.
pub struct TenantStatus {
    pub slug: String,
    pub display_name: String,
    pub status: klustera_entities::states::TenantStatus,
    pub time_zone: String,
    pub applied: usize,
    pub pending: usize,
}

pub async fn list_tenants<M: MigratorTrait>(db: &DatabaseConnection) -> Result<Vec<TenantStatus>> {
    let mut out = Vec::new();
    for slug in slugs(db).await? {
        let tx = bind::as_it_is(db, &slug)
            .await?
            .ok_or_else(|| ProvisionError::NotFound(slug.to_string()))?;
        let migrations =
            M::get_migration_with_status_read_only(&*tx.for_migrations().await?).await?;
        tx.rollback().await?;
        let tenant = tx.tenant().clone();
        let applied = migrations
            .iter()
            .filter(|m| m.status() == MigrationStatus::Applied)
            .count();
        out.push(TenantStatus {
            slug: slug.to_string(),
            display_name: tenant.display_name,
            status: tenant.status,
            time_zone: tenant.time_zone,
            applied,
            pending: migrations.len() - applied,
        });
    }
    Ok(out)
}

async fn slugs(db: &DatabaseConnection) -> Result<Vec<TenantSlug>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT slug FROM control.tenants ORDER BY slug",
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let slug: String = r.try_get("", "slug")?;
            TenantSlug::parse(&slug).map_err(ProvisionError::from)
        })
        .collect()
}

/// Records, in the migrating transaction, the version `M` left the tenant's schema at
/// (what binding a request compares with the binary's own).
async fn record_version<M: MigratorTrait>(
    tx: &impl ConnectionTrait,
    slug: &TenantSlug,
) -> Result<()> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.tenants SET schema_version = $2 WHERE slug = $1",
        [slug.as_str().into(), tenant_version_of::<M>().into()],
    ))
    .await?;
    Ok(())
}

/// What `tenant migrate` did to one tenant.
pub struct MigrateReport {
    pub slug: String,
    pub outcome: std::result::Result<Vec<String>, String>,
}

/// Applies pending migrations to one tenant in one transaction; returns their names.
/// An advisory lock keeps two migrators off the same tenant.
pub async fn migrate_tenant<M: MigratorTrait>(
    db: &DatabaseConnection,
    slug: &TenantSlug,
) -> Result<Vec<String>> {
    let tx = bind::as_it_is(db, slug)
        .await?
        .ok_or_else(|| ProvisionError::NotFound(slug.to_string()))?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext('klustera.tenant.' || $1))",
        [slug.as_str().into()],
    ))
    .await?;
    let pending: Vec<String> = M::get_pending_migrations(&*tx.for_migrations().await?)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    M::up(&*tx.for_migrations().await?, None).await?;
    record_version::<M>(&tx, slug).await?;
    if !pending.is_empty() {
        audit(&tx, "tenant.migrate", slug).await?;
    }
    tx.commit().await?;
    Ok(pending)
}

/// Migrates every tenant, `concurrency` at a time, each in its own transaction. A failed
/// tenant does not stop the others; rerunning resumes where it failed.
pub async fn migrate_all<M: MigratorTrait>(
    db: &DatabaseConnection,
    concurrency: usize,
) -> Result<Vec<MigrateReport>> {
    let slugs = slugs(db).await?;
    let mut reports: Vec<MigrateReport> = futures::stream::iter(slugs)
        .map(|slug| async move {
            let outcome = migrate_tenant::<M>(db, &slug)
                .await
                .map_err(|e| e.to_string());
            MigrateReport {
                slug: slug.to_string(),
                outcome,
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    reports.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(reports)
}

pub async fn set_status(db: &DatabaseConnection, slug: &TenantSlug, active: bool) -> Result<()> {
    let tx = db.begin().await?;
    let status = if active {
        klustera_entities::states::TenantStatus::Active
    } else {
        klustera_entities::states::TenantStatus::Suspended
    };
    let updated = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE control.tenants SET status = $2 WHERE slug = $1",
            [slug.as_str().into(), status.into()],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        return Err(ProvisionError::NotFound(slug.to_string()));
    }
    if !active {
        super::suspension::announce(&tx, slug.as_str()).await?;
    }
    audit(
        &tx,
        if active {
            "tenant.resume"
        } else {
            "tenant.suspend"
        },
        slug,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Drops the schema with all its data, the registry row and the tenant's refresh tokens.
pub async fn drop_tenant(db: &DatabaseConnection, slug: &TenantSlug) -> Result<()> {
    let tx = db.begin().await?;
    let deleted = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM control.tenants WHERE slug = $1",
            [slug.as_str().into()],
        ))
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ProvisionError::NotFound(slug.to_string()));
    }
    tx.execute_unprepared(&format!(
        "DROP SCHEMA IF EXISTS {} CASCADE",
        slug.quoted_schema()
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM control.refresh_tokens WHERE tenant_slug = $1",
        [slug.as_str().into()],
    ))
    .await?;
    super::suspension::announce(&tx, slug.as_str()).await?;
    audit(&tx, "tenant.drop", slug).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_super_admin(
    db: &DatabaseConnection,
    email: &str,
    password_plain: String,
) -> Result<()> {
    let email = klustera_graphql::common::types::Email::parse("email", email)?.into_string();
    let hash = password::hash(password_plain).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO control.super_admins (email, password_hash) VALUES ($1, $2) \
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash",
        [email.into(), hash.into()],
    ))
    .await?;
    Ok(())
}

async fn audit(db: &impl ConnectionTrait, operation: &str, slug: &TenantSlug) -> Result<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO control.audit_log (actor, tenant_slug, operation, target_ids) VALUES ('cli', $1, $2, ARRAY[$1])",
        [slug.as_str().into(), operation.into()],
    ))
    .await?;
    Ok(())
}
