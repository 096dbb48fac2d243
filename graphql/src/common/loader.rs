//! The per-request loader every domain's batch loads go through.
//!
//! It holds the request's tenant transaction: it can only ever see that tenant's rows.
//! Each domain implements `Loader<Key>` for it in its own `loaders` module.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Weak};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};

use crate::common::batch::IdHasher;
use crate::common::error::ApiError;
use crate::common::tenancy::TenantTx;

/// Holds the transaction weakly: the operation owns it, so once the operation ends the
/// server can take it back to commit, and a late batch finds it gone instead of using it.
pub struct TenantLoader {
    tx: Weak<TenantTx>,
}

impl TenantLoader {
    pub fn new(tx: &Arc<TenantTx>) -> Self {
        Self {
            tx: Arc::downgrade(tx),
        }
    }

    pub(crate) fn tx(&self) -> Result<Arc<TenantTx>, ApiError> {
        self.tx
            .upgrade()
            .ok_or_else(|| ApiError::internal(OperationEnded))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a batch load ran after its operation ended")]
struct OperationEnded;

/// The request's loader, with its per-request cache. Values are shared rows
/// ([`crate::common::batch`]): a cache hit copies a pointer, not the rows.
pub type Loaders = DataLoader<TenantLoader, HashMapCache<IdHasher>>;

/// Ids of `keys`, for `= ANY($1)`.
pub(crate) fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| id(*k)).collect()
}

/// Loads `keys` now, in one statement, and feeds the results into the request's cache.
///
/// For prefetching, where every key of a level is known at once: no batching window to
/// wait for, no task to spawn. Keys already cached are loaded again; prefetch visits each
/// level once, so that does not happen in practice. See [`prefetch`] for a level whose
/// rows lead to the next one.
pub(crate) async fn prime<K>(loaders: &Loaders, keys: Vec<K>) -> Result<(), ApiError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    TenantLoader: Loader<K, Error = ApiError>,
{
    if !keys.is_empty() {
        let loaded = loaders.loader().load(&keys).await?;
        loaders.feed_many(loaded).await;
    }
    Ok(())
}

/// [`prime`], also returning what was loaded (shared with the cache).
pub(crate) async fn prefetch<K>(
    loaders: &Loaders,
    keys: Vec<K>,
) -> Result<HashMap<K, <TenantLoader as Loader<K>>::Value>, ApiError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    TenantLoader: Loader<K, Error = ApiError>,
{
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let loaded = loaders.loader().load(&keys).await?;
    loaders
        .feed_many(loaded.iter().map(|(k, v)| (k.clone(), v.clone())))
        .await;
    Ok(loaded)
}
