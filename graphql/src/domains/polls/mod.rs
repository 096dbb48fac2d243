//! Polls: options, eligibility per unit or per resident, one vote enforced by the
//! database, live tallies.
//!
//! # Layout
//! - [`service`]: rules and SQL (casting serialises votes per poll, so every tally event
//!   is exact and totals only grow).
//! - [`model`]: GraphQL objects.
//! - [`schema`]: queries, mutations and the `voteTally` subscription.

pub mod model;
pub mod schema;
pub mod service;
