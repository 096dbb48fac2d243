//! Announcements (pengumuman): to everyone, to blocks, to units or to named residents;
//! published at once or at a scheduled time.
//!
//! # Layout
//! - [`service`]: the rules and the SQL: who an announcement addresses (one SQL
//!   condition, shared by lists, single reads and the subscription), publication now or
//!   by the `announcements.publish` job, archiving.
//! - [`loaders`]: announcement -> targets (staff see whom an announcement addresses).
//! - [`model`]: GraphQL objects. The subscription's payload, [`model::PublishedAnnouncement`],
//!   is self-contained: it never needs a loader or a request transaction.
//! - [`schema`]: queries, mutations and the `announcementPublished` subscription.
//!
//! Residents never see an announcement before its `publishAt`, nor one not addressed to
//! them: to them it does not exist (`NOT_FOUND`).

pub mod loaders;
pub mod model;
pub mod schema;
pub mod service;
