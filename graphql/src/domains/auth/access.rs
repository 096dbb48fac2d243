//! Ending and changing a login's access: disable, enable, change role, sign out
//! everywhere. The rules, independent of GraphQL.
//!
//! Every change that must end access now raises the login's `auth_version` in the
//! operation's transaction and records [`DomainEvent::AccessChanged`], published once it
//! committed (see [`super::sessions`]); disabling and signing out everywhere also revoke
//! the login's refresh tokens. A tenant always keeps one active manager: the managers'
//! rows are locked before the last one may be disabled or demoted, so two managers
//! demoting each other at once cannot both succeed.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};

use klustera_entities::tenant::user;
use sea_orm::EntityTrait;

use super::refresh;
use crate::common::context::{RequestContext, Role};
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;

/// What to do to a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Disable,
    Enable,
    Role(Role),
    /// End every sign-in of the login (its own, or a manager's doing).
    SignOutEverywhere,
}

impl Change {
    /// Whether a login that is an active manager stays one.
    fn keeps_manager(self) -> bool {
        match self {
            Self::Disable => false,
            Self::Role(role) => role == Role::Manager,
            Self::Enable | Self::SignOutEverywhere => true,
        }
    }
}

/// Applies `change` to login `user_id` of the request's tenant, as the request's caller.
pub async fn apply(
    req: &RequestContext,
    control: &DatabaseConnection,
    user_id: i64,
    change: Change,
) -> ApiResult<user::Model> {
    let viewer = req.viewer().await?;
    let own = user_id == viewer.user_id();
    if !(viewer.role() == Role::Manager || (own && change == Change::SignOutEverywhere)) {
        return Err(ApiError::Forbidden("only managers may change other logins"));
    }
    let scope = req.scope()?;
    let db = scope.tx().as_ref();
    let target = lock(db, user_id, change).await?;
    if let Change::Role(role) = change
        && (role == Role::SuperAdmin || (role == Role::Resident) != (target.role == Role::Resident))
    {
        return Err(ApiError::bad_input(
            "role",
            "a RESIDENT login belongs to a resident record: create a new login instead",
        ));
    }
    let (set, values): (&str, Vec<Value>) = match change {
        Change::Disable => ("disabled_at = COALESCE(disabled_at, now())", vec![]),
        Change::Enable => ("disabled_at = NULL", vec![]),
        Change::Role(role) => ("role = $2", vec![role.as_str().into()]),
        Change::SignOutEverywhere => ("disabled_at = disabled_at", vec![]),
    };
    // Enabling ends no access, so it leaves the tokens' version alone.
    let bump = if change == Change::Enable {
        ""
    } else {
        ", auth_version = auth_version + 1"
    };
    let mut params: Vec<Value> = vec![user_id.into()];
    params.extend(values);
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("UPDATE users SET {set}{bump} WHERE id = $1"),
        params,
    ))
    .await?;
    let updated = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    if change != Change::Enable {
        req.emit(DomainEvent::AccessChanged {
            user_id,
            auth_version: updated.auth_version,
        });
    }
    if matches!(change, Change::Disable | Change::SignOutEverywhere) {
        refresh::revoke_user(control, scope.tenant().slug.as_str(), user_id).await?;
    }
    req.audit_target(format!("user:{user_id}"));
    Ok(updated)
}

/// Ends every access of resident login `user_id` for good, without a caller (an
/// anonymisation, by a manager or the retention job), in the transaction `db`: the same
/// as [`Change::Disable`] (`disabled_at`, `auth_version` raised, refresh tokens revoked
/// on `control`). Returns the event to publish once `db` committed: every instance then
/// refuses the login's tokens and closes its sockets.
pub async fn end_for_good(
    db: &impl ConnectionTrait,
    control: &DatabaseConnection,
    tenant: &str,
    user_id: i64,
) -> ApiResult<DomainEvent> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE users SET disabled_at = COALESCE(disabled_at, now()), auth_version = auth_version + 1 \
             WHERE id = $1 AND role = 'RESIDENT' RETURNING auth_version",
            [user_id.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    refresh::revoke_user(control, tenant, user_id).await?;
    Ok(DomainEvent::AccessChanged {
        user_id,
        auth_version: row.try_get("", "auth_version")?,
    })
}

/// Locks the login and, when the change could take away the tenant's last active
/// manager, every active manager (in one statement, in id order: two such changes
/// cannot deadlock). Refuses the change that would leave no active manager.
async fn lock(db: &impl ConnectionTrait, user_id: i64, change: Change) -> ApiResult<user::Model> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, role = 'MANAGER' AND disabled_at IS NULL AS active_manager FROM users \
             WHERE id = $1 OR ($2 AND role = 'MANAGER' AND disabled_at IS NULL) \
             ORDER BY id FOR UPDATE",
            [user_id.into(), (!change.keeps_manager()).into()],
        ))
        .await?;
    let mut target_is_active_manager = None;
    let mut active_managers = 0;
    for row in &rows {
        let active: bool = row.try_get("", "active_manager")?;
        active_managers += i32::from(active);
        if row.try_get::<i64>("", "id")? == user_id {
            target_is_active_manager = Some(active);
        }
    }
    let target_is_active_manager = target_is_active_manager.ok_or(ApiError::NotFound("user"))?;
    if target_is_active_manager && !change.keeps_manager() && active_managers < 2 {
        return Err(ApiError::Conflict(
            "the last active manager cannot be disabled or demoted".into(),
        ));
    }
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("user"))
}
