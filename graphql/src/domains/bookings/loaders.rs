//! Batch loaders for facility -> hours, closures, peak windows, and booking -> facility,
//! refunds.
//! One statement per key type and batch, through the service's `*_of` functions.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use klustera_entities::tenant::facility;

use super::service::{self, ClosureRow, OpeningRow, PeakRow, RefundRow};
use crate::common::batch::{Row, by_key};
use crate::common::error::ApiError;
use crate::common::loader::{TenantLoader, ids};
use crate::common::rows;

/// Key: facility id -> the facility (whoever led to the id decided visibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FacilityById(pub i64);

/// Key: facility id -> its opening hours by weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HoursOfFacility(pub i64);

/// Key: facility id -> its closures not over (ending yesterday in UTC or later: a day of
/// slack covers every tenant's zone, closures being whole local dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClosuresOfFacility(pub i64);

/// Key: booking id -> its refunds, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefundsOfBooking(pub i64);

/// Key: facility id -> its peak windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeaksOfFacility(pub i64);

impl Loader<FacilityById> for TenantLoader {
    type Value = Row<facility::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[FacilityById],
    ) -> Result<HashMap<FacilityById, Self::Value>, ApiError> {
        let select =
            facility::Entity::find().filter(facility::Column::Id.is_in(ids(keys, |k| k.0)));
        let rows: Vec<facility::Model> = rows::all(self.tx()?.as_ref(), select).await?;
        Ok(by_key(rows, |f| FacilityById(f.id)))
    }
}

impl Loader<HoursOfFacility> for TenantLoader {
    type Value = Arc<[OpeningRow]>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[HoursOfFacility],
    ) -> Result<HashMap<HoursOfFacility, Self::Value>, ApiError> {
        let by = service::schedules_of(self.tx()?.as_ref(), &ids(keys, |k| k.0)).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, by.get(&k.0).cloned().unwrap_or_default().into()))
            .collect())
    }
}

impl Loader<ClosuresOfFacility> for TenantLoader {
    type Value = Arc<[ClosureRow]>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ClosuresOfFacility],
    ) -> Result<HashMap<ClosuresOfFacility, Self::Value>, ApiError> {
        let today = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
        let by =
            service::closures_of(self.tx()?.as_ref(), &ids(keys, |k| k.0), Some(today)).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, by.get(&k.0).cloned().unwrap_or_default().into()))
            .collect())
    }
}

impl Loader<PeaksOfFacility> for TenantLoader {
    type Value = Arc<[PeakRow]>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[PeaksOfFacility],
    ) -> Result<HashMap<PeaksOfFacility, Self::Value>, ApiError> {
        let by = service::peaks_of(self.tx()?.as_ref(), &ids(keys, |k| k.0)).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, by.get(&k.0).cloned().unwrap_or_default().into()))
            .collect())
    }
}

impl Loader<RefundsOfBooking> for TenantLoader {
    type Value = Arc<[RefundRow]>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[RefundsOfBooking],
    ) -> Result<HashMap<RefundsOfBooking, Self::Value>, ApiError> {
        let by = service::refunds_of(self.tx()?.as_ref(), &ids(keys, |k| k.0)).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, by.get(&k.0).cloned().unwrap_or_default().into()))
            .collect())
    }
}
