//! The per-request loader every domain's batch loads go through.
//!
//! It holds the request's tenant transaction: it can only ever see that tenant's rows.
//! Each domain implements `Loader<Key>` for it in its own `loaders` module.

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache};
use sea_orm::DatabaseTransaction;

pub struct TenantLoader {
    pub(crate) tx: Arc<DatabaseTransaction>,
}

impl TenantLoader {
    pub fn new(tx: Arc<DatabaseTransaction>) -> Self {
        Self { tx }
    }
}

/// The request's loader, with its per-request cache.
pub type Loaders = DataLoader<TenantLoader, HashMapCache>;

/// Ids of `keys`, for `= ANY($1)`.
pub(crate) fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| id(*k)).collect()
}
