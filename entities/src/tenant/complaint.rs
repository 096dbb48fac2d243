use sea_orm::entity::prelude::*;

use crate::states::{ComplaintPriority, ComplaintStatus};

/// A complaint. The `search` tsvector column (generated from title and description) is
/// deliberately not mapped: it is only ever used in a `WHERE`, never read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub unit_id: Option<i64>,
    pub category: String,
    pub priority: ComplaintPriority,
    pub status: ComplaintStatus,
    pub title: String,
    pub description: String,
    pub assignee_user_id: Option<i64>,
    pub due_at: DateTimeWithTimeZone,
    pub sla_breached_at: Option<DateTimeWithTimeZone>,
    pub resolved_at: Option<DateTimeWithTimeZone>,
    pub closed_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
