//! Domain events and the bus they are published on.
//!
//! Resolvers only *record* events on the operation ([`crate::RequestContext::emit`]); the
//! server publishes them after the operation's transaction committed, so a subscriber
//! never hears of a change that was rolled back. The bus carries the tenant with every
//! event; implementations (in-process, Redis) live in the server.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum DomainEvent {
    /// A payment was applied to a bill.
    #[serde(rename_all = "camelCase")]
    BillPaid {
        bill_id: i64,
        unit_id: i64,
        amount: i64,
        status: String,
    },
}

/// Publishes events on tenant-scoped topics.
pub trait EventBus: Send + Sync {
    fn publish(&self, tenant: &str, event: DomainEvent);
}
