use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Finds a login's live refresh tokens (disabling it or signing it out everywhere revokes
/// them all).
const UP: &str = r#"
CREATE INDEX refresh_tokens_live_by_user ON control.refresh_tokens (tenant_slug, subject)
    WHERE revoked_at IS NULL;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "DROP INDEX control.refresh_tokens_live_by_user;").await
    }
}
