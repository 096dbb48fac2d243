//! Complaint rules and queries. Every function takes the connection it must use (in the
//! API, the request's tenant transaction) and, where a rule depends on the caller, the
//! caller as a [`Viewer`]: who may see, file and move a complaint is decided here, not in
//! resolvers.
//!
//! Who may do what:
//! - residents see, comment on and attach to their own complaints only; anyone else's is
//!   `NOT_FOUND`. Staff (managers, security) see all.
//! - residents file for themselves, on a unit of their household; managers file on behalf
//!   of any resident (on one of that resident's units); security does not file.
//! - status moves follow [`Status::next`]. Managers may make any move; security only on
//!   complaints assigned to them ("complaint handling where assigned"); the resident who
//!   filed it only confirms (`RESOLVED -> CLOSED`) or rejects (`RESOLVED -> REOPENED`) a
//!   resolution.
//! - internal comments are written by staff and never leave the database for a resident.
//!
//! The SLA deadline (`due_at`) is fixed at filing: filing time plus the hours of its
//! priority in `complaint_sla` at that moment. Changing the SLA applies to complaints filed
//! afterwards; a reopened complaint keeps its deadline.

use async_graphql::SimpleObject;
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Statement, Value,
};

use klustera_entities::tenant::{complaint, complaint_attachment, user};

use crate::common::context::{Principal, Role};
use crate::common::error::{ApiError, ApiResult};
use crate::common::pagination::Page;
use crate::common::types::required_text;
use crate::common::viewer::{Viewer, household_unit_ids};
use crate::domains::property::service::get_resident;

pub use klustera_entities::states::{ComplaintPriority as Priority, ComplaintStatus as Status};

/// The state machine: OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED, RESOLVED -> REOPENED
/// -> IN_PROGRESS. CLOSED is final.
pub fn next(from: Status) -> &'static [Status] {
    match from {
        Status::Open | Status::Reopened => &[Status::InProgress],
        Status::InProgress => &[Status::Resolved],
        Status::Resolved => &[Status::Closed, Status::Reopened],
        Status::Closed => &[],
    }
}

/// Statuses in which the SLA clock runs: not yet resolved or closed.
const ACTIVE: [Status; 3] = [Status::Open, Status::InProgress, Status::Reopened];

fn is_staff(actor: &Principal) -> bool {
    matches!(actor.role, Role::Manager | Role::Security)
}

/// Whether `viewer` may see a complaint filed by `resident_id`.
pub fn can_see(viewer: &Viewer, resident_id: i64) -> bool {
    sees(viewer.principal(), resident_id)
}

fn sees(actor: &Principal, resident_id: i64) -> bool {
    is_staff(actor) || (actor.role == Role::Resident && actor.resident_id == Some(resident_id))
}

/// Whether `viewer` may see internal comments.
pub fn sees_internal(viewer: &Viewer) -> bool {
    is_staff(viewer.principal())
}

/// The unit complaint `c` is about, if `viewer` may see it. A resident sees a unit only
/// while living in it, here as everywhere: a complaint about a unit they have left must
/// not show its new occupants or its bills.
pub fn shown_unit(viewer: &Viewer, c: &complaint::Model) -> Option<i64> {
    c.unit_id.filter(|unit_id| viewer.sees_unit(*unit_id))
}

/// The statuses `viewer` may move `c` to now (a subset of [`next`]).
pub fn allowed_next(viewer: &Viewer, c: &complaint::Model) -> Vec<Status> {
    next_for(viewer.principal(), c)
}

fn next_for(actor: &Principal, c: &complaint::Model) -> Vec<Status> {
    next(c.status)
        .iter()
        .copied()
        .filter(|to| may_move(actor, c, *to))
        .collect()
}

