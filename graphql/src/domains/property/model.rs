//! GraphQL objects of the property domain, built from entities.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::{block, resident, resident_unit, unit};

use super::loaders::{BlockById, Link, ResidentsOfUnit, UnitsOfResident};
use super::service;
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BlockId, OccupancyId, ResidentId, UnitId};
use crate::common::inline::{Inline, row_object};

pub use klustera_entities::states::{Relation, UnitType};

/// Complexity weight of a household-sized list (residents of a unit, units of a resident).
const HOUSEHOLD: usize = 5;

/// A block (blok) of the estate.
pub struct Block(pub Row<block::Model>);

row_object! {
    #[Object]
    Block(b: block::Model) {
        plain {
            "id" id: BlockId = BlockId::new(b.id);
            "name" name: &str = &b.name;
        }
    }
}

/// A house, apartment, shophouse or plot.
pub struct Unit(pub Row<unit::Model>);

row_object! {
    #[Object]
    Unit(u: unit::Model) {
        plain {
            "id" id: UnitId = UnitId::new(u.id);
            "number" number: &str = &u.number;
            /// Floor or land area in m², two decimals.
            "areaM2" area_m2: Decimal = u.area_m2;
            "type" unit_type: UnitType = u.unit_type;
            "archived" archived: bool = u.archived_at.is_some();
        }
    async fn block(&self, ctx: &Context<'_>) -> Result<Inline<Block>> {
        let block = ctx.loader()?.load_one(BlockById(self.0.block_id)).await?;
        block
            .map(|b| Inline(Block(b)))
            .ok_or_else(|| ApiError::NotFound("block").into())
    }
    /// Residents with an open link to this unit.
    #[graphql(complexity = "HOUSEHOLD * child_complexity")]
    async fn residents(&self, ctx: &Context<'_>) -> Result<Vec<Inline<Resident>>> {
        let links = ctx
            .loader()?
            .load_one(ResidentsOfUnit(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(links
            .iter()
            .map(|l| Inline(Resident(l.other.clone())))
            .collect())
    }
    /// The unit's most recent bills, newest first (`last` at most 24). Residents see
    /// bills of their own household's units only, as they see only those units.
    #[graphql(complexity = "last * child_complexity")]
    async fn bills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 3)] last: usize,
    ) -> Result<Vec<Inline<crate::domains::billing::model::Bill>>> {
        crate::domains::billing::model::recent_bills_of_unit(ctx, self.0.id, last).await
    }
    /// Open links of this unit, with the relation of each resident.
    #[graphql(complexity = "HOUSEHOLD * child_complexity")]
    async fn occupancies(&self, ctx: &Context<'_>) -> Result<Vec<Occupancy>> {
        let links = ctx
            .loader()?
            .load_one(ResidentsOfUnit(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(links
            .iter()
            .map(|l| Occupancy::from_link(self.0.id, l))
            .collect())
    }
}
}

/// A person living in or owning a unit (warga).
pub struct Resident(pub Row<resident::Model>);

row_object! {
    #[Object]
    Resident(r: resident::Model) {
        plain {
            "id" id: ResidentId = ResidentId::new(r.id);
            "fullName" full_name: &str = &r.full_name;
            /// E.164 (`+62...`).
            "phone" phone: Option<&str> = r.phone.as_deref();
            "email" email: Option<&str> = r.email.as_deref();
            "archived" archived: bool = r.archived_at.is_some();
        }
    /// NIK; visible to managers and to the resident themself.
    async fn identity_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(service::identity_number(ctx.viewer().await?, &self.0)?)
    }
    /// Units with an open link to this resident (for residents: only their household's).
    #[graphql(complexity = "HOUSEHOLD * child_complexity")]
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Inline<Unit>>> {
        let links = ctx
            .loader()?
            .load_one(UnitsOfResident(self.0.id))
            .await?
            .unwrap_or_default();
        let units = links.iter().map(|l| l.other.clone());
        Ok(service::units_seen_by(ctx.viewer().await?, units, |u| u.id)
            .into_iter()
            .map(|u| Inline(Unit(u)))
            .collect())
    }
}
}

/// A resident's link to a unit.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Occupancy {
    id: OccupancyId,
    relation: Relation,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    #[graphql(skip)]
    unit_id: i64,
    #[graphql(skip)]
    resident: Row<resident::Model>,
}

impl Occupancy {
    fn from_link(unit_id: i64, link: &Link<Row<resident::Model>>) -> Self {
        Self {
            id: OccupancyId::new(link.link_id),
            relation: link.relation,
            starts_on: link.starts_on,
            ends_on: link.ends_on,
            unit_id,
            resident: link.other.clone(),
        }
    }

    pub fn from_row(link: resident_unit::Model, resident: resident::Model) -> Self {
        Self {
            id: OccupancyId::new(link.id),
            relation: link.relation,
            starts_on: link.starts_on,
            ends_on: link.ends_on,
            unit_id: link.unit_id,
            resident: resident.into(),
        }
    }
}

#[ComplexObject]
impl Occupancy {
    async fn resident(&self) -> Resident {
        Resident(self.resident.clone())
    }
    async fn unit_id(&self) -> UnitId {
        UnitId::new(self.unit_id)
    }
}
