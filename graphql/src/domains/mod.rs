//! The product's domains, one folder each, all built on the same template (see
//! ARCHITECTURE.md, "Adding a domain").

pub mod announcements;
pub mod auth;
pub mod billing;
pub mod bookings;
pub mod complaints;
pub mod polls;
pub mod privacy;
pub mod property;