fn may_move(actor: &Principal, c: &complaint::Model, to: Status) -> bool {
    match actor.role {
        Role::Manager => true,
        Role::Security => c.assignee_user_id == Some(actor.user_id),
        Role::Resident => {
            actor.resident_id == Some(c.resident_id)
                && c.status == Status::Resolved
                && matches!(to, Status::Closed | Status::Reopened)
        }
        Role::SuperAdmin => false,
    }
}

const COLUMNS: &str = "id, resident_id, unit_id, category, priority, status, title, description, \
     assignee_user_id, due_at, sla_breached_at, resolved_at, closed_at, created_at, updated_at";

fn stmt(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Runs a statement that returns one complaint row (`RETURNING {COLUMNS}`).
async fn one_complaint(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> ApiResult<complaint::Model> {
    complaint::Entity::find()
        .from_raw_sql(statement)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("complaint"))
}

// ---- reading ------------------------------------------------------------------------

/// The complaint if `viewer` may see it, else `NOT_FOUND` (as if it did not exist).
pub async fn get_complaint(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<complaint::Model> {
    complaint::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| can_see(viewer, c.resident_id))
        .ok_or(ApiError::NotFound("complaint"))
}

/// Like [`get_complaint`], locking the row for the rest of the transaction, so concurrent
/// changes of one complaint apply one after the other.
async fn lock_visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<complaint::Model> {
    let actor = viewer.principal();
    let mut q = complaint::Entity::find_by_id(id);
    // A resident locks nothing of others: the visibility test is part of the query.
    if !is_staff(actor) {
        q = q.filter(complaint::Column::ResidentId.eq(actor.resident_id.unwrap_or(0)));
    }
    q.lock_exclusive()
        .one(db)
        .await?
        .filter(|c| sees(actor, c.resident_id))
        .ok_or(ApiError::NotFound("complaint"))
}

#[derive(Debug, Default, Clone)]
pub struct ComplaintFilter {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    /// Case-insensitive, whole category.
    pub category: Option<String>,
    pub assigned_to_me: bool,
    /// Only complaints past their SLA deadline and not resolved or closed.
    pub overdue: bool,
    /// Web-search syntax (`lampu mati`, `"air keruh"`, `-parkir`), words as written.
    pub search: Option<String>,
}

/// Complaints `viewer` may see (residents: their own), by id.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &ComplaintFilter,
    page: &Page,
) -> ApiResult<Vec<complaint::Model>> {
    let actor = viewer.principal();
    let mut q = complaint::Entity::find();
    if !is_staff(actor) {
        // Fail closed: a resident token without a resident record sees nothing.
        let Some(resident_id) = actor.resident_id.filter(|_| actor.role == Role::Resident) else {
            return Ok(Vec::new());
        };
        q = q.filter(complaint::Column::ResidentId.eq(resident_id));
    }
    if let Some(status) = filter.status {
        q = q.filter(complaint::Column::Status.eq(status));
    }
    if let Some(priority) = filter.priority {
        q = q.filter(complaint::Column::Priority.eq(priority));
    }
    if let Some(category) = filter.category.as_deref().map(str::trim) {
        q = q.filter(Expr::cust_with_values(
            "lower(category) = lower($1)",
            [category],
        ));
    }
    if filter.assigned_to_me {
        q = q.filter(complaint::Column::AssigneeUserId.eq(actor.user_id));
    }
    if filter.overdue {
        q = q
            .filter(complaint::Column::SlaBreachedAt.is_not_null())
            .filter(complaint::Column::Status.is_in(ACTIVE));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(Expr::cust_with_values(
            "search @@ websearch_to_tsquery('simple', $1)",
            [search],
        ));
    }
    Ok(page.apply(q, complaint::Column::Id).all(db).await?)
}

// ---- filing -------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// Required when a manager files on behalf of a resident; residents file for themselves.
    pub resident_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub category: String,
    pub priority: Priority,
    pub title: String,
    pub description: String,
}

