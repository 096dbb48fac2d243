use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One vote per ballot key and poll, enforced by a unique constraint: the key is the unit
/// for per-unit polls and the resident for per-resident polls (`polls.eligibility`).
const UP: &str = r#"
CREATE TABLE polls (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description   TEXT NOT NULL DEFAULT '',
    eligibility   TEXT NOT NULL CHECK (eligibility IN ('UNIT', 'RESIDENT')),
    ballot        TEXT NOT NULL CHECK (ballot IN ('SECRET', 'OPEN')),
    hide_results_until_close BOOLEAN NOT NULL DEFAULT false,
    opens_at      TIMESTAMPTZ NOT NULL,
    closes_at     TIMESTAMPTZ NOT NULL,
    created_by    BIGINT REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
);
CREATE INDEX polls_closes ON polls (closes_at);

CREATE TABLE poll_options (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    poll_id   BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position  SMALLINT NOT NULL CHECK (position BETWEEN 1 AND 20),
    label     TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    UNIQUE (poll_id, position),
    UNIQUE (poll_id, id)
);

CREATE TABLE votes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    poll_id      BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    option_id    BIGINT NOT NULL,
    resident_id  BIGINT NOT NULL REFERENCES residents (id),
    unit_id      BIGINT REFERENCES units (id),
    ballot_key   BIGINT NOT NULL,
    cast_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- the option must belong to the same poll
    FOREIGN KEY (poll_id, option_id) REFERENCES poll_options (poll_id, id),
    CONSTRAINT votes_one_per_ballot UNIQUE (poll_id, ballot_key)
);
CREATE INDEX votes_option ON votes (option_id);
CREATE INDEX votes_resident ON votes (resident_id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE votes; DROP TABLE poll_options; DROP TABLE polls;",
        )
        .await
    }
}
