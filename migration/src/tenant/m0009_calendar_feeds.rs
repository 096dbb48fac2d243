use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Private iCalendar feeds (`GET /calendar/<token>.ics`): one live feed per resident (their
/// household's bookings) and per facility (all its bookings, for staff). Only a SHA-256
/// of the token's secret is stored; rotating revokes the live feed and makes a new one.
const UP: &str = r#"
CREATE TABLE calendar_feeds (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE,
    resident_id  BIGINT REFERENCES residents (id),
    facility_id  BIGINT REFERENCES facilities (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ,
    CHECK ((resident_id IS NULL) <> (facility_id IS NULL))
);
CREATE UNIQUE INDEX calendar_feeds_live_resident ON calendar_feeds (resident_id)
    WHERE revoked_at IS NULL AND resident_id IS NOT NULL;
CREATE UNIQUE INDEX calendar_feeds_live_facility ON calendar_feeds (facility_id)
    WHERE revoked_at IS NULL AND facility_id IS NOT NULL;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "DROP TABLE calendar_feeds;").await
    }
}
