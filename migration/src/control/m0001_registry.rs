use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE tenants (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,40}$'),
    schema_name   TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status        TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    time_zone     TEXT NOT NULL DEFAULT 'Asia/Jakarta',
    db_cluster    TEXT NOT NULL DEFAULT 'default',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE super_admins (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Refresh tokens are opaque random strings; only their SHA-256 is stored.
-- A family is one sign-in: every rotation adds a row to it, reuse of a
-- used row revokes all of it.
CREATE TABLE refresh_tokens (
    id           UUID PRIMARY KEY,
    family_id    UUID NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    tenant_slug  TEXT,
    subject      TEXT NOT NULL,
    role         TEXT NOT NULL,
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT NOT NULL,
    tenant_slug TEXT,
    operation   TEXT NOT NULL,
    target_ids  TEXT[] NOT NULL DEFAULT '{}',
    request_id  TEXT
);

CREATE FUNCTION forbid_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_audit_change();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE audit_log; DROP FUNCTION forbid_audit_change(); DROP TABLE refresh_tokens; \
             DROP TABLE super_admins; DROP TABLE tenants;",
        )
        .await
    }
}
