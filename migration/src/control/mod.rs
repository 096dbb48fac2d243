//! Control-plane migrations: everything that is not a tenant's own data.

use sea_orm_migration::prelude::*;

mod m0001_registry;
mod m0002_jobs;
mod m0003_schema_version;
mod m0004_extensions;
mod m0005_refresh_by_user;

/// Name of the control-plane schema.
pub const SCHEMA: &str = "control";

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_registry::Migration),
            Box::new(m0002_jobs::Migration),
            Box::new(m0003_schema_version::Migration),
            Box::new(m0004_extensions::Migration),
            Box::new(m0005_refresh_by_user::Migration),
        ]
    }
}
