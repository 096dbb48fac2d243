use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bill_id: i64,
    pub method: String,
    pub amount: i64,
    pub reference: Option<String>,
    pub midtrans_order_id: Option<String>,
    pub recorded_by: Option<i64>,
    pub paid_at: DateTimeWithTimeZone,
    pub refunded_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
