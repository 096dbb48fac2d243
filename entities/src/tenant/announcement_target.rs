use sea_orm::entity::prelude::*;

use crate::states::Audience;

/// One addressee of an announcement: exactly one of the ids is set, the one its
/// `audience` names.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub announcement_id: i64,
    pub audience: Audience,
    pub block_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
