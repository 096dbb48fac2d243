use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(schema_name = "control", table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_slug: String,
    pub kind: String,
    pub payload: Json,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTimeWithTimeZone,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeWithTimeZone>,
    pub last_error: Option<String>,
    pub progress: Option<Json>,
    pub created_at: DateTimeWithTimeZone,
    pub finished_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