pub async fn file(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    input: NewComplaint,
) -> ApiResult<complaint::Model> {
    let actor = viewer.principal();
    let resident_id = match actor.role {
        Role::Resident => {
            let own = actor.resident_id.ok_or(ApiError::Forbidden(
                "this account is not linked to a resident",
            ))?;
            if input.resident_id.is_some_and(|r| r != own) {
                return Err(ApiError::Forbidden(
                    "residents file complaints for themselves",
                ));
            }
            own
        }
        Role::Manager => input.resident_id.ok_or_else(|| {
            ApiError::bad_input("residentId", "required when filing on behalf of a resident")
        })?,
        Role::Security | Role::SuperAdmin => {
            return Err(ApiError::Forbidden(
                "only residents and managers file complaints",
            ));
        }
    };
    let resident = get_resident(db, resident_id).await.map_err(|e| match e {
        ApiError::NotFound(_) => ApiError::bad_input("residentId", "no such resident"),
        other => other,
    })?;
    if resident.archived_at.is_some() {
        return Err(ApiError::bad_input("residentId", "resident is archived"));
    }
    if let Some(unit_id) = input.unit_id
        && !in_household_of(db, viewer, resident_id, unit_id).await?
    {
        return Err(ApiError::bad_input(
            "unitId",
            "not a unit of the resident's household",
        ));
    }
    let category = required_text("category", &input.category, 50)?;
    let title = required_text("title", &input.title, 200)?;
    let description = input.description.trim().to_owned();
    if description.chars().count() > 5000 {
        return Err(ApiError::bad_input(
            "description",
            "at most 5000 characters",
        ));
    }
    one_complaint(
        db,
        stmt(
            &format!(
                "INSERT INTO complaints (resident_id, unit_id, category, priority, title, description, due_at) \
                 SELECT $1, $2, $3, $4, $5, $6, now() + make_interval(hours => hours) \
                 FROM complaint_sla WHERE priority = $4 RETURNING {COLUMNS}"
            ),
            [
                resident_id.into(),
                input.unit_id.into(),
                category.into(),
                input.priority.into(),
                title.into(),
                description.into(),
            ],
        ),
    )
    .await
}

/// Whether `unit_id` is a unit of `resident_id`'s household: the viewer's own household
/// when they file for themselves, else read (a manager filing on a resident's behalf).
async fn in_household_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    resident_id: i64,
    unit_id: i64,
) -> ApiResult<bool> {
    if viewer.resident_id() == Some(resident_id)
        && let Some(household) = viewer.household()
    {
        return Ok(household.contains(&unit_id));
    }
    Ok(household_unit_ids(db, resident_id)
        .await?
        .contains(&unit_id))
}

// ---- changing -----------------------------------------------------------------------

