//! Batch loader for announcement -> targets, one statement per batch, per request.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use klustera_entities::tenant::{announcement, announcement_target};

use crate::common::batch::{Rows, group};
use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::loader::{TenantLoader, ids, prime};

/// Key: announcement id -> the rows naming its blocks, units or residents (none for ALL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetsOf(pub i64);

impl Loader<TargetsOf> for TenantLoader {
    type Value = Rows<announcement_target::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[TargetsOf]) -> Result<HashMap<TargetsOf, Self::Value>, ApiError> {
        let rows = announcement_target::Entity::find()
            .filter(announcement_target::Column::AnnouncementId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(announcement_target::Column::Id)
            .all(self.tx()?.as_ref())
            .await?;
        Ok(group(keys, rows, |t| TargetsOf(t.announcement_id)))
    }
}

/// Loads the targets of a listed page in one statement when the selection under `node`
/// asks for them (instead of waiting for the batching window). Only for staff: residents'
/// `targets` fail on the field's guard, so loading them would be wasted.
pub async fn prefetch_targets(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    rows: &[announcement::Model],
) -> ApiResult<()> {
    if rows.is_empty() || !node.field("targets").exists() || !ctx.viewer().await?.is_staff() {
        return Ok(());
    }
    prime(
        ctx.loader()?,
        rows.iter().map(|a| TargetsOf(a.id)).collect(),
    )
    .await
}
