use sea_orm::entity::prelude::*;

use crate::states::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub resident_id: Option<i64>,
    pub display_name: String,
    pub disabled_at: Option<DateTimeWithTimeZone>,
    /// Raised when the login's access must end now; access tokens carry it (`ver`).
    pub auth_version: i32,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
