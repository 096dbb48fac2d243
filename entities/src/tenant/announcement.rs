use sea_orm::entity::prelude::*;

use crate::states::Audience;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub body: String,
    pub audience: Audience,
    pub publish_at: DateTimeWithTimeZone,
    pub published_event_at: Option<DateTimeWithTimeZone>,
    pub author_user_id: i64,
    pub created_at: DateTimeWithTimeZone,
    pub archived_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
