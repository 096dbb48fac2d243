use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Durable jobs for every tenant, claimed with `FOR UPDATE SKIP LOCKED`.
/// A RUNNING job whose lease (`locked_until`) lapsed belongs to a dead worker and is
/// claimed again; handlers are idempotent, so a rerun never duplicates their effects.
const UP: &str = r#"
CREATE TABLE jobs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_slug   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    payload       JSONB NOT NULL DEFAULT '{}',
    dedupe_key    TEXT,
    status        TEXT NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'DEAD')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 5,
    run_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_by     TEXT,
    locked_until  TIMESTAMPTZ,
    last_error    TEXT,
    progress      JSONB,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ
);
-- At most one live job per key; finished ones stay as history.
CREATE UNIQUE INDEX jobs_live_key ON jobs (dedupe_key) WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX jobs_key ON jobs (dedupe_key, created_at);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE status = 'QUEUED';
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE status = 'RUNNING';
CREATE INDEX jobs_tenant ON jobs (tenant_slug, created_at);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "DROP TABLE jobs;").await
    }
}
