//! The caller as services see it: who they are and, for a resident, their household.
//!
//! Every service function that decides visibility takes a [`Viewer`]. Resolvers get it
//! from the request (`ctx.viewer()`, resolved once per operation, however many fields ask);
//! subscriptions and jobs build one with [`Viewer::resolve`] in their own transaction.

use std::collections::HashSet;
use std::sync::Arc;

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend};

use klustera_entities::tenant::resident_unit;

use super::error::ApiResult;
use super::principal::{Principal, Role};

/// The caller of an operation, with their household resolved.
#[derive(Debug, Clone)]
pub struct Viewer {
    principal: Principal,
    /// Units a resident may see (their household's); `None` for staff, who see all.
    household: Option<Arc<HashSet<i64>>>,
}

impl Viewer {
    /// `principal`, with their household read through `db` (residents only). A resident
    /// token without a resident record sees nothing (fail closed).
    pub async fn resolve(db: &impl ConnectionTrait, principal: Principal) -> ApiResult<Self> {
        let household = match (principal.role, principal.resident_id) {
            (Role::Resident, Some(resident_id)) => {
                Some(Arc::new(household_unit_ids(db, resident_id).await?))
            }
            (Role::Resident, None) => Some(Arc::default()),
            _ => None,
        };
        Ok(Self {
            principal,
            household,
        })
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    pub fn user_id(&self) -> i64 {
        self.principal.user_id
    }

    /// The resident record of a resident caller.
    pub fn resident_id(&self) -> Option<i64> {
        self.principal.resident_id
    }

    /// Managers, security staff and super admins: everyone but residents.
    pub fn is_staff(&self) -> bool {
        self.principal.role != Role::Resident
    }

    pub fn is_manager(&self) -> bool {
        matches!(self.principal.role, Role::Manager | Role::SuperAdmin)
    }

    /// The units this caller may see: `None` for staff (all of them), the household's
    /// otherwise.
    pub fn household(&self) -> Option<&HashSet<i64>> {
        self.household.as_deref()
    }

    /// Whether this caller may see unit `unit_id` and what hangs off it (its bills...).
    pub fn sees_unit(&self, unit_id: i64) -> bool {
        self.household()
            .is_none_or(|units| units.contains(&unit_id))
    }
}

/// A resident's household: the units with an open link to them. The one definition every
/// resident visibility rule uses, as a subquery or through [`household_unit_ids`].
pub fn household_query(resident_id: i64) -> SelectStatement {
    Query::select()
        .column(resident_unit::Column::UnitId)
        .from(resident_unit::Entity)
        .and_where(resident_unit::Column::ResidentId.eq(resident_id))
        .and_where(resident_unit::Column::EndsOn.is_null())
        .to_owned()
}

/// Unit ids of a resident's household.
pub async fn household_unit_ids(
    db: &impl ConnectionTrait,
    resident_id: i64,
) -> ApiResult<HashSet<i64>> {
    let rows = db
        .query_all_raw(DbBackend::Postgres.build(&household_query(resident_id)))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<_, _>>()?)
}
