//! Property fields. Thin: guard, one service call, map to GraphQL objects.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{Block, Occupancy, Relation, Resident, Unit, UnitType};
use super::prefetch;
use super::service::{self, ResidentChanges, ResidentFilter, UnitChanges, UnitFilter};
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::guard::RoleGuard;
use crate::common::ids::{BlockId, Fetch, OccupancyId, ResidentId, UnitId, kind};
use crate::common::inline::Inline;
use crate::common::pagination::Page;

#[derive(InputObject, Default)]
pub struct UnitFilterInput {
    block_id: Option<BlockId>,
    /// Matches the unit number (case-insensitive, substring).
    search: Option<String>,
    #[graphql(default)]
    include_archived: bool,
}

#[derive(InputObject, Default)]
pub struct ResidentFilterInput {
    /// Matches the name (substring) or the phone number (any Indonesian form).
    search: Option<String>,
    unit_id: Option<UnitId>,
    #[graphql(default)]
    include_archived: bool,
}

#[derive(Default)]
pub struct PropertyQuery;

#[Object]
impl PropertyQuery {
    #[graphql(guard = "RoleGuard::member()")]
    async fn blocks(&self, ctx: &Context<'_>) -> Result<Vec<Block>> {
        Ok(Row::each(service::list_blocks(ctx.tenant_tx()?).await?)
            .into_iter()
            .map(Block)
            .collect())
    }

