//! Domain events and the bus they are published on.
//!
//! Resolvers only *record* events on the operation ([`crate::RequestContext::emit`]); the
//! server publishes them after the operation's transaction committed, so a subscriber
//! never hears of a change that was rolled back. The bus carries the tenant with every
//! event; implementations (in-process, Redis) live in the server. Events cross processes
//! as JSON (Redis), hence `Deserialize`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use klustera_entities::states::BillStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum DomainEvent {
    /// A payment was applied to a bill.
    #[serde(rename_all = "camelCase")]
    BillPaid {
        bill_id: i64,
        unit_id: i64,
        amount: i64,
        status: BillStatus,
    },
    /// A bill changed without a payment: a refund, a void.
    #[serde(rename_all = "camelCase")]
    BillChanged { bill_id: i64, unit_id: i64 },
    /// A vote was cast; carries the poll's full tally as of that vote's commit (votes on
    /// one poll are serialised, so `total` grows by one per event and a subscriber can
    /// always keep the newest).
    #[serde(rename_all = "camelCase")]
    VoteCast {
        poll_id: i64,
        total: i64,
        /// `(option id, votes)` in option order.
        counts: Vec<(i64, i64)>,
    },
    /// A poll was closed early (its results may no longer be hidden).
    #[serde(rename_all = "camelCase")]
    PollClosed { poll_id: i64 },
    /// The bus may have lost events (its Redis subscription was interrupted): subscribers
    /// re-read their state. Never published by the domain.
    Resync,
    /// An announcement became visible (published now, or its scheduled time came).
    #[serde(rename_all = "camelCase")]
    AnnouncementPublished { announcement_id: i64 },
    /// A complaint was filed or changed (status, assignment, comment, SLA breach).
    #[serde(rename_all = "camelCase")]
    ComplaintChanged {
        complaint_id: i64,
        /// The resident who filed it.
        resident_id: Option<i64>,
    },
    /// A booking was made or changed state (approved, rejected, cancelled, expired, paid,
    /// checked in, ...): the slots of its facility in `[starts_at, ends_at)` may have
    /// changed.
    #[serde(rename_all = "camelCase")]
    BookingChanged {
        booking_id: i64,
        facility_id: i64,
        starts_at: DateTime<FixedOffset>,
        ends_at: DateTime<FixedOffset>,
    },
}

/// Publishes events on tenant-scoped topics.
pub trait EventBus: Send + Sync {
    fn publish(&self, tenant: &str, event: DomainEvent);
}
