use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The newest tenant migration each tenant's schema has applied, kept beside the tenant so
/// binding a request can refuse a schema that is not at the binary's version without a
/// second statement. Written by provisioning and `tenant migrate` in their transaction;
/// existing tenants get what their schema's own `seaql_migrations` says.
const UP: &str = r#"
ALTER TABLE tenants ADD COLUMN schema_version TEXT;
DO $$
DECLARE
    t record;
    v text;
BEGIN
    FOR t IN SELECT slug, schema_name FROM tenants LOOP
        BEGIN
            EXECUTE format('SELECT max(version) FROM %I.seaql_migrations', t.schema_name) INTO v;
        EXCEPTION WHEN undefined_table OR invalid_schema_name THEN
            v := NULL;
        END;
        UPDATE tenants SET schema_version = v WHERE slug = t.slug;
    END LOOP;
END $$;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "ALTER TABLE tenants DROP COLUMN schema_version").await
    }
}
