use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Extensions tenant schemas use, installed once per database in a schema of their own.
///
/// An extension lives in exactly one schema of a database, while every tenant request's
/// `search_path` is only its tenant schema. So the extension's objects are never found by
/// name: tenant DDL names them schema-qualified (`extensions.gist_int8_ops` in the
/// bookings' exclusion constraint). Installing them here, by the control-plane migration
/// that runs before any tenant is provisioned, keeps tenant migrations free of
/// database-wide side effects.
const UP: &str = r#"
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Tenant constraints depend on it; dropping it is never automatic.
        Ok(())
    }
}
