//! GraphQL objects of the property domain, built from entities.

use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::{block, resident, resident_unit, unit};

use super::loaders::{BlockById, Link, ResidentsOfUnit, UnitsOfResident};
use crate::common::batch::Row;
use crate::common::context::{ContextExt, Role};
use crate::common::error::ApiError;
use crate::common::ids::UnitId;
use crate::common::inline::Inline;
use crate::common::types::RowId;

pub use klustera_entities::states::{Relation, UnitType};

/// Complexity weight of a household-sized list (residents of a unit, units of a resident).
const HOUSEHOLD: usize = 5;

pub fn id_of(field: &'static str, id: &ID) -> Result<i64, ApiError> {
    id.parse::<i64>()
        .map_err(|_| ApiError::bad_input(field, "not an id from this API"))
}

/// [`id_of`] for a list argument.
pub fn ids_of(field: &'static str, ids: &[ID]) -> Result<Vec<i64>, ApiError> {
    ids.iter().map(|id| id_of(field, id)).collect()
}

/// A block (blok) of the estate.
pub struct Block(pub Row<block::Model>);

#[Object]
impl Block {
    async fn id(&self) -> RowId {
        RowId(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
}

/// A house, apartment, shophouse or plot.
pub struct Unit(pub Row<unit::Model>);

#[Object]
impl Unit {
    pub async fn id(&self) -> UnitId {
        UnitId::new(self.0.id)
    }
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Floor or land area in m², two decimals.
    async fn area_m2(&self) -> Decimal {
        self.0.area_m2
    }
    #[graphql(name = "type")]
    async fn unit_type(&self) -> UnitType {
        self.0.unit_type
    }
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
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
        use crate::domains::billing::loaders::{BillsOfUnit, MAX_RECENT_BILLS};
        let last = u8::try_from(last)
            .ok()
            .filter(|n| *n <= MAX_RECENT_BILLS)
            .ok_or_else(|| ApiError::bad_input("last", format!("at most {MAX_RECENT_BILLS}")))?;
        let bills = ctx
            .loader()?
            .load_one(BillsOfUnit(self.0.id, last))
            .await?
            .unwrap_or_default();
        Ok(bills
            .rows()
            .map(|b| Inline(crate::domains::billing::model::Bill(b)))
            .collect())
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

/// A person living in or owning a unit (warga).
pub struct Resident(pub Row<resident::Model>);

#[Object]
impl Resident {
    async fn id(&self) -> RowId {
        RowId(self.0.id)
    }
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// E.164 (`+62...`).
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// NIK; visible to managers and to the resident themself.
    async fn identity_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let p = ctx.request()?.principal()?;
        if p.role == Role::Manager || p.resident_id == Some(self.0.id) {
            Ok(self.0.identity_number.as_deref())
        } else {
            Err(ApiError::Forbidden("only managers and the resident may see the NIK").into())
        }
    }
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// Units with an open link to this resident (for residents: only their household's).
    #[graphql(complexity = "HOUSEHOLD * child_complexity")]
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Inline<Unit>>> {
        let links = ctx
            .loader()?
            .load_one(UnitsOfResident(self.0.id))
            .await?
            .unwrap_or_default();
        let visible = ctx.request()?.visible_units().await?;
        Ok(links
            .iter()
            .filter(|l| visible.as_ref().is_none_or(|v| v.contains(&l.other.id)))
            .map(|l| Inline(Unit(l.other.clone())))
            .collect())
    }
}

/// A resident's link to a unit.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Occupancy {
    id: ID,
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
            id: ID(link.link_id.to_string()),
            relation: link.relation,
            starts_on: link.starts_on,
            ends_on: link.ends_on,
            unit_id,
            resident: link.other.clone(),
        }
    }

    pub fn from_row(link: resident_unit::Model, resident: resident::Model) -> Self {
        Self {
            id: ID(link.id.to_string()),
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
    async fn unit_id(&self) -> ID {
        ID(self.unit_id.to_string())
    }
}
