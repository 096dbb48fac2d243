//! The rate limiter: keyed buckets (see `klustera_graphql::common::rate_limit`), shared by
//! every instance through Redis when `REDIS_URL` is set, in-process otherwise.
//!
//! Shared: one Lua script per hit (GCRA, the generic cell rate algorithm, on Redis's own
//! clock), atomic however many instances hit the same key at once; the key
//! `<namespace>:rl:<bucket>:<key>` holds the bucket's theoretical arrival time and expires
//! once the bucket is full again. In-process: `governor`'s keyed GCRA limiter per bucket.
//!
//! When Redis does not answer, the hit is counted in-process instead, logged and counted
//! in `klustera_rate_limit_fallbacks_total`: never open (no limit at all) and never closed
//! (everything refused) because Redis is down. An instance's own counts then only cover
//! what it saw, so the limit is at most the number of instances times looser meanwhile.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, RateLimiter};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use klustera_graphql::common::rate_limit::{Bucket, RateLimit};

use crate::telemetry::Metrics;

/// How long a hit waits for Redis before it is decided in-process.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);
/// Keys an in-process bucket remembers before forgetting those that are full again.
const LOCAL_KEYS: usize = 100_000;

/// GCRA: `ARGV[1]` milliseconds per hit, `ARGV[2]` hits at once. Returns 0 when the hit is
/// allowed (and counted), else the milliseconds until it would be.
const GCRA: &str = r"
local every = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local allowed_at = tat + every - every * burst
if allowed_at > now then return allowed_at - now end
local next_tat = tat + every
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now)
return 0
";

pub struct Limiter {
    shared: Option<Shared>,
    local: Mutex<HashMap<&'static str, Arc<DefaultKeyedRateLimiter<String>>>>,
    metrics: Arc<Metrics>,
}

struct Shared {
    manager: ConnectionManager,
    prefix: String,
}

impl Limiter {
    /// Counts in this process only.
    pub fn in_process(metrics: Arc<Metrics>) -> Self {
        Self {
            shared: None,
            local: Mutex::default(),
            metrics,
        }
    }

    /// Counts in Redis at `url`, shared by every instance of `namespace`. Fails when Redis
    /// cannot be reached at start (a wrong URL should stop the server, as for the event
    /// bus); once running, a Redis that goes away degrades to in-process counts.
    pub async fn with_redis(
        url: &str,
        namespace: &str,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let manager = redis::Client::open(url)?
            .get_connection_manager_with_config(config)
            .await?;
        Ok(Self {
            shared: Some(Shared {
                manager,
                prefix: format!("{namespace}:rl:"),
            }),
            local: Mutex::default(),
            metrics,
        })
    }

    fn local(&self, bucket: &Bucket) -> Arc<DefaultKeyedRateLimiter<String>> {
        let mut local = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        local
            .entry(bucket.name)
            .or_insert_with(|| {
                let burst = NonZeroU32::new(bucket.quota.burst).unwrap_or(NonZeroU32::MIN);
                let quota = governor::Quota::with_period(bucket.quota.every)
                    .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MAX))
                    .allow_burst(burst);
                Arc::new(RateLimiter::keyed(quota))
            })
            .clone()
    }

    fn hit_local(&self, bucket: &Bucket, key: &str) -> Result<(), Duration> {
        let limiter = self.local(bucket);
        if limiter.len() > LOCAL_KEYS {
            limiter.retain_recent();
        }
        limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

impl Shared {
    async fn hit(&self, bucket: &Bucket, key: &str) -> redis::RedisResult<Option<Duration>> {
        let every = u64::try_from(bucket.quota.every.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut conn = self.manager.clone();
        let wait: u64 = redis::cmd("EVAL")
            .arg(GCRA)
            .arg(1)
            .arg(format!("{}{}:{key}", self.prefix, bucket.name))
            .arg(every)
            .arg(bucket.quota.burst.max(1))
            .query_async(&mut conn)
            .await?;
        Ok((wait > 0).then(|| Duration::from_millis(wait)))
    }
}

#[async_trait::async_trait]
impl RateLimit for Limiter {
    async fn hit(&self, bucket: &Bucket, key: &str) -> Result<(), Duration> {
        let decided = match &self.shared {
            Some(shared) => {
                match tokio::time::timeout(REDIS_TIMEOUT, shared.hit(bucket, key)).await {
                    Ok(Ok(None)) => Ok(()),
                    Ok(Ok(Some(wait))) => Err(wait),
                    Ok(Err(err)) => {
                        tracing::warn!(error = %err, bucket = bucket.name, "rate limit: Redis failed; counting in-process");
                        self.metrics.rate_limit_fallbacks.inc();
                        self.hit_local(bucket, key)
                    }
                    Err(_) => {
                        tracing::warn!(
                            bucket = bucket.name,
                            "rate limit: Redis timed out; counting in-process"
                        );
                        self.metrics.rate_limit_fallbacks.inc();
                        self.hit_local(bucket, key)
                    }
                }
            }
            None => self.hit_local(bucket, key),
        };
        if decided.is_err() {
            self.metrics.rate_limited.inc();
        }
        decided
    }
}
