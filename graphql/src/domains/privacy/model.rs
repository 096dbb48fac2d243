//! GraphQL objects of privacy operations.

use async_graphql::{Json, SimpleObject};
use chrono::{DateTime, Utc};

use crate::common::ids::ResidentId;

/// Everything the tenant holds about one resident, as of `generatedAt`.
#[derive(SimpleObject)]
pub struct ResidentDataExport {
    pub resident_id: ResidentId,
    pub generated_at: DateTime<Utc>,
    /// One JSON document: `resident`, `household`, `logins` (with their sessions, no
    /// secrets), `bills` (with items, payments, refunds), `complaints`, `comments`,
    /// `votes` (a secret ballot: only that it was cast), `bookings`, `notifications`,
    /// `audit`.
    pub document: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct PrivacySettings {
    /// Days after a former resident's last household membership ended (or their record
    /// was archived) before the daily sweep anonymises them.
    pub former_resident_retention_days: i32,
}
