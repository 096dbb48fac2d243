//! GraphQL objects of complaints, built from entities and loader rows.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use klustera_entities::tenant::{complaint, complaint_attachment};

use super::loaders::{AttachmentsOfComplaint, CommentsOfComplaint, UserById};
use super::service::UserRow;
use super::service::{self, CommentRow, Priority, Snapshot, Status};
use crate::common::by_id::{ResidentById, UnitById};
use crate::common::context::{ContextExt, Role};
use crate::common::error::ApiError;
use crate::common::ids::{ComplaintAttachmentId, ComplaintCommentId, ComplaintId, UserId};
use crate::common::viewer::Viewer;
use crate::domains::property::model::{Resident, Unit};

/// Complexity weight of a complaint's comment or attachment list.
const THREAD: usize = 10;

/// The comments key for `viewer`: staff see internal notes, residents never.
pub(crate) fn comments_key(viewer: &Viewer, complaint_id: i64) -> CommentsOfComplaint {
    CommentsOfComplaint {
        complaint_id,
        with_internal: service::sees_internal(viewer),
    }
}

/// A complaint (keluhan) filed by a resident.
pub struct Complaint(pub complaint::Model);

#[Object]
impl Complaint {
    pub async fn id(&self) -> ComplaintId {
        ComplaintId::new(self.0.id)
    }
    /// Free text, e.g. `listrik`, `kebersihan`, `keamanan`.
    async fn category(&self) -> &str {
        &self.0.category
    }
    async fn priority(&self) -> Priority {
        self.0.priority
    }
    async fn status(&self) -> Status {
        self.0.status
    }
    /// The statuses the caller may move this complaint to now.
    async fn next_statuses(&self, ctx: &Context<'_>) -> Result<Vec<Status>> {
        Ok(service::allowed_next(ctx.viewer().await?, &self.0))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The SLA deadline: filing time plus the SLA hours of its priority.
    async fn due_at(&self) -> DateTime<FixedOffset> {
        self.0.due_at
    }
    /// Whether it passed its SLA deadline while still open (marked by the SLA job).
    async fn sla_breached(&self) -> bool {
        self.0.sla_breached_at.is_some()
    }
    async fn sla_breached_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.sla_breached_at
    }
    async fn resolved_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.resolved_at
    }
    async fn closed_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.closed_at
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<FixedOffset> {
        self.0.updated_at
    }
    /// Who filed it.
    async fn resident(&self, ctx: &Context<'_>) -> Result<Resident> {
        let resident = ctx
            .loader()?
            .load_one(ResidentById(self.0.resident_id))
            .await?;
        resident
            .map(Resident)
            .ok_or_else(|| ApiError::NotFound("resident").into())
    }
    /// The unit it is about, if any and if the caller may see it (residents: while they
    /// live there).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        let Some(unit_id) = service::shown_unit(ctx.viewer().await?, &self.0) else {
            return Ok(None);
        };
        Ok(ctx.loader()?.load_one(UnitById(unit_id)).await?.map(Unit))
    }
    /// The staff member handling it.
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<UserRef>> {
        let Some(user_id) = self.0.assignee_user_id else {
            return Ok(None);
        };
        Ok(ctx
            .loader()?
            .load_one(UserById(user_id))
            .await?
            .map(UserRef::from))
    }
    /// Oldest first. Residents never see internal notes.
    #[graphql(complexity = "THREAD * child_complexity")]
    async fn comments(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintComment>> {
        let comments = ctx
            .loader()?
            .load_one(comments_key(ctx.viewer().await?, self.0.id))
            .await?
            .unwrap_or_default();
        Ok(comments.into_iter().map(ComplaintComment::from).collect())
    }
    #[graphql(complexity = "THREAD * child_complexity")]
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintAttachment>> {
        let attachments = ctx
            .loader()?
            .load_one(AttachmentsOfComplaint(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(attachments.iter().map(ComplaintAttachment::from).collect())
    }
}

/// A user as others see them: name and role.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserRef {
    pub id: UserId,
    pub display_name: String,
    pub role: Role,
}

impl From<UserRow> for UserRef {
    fn from(u: UserRow) -> Self {
        Self {
            id: UserId::new(u.id),
            display_name: u.display_name,
            // users.role is CHECKed to tenant roles; anything else shows least privileged.
            role: Role::parse(&u.role).unwrap_or(Role::Resident),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ComplaintComment {
    pub id: ComplaintCommentId,
    pub body: String,
    /// A staff note, never shown to residents.
    pub internal: bool,
    pub author: UserRef,
    pub created_at: DateTime<FixedOffset>,
}

impl From<CommentRow> for ComplaintComment {
    fn from(c: CommentRow) -> Self {
        Self {
            id: ComplaintCommentId::new(c.id),
            body: c.body,
            internal: c.internal,
            author: UserRef::from(UserRow {
                id: c.author_user_id,
                display_name: c.author_name,
                role: c.author_role,
            }),
            created_at: c.created_at,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ComplaintAttachment {
    pub id: ComplaintAttachmentId,
    pub url: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<FixedOffset>,
}

impl From<&complaint_attachment::Model> for ComplaintAttachment {
    fn from(a: &complaint_attachment::Model) -> Self {
        Self {
            id: ComplaintAttachmentId::new(a.id),
            url: a.url.clone(),
            uploaded_by: UserId::new(a.uploaded_by),
            created_at: a.created_at,
        }
    }
}

/// SLA hours of one priority.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ComplaintSla {
    pub priority: Priority,
    pub hours: i32,
}

/// One complaint's state after a change, self-contained (subscription payload).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct ComplaintUpdate {
    pub id: ComplaintId,
    pub status: Status,
    pub priority: Priority,
    pub assignee_name: Option<String>,
    pub updated_at: DateTime<FixedOffset>,
    pub sla_breached: bool,
}

impl From<Snapshot> for ComplaintUpdate {
    fn from(s: Snapshot) -> Self {
        Self {
            id: ComplaintId::new(s.id),
            status: s.status,
            priority: s.priority,
            assignee_name: s.assignee_name,
            updated_at: s.updated_at,
            sla_breached: s.sla_breached,
        }
    }
}
