use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An announcement's audience is fixed at creation. Its targets carry the audience too,
/// through a composite foreign key, so the database itself guarantees that a target names
/// exactly the kind of thing (block, unit or resident) its announcement is addressed to,
/// and that an announcement to ALL has no targets.
const UP: &str = r#"
CREATE TABLE announcements (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body                TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    audience            TEXT NOT NULL CHECK (audience IN ('ALL', 'BLOCKS', 'UNITS', 'RESIDENTS')),
    -- Visible to its audience from this time on.
    publish_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When the publication event went out: at once, or by the publication job.
    published_event_at  TIMESTAMPTZ,
    author_user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    archived_at         TIMESTAMPTZ,
    UNIQUE (id, audience),
    CHECK (published_event_at IS NULL OR published_event_at >= publish_at)
);
-- The publication job's work list.
CREATE INDEX announcements_due ON announcements (publish_at)
    WHERE published_event_at IS NULL AND archived_at IS NULL;

CREATE TABLE announcement_targets (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    announcement_id  BIGINT NOT NULL,
    audience         TEXT NOT NULL CHECK (audience IN ('BLOCKS', 'UNITS', 'RESIDENTS')),
    block_id         BIGINT REFERENCES blocks (id),
    unit_id          BIGINT REFERENCES units (id),
    resident_id      BIGINT REFERENCES residents (id),
    FOREIGN KEY (announcement_id, audience) REFERENCES announcements (id, audience),
    CHECK ((block_id IS NOT NULL) = (audience = 'BLOCKS')),
    CHECK ((unit_id IS NOT NULL) = (audience = 'UNITS')),
    CHECK ((resident_id IS NOT NULL) = (audience = 'RESIDENTS'))
);
-- One row per target, and the residents' listing: "announcements to this block / unit /
-- resident" (the household's units come from resident_units_resident).
CREATE UNIQUE INDEX announcement_targets_block ON announcement_targets (block_id, announcement_id)
    WHERE block_id IS NOT NULL;
CREATE UNIQUE INDEX announcement_targets_unit ON announcement_targets (unit_id, announcement_id)
    WHERE unit_id IS NOT NULL;
CREATE UNIQUE INDEX announcement_targets_resident ON announcement_targets (resident_id, announcement_id)
    WHERE resident_id IS NOT NULL;
CREATE INDEX announcement_targets_announcement ON announcement_targets (announcement_id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE announcement_targets; DROP TABLE announcements;",
        )
        .await
    }
}
