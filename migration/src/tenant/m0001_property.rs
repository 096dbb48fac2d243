use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE blocks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE units (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    block_id     BIGINT NOT NULL REFERENCES blocks (id),
    number       TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 20),
    area_m2      NUMERIC(10, 2) NOT NULL CHECK (area_m2 > 0),
    unit_type    TEXT NOT NULL CHECK (unit_type IN ('HOUSE', 'APARTMENT', 'SHOPHOUSE', 'LAND')),
    archived_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (block_id, number)
);
CREATE INDEX units_number ON units (lower(number));

CREATE TABLE residents (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name        TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    phone            TEXT UNIQUE CHECK (phone ~ '^\+62[0-9]{8,13}$'),
    email            TEXT,
    identity_number  TEXT CHECK (identity_number ~ '^[0-9]{16}$'),
    archived_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX residents_name ON residents (lower(full_name));

CREATE TABLE resident_units (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id  BIGINT NOT NULL REFERENCES residents (id),
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    relation     TEXT NOT NULL CHECK (relation IN ('OWNER', 'TENANT', 'FAMILY')),
    starts_on    DATE NOT NULL DEFAULT current_date,
    ends_on      DATE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
-- One open link per resident and unit; closed links stay as history.
CREATE UNIQUE INDEX resident_units_open ON resident_units (resident_id, unit_id) WHERE ends_on IS NULL;
CREATE INDEX resident_units_unit ON resident_units (unit_id) INCLUDE (resident_id) WHERE ends_on IS NULL;
CREATE INDEX resident_units_resident ON resident_units (resident_id) INCLUDE (unit_id) WHERE ends_on IS NULL;

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          TEXT UNIQUE,
    phone          TEXT UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('MANAGER', 'RESIDENT', 'SECURITY')),
    resident_id    BIGINT REFERENCES residents (id),
    display_name   TEXT NOT NULL,
    disabled_at    TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (email IS NOT NULL OR phone IS NOT NULL),
    CHECK ((role = 'RESIDENT') = (resident_id IS NOT NULL))
);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    tenant_slug TEXT NOT NULL,
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
            "DROP TABLE audit_log; DROP FUNCTION forbid_audit_change(); DROP TABLE users; \
             DROP TABLE resident_units; DROP TABLE residents; DROP TABLE units; DROP TABLE blocks;",
        )
        .await
    }
}
