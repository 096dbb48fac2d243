//! Batch loaders for the unit-resident graph, one instance per request.
//!
//! Each key type is one SQL statement per batch (`= ANY($1)`), whatever the number of
//! keys, so a nested query costs statements by depth, not by size. The loader holds the
//! request's tenant transaction: it can only ever see that tenant's rows.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use sea_orm::sqlx::{self, postgres::PgRow};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use klustera_entities::states::Relation;
use klustera_entities::tenant::{block, resident, unit};

use crate::common::batch::{Row, Rows, by_key, group};
use crate::common::error::ApiError;
use crate::common::loader::{TenantLoader, ids};
use crate::common::rows::{self, Declared, check_field};

/// An open link seen from one side (`from`: the key's id), with the row on the other side.
#[derive(Debug, Clone)]
pub struct Link<T> {
    pub from: i64,
    pub link_id: i64,
    pub relation: Relation,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub other: T,
}

/// Key: unit id -> residents with an open link to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentsOfUnit(pub i64);

/// Key: resident id -> units with an open link to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitsOfResident(pub i64);

/// Key: block id -> block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockById(pub i64);

/// The link columns of a link row, as [`link_at`] reads them; the other side's model's
/// columns follow.
const LINK_COLUMNS: &str = "ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on";

/// Checks a link row's columns: the key (column 0), the link (1-4), then the other side's
/// model (5-).
fn check_link<T: Declared>(row: &PgRow) -> Result<(), sqlx::Error> {
    check_field(row, 0, "key", |l: &Link<()>| &l.from)?;
    check_field(row, 1, "link_id", |l: &Link<()>| &l.link_id)?;
    check_field(row, 2, "relation", |l: &Link<()>| &l.relation)?;
    check_field(row, 3, "starts_on", |l: &Link<()>| &l.starts_on)?;
    check_field(row, 4, "ends_on", |l: &Link<()>| &l.ends_on)?;
    T::check(row, 5)
}

/// A link row, decoded by position ([`check_link`] passed for its statement): these rows
/// are the hot path of every nested query.
fn link_at<T: Declared>(row: &PgRow) -> Result<(Link<()>, T), sqlx::Error> {
    let link = Link {
        from: rows::column(row, 0)?,
        link_id: rows::column(row, 1)?,
        relation: rows::column(row, 2)?,
        starts_on: rows::column(row, 3)?,
        ends_on: rows::column(row, 4)?,
        other: (),
    };
    Ok((link, T::at(row, 5)?))
}

/// The links of a statement's rows, grouped by the key's id; the other sides share one
/// batch.
async fn links<K, T>(
    loader: &TenantLoader,
    keys: &[K],
    statement: Statement,
    key: impl Fn(i64) -> K,
) -> Result<HashMap<K, Rows<Link<Row<T>>>>, ApiError>
where
    K: Copy + Eq + std::hash::Hash + Ord,
    T: Declared,
{
    let (links, others): (Vec<Link<()>>, Vec<T>) = rows::all_decoded(
        loader.tx()?.as_ref(),
        statement,
        check_link::<T>,
        link_at::<T>,
    )
    .await?
    .into_iter()
    .unzip();
    let links = links
        .into_iter()
        .zip(Row::each(others))
        .map(|(link, other)| Link {
            from: link.from,
            link_id: link.link_id,
            relation: link.relation,
            starts_on: link.starts_on,
            ends_on: link.ends_on,
            other,
        })
        .collect();
    Ok(group(keys, links, |l| key(l.from)))
}

impl Loader<ResidentsOfUnit> for TenantLoader {
    type Value = Rows<Link<Row<resident::Model>>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ResidentsOfUnit],
    ) -> Result<HashMap<ResidentsOfUnit, Self::Value>, ApiError> {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT ru.unit_id AS key, {LINK_COLUMNS}, {} \
                 FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
                 WHERE ru.unit_id = ANY($1) AND ru.ends_on IS NULL ORDER BY ru.unit_id, r.id",
                resident::Model::columns("r")
            ),
            [ids(keys, |k| k.0).into()],
        );
        links(self, keys, statement, ResidentsOfUnit).await
    }
}

impl Loader<UnitsOfResident> for TenantLoader {
    type Value = Rows<Link<Row<unit::Model>>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[UnitsOfResident],
    ) -> Result<HashMap<UnitsOfResident, Self::Value>, ApiError> {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT ru.resident_id AS key, {LINK_COLUMNS}, {} \
                 FROM resident_units ru JOIN units u ON u.id = ru.unit_id \
                 WHERE ru.resident_id = ANY($1) AND ru.ends_on IS NULL ORDER BY ru.resident_id, u.id",
                unit::Model::columns("u")
            ),
            [ids(keys, |k| k.0).into()],
        );
        links(self, keys, statement, UnitsOfResident).await
    }
}

impl Loader<BlockById> for TenantLoader {
    type Value = Row<block::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[BlockById]) -> Result<HashMap<BlockById, Self::Value>, ApiError> {
        let rows = block::Entity::find()
            .filter(block::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(self.tx()?.as_ref())
            .await?;
        Ok(by_key(rows, |b| BlockById(b.id)))
    }
}
