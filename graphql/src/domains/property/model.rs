//! GraphQL objects of the property domain, built from entities.

use async_graphql::resolver_utils::enum_value;
use async_graphql::{
    ComplexObject, Context, Enum, Object, Result, ScalarType, SimpleObject, Value,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::{block, resident, resident_unit, unit};

use super::loaders::{BlockById, Link, ResidentsOfUnit, UnitsOfResident};
use super::service;
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BlockId, OccupancyId, ResidentId, UnitId};
use crate::common::inline::{Inline, PlainFields};

#[derive(Enum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum UnitType {
    #[default]
    House,
    Apartment,
    Shophouse,
    Land,
}

#[derive(Enum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    #[default]
    Owner,
    Tenant,
    Family,
}

macro_rules! str_enum {
    ($ty:ident { $($variant:ident => $s:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),* }
            }
            fn from_db(raw: &str) -> Self {
                match raw { $($s => Self::$variant,)* _ => unreachable_variant(raw) }
            }
        }
    };
}

/// Columns carry CHECK constraints listing exactly these values; anything else is a
/// migration bug, reported and shown as the first variant rather than a panic.
fn unreachable_variant<T: Default>(raw: &str) -> T {
    tracing::error!(value = raw, "unexpected enum value in database");
    T::default()
}

str_enum!(UnitType { House => "HOUSE", Apartment => "APARTMENT", Shophouse => "SHOPHOUSE", Land => "LAND" });
str_enum!(Relation { Owner => "OWNER", Tenant => "TENANT", Family => "FAMILY" });

/// Complexity weight of a household-sized list (residents of a unit, units of a resident).
const HOUSEHOLD: usize = 5;

/// A block (blok) of the estate.
pub struct Block(pub Row<block::Model>);

#[Object]
impl Block {
    pub async fn id(&self) -> BlockId {
        BlockId::new(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
}

impl PlainFields for Block {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => BlockId::new(self.0.id).into(),
            "name" => self.0.name.as_str().into(),
            _ => return None,
        })
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
        UnitType::from_db(&self.0.unit_type)
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

impl PlainFields for Unit {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let u = &*self.0;
        Some(match name {
            "id" => UnitId::new(u.id).into(),
            "number" => u.number.as_str().into(),
            "areaM2" => u.area_m2.to_value(),
            "type" => enum_value(UnitType::from_db(&u.unit_type)),
            "archived" => u.archived_at.is_some().into(),
            _ => return None,
        })
    }
}

/// A person living in or owning a unit (warga).
pub struct Resident(pub Row<resident::Model>);

#[Object]
impl Resident {
    pub async fn id(&self) -> ResidentId {
        ResidentId::new(self.0.id)
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
        Ok(service::identity_number(ctx.viewer().await?, &self.0)?)
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
        let units = links.iter().map(|l| l.other.clone());
        Ok(service::units_seen_by(ctx.viewer().await?, units, |u| u.id)
            .into_iter()
            .map(|u| Inline(Unit(u)))
            .collect())
    }
}

impl PlainFields for Resident {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let r = &*self.0;
        Some(match name {
            "id" => ResidentId::new(r.id).into(),
            "fullName" => r.full_name.as_str().into(),
            "phone" => r.phone.as_deref().into(),
            "email" => r.email.as_deref().into(),
            "archived" => r.archived_at.is_some().into(),
            _ => return None,
        })
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
            relation: Relation::from_db(&link.relation),
            starts_on: link.starts_on,
            ends_on: link.ends_on,
            unit_id,
            resident: link.other.clone(),
        }
    }

    pub fn from_row(link: resident_unit::Model, resident: resident::Model) -> Self {
        Self {
            id: OccupancyId::new(link.id),
            relation: Relation::from_db(&link.relation),
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
