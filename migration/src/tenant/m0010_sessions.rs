use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each login's `auth_version`: carried in its access tokens (`ver`) and raised whenever
/// its access must end before those tokens expire (disabled, role changed, signed out
/// everywhere). A token whose `ver` is not the login's current one is refused.
const UP: &str = r#"
ALTER TABLE users ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 0;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "ALTER TABLE users DROP COLUMN auth_version;").await
    }
}
