//! Event fan-out on tenant-scoped topics.
//!
//! - [`Hub`]: this process's subscribers, one bounded broadcast channel per tenant. A
//!   subscriber asks for one tenant's receiver; there is no "all tenants" receiver, so a
//!   subscriber of tenant A can never be handed B's event.
//! - [`redis`]: with `REDIS_URL`, events go through Redis pub/sub (channel
//!   `<namespace>:events:<tenant>`), so every gateway instance's hub hears every instance's
//!   events; without it the hub is fed directly (one instance).
//!
//! Slow subscribers: each tenant channel holds [`TOPIC_CAPACITY`] events. Publishing never
//! waits; a subscriber that falls further behind loses the oldest events and is told so
//! (`Burst::lagged`), whereupon it re-reads the current state. Subscriptions coalesce what
//! piled up into one value (a tally, counters), so dropping is never wrong, only late.

pub mod redis;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::broadcast;

use klustera_graphql::common::events::{DomainEvent, EventBus, EventTap};
use klustera_graphql::common::live::EventSource;

/// Events a tenant's topic holds for a slow subscriber before it lags.
pub const TOPIC_CAPACITY: usize = 256;

type Topic = broadcast::Sender<Arc<DomainEvent>>;

/// This process's subscribers, by tenant.
#[derive(Default)]
pub struct Hub {
    topics: Mutex<HashMap<String, Topic>>,
    /// Sees every event first (process-wide state that follows events).
    tap: OnceLock<Arc<dyn EventTap>>,
}

impl Hub {
    /// Hands `event` to this process's subscribers of `tenant`.
    pub fn deliver(&self, tenant: &str, event: Arc<DomainEvent>) {
        if let Some(tap) = self.tap.get() {
            tap.observe(tenant, &event);
        }
        let Ok(mut topics) = self.topics.lock() else {
            return;
        };
        if let Some(topic) = topics.get(tenant)
            && topic.send(event).is_err()
        {
            // Nobody listens any more: forget the topic.
            topics.remove(tenant);
        }
    }
}

impl Hub {
    /// Tells every subscriber that events may have been lost (they re-read their state).
    pub fn resync_all(&self) {
        let Ok(topics) = self.topics.lock() else {
            return;
        };
        let resync = Arc::new(DomainEvent::Resync);
        for topic in topics.values() {
            let _ = topic.send(resync.clone());
        }
    }
}

impl EventSource for Hub {
    fn subscribe(&self, tenant: &str) -> broadcast::Receiver<Arc<DomainEvent>> {
        match self.topics.lock() {
            Ok(mut topics) => topics
                .entry(tenant.to_owned())
                .or_insert_with(|| broadcast::channel(TOPIC_CAPACITY).0)
                .subscribe(),
            // A poisoned map only follows a panic elsewhere; hand out a closed receiver.
            Err(_) => broadcast::channel(1).1,
        }
    }
}

/// The bus the app publishes on and subscribes to.
pub struct PubSub {
    hub: Arc<Hub>,
    redis: Option<redis::RedisBus>,
}

impl PubSub {
    /// One process, no Redis.
    pub fn in_process() -> Self {
        Self {
            hub: Arc::default(),
            redis: None,
        }
    }

    /// Through Redis; returns once this instance is subscribed.
    pub async fn with_redis(url: &str, namespace: &str) -> anyhow::Result<Self> {
        let hub = Arc::<Hub>::default();
        let redis = redis::RedisBus::connect(url, namespace, hub.clone()).await?;
        Ok(Self {
            hub,
            redis: Some(redis),
        })
    }

    /// Lets `tap` see every event this process delivers, from any instance (set once).
    pub fn tap(&self, tap: Arc<dyn EventTap>) {
        let _ = self.hub.tap.set(tap);
    }

    /// `None` without Redis; otherwise whether it answers a PING now.
    pub async fn redis_healthy(&self) -> Option<bool> {
        match &self.redis {
            Some(redis) => Some(redis.ping().await),
            None => None,
        }
    }
}

impl EventBus for PubSub {
    fn publish(&self, tenant: &str, event: DomainEvent) {
        tracing::debug!(tenant, ?event, "event");
        let event = Arc::new(event);
        match &self.redis {
            Some(redis) => redis.publish(tenant, event),
            None => self.hub.deliver(tenant, event),
        }
    }
}

impl EventSource for PubSub {
    fn subscribe(&self, tenant: &str) -> broadcast::Receiver<Arc<DomainEvent>> {
        self.hub.subscribe(tenant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscriber_hears_only_its_own_tenant() {
        let bus = PubSub::in_process();
        let mut a = bus.subscribe("alpha");
        let mut b = bus.subscribe("beta");
        let event = DomainEvent::AnnouncementPublished { announcement_id: 7 };
        bus.publish("alpha", event.clone());
        assert_eq!(*a.try_recv().unwrap(), event);
        assert!(b.try_recv().is_err());
    }
}
