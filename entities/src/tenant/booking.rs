use sea_orm::entity::prelude::*;

pub use crate::states::BookingStatus;

/// A booking of a facility by a unit, `[starts_at, ends_at)`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub facility_id: i64,
    pub exclusive: bool,
    pub unit_id: i64,
    pub booked_by: i64,
    pub resident_id: Option<i64>,
    pub starts_at: DateTimeWithTimeZone,
    pub ends_at: DateTimeWithTimeZone,
    pub party_size: i32,
    pub status: BookingStatus,
    pub lines: Json,
    pub subtotal: i64,
    pub ppn: i64,
    pub total: i64,
    pub deposit: i64,
    pub paid: i64,
    pub refund_due: Option<i64>,
    pub note: String,
    pub reason: Option<String>,
    pub hold_expires_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
