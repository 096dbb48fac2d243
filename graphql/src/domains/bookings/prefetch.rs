//! Exact batching for the calendar (see `property::prefetch` for the why): a month is up
//! to 2,000 bookings, whose facilities and units are each loaded in one statement before
//! the bookings resolve, and the units' own selection after them.

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use klustera_entities::tenant::{booking, unit};

use super::loaders::FacilityById;
use crate::common::batch::Row;
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::loader::{prefetch, prime};

/// Primes what `node` (a `Booking` selection) will ask for, for all `bookings` at once.
pub async fn bookings(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    bookings: &[Row<booking::Model>],
) -> ApiResult<()> {
    if bookings.is_empty() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    if node.field("facility").exists() {
        let facilities: BTreeSet<i64> = bookings.iter().map(|b| b.facility_id).collect();
        prime(loader, facilities.into_iter().map(FacilityById).collect()).await?;
    }
    let unit = node.field("unit");
    if unit.exists() {
        let ids: BTreeSet<i64> = bookings.iter().map(|b| b.unit_id).collect();
        let loaded = prefetch(loader, ids.into_iter().map(UnitById).collect()).await?;
        let units: Vec<Row<unit::Model>> = loaded.into_values().collect();
        crate::domains::property::prefetch::units(ctx, unit, &units).await?;
    }
    Ok(())
}
