use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Complaints, their comments and attachments, and the SLA hours per priority.
///
/// Full-text search uses the `simple` text search configuration: PostgreSQL ships no
/// Indonesian stemmer, and `simple` (lowercase, split on non-letters, no stemming, no stop
/// words) matches Indonesian words as written ("lampu jalan mati" finds "Lampu jalan di
/// Blok A mati"). Accents are kept (no `unaccent`): Indonesian text rarely has any.
const UP: &str = r#"
CREATE TABLE complaint_sla (
    priority  TEXT PRIMARY KEY CHECK (priority IN ('LOW', 'MEDIUM', 'HIGH', 'URGENT')),
    hours     INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 8760)
);
INSERT INTO complaint_sla (priority, hours) VALUES ('URGENT', 4), ('HIGH', 24), ('MEDIUM', 72), ('LOW', 168);

CREATE TABLE complaints (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id       BIGINT NOT NULL REFERENCES residents (id),
    unit_id           BIGINT REFERENCES units (id),
    category          TEXT NOT NULL CHECK (length(category) BETWEEN 1 AND 50),
    priority          TEXT NOT NULL CHECK (priority IN ('LOW', 'MEDIUM', 'HIGH', 'URGENT')),
    status            TEXT NOT NULL DEFAULT 'OPEN'
                      CHECK (status IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REOPENED')),
    title             TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description       TEXT NOT NULL CHECK (length(description) <= 5000),
    assignee_user_id  BIGINT REFERENCES users (id),
    -- The SLA deadline: filing time + the hours of its priority at filing time.
    due_at            TIMESTAMPTZ NOT NULL,
    sla_breached_at   TIMESTAMPTZ,
    resolved_at       TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    search            tsvector GENERATED ALWAYS AS
                      (to_tsvector('simple'::regconfig, title || ' ' || description)) STORED,
    CHECK ((status IN ('RESOLVED', 'CLOSED')) = (resolved_at IS NOT NULL)),
    CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE INDEX complaints_search ON complaints USING GIN (search);
CREATE INDEX complaints_resident ON complaints (resident_id, id);
CREATE INDEX complaints_assignee ON complaints (assignee_user_id, id) WHERE assignee_user_id IS NOT NULL;
CREATE INDEX complaints_active ON complaints (status) WHERE status IN ('OPEN', 'IN_PROGRESS', 'REOPENED');
CREATE INDEX complaints_resolved_at ON complaints (resolved_at) WHERE resolved_at IS NOT NULL;
-- The SLA sweep: complaints still being worked on, not yet marked breached.
CREATE INDEX complaints_sla_due ON complaints (due_at)
    WHERE sla_breached_at IS NULL AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED');

CREATE TABLE complaint_comments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id    BIGINT NOT NULL REFERENCES complaints (id),
    author_user_id  BIGINT NOT NULL REFERENCES users (id),
    body            TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    -- Staff notes: never shown to residents.
    internal        BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX complaint_comments_complaint ON complaint_comments (complaint_id, id);

CREATE TABLE complaint_attachments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id  BIGINT NOT NULL REFERENCES complaints (id),
    url           TEXT NOT NULL CHECK (url ~ '^https?://[^\s/]+' AND length(url) <= 2048),
    uploaded_by   BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX complaint_attachments_complaint ON complaint_attachments (complaint_id, id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE complaint_attachments; DROP TABLE complaint_comments; DROP TABLE complaints; \
             DROP TABLE complaint_sla;",
        )
        .await
    }
}
