//! Database migrations: the control plane (schema `control`) and the per-tenant
//! schemas (`t_<slug>`).
//!
//! # Layout
//! - [`control::Migrator`]: tenant registry, super admins, refresh tokens, platform audit
//!   log. Runs in a transaction bound to the `control` schema, so its `seaql_migrations`
//!   table lives there.
//! - [`tenant::Migrator`]: every domain table. Runs inside the tenant's provisioning or
//!   migration transaction, bound to the tenant schema (`klustera_graphql::common::tenancy`), so
//!   each tenant keeps its own `seaql_migrations` table and its own migration status.
//!
//! Migrations are plain SQL: PostgreSQL is the only backend, and constraints, partial
//! indexes and triggers read best as the DDL they are. They never name a schema for
//! tenant tables: the schema the caller's transaction is bound to decides where they land.

pub use sea_orm_migration;

pub mod control;
pub mod tenant;

use sea_orm_migration::prelude::*;

/// Runs each statement of `sql` (separated by `;` at line end) through the manager's connection.
pub(crate) async fn run_sql(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(sql)
        .await
        .map(|_| ())
}
