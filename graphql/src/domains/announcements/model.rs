//! GraphQL objects of announcements, built from entities. Only `Announcement.targets`
//! reaches for the request's loader; [`PublishedAnnouncement`], the subscription payload,
//! is a plain value.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use klustera_entities::tenant::{announcement, announcement_target};

use super::loaders::TargetsOf;
use crate::common::context::ContextExt;
use crate::common::guard::RoleGuard;
use crate::common::ids::{AnnouncementId, BlockId, ResidentId, UnitId};

pub use klustera_entities::states::Audience as AudienceKind;

/// An announcement as its readers see it.
pub struct Announcement(pub announcement::Model);

#[Object]
impl Announcement {
    pub async fn id(&self) -> AnnouncementId {
        AnnouncementId::new(self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn audience(&self) -> AudienceKind {
        self.0.audience
    }
    /// From when its audience sees it.
    async fn publish_at(&self) -> DateTime<FixedOffset> {
        self.0.publish_at
    }
    /// When its publication went out to subscribers; null while that has not happened.
    async fn published_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.published_event_at
    }
    /// Whether `publishAt` is still to come (only staff see such announcements).
    async fn scheduled(&self) -> bool {
        self.0.publish_at > Utc::now()
    }
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    /// Whom it addresses (staff only; residents would learn who else was named).
    #[graphql(guard = "RoleGuard::staff()")]
    async fn targets(&self, ctx: &Context<'_>) -> Result<AnnouncementTargets> {
        let rows = ctx
            .loader()?
            .load_one(TargetsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(AnnouncementTargets::from(&*rows))
    }
}

/// The blocks, units or residents an announcement names: one list is filled, the one its
/// audience names; all are empty for ALL.
#[derive(SimpleObject, Debug, Default)]
pub struct AnnouncementTargets {
    pub block_ids: Vec<BlockId>,
    pub unit_ids: Vec<UnitId>,
    pub resident_ids: Vec<ResidentId>,
}

impl From<&[announcement_target::Model]> for AnnouncementTargets {
    fn from(rows: &[announcement_target::Model]) -> Self {
        let mut targets = Self::default();
        for row in rows {
            targets.block_ids.extend(row.block_id.map(BlockId::new));
            targets.unit_ids.extend(row.unit_id.map(UnitId::new));
            targets
                .resident_ids
                .extend(row.resident_id.map(ResidentId::new));
        }
        targets
    }
}

/// What `announcementPublished` delivers: an announcement that now addresses the
/// subscriber.
#[derive(SimpleObject, Debug, Clone)]
pub struct PublishedAnnouncement {
    pub id: AnnouncementId,
    pub title: String,
    pub body: String,
    pub audience: AudienceKind,
    pub published_at: DateTime<FixedOffset>,
}

impl From<announcement::Model> for PublishedAnnouncement {
    fn from(a: announcement::Model) -> Self {
        Self {
            id: AnnouncementId::new(a.id),
            audience: a.audience,
            published_at: a.published_event_at.unwrap_or(a.publish_at),
            title: a.title,
            body: a.body,
        }
    }
}
