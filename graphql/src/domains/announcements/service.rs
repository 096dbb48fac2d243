//! Announcement rules and queries. Every function takes the connection it must use: the
//! request's tenant transaction, a subscription's short one, or a job's.
//!
//! Who may read what is one SQL condition (the [`Viewer`] -> `visible_to`), applied in
//! the same statement as the rest of each query: a resident's household is a subquery
//! there, never a list loaded into Rust to be filtered against.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use klustera_entities::tenant::{announcement, announcement_target, block, resident, unit};

use super::model::AudienceKind;
use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::pagination::Page;
use crate::common::types::required_text;
use crate::common::viewer::{Viewer, household_query};

/// Most blocks, units or residents one announcement may name.
pub const MAX_TARGETS: usize = 1000;
const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 20_000;

/// Who reads: staff see every announcement; a resident only those published by now, not
/// archived, and addressed to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Staff,
    Resident(i64),
}

impl Reader {
    fn of(viewer: &Viewer) -> ApiResult<Self> {
        match (viewer.role(), viewer.resident_id()) {
            (Role::Resident, Some(id)) => Ok(Self::Resident(id)),
            // Fail closed: a resident login without a resident record reads nothing.
            (Role::Resident, None) => Err(ApiError::Forbidden(
                "this login is not linked to a resident",
            )),
            (Role::Manager | Role::Security, _) => Ok(Self::Staff),
            (Role::SuperAdmin, _) => Err(ApiError::Forbidden("announcements are for tenant users")),
        }
    }
}

/// Whether `viewer` reads announcements at all (`FORBIDDEN` otherwise): a subscription
/// asks once, before it waits for publications.
pub fn check_reader(viewer: &Viewer) -> ApiResult<()> {
    Reader::of(viewer).map(|_| ())
}

/// The ids a publisher named, per kind, as given.
#[derive(Debug, Default, Clone)]
pub struct Targets {
    pub block_ids: Vec<i64>,
    pub unit_ids: Vec<i64>,
    pub resident_ids: Vec<i64>,
}

/// An audience whose targets match its kind: none for ALL, at least one of the right
/// kind otherwise. Only [`Audience::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    kind: AudienceKind,
    ids: BTreeSet<i64>,
}

impl Audience {
    pub fn parse(kind: AudienceKind, targets: Targets) -> ApiResult<Self> {
        let lists = [
            ("blockIds", AudienceKind::Blocks, targets.block_ids),
            ("unitIds", AudienceKind::Units, targets.unit_ids),
            ("residentIds", AudienceKind::Residents, targets.resident_ids),
        ];
        let mut ids = BTreeSet::new();
        for (field, list_kind, list) in lists {
            if list_kind != kind {
                if !list.is_empty() {
                    return Err(ApiError::bad_input(
                        field,
                        format!("not allowed for audience {}", kind.as_str()),
                    ));
                }
                continue;
            }
            ids = list.into_iter().collect();
            if ids.is_empty() {
                return Err(ApiError::bad_input(
                    field,
                    format!("audience {} needs at least one", kind.as_str()),
                ));
            }
            if ids.len() > MAX_TARGETS {
                return Err(ApiError::bad_input(field, format!("at most {MAX_TARGETS}")));
            }
        }
        Ok(Self { kind, ids })
    }

    pub fn kind(&self) -> AudienceKind {
        self.kind
    }

    /// Checks that every target exists (units and residents: and are not archived).
    async fn ensure_targets_exist(&self, db: &impl ConnectionTrait) -> ApiResult<()> {
        let ids = self.ids.iter().copied();
        let (field, what, found): (_, _, Vec<i64>) = match self.kind {
            AudienceKind::All => return Ok(()),
            AudienceKind::Blocks => (
                "blockIds",
                "block",
                block::Entity::find()
                    .select_only()
                    .column(block::Column::Id)
                    .filter(block::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(db)
                    .await?,
            ),
            AudienceKind::Units => (
                "unitIds",
                "unit",
                unit::Entity::find()
                    .select_only()
                    .column(unit::Column::Id)
                    .filter(unit::Column::Id.is_in(ids))
                    .filter(unit::Column::ArchivedAt.is_null())
                    .into_tuple()
                    .all(db)
                    .await?,
            ),
            AudienceKind::Residents => (
                "residentIds",
                "resident",
                resident::Entity::find()
                    .select_only()
                    .column(resident::Column::Id)
                    .filter(resident::Column::Id.is_in(ids))
                    .filter(resident::Column::ArchivedAt.is_null())
                    .into_tuple()
                    .all(db)
                    .await?,
            ),
        };
        let found: BTreeSet<i64> = found.into_iter().collect();
        match self.ids.difference(&found).next() {
            Some(missing) => Err(ApiError::bad_input(
                field,
                format!("no active {what} with id {missing}"),
            )),
            None => Ok(()),
        }
    }
}

/// A new announcement, as the publisher asked for it.
#[derive(Debug, Clone)]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    pub audience: AudienceKind,
    pub targets: Targets,
    /// Absent or past: publish now.
    pub publish_at: Option<DateTime<FixedOffset>>,
    pub author_user_id: i64,
}

