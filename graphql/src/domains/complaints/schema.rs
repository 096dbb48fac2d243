//! Complaint fields. Thin: guard, one service call, map. Every mutation records its
//! complaint for the audit row and emits `ComplaintChanged`, published after commit.
//!
//! Subscriptions have no request transaction: they read through [`Live`] (a short
//! transaction per read) and wake on this tenant's events, one read per burst.

use std::future::ready;

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result, Subscription};
use futures::{Stream, StreamExt};

use klustera_entities::tenant::complaint;

use super::model::{
    Complaint, ComplaintAttachment, ComplaintComment, ComplaintSla, ComplaintUpdate, UserRef,
};
use super::prefetch;
use super::service::{self, ComplaintFilter, Counters, NewComplaint, Priority, Status};
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::ids::Fetch;
use crate::common::ids::{ComplaintId, ResidentId, UnitId, UserId, kind};
use crate::common::live::{Burst, Live, Opening, changes_only};
use crate::common::pagination::Page;
use crate::common::viewer::Viewer;

#[derive(InputObject, Default)]
pub struct ComplaintFilterInput {
    status: Option<Status>,
    priority: Option<Priority>,
    /// Whole category, case-insensitive.
    category: Option<String>,
    /// Only complaints assigned to the caller.
    #[graphql(default)]
    assigned_to_me: bool,
    /// Only complaints past their SLA deadline and not resolved or closed.
    #[graphql(default)]
    overdue: bool,
    /// Full-text search over title and description, web-search syntax: `lampu jalan mati`,
    /// `"air keruh"`, `sampah -parkir`. Words match as written (no stemming).
    search: Option<String>,
}

#[derive(Default)]
pub struct ComplaintQuery;

#[Object]
impl ComplaintQuery {
    /// Complaints by id. Residents see only their own; staff see all.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        filter: Option<ComplaintFilterInput>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Complaint>> {
        let page = Page::parse(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let filter = ComplaintFilter {
            status: f.status,
            priority: f.priority,
            category: f.category,
            assigned_to_me: f.assigned_to_me,
            overdue: f.overdue,
            search: f.search,
        };
        let viewer = ctx.viewer().await?;
        let rows = service::list(ctx.tenant_tx()?, viewer, &filter, &page).await?;
        prefetch::complaints(ctx, ctx.look_ahead().field("edges").field("node"), &rows).await?;
        Ok(page.connection(rows, |c| c.id, Complaint))
    }

    /// A complaint the caller may see (residents: their own), else NOT_FOUND.
    #[graphql(guard = "RoleGuard::member()")]
    async fn complaint(&self, ctx: &Context<'_>, id: ComplaintId) -> Result<Complaint> {
        Ok(Complaint::fetch(ctx, id.row()?).await?)
    }

    /// SLA hours per priority, most urgent first.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn complaint_sla(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintSla>> {
        Ok(sla_list(service::sla_hours(ctx.tenant_tx()?).await?))
    }

    /// Whom complaints may be assigned to: active managers and security users, by name.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn staff(&self, ctx: &Context<'_>) -> Result<Vec<UserRef>> {
        let rows = service::assignable_staff(ctx.tenant_tx()?).await?;
        Ok(rows.into_iter().map(UserRef::from).collect())
    }

    /// The counters `complaintCounters` streams, once.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn complaint_counters(&self, ctx: &Context<'_>) -> Result<Counters> {
        let time_zone = &ctx.request()?.tenant()?.time_zone;
        Ok(service::counters(ctx.tenant_tx()?, time_zone).await?)
    }
}

#[async_trait::async_trait]
impl Fetch for Complaint {
    type Kind = kind::Complaint;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let c = service::get_complaint(ctx.tenant_tx()?, viewer, id).await?;
        Ok(Complaint(c))
    }
}

fn sla_list(rows: Vec<(Priority, i32)>) -> Vec<ComplaintSla> {
    rows.into_iter()
        .map(|(priority, hours)| ComplaintSla { priority, hours })
        .collect()
}

#[derive(InputObject)]
pub struct FileComplaintInput {
    /// Managers filing on behalf of a resident name them; residents leave it out.
    resident_id: Option<ResidentId>,
    /// A unit of the resident's household, if the complaint is about one.
    unit_id: Option<UnitId>,
    category: String,
    #[graphql(default_with = "Priority::Medium")]
    priority: Priority,
    title: String,
    #[graphql(default)]
    description: String,
}

/// Audits and announces a change of `c`.
fn changed(ctx: &Context<'_>, c: &complaint::Model) -> ApiResult<()> {
    let req = ctx.request()?;
    req.audit_target(format!("complaint:{}", c.id));
    req.emit(DomainEvent::ComplaintChanged {
        complaint_id: c.id,
        resident_id: Some(c.resident_id),
    });
    Ok(())
}

#[derive(Default)]
pub struct ComplaintMutation;

#[Object]
impl ComplaintMutation {
    /// Files a complaint. Its SLA deadline follows from its priority.
    #[graphql(guard = "RoleGuard::member()")]
    async fn file_complaint(
        &self,
        ctx: &Context<'_>,
        input: FileComplaintInput,
    ) -> Result<Complaint> {
        let new = NewComplaint {
            resident_id: input.resident_id.map(|id| id.row()).transpose()?,
            unit_id: input.unit_id.map(|id| id.row()).transpose()?,
            category: input.category,
            priority: input.priority,
            title: input.title,
            description: input.description,
        };
        let c = service::file(ctx.tenant_tx()?, ctx.viewer().await?, new).await?;
        changed(ctx, &c)?;
        Ok(Complaint(c))
    }

