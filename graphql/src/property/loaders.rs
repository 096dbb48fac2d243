//! Batch loaders for the unit-resident graph, one instance per request.
//!
//! Each key type is one SQL statement per batch (`= ANY($1)`), whatever the number of
//! keys, so a nested query costs statements by depth, not by size. The loader holds the
//! request's tenant transaction: it can only ever see that tenant's rows.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement};

use klustera_entities::tenant::{block, resident, unit};

use crate::error::ApiError;
use crate::loader::{TenantLoader, ids};

/// An open link seen from one side, with the row on the other side.
#[derive(Debug, Clone)]
pub struct Link<T> {
    pub link_id: i64,
    pub relation: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub other: T,
}

/// Key: unit id -> residents with an open link to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResidentsOfUnit(pub i64);

/// Key: resident id -> units with an open link to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitsOfResident(pub i64);

/// Key: block id -> block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockById(pub i64);

struct ResidentLinkRow {
    key: i64,
    link_id: i64,
    relation: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    id: i64,
    full_name: String,
    phone: Option<String>,
    email: Option<String>,
    identity_number: Option<String>,
    archived_at: Option<DateTimeWithTimeZone>,
    created_at: DateTimeWithTimeZone,
}

struct UnitLinkRow {
    key: i64,
    link_id: i64,
    relation: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    id: i64,
    block_id: i64,
    number: String,
    area_m2: rust_decimal::Decimal,
    unit_type: String,
    archived_at: Option<DateTimeWithTimeZone>,
    created_at: DateTimeWithTimeZone,
}

// Decoded by column position, in the order of the SELECTs below: these rows are the hot
// path of every nested query, and by-name lookups cost a string per column.
impl FromQueryResult for ResidentLinkRow {
    fn from_query_result(r: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            key: r.try_get_by_index(0)?,
            link_id: r.try_get_by_index(1)?,
            relation: r.try_get_by_index(2)?,
            starts_on: r.try_get_by_index(3)?,
            ends_on: r.try_get_by_index(4)?,
            id: r.try_get_by_index(5)?,
            full_name: r.try_get_by_index(6)?,
            phone: r.try_get_by_index(7)?,
            email: r.try_get_by_index(8)?,
            identity_number: r.try_get_by_index(9)?,
            archived_at: r.try_get_by_index(10)?,
            created_at: r.try_get_by_index(11)?,
        })
    }
}

impl FromQueryResult for UnitLinkRow {
    fn from_query_result(r: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            key: r.try_get_by_index(0)?,
            link_id: r.try_get_by_index(1)?,
            relation: r.try_get_by_index(2)?,
            starts_on: r.try_get_by_index(3)?,
            ends_on: r.try_get_by_index(4)?,
            id: r.try_get_by_index(5)?,
            block_id: r.try_get_by_index(6)?,
            number: r.try_get_by_index(7)?,
            area_m2: r.try_get_by_index(8)?,
            unit_type: r.try_get_by_index(9)?,
            archived_at: r.try_get_by_index(10)?,
            created_at: r.try_get_by_index(11)?,
        })
    }
}

impl Loader<ResidentsOfUnit> for TenantLoader {
    type Value = Vec<Link<resident::Model>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ResidentsOfUnit],
    ) -> Result<HashMap<ResidentsOfUnit, Self::Value>, ApiError> {
        let rows = ResidentLinkRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT ru.unit_id AS key, ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on, \
                    r.id, r.full_name, r.phone, r.email, r.identity_number, r.archived_at, r.created_at \
             FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
             WHERE ru.unit_id = ANY($1) AND ru.ends_on IS NULL ORDER BY ru.unit_id, r.id",
            [ids(keys, |k| k.0).into()],
        ))
        .all(self.tx()?.as_ref())
        .await?;
        let mut out: HashMap<_, Vec<_>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(ResidentsOfUnit(row.key)).or_default().push(Link {
                link_id: row.link_id,
                relation: row.relation,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                other: resident::Model {
                    id: row.id,
                    full_name: row.full_name,
                    phone: row.phone,
                    email: row.email,
                    identity_number: row.identity_number,
                    archived_at: row.archived_at,
                    created_at: row.created_at,
                },
            });
        }
        Ok(out)
    }
}

impl Loader<UnitsOfResident> for TenantLoader {
    type Value = Vec<Link<unit::Model>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[UnitsOfResident],
    ) -> Result<HashMap<UnitsOfResident, Self::Value>, ApiError> {
        let rows = UnitLinkRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT ru.resident_id AS key, ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on, \
                    u.id, u.block_id, u.number, u.area_m2, u.unit_type, u.archived_at, u.created_at \
             FROM resident_units ru JOIN units u ON u.id = ru.unit_id \
             WHERE ru.resident_id = ANY($1) AND ru.ends_on IS NULL ORDER BY ru.resident_id, u.id",
            [ids(keys, |k| k.0).into()],
        ))
        .all(self.tx()?.as_ref())
        .await?;
        let mut out: HashMap<_, Vec<_>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(UnitsOfResident(row.key)).or_default().push(Link {
                link_id: row.link_id,
                relation: row.relation,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                other: unit::Model {
                    id: row.id,
                    block_id: row.block_id,
                    number: row.number,
                    area_m2: row.area_m2,
                    unit_type: row.unit_type,
                    archived_at: row.archived_at,
                    created_at: row.created_at,
                },
            });
        }
        Ok(out)
    }
}

impl Loader<BlockById> for TenantLoader {
    type Value = block::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[BlockById]) -> Result<HashMap<BlockById, Self::Value>, ApiError> {
        let rows = block::Entity::find()
            .filter(block::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(self.tx()?.as_ref())
            .await?;
        Ok(rows.into_iter().map(|b| (BlockById(b.id), b)).collect())
    }
}
