//! Poll rules and SQL.
//!
//! One vote per ballot key (the unit, or the resident: the poll's eligibility) is the
//! `votes_one_per_ballot` unique constraint; casting inserts with `ON CONFLICT DO NOTHING`
//! and reports `CONFLICT` when nothing was inserted, so concurrent double votes resolve
//! in the database. Casting also takes the poll row's lock (`FOR NO KEY UPDATE`) until
//! the operation commits: votes on one poll are serialised, so the tally computed after
//! an insert is exact and each `VoteCast` event carries a total one higher than the last.
//!
//! Who sees what: every member sees every poll and its vote count; the [`Viewer`] decides
//! the rest here ([`results_visible`], [`my_vote`], [`ballots`], and who may vote).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, Set, Statement,
};

use klustera_entities::states::{Ballot, Eligibility};
use klustera_entities::tenant::poll;

use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::pagination::Page;
use crate::common::types::required_text;
use crate::common::viewer::Viewer;

fn stmt(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

pub struct NewPoll {
    pub title: String,
    pub description: Option<String>,
    pub options: Vec<String>,
    /// `UNIT` or `RESIDENT`.
    pub eligibility: Eligibility,
    /// `SECRET` or `OPEN`.
    pub ballot: Ballot,
    pub hide_results_until_close: bool,
    /// Absent: now.
    pub opens_at: Option<DateTime<FixedOffset>>,
    pub closes_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct PollOptionRow {
    pub id: i64,
    pub poll_id: i64,
    pub position: i16,
    pub label: String,
}

/// Votes per option, in option order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub total: i64,
    pub counts: Vec<(i64, i64)>,
}

/// A poll with its options and its tally at the time it was read.
#[derive(Debug, Clone)]
pub struct PollRecord {
    pub row: poll::Model,
    pub options: Vec<PollOptionRow>,
    pub tally: Tally,
}

/// Whether `viewer` may see a poll's votes per option now: staff always; residents not
/// before a poll that hides its results until closing has closed.
pub fn results_visible(viewer: &Viewer, hide_until_close: bool, closed: bool) -> bool {
    viewer.is_staff() || !hide_until_close || closed
}

/// A page of polls (oldest first by id); `open`: only those accepting votes now (`true`)
/// or only those not (`false`). Every member sees every poll.
pub async fn list(
    db: &impl ConnectionTrait,
    open: Option<bool>,
    page: &Page,
) -> ApiResult<Vec<PollRecord>> {
    let mut q = poll::Entity::find();
    if let Some(open) = open {
        let now = Utc::now();
        q = if open {
            q.filter(poll::Column::OpensAt.lte(now))
                .filter(poll::Column::ClosesAt.gt(now))
        } else {
            q.filter(
                poll::Column::OpensAt
                    .gt(now)
                    .or(poll::Column::ClosesAt.lte(now)),
            )
        };
    }
    let rows = page.apply(q, poll::Column::Id).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut options = options_of(db, &ids).await?;
    let mut tallies = tallies(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| PollRecord {
            options: options.remove(&row.id).unwrap_or_default(),
            tally: tallies.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// Poll `id` with its options and tally now, or `NOT_FOUND`. Every member sees every poll.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> ApiResult<PollRecord> {
    let row = find(db, id).await?;
    with_tally(db, row).await
}

async fn with_tally(db: &impl ConnectionTrait, row: poll::Model) -> ApiResult<PollRecord> {
    Ok(PollRecord {
        options: options(db, row.id).await?,
        tally: tally(db, row.id).await?,
        row,
    })
}

pub async fn create_poll(
    db: &impl ConnectionTrait,
    created_by: i64,
    new: NewPoll,
) -> ApiResult<PollRecord> {
    let title = required_text("title", &new.title, 200)?;
    if !(2..=20).contains(&new.options.len()) {
        return Err(ApiError::bad_input("options", "a poll has 2 to 20 options"));
    }
    let mut labels = Vec::with_capacity(new.options.len());
    for label in &new.options {
        let label = required_text("options", label, 200)?;
        if labels.contains(&label) {
            return Err(ApiError::bad_input(
                "options",
                format!("\"{label}\" appears twice"),
            ));
        }
        labels.push(label);
    }
    let opens_at = new.opens_at.unwrap_or_else(|| Utc::now().fixed_offset());
    if new.closes_at <= opens_at {
        return Err(ApiError::bad_input("closesAt", "must be after opensAt"));
    }
    let row = poll::ActiveModel {
        title: Set(title),
        description: Set(new.description.unwrap_or_default().trim().to_owned()),
        eligibility: Set(new.eligibility),
        ballot: Set(new.ballot),
        hide_results_until_close: Set(new.hide_results_until_close),
        opens_at: Set(opens_at),
        closes_at: Set(new.closes_at),
        created_by: Set(Some(created_by)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut options = PollOptionRow::find_by_statement(stmt(
        "INSERT INTO poll_options (poll_id, position, label) \
         SELECT $1, ord, label FROM unnest($2::text[]) WITH ORDINALITY AS l(label, ord) \
         RETURNING id, poll_id, position, label",
        [row.id.into(), labels.into()],
    ))
    .all(db)
    .await?;
    // RETURNING promises no order.
    options.sort_by_key(|o| o.position);
    let tally = Tally {
        total: 0,
        counts: options.iter().map(|o| (o.id, 0)).collect(),
    };
    Ok(PollRecord {
        row,
        options,
        tally,
    })
}

/// Options of these polls, in order, by poll.
pub async fn options_of(
    db: &impl ConnectionTrait,
    poll_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<PollOptionRow>>> {
    let rows = PollOptionRow::find_by_statement(stmt(
        "SELECT id, poll_id, position, label FROM poll_options \
         WHERE poll_id = ANY($1) ORDER BY poll_id, position",
        [poll_ids.to_vec().into()],
    ))
    .all(db)
    .await?;
    let mut by_poll: HashMap<i64, Vec<PollOptionRow>> = HashMap::new();
    for row in rows {
        by_poll.entry(row.poll_id).or_default().push(row);
    }
    Ok(by_poll)
}

/// The options of one poll, in order.
pub async fn options(db: &impl ConnectionTrait, poll_id: i64) -> ApiResult<Vec<PollOptionRow>> {
    Ok(options_of(db, &[poll_id])
        .await?
        .remove(&poll_id)
        .unwrap_or_default())
}

#[derive(FromQueryResult)]
struct CountRow {
    poll_id: i64,
    option_id: i64,
    votes: i64,
}

/// Tallies of these polls (every option, zero included), by poll.
pub async fn tallies(
    db: &impl ConnectionTrait,
    poll_ids: &[i64],
) -> ApiResult<HashMap<i64, Tally>> {
    let rows = CountRow::find_by_statement(stmt(
        "SELECT o.poll_id, o.id AS option_id, count(v.id) AS votes \
         FROM poll_options o LEFT JOIN votes v ON v.option_id = o.id \
         WHERE o.poll_id = ANY($1) GROUP BY o.poll_id, o.id, o.position \
         ORDER BY o.poll_id, o.position",
        [poll_ids.to_vec().into()],
    ))
    .all(db)
    .await?;
    let mut by_poll: HashMap<i64, Tally> = HashMap::new();
    for row in rows {
        let tally = by_poll.entry(row.poll_id).or_default();
        tally.total += row.votes;
        tally.counts.push((row.option_id, row.votes));
    }
    Ok(by_poll)
}

pub async fn tally(db: &impl ConnectionTrait, poll_id: i64) -> ApiResult<Tally> {
    Ok(tallies(db, &[poll_id])
        .await?
        .remove(&poll_id)
        .unwrap_or_default())
}

async fn find(db: &impl ConnectionTrait, poll_id: i64) -> ApiResult<poll::Model> {
    poll::Entity::find_by_id(poll_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("poll"))
}

#[derive(FromQueryResult)]
struct Locked {
    eligibility: Eligibility,
    open: bool,
}

/// Casts the vote of `viewer` (a resident of a unit); returns the poll with its tally
/// including the vote.
pub async fn cast_vote(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    poll_id: i64,
    option_id: i64,
    unit_id: Option<i64>,
) -> ApiResult<PollRecord> {
    let resident_id = viewer
        .resident_id()
        .ok_or(ApiError::Forbidden("only residents may vote"))?;
    let poll = Locked::find_by_statement(stmt(
        "SELECT eligibility, statement_timestamp() >= opens_at \
                AND statement_timestamp() < closes_at AS open \
         FROM polls WHERE id = $1 FOR NO KEY UPDATE",
        [poll_id.into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("poll"))?;
    if !poll.open {
        return Err(ApiError::bad_input("pollId", "the poll is not open"));
    }
    let option_ok = db
        .query_one_raw(stmt(
            "SELECT 1 FROM poll_options WHERE poll_id = $1 AND id = $2",
            [poll_id.into(), option_id.into()],
        ))
        .await?
        .is_some();
    if !option_ok {
        return Err(ApiError::bad_input(
            "optionId",
            "not an option of this poll",
        ));
    }
    let units = viewer.household().cloned().unwrap_or_default();
    if units.is_empty() {
        return Err(ApiError::Forbidden("only residents of a unit may vote"));
    }
    let unit = match unit_id {
        Some(id) if units.contains(&id) => Some(id),
        Some(_) => return Err(ApiError::bad_input("unitId", "not one of your units")),
        None if units.len() == 1 => units.iter().next().copied(),
        None => None,
    };
    let (ballot_key, already) = if poll.eligibility == Eligibility::Unit {
        let unit = unit.ok_or(ApiError::bad_input(
            "unitId",
            "you live in several units: say which one votes",
        ))?;
        (unit, "this unit has already voted")
    } else {
        (resident_id, "you have already voted")
    };
    let inserted = db
        .query_one_raw(stmt(
            "INSERT INTO votes (poll_id, option_id, resident_id, unit_id, ballot_key) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT ON CONSTRAINT votes_one_per_ballot DO NOTHING RETURNING id",
            [
                poll_id.into(),
                option_id.into(),
                resident_id.into(),
                unit.into(),
                ballot_key.into(),
            ],
        ))
        .await?;
    if inserted.is_none() {
        return Err(ApiError::Conflict(already.into()));
    }
    get(db, poll_id).await
}

/// The option `viewer`'s household (per-unit polls) or `viewer` voted for; `None` for
/// staff, who do not vote.
pub async fn my_vote(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    poll_id: i64,
) -> ApiResult<Option<i64>> {
    let Some(resident_id) = viewer.resident_id() else {
        return Ok(None);
    };
    let row = db
        .query_one_raw(stmt(
            "SELECT v.option_id FROM votes v JOIN polls p ON p.id = v.poll_id \
             WHERE v.poll_id = $1 AND (v.resident_id = $2 OR (p.eligibility = 'UNIT' AND v.unit_id IN \
                (SELECT unit_id FROM resident_units WHERE resident_id = $2 AND ends_on IS NULL))) \
             LIMIT 1",
            [poll_id.into(), resident_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get_by_index(0)?),
        None => None,
    })
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct BallotRow {
    pub resident_name: String,
    pub unit_number: Option<String>,
    pub option_id: i64,
    pub cast_at: DateTime<FixedOffset>,
}

/// Who voted for what: open ballots, to managers and security staff only.
pub async fn ballots(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    poll_id: i64,
) -> ApiResult<Vec<BallotRow>> {
    if !matches!(viewer.role(), Role::Manager | Role::Security) {
        return Err(ApiError::Forbidden("ballots are visible to staff only"));
    }
    if find(db, poll_id).await?.ballot != Ballot::Open {
        return Err(ApiError::Forbidden("this poll has a secret ballot"));
    }
    Ok(BallotRow::find_by_statement(stmt(
        "SELECT r.full_name AS resident_name, u.number AS unit_number, v.option_id, v.cast_at \
         FROM votes v JOIN residents r ON r.id = v.resident_id LEFT JOIN units u ON u.id = v.unit_id \
         WHERE v.poll_id = $1 ORDER BY v.id",
        [poll_id.into()],
    ))
    .all(db)
    .await?)
}

/// Closes a poll now (a poll that has not opened yet closes without opening).
pub async fn close_poll(db: &impl ConnectionTrait, poll_id: i64) -> ApiResult<PollRecord> {
    let closed = db
        .execute_raw(stmt(
            "UPDATE polls SET closes_at = statement_timestamp(), \
                opens_at = LEAST(opens_at, statement_timestamp() - interval '1 microsecond') \
             WHERE id = $1 AND closes_at > statement_timestamp()",
            [poll_id.into()],
        ))
        .await?;
    let poll = poll::Entity::find_by_id(poll_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("poll"))?;
    if closed.rows_affected() == 0 {
        return Err(ApiError::bad_input("id", "the poll is already closed"));
    }
    with_tally(db, poll).await
}
