//! Announcement fields. Thin: guard, one service call, map.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result, Subscription};
use chrono::{DateTime, FixedOffset};
use futures::{Stream, StreamExt};

use super::loaders;
use super::model::{Announcement, AudienceKind, PublishedAnnouncement};
use super::service::{self, NewAnnouncement, Targets};
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::ids::Fetch;
use crate::common::ids::{self, AnnouncementId, BlockId, ResidentId, UnitId, kind};
use crate::common::live::{Burst, Live, Opening};
use crate::common::pagination::Page;
use crate::common::viewer::Viewer;

#[derive(Default)]
pub struct AnnouncementQuery;

#[Object]
impl AnnouncementQuery {
    /// Announcements, newest first. Staff see all of them, scheduled ones included;
    /// residents see those published and addressed to them.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn announcements(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        #[graphql(
            default,
            desc = "Include archived announcements (staff; residents never see them)."
        )]
        include_archived: bool,
    ) -> Result<Connection<String, Announcement>> {
        let page = Page::parse(after, before, first, last)?;
        let viewer = ctx.viewer().await?;
        let rows = service::list(ctx.tenant_tx()?, viewer, include_archived, &page).await?;
        loaders::prefetch_targets(ctx, ctx.look_ahead().field("edges").field("node"), &rows)
            .await?;
        Ok(page.connection(rows, |a| a.id, Announcement))
    }

    /// One announcement; `NOT_FOUND` for a resident it does not (yet) address.
    #[graphql(guard = "RoleGuard::member()")]
    async fn announcement(&self, ctx: &Context<'_>, id: AnnouncementId) -> Result<Announcement> {
        Ok(Announcement::fetch(ctx, id.row()?).await?)
    }
}

#[async_trait::async_trait]
impl Fetch for Announcement {
    type Kind = kind::Announcement;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        Ok(Announcement(
            service::get(ctx.tenant_tx()?, viewer, id).await?,
        ))
    }
}

/// Targets must match the audience: none for ALL, at least one `blockIds` for BLOCKS,
/// `unitIds` for UNITS, `residentIds` for RESIDENTS, and no other list.
#[derive(InputObject)]
pub struct PublishAnnouncementInput {
    title: String,
    body: String,
    audience: AudienceKind,
    #[graphql(default)]
    block_ids: Vec<BlockId>,
    #[graphql(default)]
    unit_ids: Vec<UnitId>,
    #[graphql(default)]
    resident_ids: Vec<ResidentId>,
    /// Absent or past: published now. Future: residents see it from then on, and
    /// subscribers hear of it then.
    publish_at: Option<DateTime<FixedOffset>>,
}

#[derive(Default)]
pub struct AnnouncementMutation;

#[Object]
impl AnnouncementMutation {
    /// Publishes an announcement now, or schedules it for `publishAt`.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn publish_announcement(
        &self,
        ctx: &Context<'_>,
        input: PublishAnnouncementInput,
    ) -> Result<Announcement> {
        let req = ctx.request()?;
        let new = NewAnnouncement {
            targets: Targets {
                block_ids: ids::rows(&input.block_ids)?,
                unit_ids: ids::rows(&input.unit_ids)?,
                resident_ids: ids::rows(&input.resident_ids)?,
            },
            title: input.title,
            body: input.body,
            audience: input.audience,
            publish_at: input.publish_at,
            author_user_id: req.principal()?.user_id,
        };
        let created = service::publish(ctx.tenant_tx()?, new).await?;
        req.audit_target(format!("announcement:{}", created.id));
        if created.published_event_at.is_some() {
            req.emit(DomainEvent::AnnouncementPublished {
                announcement_id: created.id,
            });
        }
        Ok(Announcement(created))
    }

    /// Takes an announcement out of residents' lists (and, if scheduled, cancels it).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn archive_announcement(
        &self,
        ctx: &Context<'_>,
        id: AnnouncementId,
    ) -> Result<Announcement> {
        let id = id.row()?;
        let archived = service::archive(ctx.tenant_tx()?, id).await?;
        ctx.request()?.audit_target(format!("announcement:{id}"));
        Ok(Announcement(archived))
    }
}

#[derive(Default)]
pub struct AnnouncementSubscription;

#[Subscription]
impl AnnouncementSubscription {
    /// Each announcement addressed to the subscriber, when it is published (at once, or
    /// when its scheduled time comes). A subscriber too slow to keep up misses what was
    /// dropped: refetch `announcements` to catch up.
    #[graphql(guard = "RoleGuard::member()")]
    async fn announcement_published(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<PublishedAnnouncement>> + use<>> {
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        tx.commit().await?;
        service::check_reader(&viewer)?;
        Ok(bursts
            .then(move |burst| {
                let (live, viewer) = (live.clone(), viewer.clone());
                async move { addressed(&live, &viewer, &burst).await }
            })
            .flat_map(|loaded| {
                let items: Vec<Result<PublishedAnnouncement>> = match loaded {
                    Ok(found) => found.into_iter().map(Ok).collect(),
                    Err(err) => vec![Err(err.into())],
                };
                futures::stream::iter(items)
            }))
    }
}

/// The announcements of a burst's publication events that address `viewer`, read in one
/// short transaction (a subscription has no request transaction).
async fn addressed(
    live: &Live,
    viewer: &Viewer,
    burst: &Burst,
) -> ApiResult<Vec<PublishedAnnouncement>> {
    if burst.lagged {
        tracing::warn!(tenant = %live.tenant, "announcement subscriber fell behind; events dropped");
    }
    let ids: Vec<i64> = burst
        .events
        .iter()
        .filter_map(|event| match **event {
            DomainEvent::AnnouncementPublished { announcement_id } => Some(announcement_id),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tx = live.begin().await?;
    let found = service::published_among(&tx, viewer, &ids).await?;
    tx.commit().await?;
    Ok(found.into_iter().map(PublishedAnnouncement::from).collect())
}