    /// Moves a complaint: OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED, RESOLVED -> REOPENED
    /// -> IN_PROGRESS. Managers make any move, security only on complaints assigned to
    /// them, the resident who filed it only closes or reopens it once resolved.
    #[graphql(guard = "RoleGuard::member()")]
    async fn update_complaint_status(
        &self,
        ctx: &Context<'_>,
        id: ComplaintId,
        status: Status,
    ) -> Result<Complaint> {
        let viewer = ctx.viewer().await?;
        let c = service::change_status(ctx.tenant_tx()?, viewer, id.row()?, status).await?;
        changed(ctx, &c)?;
        Ok(Complaint(c))
    }

    /// Assigns a complaint to a manager or security user; `userId: null` unassigns.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn assign_complaint(
        &self,
        ctx: &Context<'_>,
        id: ComplaintId,
        user_id: Option<UserId>,
    ) -> Result<Complaint> {
        let user_id = user_id.map(|u| u.row()).transpose()?;
        let viewer = ctx.viewer().await?;
        let c = service::assign(ctx.tenant_tx()?, viewer, id.row()?, user_id).await?;
        changed(ctx, &c)?;
        Ok(Complaint(c))
    }

    /// Comments on a complaint. `internal` notes (staff only) are never shown to residents.
    #[graphql(guard = "RoleGuard::member()")]
    async fn add_complaint_comment(
        &self,
        ctx: &Context<'_>,
        id: ComplaintId,
        body: String,
        #[graphql(default)] internal: bool,
    ) -> Result<ComplaintComment> {
        let viewer = ctx.viewer().await?;
        let (c, comment) =
            service::add_comment(ctx.tenant_tx()?, viewer, id.row()?, &body, internal).await?;
        changed(ctx, &c)?;
        Ok(comment.into())
    }

    /// Attaches a photo or document by its http(s) URL.
    #[graphql(guard = "RoleGuard::member()")]
    async fn add_complaint_attachment(
        &self,
        ctx: &Context<'_>,
        id: ComplaintId,
        url: String,
    ) -> Result<ComplaintAttachment> {
        let viewer = ctx.viewer().await?;
        let (c, attachment) =
            service::add_attachment(ctx.tenant_tx()?, viewer, id.row()?, &url).await?;
        changed(ctx, &c)?;
        Ok((&attachment).into())
    }

    /// Sets the SLA hours of a priority (1 to 8760) for complaints filed from now on;
    /// returns every priority's hours.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn set_complaint_sla(
        &self,
        ctx: &Context<'_>,
        priority: Priority,
        hours: i32,
    ) -> Result<Vec<ComplaintSla>> {
        let tx = ctx.tenant_tx()?;
        service::set_sla(tx, priority, hours).await?;
        ctx.request()?
            .audit_target(format!("complaint_sla:{}", priority.as_str()));
        Ok(sla_list(service::sla_hours(tx).await?))
    }
}

/// Whether a burst may have changed complaints (matching `wanted`): a dropped event could
/// have been anything, so a lagged burst always counts.
fn touches(burst: &Burst, wanted: impl Fn(i64) -> bool) -> bool {
    burst.lagged
        || burst.events.iter().any(|e| {
            matches!(**e, DomainEvent::ComplaintChanged { complaint_id, .. } if wanted(complaint_id))
        })
}

async fn read_counters(live: &Live) -> ApiResult<Counters> {
    let tx = live.begin().await?;
    let counters = service::counters(&tx, &live.time_zone).await?;
    tx.commit().await?;
    Ok(counters)
}

async fn read_update(live: &Live, viewer: &Viewer, id: i64) -> ApiResult<ComplaintUpdate> {
    let tx = live.begin().await?;
    let snapshot = service::snapshot(&tx, viewer, id).await?;
    tx.commit().await?;
    Ok(ComplaintUpdate::from(snapshot))
}

#[derive(Default)]
pub struct ComplaintSubscription;

#[Subscription]
impl ComplaintSubscription {
    /// Staff dashboard counters: now, then again when a burst of complaint changes moved
    /// them (one read per burst, however many changes it holds).
    #[graphql(guard = "RoleGuard::staff()")]
    async fn complaint_counters(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<Counters>> + use<>> {
        let live = Live::of(ctx)?.clone();
        // Listen before the first read, so no change between the two is missed.
        let bursts = live.bursts();
        let now = read_counters(&live).await?;
        let rereads = bursts
            .filter(|burst| ready(touches(burst, |_| true)))
            .then(move |_| {
                let live = live.clone();
                async move { read_counters(&live).await }
            });
        Ok(changes_only(now, rereads))
    }

    /// One complaint's status, priority, assignee and SLA state: now, then after each
    /// change of it. Residents may watch only their own complaints (else NOT_FOUND); staff
    /// any. The first value spares clients a separate read (and its race with the stream).
    #[graphql(guard = "RoleGuard::member()")]
    async fn complaint_updated(
        &self,
        ctx: &Context<'_>,
        id: ComplaintId,
    ) -> Result<impl Stream<Item = Result<ComplaintUpdate>> + use<>> {
        let id = id.row()?;
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        let current = service::snapshot(&tx, &viewer, id).await?;
        tx.commit().await?;
        let rereads = bursts
            .filter(move |burst| ready(touches(burst, |changed| changed == id)))
            .then(move |_| {
                let (live, viewer) = (live.clone(), viewer.clone());
                async move { read_update(&live, &viewer, id).await }
            });
        Ok(changes_only(ComplaintUpdate::from(current), rereads))
    }
}
