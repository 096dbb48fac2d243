use sea_orm::entity::prelude::*;

use crate::states::BillStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bills")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub period: String,
    pub due_on: Date,
    pub status: BillStatus,
    pub subtotal: i64,
    pub ppn: i64,
    pub late_fee: i64,
    pub total: i64,
    pub paid: i64,
    pub void_reason: Option<String>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
