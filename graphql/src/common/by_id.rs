//! By-id loaders that several domains use: a bill's unit, a complaint's unit and
//! resident. A loader one domain alone uses stays in that domain's `loaders` module; one
//! that others need lives here, so no domain imports another's loaders.
//!
//! They load rows as they are: whether the caller may see the row is decided by the
//! service that led to its id (a bill the caller sees has a unit they see).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use klustera_entities::tenant::{resident, unit};

use crate::common::batch::{Row, by_key};
use crate::common::error::ApiError;
use crate::common::loader::{TenantLoader, ids};
use crate::common::rows;

/// Key: unit id -> unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitById(pub i64);

/// Key: resident id -> resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResidentById(pub i64);

impl Loader<UnitById> for TenantLoader {
    type Value = Row<unit::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[UnitById]) -> Result<HashMap<UnitById, Self::Value>, ApiError> {
        let select = unit::Entity::find().filter(unit::Column::Id.is_in(ids(keys, |k| k.0)));
        let rows: Vec<unit::Model> = rows::all(self.tx()?.as_ref(), select).await?;
        Ok(by_key(rows, |u| UnitById(u.id)))
    }
}

impl Loader<ResidentById> for TenantLoader {
    type Value = Row<resident::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ResidentById],
    ) -> Result<HashMap<ResidentById, Self::Value>, ApiError> {
        let rows = resident::Entity::find()
            .filter(resident::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(self.tx()?.as_ref())
            .await?;
        Ok(by_key(rows, |r| ResidentById(r.id)))
    }
}
