//! GraphQL objects of announcements, built from entities. No field reaches for a loader
//! or a transaction.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use klustera_entities::tenant::announcement;

/// Who an announcement addresses.
#[derive(Enum, Debug, Default, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AnnouncementAudience")]
pub enum AudienceKind {
    /// Every resident.
    #[default]
    All,
    /// Residents of units in the named blocks.
    Blocks,
    /// Residents of the named units.
    Units,
    /// The named residents.
    Residents,
}

impl AudienceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Blocks => "BLOCKS",
            Self::Units => "UNITS",
            Self::Residents => "RESIDENTS",
        }
    }

    /// The column carries a CHECK listing exactly these values; anything else is a
    /// migration bug, logged and shown as ALL rather than a panic.
    pub(crate) fn from_db(raw: &str) -> Self {
        match raw {
            "ALL" => Self::All,
            "BLOCKS" => Self::Blocks,
            "UNITS" => Self::Units,
            "RESIDENTS" => Self::Residents,
            other => {
                tracing::error!(value = other, "unexpected announcement audience");
                Self::All
            }
        }
    }
}

/// An announcement as its readers see it.
pub struct Announcement(pub announcement::Model);

#[Object]
impl Announcement {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn audience(&self) -> AudienceKind {
        AudienceKind::from_db(&self.0.audience)
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
}

/// What `announcementPublished` delivers: an announcement that now addresses the
/// subscriber.
#[derive(SimpleObject, Debug, Clone)]
pub struct PublishedAnnouncement {
    pub id: ID,
    pub title: String,
    pub body: String,
    pub audience: AudienceKind,
    pub published_at: DateTime<FixedOffset>,
}

impl From<announcement::Model> for PublishedAnnouncement {
    fn from(a: announcement::Model) -> Self {
        Self {
            id: ID(a.id.to_string()),
            audience: AudienceKind::from_db(&a.audience),
            published_at: a.published_event_at.unwrap_or(a.publish_at),
            title: a.title,
            body: a.body,
        }
    }
}
