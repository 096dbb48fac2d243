use sea_orm::entity::prelude::*;

use crate::states::{Ballot, Eligibility};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "polls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub description: String,
    /// Who holds the one vote.
    pub eligibility: Eligibility,
    pub ballot: Ballot,
    pub hide_results_until_close: bool,
    pub opens_at: DateTimeWithTimeZone,
    pub closes_at: DateTimeWithTimeZone,
    pub created_by: Option<i64>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
