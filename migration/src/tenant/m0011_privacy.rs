use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Privacy (Indonesia's Personal Data Protection law, UU 27/2022).
///
/// - `residents.anonymised_at`: when the resident's direct identifiers were replaced by a
///   pseudonym (their `full_name`); irreversible, and done at most once.
/// - `privacy_settings`: one row: how many days after a resident's household membership
///   ended (or their record was archived) they are anonymised by the daily retention sweep.
/// - `audit_log.note`: what a row's operation was told (an anonymisation's reason), written
///   with the resident's identifiers already scrubbed.
/// - The audit log stays append-only, with one exception: an anonymisation may rewrite a
///   row's `note` (nothing else) to scrub identifiers, and only in a transaction that
///   declared it (`klustera.audit_scrub`, transaction-local).
const UP: &str = r#"
ALTER TABLE residents ADD COLUMN anonymised_at TIMESTAMPTZ;

CREATE TABLE privacy_settings (
    id                              BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    former_resident_retention_days  INTEGER NOT NULL DEFAULT 365
                                    CHECK (former_resident_retention_days BETWEEN 30 AND 3650)
);
INSERT INTO privacy_settings DEFAULT VALUES;

ALTER TABLE audit_log ADD COLUMN note TEXT CHECK (length(note) <= 1000);

CREATE OR REPLACE FUNCTION forbid_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('klustera.audit_scrub', true) = 'on'
       AND (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
"#;

const DOWN: &str = r#"
CREATE OR REPLACE FUNCTION forbid_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
ALTER TABLE audit_log DROP COLUMN note;
DROP TABLE privacy_settings;
ALTER TABLE residents DROP COLUMN anonymised_at;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, DOWN).await
    }
}
