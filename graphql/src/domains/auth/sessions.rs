//! Whether an access token still stands for its login's current access.
//!
//! An access token lives 15 minutes, but a login disabled, demoted or signed out
//! everywhere must lose its access at once. Each login has an `auth_version`, raised by
//! those changes in the same transaction; a token carries the version it was issued
//! under (`ver`), and every request compares it with the current one.
//!
//! The current versions are cached per process ([`AuthVersions`]): a miss reads the row
//! in the request's own tenant transaction; a change, once committed, reaches every
//! process as a [`DomainEvent::AccessChanged`] on the event bus (its own process at once,
//! before the response leaves). Versions only grow and the cache keeps the greatest it
//! heard of, so a read that raced with a change can never lower a cached value. Open
//! WebSocket connections hear the same news ([`AuthVersions::subscribe`]) and close.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lru::LruCache;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tokio::sync::broadcast;

use crate::common::context::{Principal, Role};
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::{DomainEvent, EventTap};

/// Logins whose version is remembered per process (about 100 bytes each).
const REMEMBERED: NonZeroUsize = NonZeroUsize::new(16_384).unwrap();
/// Changes an open connection may fall behind by before it re-checks its login.
const CHANGES: usize = 256;

/// The refusal of a token issued before its login's access changed.
pub const ENDED: ApiError = ApiError::Unauthenticated("this sign-in has ended; sign in again");

/// A login's access changed: tokens with an older version are refused.
#[derive(Debug, Clone)]
pub struct AccessChange {
    pub tenant: Arc<str>,
    pub user_id: i64,
    pub auth_version: i32,
}

/// This process's cache of logins' current auth versions, by tenant and user.
pub struct AuthVersions {
    known: Mutex<LruCache<(Arc<str>, i64), i32>>,
    changes: broadcast::Sender<AccessChange>,
}

impl Default for AuthVersions {
    fn default() -> Self {
        Self {
            known: Mutex::new(LruCache::new(REMEMBERED)),
            changes: broadcast::channel(CHANGES).0,
        }
    }
}

impl AuthVersions {
    fn known(&self) -> MutexGuard<'_, LruCache<(Arc<str>, i64), i32>> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers `version` unless a greater one is known; returns the greatest.
    fn remember(&self, tenant: &str, user_id: i64, version: i32) -> i32 {
        let mut known = self.known();
        let key = (Arc::<str>::from(tenant), user_id);
        let greatest = known.get(&key).map_or(version, |&v| v.max(version));
        known.put(key, greatest);
        greatest
    }

    /// Whether `principal`'s token, used on tenant `tenant`, is of its login's current
    /// version (super admins have none). `db` is the request's tenant transaction.
    pub async fn is_current(
        &self,
        db: &impl ConnectionTrait,
        tenant: &str,
        principal: &Principal,
    ) -> ApiResult<bool> {
        if principal.role == Role::SuperAdmin {
            return Ok(true);
        }
        let cached = self
            .known()
            .get(&(Arc::<str>::from(tenant), principal.user_id))
            .copied();
        let current = match cached {
            Some(version) => version,
            None => match current_version(db, principal.user_id).await? {
                Some(version) => self.remember(tenant, principal.user_id, version),
                // The login is gone.
                None => return Ok(false),
            },
        };
        Ok(current == principal.auth_version)
    }

    /// Changes from now on (a lagging receiver re-checks its login).
    pub fn subscribe(&self) -> broadcast::Receiver<AccessChange> {
        self.changes.subscribe()
    }
}

impl EventTap for AuthVersions {
    fn observe(&self, tenant: &str, event: &DomainEvent) {
        if let DomainEvent::AccessChanged {
            user_id,
            auth_version,
        } = *event
        {
            self.remember(tenant, user_id, auth_version);
            // Nobody listening (no connection open) is fine.
            let _ = self.changes.send(AccessChange {
                tenant: tenant.into(),
                user_id,
                auth_version,
            });
        }
    }
}

/// The login's current auth version, read in the tenant transaction `db`.
pub async fn current_version(db: &impl ConnectionTrait, user_id: i64) -> ApiResult<Option<i32>> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT auth_version FROM users WHERE id = $1",
            [user_id.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<i32>("", "auth_version"))
        .transpose()
        .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_version_never_goes_back() {
        let versions = AuthVersions::default();
        let mut changes = versions.subscribe();
        versions.observe(
            "alpha",
            &DomainEvent::AccessChanged {
                user_id: 7,
                auth_version: 3,
            },
        );
        // A read that started before the change commits late with the old value.
        assert_eq!(versions.remember("alpha", 7, 2), 3);
        assert_eq!(versions.remember("beta", 7, 1), 1, "tenants are apart");
        let change = changes.try_recv().unwrap();
        assert_eq!(
            (&*change.tenant, change.user_id, change.auth_version),
            ("alpha", 7, 3)
        );
    }
}
