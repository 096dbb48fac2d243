use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bill_id: i64,
    pub tariff_id: Option<i64>,
    pub kind: String,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: i64,
    pub amount: i64,
    pub ppn_rate_bp: i32,
    pub ppn: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
