use sea_orm::entity::prelude::*;

use crate::states::FacilityPayment;

/// Whether a facility takes one booking at a time or many parties up to its capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum FacilityKind {
    /// One booking at a time (tennis court, clubhouse).
    #[sea_orm(string_value = "EXCLUSIVE")]
    Exclusive,
    /// Many parties at once, up to the capacity (pool, gym).
    #[sea_orm(string_value = "SHARED")]
    Shared,
}

/// How a facility prices a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Pricing {
    #[sea_orm(string_value = "FREE")]
    Free,
    /// `rate` per hour, pro rata on the slot grid.
    #[sea_orm(string_value = "HOURLY")]
    Hourly,
    /// `rate` per day (one session).
    #[sea_orm(string_value = "DAILY")]
    Daily,
    /// `rate` per person.
    #[sea_orm(string_value = "PER_USAGE")]
    PerUsage,
}

/// A bookable facility. Times of day are the tenant's local time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub rules: String,
    pub photo_urls: Vec<String>,
    pub kind: FacilityKind,
    pub capacity: i32,
    pub pricing: Pricing,
    pub rate: i64,
    pub deposit: i64,
    pub ppn_rate_bp: i32,
    pub needs_approval: bool,
    pub slot_minutes: i32,
    pub min_minutes: i32,
    pub max_minutes: i32,
    pub book_ahead_days: i32,
    pub cancel_deadline_hours: i32,
    pub weekly_quota_minutes: Option<i32>,
    pub hold_minutes: i32,
    pub active: bool,
    pub payment: FacilityPayment,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
