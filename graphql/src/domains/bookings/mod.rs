//! Facility bookings: facilities with opening hours, closures, peak windows and a pricing
//! strategy each; bookings that never overlap, decided by PostgreSQL.
//!
//! # Layout
//! - [`calendar`]: private iCalendar feeds' tokens and contents.
//! - [`payment`]: paying per facility: a Midtrans checkout of the booking's own order
//!   kind, or the unit's next bill; exactly once either way.
//! - [`pricing`]: the strategies (FREE, HOURLY, DAILY, PER_USAGE), pure, billing's
//!   rounding.
//! - [`service`]: rules and SQL: who may book what, the checks of a stay, the locks and
//!   the exclusion constraint, the lifecycle, availability in one statement.
//! - [`model`]: GraphQL objects; [`loaders`]: their nested fields; [`prefetch`]: those
//!   loaders primed for a whole calendar along the query's selection.
//! - [`schema`]: thin resolvers.

pub mod calendar;
pub mod loaders;
pub mod model;
pub mod payment;
pub mod prefetch;
pub mod pricing;
pub mod schema;
pub mod service;
