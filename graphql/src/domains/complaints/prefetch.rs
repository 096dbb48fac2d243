//! Exact batching for complaint lists (see `property::prefetch` for the why): one
//! statement per relation the client selected, whatever the page size.

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use klustera_entities::tenant::complaint;

use super::loaders::{AttachmentsOfComplaint, UserById};
use super::model::comments_key;
use super::service;
use crate::common::by_id::{ResidentById, UnitById};
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::loader::{prefetch, prime};
use crate::domains::property;

/// Primes what `node` (a `Complaint` selection) will ask for, for all `complaints` at once.
pub async fn complaints(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    complaints: &[complaint::Model],
) -> ApiResult<()> {
    if complaints.is_empty() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    let resident = node.field("resident");
    if resident.exists() {
        let ids: BTreeSet<i64> = complaints.iter().map(|c| c.resident_id).collect();
        let loaded = prefetch(loader, ids.into_iter().map(ResidentById).collect()).await?;
        let residents: Vec<_> = loaded.into_values().collect();
        property::prefetch::residents(ctx, resident, &residents).await?;
    }
    let unit = node.field("unit");
    if unit.exists() {
        let viewer = ctx.viewer().await?;
        let ids: BTreeSet<i64> = complaints
            .iter()
            .filter_map(|c| service::shown_unit(viewer, c))
            .collect();
        let loaded = prefetch(loader, ids.into_iter().map(UnitById).collect()).await?;
        let units: Vec<_> = loaded.into_values().collect();
        property::prefetch::units(ctx, unit, &units).await?;
    }
    if node.field("assignee").exists() {
        let ids: BTreeSet<i64> = complaints
            .iter()
            .filter_map(|c| c.assignee_user_id)
            .collect();
        prime(loader, ids.into_iter().map(UserById).collect()).await?;
    }
    if node.field("comments").exists() {
        let viewer = ctx.viewer().await?;
        let keys = complaints
            .iter()
            .map(|c| comments_key(viewer, c.id))
            .collect();
        prime(loader, keys).await?;
    }
    if node.field("attachments").exists() {
        let keys = complaints
            .iter()
            .map(|c| AttachmentsOfComplaint(c.id))
            .collect();
        prime(loader, keys).await?;
    }
    Ok(())
}
