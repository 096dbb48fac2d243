//! The in-process event bus: tenant-scoped events fanned out to this process's subscribers.
//!
//! Publishing never blocks: the channel is bounded and a subscriber that falls behind
//! loses the oldest events (it is told how many and can re-read current state).

use klustera_graphql::events::{DomainEvent, EventBus};
use tokio::sync::broadcast;

/// An event with the tenant it belongs to.
#[derive(Debug, Clone)]
pub struct TenantEvent {
    pub tenant: String,
    pub event: DomainEvent,
}

pub struct InProcessBus {
    tx: broadcast::Sender<TenantEvent>,
}

impl InProcessBus {
    pub fn new(capacity: usize) -> Self {
        Self {
            tx: broadcast::channel(capacity).0,
        }
    }

    /// Every event of every tenant; filter by `tenant` before handing anything to a client.
    pub fn subscribe(&self) -> broadcast::Receiver<TenantEvent> {
        self.tx.subscribe()
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, tenant: &str, event: DomainEvent) {
        tracing::debug!(tenant, ?event, "event");
        // No subscriber is not an error.
        let _ = self.tx.send(TenantEvent {
            tenant: tenant.to_owned(),
            event,
        });
    }
}