/// Inserts the announcement with the database's clock deciding "now": a `publish_at` in
/// the past becomes now, and an announcement due now is marked published at once.
const INSERT: &str = "WITH at AS (SELECT greatest(coalesce($4, now()), now()) AS publish_at) \
     INSERT INTO announcements (title, body, audience, publish_at, published_event_at, author_user_id) \
     SELECT $1, $2, $3, at.publish_at, CASE WHEN at.publish_at <= now() THEN now() END, $5 FROM at \
     RETURNING *";

/// Creates an announcement and its targets. If it is due now it comes back with
/// `published_event_at` set and the caller records the `AnnouncementPublished` event in
/// the same operation; otherwise the publication job publishes it when its time comes.
pub async fn publish(
    db: &impl ConnectionTrait,
    new: NewAnnouncement,
) -> ApiResult<announcement::Model> {
    let title = required_text("title", &new.title, MAX_TITLE)?;
    let body = required_text("body", &new.body, MAX_BODY)?;
    let audience = Audience::parse(new.audience, new.targets)?;
    audience.ensure_targets_exist(db).await?;
    let created = announcement::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            INSERT,
            [
                title.into(),
                body.into(),
                audience.kind.into(),
                new.publish_at.into(),
                new.author_user_id.into(),
            ],
        ))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(NothingReturned))?;
    if !audience.ids.is_empty() {
        let kind = audience.kind;
        let rows = audience.ids.iter().map(|&id| {
            let pick = |k: AudienceKind| (k == kind).then_some(id);
            announcement_target::ActiveModel {
                announcement_id: Set(created.id),
                audience: Set(kind),
                block_id: Set(pick(AudienceKind::Blocks)),
                unit_id: Set(pick(AudienceKind::Units)),
                resident_id: Set(pick(AudienceKind::Residents)),
                ..Default::default()
            }
        });
        announcement_target::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok(created)
}

#[derive(Debug, thiserror::Error)]
#[error("INSERT ... RETURNING returned no row")]
struct NothingReturned;

/// Archives an announcement (again: no change). Archived announcements leave residents'
/// lists and are never published by the job.
pub async fn archive(db: &impl ConnectionTrait, id: i64) -> ApiResult<announcement::Model> {
    announcement::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE announcements SET archived_at = coalesce(archived_at, now()) \
             WHERE id = $1 RETURNING *",
            [id.into()],
        ))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("announcement"))
}

/// Announcements `viewer` may see, newest first. Archived ones only for staff who ask.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    include_archived: bool,
    page: &Page,
) -> ApiResult<Vec<announcement::Model>> {
    let mut q = announcement::Entity::find().filter(visible_to(Reader::of(viewer)?));
    if !include_archived {
        q = q.filter(announcement::Column::ArchivedAt.is_null());
    }
    Ok(page
        .apply_newest_first(q, announcement::Column::Id)
        .all(db)
        .await?)
}

/// One announcement, if `viewer` may see it (otherwise it does not exist for them).
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<announcement::Model> {
    announcement::Entity::find_by_id(id)
        .filter(visible_to(Reader::of(viewer)?))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("announcement"))
}

