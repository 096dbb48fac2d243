//! Login, refresh and logout: the rules, independent of GraphQL.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use klustera_entities::{control::super_admin, tenant::user};

use super::{password, refresh, tokens::TokenKeys};
use crate::common::context::{Principal, RequestContext, Role};
use crate::common::error::{ApiError, ApiResult};
use crate::common::types::Phone;

/// Tenant claim carried by super admins' tokens.
pub const CONTROL_TENANT: &str = "control";

const BAD_CREDENTIALS: ApiError = ApiError::Unauthenticated("wrong login or password");

#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub access_expires_at: i64,
    pub refresh_token: String,
    pub principal: Principal,
}

/// Signs in a tenant user (by email or phone) or, on a request without a tenant, a super admin.
pub async fn login(
    req: &RequestContext,
    control: &DatabaseConnection,
    keys: &TokenKeys,
    identifier: &str,
    password_plain: String,
) -> ApiResult<Session> {
    let identifier = identifier.trim();
    let principal = match &req.tenant {
        Some(scope) => {
            let mut by = Condition::any().add(user::Column::Email.eq(identifier.to_lowercase()));
            if let Ok(phone) = Phone::parse("identifier", identifier) {
                by = by.add(user::Column::Phone.eq(phone.as_str()));
            }
            let found = user::Entity::find()
                .filter(by)
                .filter(user::Column::DisabledAt.is_null())
                .one(scope.tx().as_ref())
                .await?;
            let stored = found.as_ref().map(|u| u.password_hash.clone());
            if !password::verify(password_plain, stored).await? {
                return Err(BAD_CREDENTIALS);
            }
            let found = found.ok_or(BAD_CREDENTIALS)?;
            Principal {
                user_id: found.id,
                role: found.role,
                tenant: scope.slug.to_string(),
                resident_id: found.resident_id,
            }
        }
        None => {
            let found = super_admin::Entity::find()
                .filter(super_admin::Column::Email.eq(identifier.to_lowercase()))
                .one(control)
                .await?;
            let stored = found.as_ref().map(|a| a.password_hash.clone());
            if !password::verify(password_plain, stored).await? {
                return Err(BAD_CREDENTIALS);
            }
            let found = found.ok_or(BAD_CREDENTIALS)?;
            Principal {
                user_id: found.id,
                role: Role::SuperAdmin,
                tenant: CONTROL_TENANT.into(),
                resident_id: None,
            }
        }
    };
    req.audit_target(format!("user:{}", principal.user_id));
    let tenant = tenant_of_request(req);
    let refresh_token = refresh::issue(
        control,
        Uuid::new_v4(),
        tenant.as_deref(),
        principal.user_id,
        principal.role,
    )
    .await?;
    let (access_token, access_expires_at) = keys.issue(&principal)?;
    Ok(Session {
        access_token,
        access_expires_at,
        refresh_token,
        principal,
    })
}

/// Rotates a refresh token and issues a new access token for the same user, with the
/// user's *current* role. Every check that can refuse runs before the token is spent.
pub async fn refresh(
    req: &RequestContext,
    control: &DatabaseConnection,
    keys: &TokenKeys,
    token: &str,
) -> ApiResult<Session> {
    const REFUSED: ApiError = ApiError::Unauthenticated("refresh token is invalid or expired");
    let peek = refresh::peek(control, token).await?.ok_or(REFUSED)?;
    if peek.tenant != tenant_of_request(req) {
        // A token of tenant A presented to tenant B must not burn A's family.
        return Err(ApiError::TenantMismatch);
    }
    let disabled = ApiError::Unauthenticated("account disabled");
    let principal = match &req.tenant {
        Some(scope) => {
            let current = user::Entity::find_by_id(peek.user_id)
                .filter(user::Column::DisabledAt.is_null())
                .one(scope.tx().as_ref())
                .await?
                .ok_or(disabled)?;
            Principal {
                user_id: current.id,
                role: current.role,
                tenant: scope.slug.to_string(),
                resident_id: current.resident_id,
            }
        }
        None => {
            let admin = super_admin::Entity::find_by_id(peek.user_id)
                .one(control)
                .await?
                .ok_or(disabled)?;
            Principal {
                user_id: admin.id,
                role: Role::SuperAdmin,
                tenant: CONTROL_TENANT.into(),
                resident_id: None,
            }
        }
    };
    let (grant, refresh_token) = refresh::rotate(control, token).await?;
    if grant.user_id != principal.user_id {
        return Err(REFUSED);
    }
    req.audit_target(format!("user:{}", principal.user_id));
    let (access_token, access_expires_at) = keys.issue(&principal)?;
    Ok(Session {
        access_token,
        access_expires_at,
        refresh_token,
        principal,
    })
}

pub async fn logout(control: &DatabaseConnection, token: &str) -> ApiResult<()> {
    refresh::revoke(control, token).await
}

fn tenant_of_request(req: &RequestContext) -> Option<String> {
    req.tenant.as_ref().map(|t| t.slug.to_string())
}
