use sea_orm::entity::prelude::*;

pub use crate::states::{FacilityKind, FacilityPayment, Pricing};

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
