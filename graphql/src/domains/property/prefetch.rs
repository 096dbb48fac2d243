//! Exact batching for lists: prime the loaders along the query's own shape.
//!
//! The dataloader batches keys that arrive within a short time window. That is enough for
//! a lone field, but a long list resolved on a busy server can straddle the window and be
//! split into several statements. So list resolvers look ahead at what the client selected
//! under each node and load every key of the next level in one statement (`loader::prefetch`), level by
//! level; the per-node resolvers then hit the request's loader cache. The statement count
//! of a nested query is one per level, whatever the page size and whatever the load.

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use klustera_entities::tenant::{resident, unit};

use super::loaders::{BlockById, ResidentsOfUnit, UnitsOfResident};
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::loader::{prefetch, prime};

/// Primes what `node` (a `Unit` selection) will ask for, for all `units` at once.
pub async fn units(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    units: &[Row<unit::Model>],
) -> ApiResult<()> {
    if units.is_empty() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    if node.field("block").exists() {
        let blocks: BTreeSet<i64> = units.iter().map(|u| u.block_id).collect();
        prime(loader, blocks.into_iter().map(BlockById).collect()).await?;
    }
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    crate::domains::billing::prefetch::bills_of_units(ctx, node.field("bills"), &ids).await?;
    let residents = node.field("residents");
    let occupants = node.field("occupancies").field("resident");
    if residents.exists() || node.field("occupancies").exists() {
        let links = prefetch(
            loader,
            units.iter().map(|u| ResidentsOfUnit(u.id)).collect(),
        )
        .await?;
        let mut seen = BTreeSet::new();
        let next: Vec<Row<resident::Model>> = links
            .values()
            .flat_map(|links| links.iter())
            .filter(|l| seen.insert(l.other.id))
            .map(|l| l.other.clone())
            .collect();
        for child in [residents, occupants] {
            if child.exists() {
                Box::pin(self::residents(ctx, child, &next)).await?;
            }
        }
    }
    Ok(())
}

/// Primes what `node` (a `Resident` selection) will ask for, for all `residents` at once.
pub async fn residents(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    residents: &[Row<resident::Model>],
) -> ApiResult<()> {
    let child = node.field("units");
    if residents.is_empty() || !child.exists() {
        return Ok(());
    }
    let links = prefetch(
        ctx.loader()?,
        residents.iter().map(|r| UnitsOfResident(r.id)).collect(),
    )
    .await?;
    let mut seen = BTreeSet::new();
    let next: Vec<Row<unit::Model>> = links
        .values()
        .flat_map(|links| links.iter())
        .filter(|l| seen.insert(l.other.id))
        .map(|l| l.other.clone())
        .collect();
    Box::pin(units(ctx, child, &next)).await
}