/// Of `ids`, the announcements whose publication went out, not archived, that `viewer`
/// may see: what a subscriber receives for a burst of publication events.
pub async fn published_among(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> ApiResult<Vec<announcement::Model>> {
    let reader = Reader::of(viewer)?;
    Ok(announcement::Entity::find()
        .filter(announcement::Column::Id.is_in(ids.iter().copied()))
        .filter(announcement::Column::PublishedEventAt.is_not_null())
        .filter(announcement::Column::ArchivedAt.is_null())
        .filter(visible_to(reader))
        .order_by_asc(announcement::Column::PublishedEventAt)
        .order_by_asc(announcement::Column::Id)
        .all(db)
        .await?)
}

/// Whether scheduled announcements wait for their publication (the scheduler's check).
pub async fn any_due(db: &impl ConnectionTrait) -> ApiResult<bool> {
    Ok(announcement::Entity::find()
        .select_only()
        .column(announcement::Column::Id)
        .filter(due())
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

#[derive(FromQueryResult)]
struct Marked {
    id: i64,
}

/// Marks every announcement whose time came as published, in one statement, and returns
/// their ids. The caller commits and only then publishes one event per id; a rerun (or
/// a concurrent run, which waits on the row locks) finds nothing left to mark.
pub async fn mark_due_published(db: &impl ConnectionTrait) -> ApiResult<Vec<i64>> {
    let rows = Marked::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "UPDATE announcements SET published_event_at = now() \
         WHERE publish_at <= now() AND published_event_at IS NULL AND archived_at IS NULL \
         RETURNING id",
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// `publish_at <= now()`, by the database's clock.
fn published_by_now() -> Expr {
    Expr::col((announcement::Entity, announcement::Column::PublishAt))
        .lte(Expr::current_timestamp())
}

/// Scheduled, time come, not yet published, not archived (index `announcements_due`).
fn due() -> Condition {
    Condition::all()
        .add(published_by_now())
        .add(announcement::Column::PublishedEventAt.is_null())
        .add(announcement::Column::ArchivedAt.is_null())
}

/// What `reader` may see, as one SQL condition. A resident: published by now, not
/// archived, and addressed to everyone, to the block of a unit of their household, to
/// one of those units, or to them by name. The household (their open unit links) is a
/// subquery, so it is read in the same statement and transaction.
fn visible_to(reader: Reader) -> Condition {
    let Reader::Resident(resident_id) = reader else {
        return Condition::all();
    };
    let household = household_query(resident_id);
    let household_blocks = Query::select()
        .column(unit::Column::BlockId)
        .from(unit::Entity)
        .and_where(unit::Column::Id.in_subquery(household.clone()))
        .to_owned();
    let addressed = |target: Expr| {
        announcement::Column::Id.in_subquery(
            Query::select()
                .column(announcement_target::Column::AnnouncementId)
                .from(announcement_target::Entity)
                .and_where(target)
                .to_owned(),
        )
    };
    Condition::all()
        .add(published_by_now())
        .add(announcement::Column::ArchivedAt.is_null())
        .add(
            Condition::any()
                .add(announcement::Column::Audience.eq(AudienceKind::All))
                .add(addressed(
                    announcement_target::Column::BlockId.in_subquery(household_blocks),
                ))
                .add(addressed(
                    announcement_target::Column::UnitId.in_subquery(household),
                ))
                .add(addressed(
                    announcement_target::Column::ResidentId.eq(resident_id),
                )),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(blocks: &[i64], units: &[i64], residents: &[i64]) -> Targets {
        Targets {
            block_ids: blocks.to_vec(),
            unit_ids: units.to_vec(),
            resident_ids: residents.to_vec(),
        }
    }

    fn field(err: ApiError) -> &'static str {
        match err {
            ApiError::BadUserInput { field, .. } => field,
            other => panic!("expected BAD_USER_INPUT, got {}", other.code()),
        }
    }

    #[test]
    fn targets_must_match_the_audience() {
        use AudienceKind::*;
        assert!(Audience::parse(All, targets(&[], &[], &[])).is_ok());
        let ok = Audience::parse(Units, targets(&[], &[3, 3, 1], &[])).unwrap();
        assert_eq!(ok.ids, BTreeSet::from([1, 3]), "duplicates collapse");

        let cases = [
            (All, targets(&[1], &[], &[]), "blockIds"),
            (Blocks, targets(&[], &[], &[]), "blockIds"),
            (Blocks, targets(&[1], &[2], &[]), "unitIds"),
            (Units, targets(&[], &[], &[]), "unitIds"),
            (Residents, targets(&[], &[], &[]), "residentIds"),
            (Residents, targets(&[1], &[], &[5]), "blockIds"),
        ];
        for (kind, given, expected) in cases {
            assert_eq!(field(Audience::parse(kind, given).unwrap_err()), expected);
        }
        let many: Vec<i64> = (0..=i64::try_from(MAX_TARGETS).unwrap()).collect();
        assert_eq!(
            field(Audience::parse(Residents, targets(&[], &[], &many)).unwrap_err()),
            "residentIds"
        );
    }
}
