//! Rate limits as the API sees them: named buckets of a quota, keyed by whatever the rule
//! counts (an identifier, a client address, later an API key or a tenant).
//!
//! The limiter itself lives in the server (`klustera::rate_limit`: shared through Redis
//! when configured, in-process otherwise); domains only say which bucket a request hits
//! and refuse with [`ApiError::TooManyAttempts`] when it is empty.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::error::{ApiError, ApiResult};

/// `burst` hits at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub burst: u32,
    pub every: Duration,
}

/// A named bucket and its quota: each key of it is limited on its own.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    /// Stable, short: part of the shared (Redis) key.
    pub name: &'static str,
    pub quota: Quota,
}

/// Counts hits on keyed buckets.
#[async_trait::async_trait]
pub trait RateLimit: Send + Sync {
    /// One hit on `key` of `bucket`: `Err(wait)` when its quota is spent (nothing counted).
    async fn hit(&self, bucket: &Bucket, key: &str) -> Result<(), Duration>;
}

/// The limiter the schema was built with.
pub type Limiter = Arc<dyn RateLimit>;

/// The address the request came from, as the server determined it (in the request's data).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Hits `key` of `bucket`, refusing with `RATE_LIMITED` (and when to retry) over quota.
pub async fn check(limiter: &dyn RateLimit, bucket: &Bucket, key: &str) -> ApiResult<()> {
    limiter.hit(bucket, key).await.map_err(|wait| {
        // Whole seconds, rounded up: a client retrying on time is never refused again.
        let secs = wait.as_millis().div_ceil(1000).max(1);
        ApiError::TooManyAttempts {
            retry_after_secs: u64::try_from(secs).unwrap_or(u64::MAX),
        }
    })
}