/// Moves a complaint along the state machine. An illegal move is `BAD_USER_INPUT` on
/// `status`, naming the allowed next states; a legal move the caller may not make is
/// `FORBIDDEN`.
pub async fn change_status(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    to: Status,
) -> ApiResult<complaint::Model> {
    let actor = viewer.principal();
    let c = lock_visible(db, viewer, id).await?;
    let from = c.status;
    if !next(from).contains(&to) {
        let allowed: Vec<&str> = next(from).iter().map(|s| s.as_str()).collect();
        let allowed = if allowed.is_empty() {
            "none (CLOSED is final)".to_owned()
        } else {
            allowed.join(", ")
        };
        return Err(ApiError::bad_input(
            "status",
            format!(
                "a {} complaint cannot become {}; allowed next: {allowed}",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    if !may_move(actor, &c, to) {
        return Err(ApiError::Forbidden(match actor.role {
            Role::Security => "security staff change only complaints assigned to them",
            _ => "residents may only close or reopen their own resolved complaints",
        }));
    }
    one_complaint(
        db,
        stmt(
            &format!(
                "UPDATE complaints SET status = $2, updated_at = now(), \
                    resolved_at = CASE $2 WHEN 'RESOLVED' THEN now() WHEN 'REOPENED' THEN NULL ELSE resolved_at END, \
                    closed_at = CASE $2 WHEN 'CLOSED' THEN now() ELSE closed_at END \
                 WHERE id = $1 RETURNING {COLUMNS}"
            ),
            [id.into(), to.into()],
        ),
    )
    .await
}

/// What others may know of a user: name and role.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct UserRow {
    pub id: i64,
    pub display_name: String,
    pub role: String,
}

/// Whom complaints may be assigned to: active managers and security users, by name.
pub async fn assignable_staff(db: &impl ConnectionTrait) -> ApiResult<Vec<UserRow>> {
    Ok(UserRow::find_by_statement(stmt(
        "SELECT id, display_name, role FROM users \
         WHERE disabled_at IS NULL AND role IN ('MANAGER', 'SECURITY') ORDER BY display_name, id",
        [],
    ))
    .all(db)
    .await?)
}

/// Assigns a complaint to an active manager or security user (`None` unassigns).
pub async fn assign(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    user_id: Option<i64>,
) -> ApiResult<complaint::Model> {
    let c = lock_visible(db, viewer, id).await?;
    if c.status == Status::Closed {
        return Err(ApiError::bad_input(
            "id",
            "a closed complaint cannot be reassigned",
        ));
    }
    if let Some(user_id) = user_id {
        let assignee = user::Entity::find_by_id(user_id).one(db).await?;
        let staff = assignee.is_some_and(|u| {
            u.disabled_at.is_none() && matches!(u.role.as_str(), "MANAGER" | "SECURITY")
        });
        if !staff {
            return Err(ApiError::bad_input(
                "userId",
                "must be an active MANAGER or SECURITY user",
            ));
        }
    }
    one_complaint(
        db,
        stmt(
            &format!(
                "UPDATE complaints SET assignee_user_id = $2, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}"
            ),
            [id.into(), user_id.into()],
        ),
    )
    .await
}

/// A comment with its author's name and role.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct CommentRow {
    pub id: i64,
    pub complaint_id: i64,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTimeWithTimeZone,
    pub author_user_id: i64,
    pub author_name: String,
    pub author_role: String,
}

/// The columns of a [`CommentRow`], over `c` (comments) joined with `u` (users).
pub(crate) const COMMENT_FIELDS: &str = "c.id, c.complaint_id, c.body, c.internal, c.created_at, \
     c.author_user_id, u.display_name AS author_name, u.role AS author_role";

/// Adds a comment; `internal` (staff notes) only by staff. An internal note leaves the
/// complaint's `updated_at` alone: residents must not learn of it, not even by a timestamp.
pub async fn add_comment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    body: &str,
    internal: bool,
) -> ApiResult<(complaint::Model, CommentRow)> {
    let c = lock_visible(db, viewer, id).await?;
    if internal && !sees_internal(viewer) {
        return Err(ApiError::Forbidden("only staff write internal notes"));
    }
    let comment = CommentRow::find_by_statement(stmt(
        &format!(
            "WITH c AS (INSERT INTO complaint_comments (complaint_id, author_user_id, body, internal) \
                        VALUES ($1, $2, $3, $4) RETURNING *) \
             SELECT {COMMENT_FIELDS} FROM c JOIN users u ON u.id = c.author_user_id"
        ),
        [
            id.into(),
            viewer.user_id().into(),
            required_text("body", body, 5000)?.into(),
            internal.into(),
        ],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("user"))?;
    let c = if internal { c } else { touch(db, id).await? };
    Ok((c, comment))
}

/// Attaches a file by its `http(s)` URL (uploads happen elsewhere).
pub async fn add_attachment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    url: &str,
) -> ApiResult<(complaint::Model, complaint_attachment::Model)> {
    lock_visible(db, viewer, id).await?;
    let attachment = complaint_attachment::ActiveModel {
        complaint_id: Set(id),
        url: Set(attachment_url(url)?),
        uploaded_by: Set(viewer.user_id()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((touch(db, id).await?, attachment))
}

async fn touch(db: &impl ConnectionTrait, id: i64) -> ApiResult<complaint::Model> {
    one_complaint(
        db,
        stmt(
            &format!("UPDATE complaints SET updated_at = now() WHERE id = $1 RETURNING {COLUMNS}"),
            [id.into()],
        ),
    )
    .await
}

fn attachment_url(raw: &str) -> ApiResult<String> {
    let bad = || ApiError::bad_input("url", "must be an absolute http or https URL");
    let raw = raw.trim();
    if raw.len() > 2048 {
        return Err(ApiError::bad_input("url", "at most 2048 characters"));
    }
    let url = reqwest::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(url.into())
}

// ---- SLA ----------------------------------------------------------------------------

/// SLA hours per priority, most urgent first.
pub async fn sla_hours(db: &impl ConnectionTrait) -> ApiResult<Vec<(Priority, i32)>> {
    let rows = db
        .query_all_raw(stmt(
            "SELECT priority, hours FROM complaint_sla ORDER BY hours, priority",
            [],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect()
}

/// Sets the SLA hours of a priority (1 hour to a year); applies to complaints filed from now.
pub async fn set_sla(db: &impl ConnectionTrait, priority: Priority, hours: i32) -> ApiResult<()> {
    if !(1..=8760).contains(&hours) {
        return Err(ApiError::bad_input("hours", "between 1 and 8760 (a year)"));
    }
    db.execute_raw(stmt(
        "INSERT INTO complaint_sla (priority, hours) VALUES ($1, $2) \
         ON CONFLICT (priority) DO UPDATE SET hours = EXCLUDED.hours",
        [priority.into(), hours.into()],
    ))
    .await?;
    Ok(())
}

/// A complaint newly marked as past its SLA deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct Breach {
    pub id: i64,
    pub resident_id: i64,
}

/// Marks every active complaint past its deadline as breached, in one statement.
/// Idempotent: a complaint is marked once, so a rerun returns only new breaches.
/// Whether some open complaint is past its deadline and not yet marked (the scheduler
/// enqueues the sweep only then).
pub async fn any_sla_due(db: &impl ConnectionTrait) -> ApiResult<bool> {
    Ok(db
        .query_one_raw(stmt(
            "SELECT 1 FROM complaints WHERE sla_breached_at IS NULL \
             AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED') AND due_at < now() LIMIT 1",
            [],
        ))
        .await?
        .is_some())
}

pub async fn mark_sla_breaches(db: &impl ConnectionTrait) -> ApiResult<Vec<Breach>> {
    Ok(Breach::find_by_statement(stmt(
        "UPDATE complaints SET sla_breached_at = now() \
         WHERE sla_breached_at IS NULL AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED') AND due_at < now() \
         RETURNING id, resident_id",
        [],
    ))
    .all(db)
    .await?)
}

// ---- live views ---------------------------------------------------------------------

/// The staff dashboard's counters (also the `complaintCounters` payload).
#[derive(SimpleObject, Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
#[graphql(name = "ComplaintCounters")]
pub struct Counters {
    /// Filed or reopened, not yet being worked on.
    pub open: i64,
    pub in_progress: i64,
    /// Past the SLA deadline and not resolved or closed.
    pub overdue: i64,
    /// Resolved since midnight in the tenant's time zone (and not reopened since).
    pub resolved_today: i64,
}

pub async fn counters(db: &impl ConnectionTrait, time_zone: &str) -> ApiResult<Counters> {
    Counters::find_by_statement(stmt(
        "SELECT count(*) FILTER (WHERE status IN ('OPEN', 'REOPENED')) AS open, \
                count(*) FILTER (WHERE status = 'IN_PROGRESS') AS in_progress, \
                count(*) FILTER (WHERE sla_breached_at IS NOT NULL AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED')) AS overdue, \
                count(*) FILTER (WHERE resolved_at >= day.start) AS resolved_today \
         FROM complaints, (SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS start) day \
         WHERE status IN ('OPEN', 'IN_PROGRESS', 'REOPENED') OR resolved_at >= day.start",
        [time_zone.into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("counters"))
}

/// What a watcher of one complaint is told after each change: self-contained.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Snapshot {
    pub id: i64,
    pub resident_id: i64,
    pub status: Status,
    pub priority: Priority,
    pub assignee_name: Option<String>,
    pub updated_at: DateTimeWithTimeZone,
    pub sla_breached: bool,
}

/// Complaint `id`'s snapshot if `viewer` may see it, else `NOT_FOUND`.
pub async fn snapshot(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> ApiResult<Snapshot> {
    Snapshot::find_by_statement(stmt(
        "SELECT c.id, c.resident_id, c.status, c.priority, u.display_name AS assignee_name, \
                c.updated_at, c.sla_breached_at IS NOT NULL AS sla_breached \
         FROM complaints c LEFT JOIN users u ON u.id = c.assignee_user_id WHERE c.id = $1",
        [id.into()],
    ))
    .one(db)
    .await?
    .filter(|s| can_see(viewer, s.resident_id))
    .ok_or(ApiError::NotFound("complaint"))
}

// ---- parsing ------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, user_id: i64, resident_id: Option<i64>) -> Principal {
        Principal {
            user_id,
            role,
            tenant: "demo".into(),
            resident_id,
            auth_version: 0,
        }
    }

    fn complaint(status: Status, resident_id: i64, assignee: Option<i64>) -> complaint::Model {
        let now = chrono::Utc::now().fixed_offset();
        complaint::Model {
            id: 1,
            resident_id,
            unit_id: None,
            category: "listrik".into(),
            priority: Priority::High,
            status,
            title: "Lampu jalan mati".into(),
            description: String::new(),
            assignee_user_id: assignee,
            due_at: now,
            sla_breached_at: None,
            resolved_at: None,
            closed_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn closed_is_final() {
        assert!(next(Status::Closed).is_empty());
        assert_eq!(next(Status::Resolved), &[Status::Closed, Status::Reopened]);
    }

    #[test]
    fn complaints_moves_depend_on_the_caller() {
        let manager = principal(Role::Manager, 1, None);
        let guard = principal(Role::Security, 2, None);
        let owner = principal(Role::Resident, 3, Some(30));
        let other = principal(Role::Resident, 4, Some(40));

        let open = complaint(Status::Open, 30, None);
        assert_eq!(next_for(&manager, &open), vec![Status::InProgress]);
        assert!(next_for(&guard, &open).is_empty(), "not assigned to them");
        assert!(next_for(&owner, &open).is_empty());

        let assigned = complaint(Status::InProgress, 30, Some(2));
        assert_eq!(next_for(&guard, &assigned), vec![Status::Resolved]);

        let resolved = complaint(Status::Resolved, 30, Some(2));
        assert_eq!(
            next_for(&owner, &resolved),
            vec![Status::Closed, Status::Reopened]
        );
        assert!(next_for(&other, &resolved).is_empty());
        assert!(sees(&owner, 30) && !sees(&other, 30) && sees(&guard, 30));
    }

    #[test]
    fn complaints_attachment_urls_are_absolute_http() {
        assert_eq!(
            attachment_url(" https://cdn.example.id/foto/lampu.jpg ").unwrap(),
            "https://cdn.example.id/foto/lampu.jpg"
        );
        assert!(attachment_url("http://example.id").is_ok());
        for bad in [
            "ftp://example.id/x",
            "javascript:alert(1)",
            "/relative",
            "https://",
            "",
        ] {
            assert!(attachment_url(bad).is_err(), "{bad}");
        }
    }
}
