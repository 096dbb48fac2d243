//! Complaints (keluhan): filing, a status machine, assignment to staff, comments with
//! staff-only notes, attachments by URL, full-text search, SLA deadlines and breaches,
//! live counters.
//!
//! # Layout
//! - [`service`]: the rules (who may see and move what, the state machine) and the SQL;
//!   also the SLA sweep the job runs and the reads behind the subscriptions.
//! - [`loaders`], [`prefetch`]: per-request batching of complaint -> resident, unit,
//!   assignee, comments, attachments.
//! - [`model`]: GraphQL objects; subscription payloads are self-contained.
//! - [`schema`]: queries, mutations (each audited and emitting `ComplaintChanged`) and the
//!   `complaintCounters` / `complaintUpdated` subscriptions.
//!
//! Search uses PostgreSQL's `simple` configuration over title and description: there is
//! no Indonesian stemmer, and `simple` matches Indonesian words as written, lowercased.

pub mod loaders;
pub mod model;
pub mod prefetch;
pub mod schema;
pub mod service;