    /// Units, by id. Residents see only their household's units.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn units(
        &self,
        ctx: &Context<'_>,
        filter: Option<UnitFilterInput>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Inline<Unit>>> {
        let page = Page::parse(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let filter = UnitFilter {
            block_id: f.block_id.map(|id| id.row()).transpose()?,
            search: f.search,
            include_archived: f.include_archived,
        };
        let viewer = ctx.viewer().await?;
        let rows = Row::each(service::list_units(ctx.tenant_tx()?, viewer, &filter, &page).await?);
        prefetch::units(ctx, ctx.look_ahead().field("edges").field("node"), &rows).await?;
        Ok(page.connection(rows, |u| u.id, |u| Inline(Unit(u))))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn unit(&self, ctx: &Context<'_>, id: UnitId) -> Result<Unit> {
        Ok(Unit::fetch(ctx, id.row()?).await?)
    }

    /// Residents, by id. Residents see only their household.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn residents(
        &self,
        ctx: &Context<'_>,
        filter: Option<ResidentFilterInput>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Inline<Resident>>> {
        let page = Page::parse(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let filter = ResidentFilter {
            search: f.search,
            unit_id: f.unit_id.map(|id| id.row()).transpose()?,
            include_archived: f.include_archived,
        };
        let viewer = ctx.viewer().await?;
        let rows =
            Row::each(service::list_residents(ctx.tenant_tx()?, viewer, &filter, &page).await?);
        prefetch::residents(ctx, ctx.look_ahead().field("edges").field("node"), &rows).await?;
        Ok(page.connection(rows, |r| r.id, |r| Inline(Resident(r))))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn resident(&self, ctx: &Context<'_>, id: ResidentId) -> Result<Resident> {
        Ok(Resident::fetch(ctx, id.row()?).await?)
    }
}

#[async_trait::async_trait]
impl Fetch for Block {
    type Kind = kind::Block;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        Ok(Block(
            service::get_block(ctx.tenant_tx()?, id).await?.into(),
        ))
    }
}

#[async_trait::async_trait]
impl Fetch for Resident {
    type Kind = kind::Resident;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let resident = service::get_visible_resident(ctx.tenant_tx()?, viewer, id).await?;
        Ok(Resident(resident.into()))
    }
}

#[async_trait::async_trait]
impl Fetch for Unit {
    type Kind = kind::Unit;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let unit = service::get_unit(ctx.tenant_tx()?, viewer, id).await?;
        Ok(Unit(unit.into()))
    }
}

#[derive(InputObject)]
pub struct CreateUnitInput {
    block_id: BlockId,
    number: String,
    area_m2: Decimal,
    #[graphql(name = "type", default_with = "UnitType::House")]
    unit_type: UnitType,
}

#[derive(InputObject)]
pub struct UpdateUnitInput {
    block_id: Option<BlockId>,
    number: Option<String>,
    area_m2: Option<Decimal>,
    #[graphql(name = "type")]
    unit_type: Option<UnitType>,
}

/// Absent fields are left unchanged; an empty string clears an optional field.
#[derive(InputObject)]
pub struct ResidentInput {
    full_name: Option<String>,
    /// `08..`, `62..` or `+62..`; stored as E.164.
    phone: Option<String>,
    email: Option<String>,
    /// NIK: 16 digits of a plausible structure (province code 11-94, regency and
    /// district codes, birth date DDMMYY with 40 added to a woman's day, serial from 0001).
    identity_number: Option<String>,
}

impl From<ResidentInput> for ResidentChanges {
    fn from(i: ResidentInput) -> Self {
        Self {
            full_name: i.full_name,
            phone: i.phone,
            email: i.email,
            identity_number: i.identity_number,
        }
    }
}

#[derive(InputObject)]
pub struct LinkResidentInput {
    resident_id: ResidentId,
    unit_id: UnitId,
    relation: Relation,
    /// Defaults to today.
    starts_on: Option<NaiveDate>,
}

#[derive(Default)]
pub struct PropertyMutation;

#[Object]
impl PropertyMutation {
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_block(&self, ctx: &Context<'_>, name: String) -> Result<Block> {
        let block = service::create_block(ctx.tenant_tx()?, &name).await?;
        ctx.request()?.audit_target(format!("block:{}", block.id));
        Ok(Block(block.into()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_unit(&self, ctx: &Context<'_>, input: CreateUnitInput) -> Result<Unit> {
        let changes = UnitChanges {
            block_id: Some(input.block_id.row()?),
            number: Some(input.number),
            area_m2: Some(input.area_m2),
            unit_type: Some(input.unit_type),
        };
        let unit = service::create_unit(ctx.tenant_tx()?, changes).await?;
        ctx.request()?.audit_target(format!("unit:{}", unit.id));
        Ok(Unit(unit.into()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn update_unit(
        &self,
        ctx: &Context<'_>,
        id: UnitId,
        input: UpdateUnitInput,
    ) -> Result<Unit> {
        let id = id.row()?;
        let changes = UnitChanges {
            block_id: input.block_id.map(|b| b.row()).transpose()?,
            number: input.number,
            area_m2: input.area_m2,
            unit_type: input.unit_type,
        };
        let unit = service::update_unit(ctx.tenant_tx()?, id, changes).await?;
        ctx.request()?.audit_target(format!("unit:{id}"));
        Ok(Unit(unit.into()))
    }

    /// Archives a unit and ends its open resident links today.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn archive_unit(&self, ctx: &Context<'_>, id: UnitId) -> Result<Unit> {
        let id = id.row()?;
        let unit = service::archive_unit(ctx.tenant_tx()?, id).await?;
        ctx.request()?.audit_target(format!("unit:{id}"));
        Ok(Unit(unit.into()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_resident(&self, ctx: &Context<'_>, input: ResidentInput) -> Result<Resident> {
        let resident = service::create_resident(ctx.tenant_tx()?, input.into()).await?;
        ctx.request()?
            .audit_target(format!("resident:{}", resident.id));
        Ok(Resident(resident.into()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn update_resident(
        &self,
        ctx: &Context<'_>,
        id: ResidentId,
        input: ResidentInput,
    ) -> Result<Resident> {
        let id = id.row()?;
        let resident = service::update_resident(ctx.tenant_tx()?, id, input.into()).await?;
        ctx.request()?.audit_target(format!("resident:{id}"));
        Ok(Resident(resident.into()))
    }

    /// Archives a resident and ends their open unit links today.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn archive_resident(&self, ctx: &Context<'_>, id: ResidentId) -> Result<Resident> {
        let id = id.row()?;
        let resident = service::archive_resident(ctx.tenant_tx()?, id).await?;
        ctx.request()?.audit_target(format!("resident:{id}"));
        Ok(Resident(resident.into()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn link_resident(
        &self,
        ctx: &Context<'_>,
        input: LinkResidentInput,
    ) -> Result<Occupancy> {
        let resident_id = input.resident_id.row()?;
        let unit_id = input.unit_id.row()?;
        let (link, resident) = service::link_resident(
            ctx.tenant_tx()?,
            resident_id,
            unit_id,
            input.relation,
            input.starts_on,
        )
        .await?;
        let req = ctx.request()?;
        req.audit_target(format!("link:{}", link.id));
        req.audit_target(format!("resident:{resident_id}"));
        req.audit_target(format!("unit:{unit_id}"));
        Ok(Occupancy::from_row(link, resident))
    }

    /// Ends a link (today unless `endsOn` is given); the link stays as history.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn unlink_resident(
        &self,
        ctx: &Context<'_>,
        link_id: OccupancyId,
        ends_on: Option<NaiveDate>,
    ) -> Result<Occupancy> {
        let (link, resident) =
            service::unlink_resident(ctx.tenant_tx()?, link_id.row()?, ends_on).await?;
        ctx.request()?.audit_target(format!("link:{}", link.id));
        Ok(Occupancy::from_row(link, resident))
    }
}
