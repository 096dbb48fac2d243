//! Login, refresh and logout: the rules, independent of GraphQL.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

use klustera_entities::{control::super_admin, tenant::user};

use super::{password, refresh, tokens::TokenKeys};
use crate::common::context::{Principal, RequestContext, Role};
use crate::common::error::{ApiError, ApiResult};
use crate::common::rate_limit::{self, Bucket, ClientIp, Quota, RateLimit};
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

/// Sign-in attempts per identifier (per tenant): 10 at once, then one more every 30 s.
pub const LOGIN_PER_IDENTIFIER: Bucket = Bucket {
    name: "login-id",
    quota: Quota {
        burst: 10,
        every: Duration::from_secs(30),
    },
};

/// Sign-in attempts per client address: 30 at once, then one more every 2 s.
pub const LOGIN_PER_CLIENT: Bucket = Bucket {
    name: "login-ip",
    quota: Quota {
        burst: 30,
        every: Duration::from_secs(2),
    },
};

/// How a sign-in may be throttled: the limiter, and the client's address when known.
pub struct Throttle<'a> {
    pub limiter: &'a dyn RateLimit,
    pub client: Option<ClientIp>,
}

impl Throttle<'_> {
    /// Counts one sign-in attempt on `identifier` from the client, before the password is
    /// checked, so attempts made at once (aliased `login` fields, parallel requests) all
    /// count. A successful sign-in counts too: the quotas leave room for people.
    async fn attempt(&self, tenant: Option<&str>, identifier: &str) -> ApiResult<()> {
        if let Some(ClientIp(ip)) = self.client {
            rate_limit::check(self.limiter, &LOGIN_PER_CLIENT, &ip.to_string()).await?;
        }
        // The identifier as the lookup reads it, hashed: no addresses in the limiter's keys.
        let normalised = match Phone::parse("identifier", identifier) {
            Ok(phone) => phone.as_str().to_owned(),
            Err(_) => identifier.to_lowercase(),
        };
        let key = Sha256::new()
            .chain_update(tenant.unwrap_or(CONTROL_TENANT))
            .chain_update([0])
            .chain_update(normalised)
            .finalize();
        rate_limit::check(self.limiter, &LOGIN_PER_IDENTIFIER, &hex::encode(key)).await
    }
}

/// Signs in a tenant user (by email or phone) or, on a request without a tenant, a super admin.
pub async fn login(
    req: &RequestContext,
    control: &DatabaseConnection,
    keys: &TokenKeys,
    throttle: &Throttle<'_>,
    identifier: &str,
    password_plain: String,
) -> ApiResult<Session> {
    let identifier = identifier.trim();
    throttle
        .attempt(tenant_of_request(req).as_deref(), identifier)
        .await?;
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
                tenant: scope.tenant().slug.to_string(),
                resident_id: found.resident_id,
                auth_version: found.auth_version,
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
                auth_version: 0,
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
                tenant: scope.tenant().slug.to_string(),
                resident_id: current.resident_id,
                auth_version: current.auth_version,
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
                auth_version: 0,
            }
        }
    };
    let (grant, refresh_token) = refresh::rotate(control, &keys.successors, token).await?;
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
    req.tenant.as_ref().map(|t| t.tenant().slug.to_string())
}
