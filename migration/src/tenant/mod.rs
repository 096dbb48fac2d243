//! Tenant migrations: every domain table, created inside one tenant schema.

use sea_orm_migration::prelude::*;

mod m0001_property;
mod m0002_billing;
mod m0003_polls;
mod m0004_announcements;
mod m0005_complaints;
mod m0006_bookings;
mod m0007_refunds;
mod m0008_booking_payments;
mod m0009_calendar_feeds;
mod m0010_sessions;
mod m0011_privacy;
mod m0012_booking_refunds;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_property::Migration),
            Box::new(m0002_billing::Migration),
            Box::new(m0003_polls::Migration),
            Box::new(m0004_announcements::Migration),
            Box::new(m0005_complaints::Migration),
            Box::new(m0006_bookings::Migration),
            Box::new(m0007_refunds::Migration),
            Box::new(m0008_booking_payments::Migration),
            Box::new(m0009_calendar_feeds::Migration),
            Box::new(m0010_sessions::Migration),
            Box::new(m0011_privacy::Migration),
            Box::new(m0012_booking_refunds::Migration),
        ]
    }
}

/// The newest migration of [`Migrator`]: the schema version this binary reads and writes.
pub fn current_version() -> String {
    version_of::<Migrator>()
}

/// The newest migration of `M` (what a schema migrated by `M` is at).
pub fn version_of<M: MigratorTrait>() -> String {
    M::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default()
}
