//! GraphQL fields of sign-in: `login`, `refreshToken`, `logout`, `me`, and `tenant`
//! (what the sign-in page shows before anyone signs in).

use std::sync::Arc;

use async_graphql::{Context, Object, Result, SimpleObject};

use super::access;
use super::browser::{BrowserSession, CookieChange};
use super::service::{self, Session};
use crate::ControlPlane;
use crate::common::context::{ContextExt, Principal, Role};
use crate::common::error::ApiError;
use crate::common::ids::{ResidentId, UserId};
use crate::common::rate_limit::{ClientIp, Limiter};
use crate::domains::auth::TokenKeys;

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for the `Authorization` header; valid 15 minutes.
    access_token: String,
    /// Unix time (seconds) the access token expires.
    access_token_expires_at: i64,
    /// Opaque, single-use; trade it for a new pair with `refreshToken`. Valid 30 days.
    /// Null for browser sessions (`X-Klustera-Session: cookie`): the gateway keeps it in
    /// an HttpOnly cookie instead.
    refresh_token: Option<String>,
    user: Viewer,
}

/// The estate (tenant) a request is bound to, as its sign-in page shows it.
#[derive(SimpleObject)]
pub struct Tenant {
    display_name: String,
    /// IANA time zone of the estate (`Asia/Jakarta`, `Asia/Makassar`, `Asia/Jayapura`).
    time_zone: String,
}

/// The signed-in caller.
#[derive(SimpleObject, Clone)]
pub struct Viewer {
    /// The user's id (a super admin's is their control-plane id).
    id: UserId,
    role: Role,
    tenant: String,
    /// The resident record of a RESIDENT user.
    resident_id: Option<ResidentId>,
}

impl From<&Principal> for Viewer {
    fn from(p: &Principal) -> Self {
        Self {
            id: UserId::new(p.user_id),
            role: p.role,
            tenant: p.tenant.clone(),
            resident_id: p.resident_id.map(ResidentId::new),
        }
    }
}

impl AuthPayload {
    /// A new session as the caller receives it: a browser's refresh token goes into its
    /// cookie and never into the body.
    fn issued(s: Session, browser: Option<&Arc<BrowserSession>>) -> Self {
        let refresh_token = match browser {
            Some(browser) => {
                browser.record(CookieChange::Set(s.refresh_token));
                None
            }
            None => Some(s.refresh_token),
        };
        Self {
            access_token: s.access_token,
            access_token_expires_at: s.access_expires_at,
            refresh_token,
            user: Viewer::from(&s.principal),
        }
    }
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The caller, from the access token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Viewer> {
        Ok(Viewer::from(ctx.request()?.principal()?))
    }

    /// The estate this request is bound to (Host or `X-Tenant`); no sign-in needed.
    async fn tenant(&self, ctx: &Context<'_>) -> Result<Tenant> {
        let scope = ctx.request()?.tenant()?;
        Ok(Tenant {
            display_name: scope.display_name.clone(),
            time_zone: scope.time_zone.clone(),
        })
    }
}

/// The refresh token an operation acts on: the argument, or else a browser's cookie.
fn presented<'a>(
    argument: Option<&'a str>,
    browser: Option<&'a Arc<BrowserSession>>,
) -> Option<&'a str> {
    argument.or_else(|| browser.and_then(|b| b.cookie()))
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in with an email or phone number and a password. On a request bound to a
    /// tenant this signs in that tenant's users; without a tenant, super admins. Attempts
    /// are limited per identifier and per client address (`RATE_LIMITED`, with
    /// `extensions.retryAfter` in seconds; HTTP 429 with `Retry-After`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        identifier: String,
        password: String,
    ) -> Result<AuthPayload> {
        let throttle = service::Throttle {
            limiter: ctx.data::<Limiter>()?.as_ref(),
            client: ctx.data_opt::<ClientIp>().copied(),
        };
        let session = service::login(
            ctx.request()?,
            &ctx.data::<ControlPlane>()?.db,
            ctx.data::<TokenKeys>()?,
            &throttle,
            &identifier,
            password,
        )
        .await?;
        Ok(AuthPayload::issued(session, ctx.data_opt()))
    }

    /// Trades a refresh token for a new access token and a new refresh token. The old one
    /// is spent: presenting it again revokes every token of that sign-in. Browser
    /// sessions leave the argument out: the cookie is read and rotated.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: Option<String>,
    ) -> Result<AuthPayload> {
        let browser = ctx.data_opt::<Arc<BrowserSession>>();
        let token = presented(refresh_token.as_deref(), browser)
            .ok_or_else(|| ApiError::bad_input("refreshToken", "no refresh token given"))?;
        let refreshed = service::refresh(
            ctx.request()?,
            &ctx.data::<ControlPlane>()?.db,
            ctx.data::<TokenKeys>()?,
            token,
        )
        .await;
        match refreshed {
            Ok(session) => Ok(AuthPayload::issued(session, browser)),
            Err(err) => {
                // A cookie that no longer works is of no use to keep.
                if let Some(browser) = browser {
                    browser.record(CookieChange::Clear);
                }
                Err(err.into())
            }
        }
    }

    /// Ends the sign-in the refresh token belongs to. Access tokens already issued stay
    /// valid until they expire (at most 15 minutes). Browser sessions leave the argument
    /// out: the cookie's sign-in ends and the cookie is cleared.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: Option<String>) -> Result<bool> {
        let browser = ctx.data_opt::<Arc<BrowserSession>>();
        if let Some(browser) = browser {
            browser.record(CookieChange::Clear);
        }
        match presented(refresh_token.as_deref(), browser) {
            Some(token) => service::logout(&ctx.data::<ControlPlane>()?.db, token).await?,
            // A browser without a cookie is signed out already.
            None if browser.is_some() => {}
            None => {
                return Err(ApiError::bad_input("refreshToken", "no refresh token given").into());
            }
        }
        Ok(true)
    }
}

#[derive(async_graphql::InputObject)]
pub struct CreateAccountInput {
    role: Role,
    email: Option<String>,
    phone: Option<String>,
    /// At least 8 characters.
    password: String,
    display_name: String,
    /// Required for RESIDENT logins: the resident record the login acts as.
    resident_id: Option<ResidentId>,
}

/// A login of this tenant, as managers manage it.
#[derive(SimpleObject)]
pub struct UserAccount {
    id: UserId,
    role: Role,
    display_name: String,
    /// A disabled login cannot sign in, and its sessions have ended.
    disabled: bool,
}

impl From<klustera_entities::tenant::user::Model> for UserAccount {
    fn from(u: klustera_entities::tenant::user::Model) -> Self {
        Self {
            id: UserId::new(u.id),
            role: u.role,
            display_name: u.display_name,
            disabled: u.disabled_at.is_some(),
        }
    }
}

#[derive(Default)]
pub struct AccountMutation;

impl AccountMutation {
    async fn change(
        ctx: &Context<'_>,
        user_id: Option<UserId>,
        change: access::Change,
    ) -> Result<UserAccount> {
        let req = ctx.request()?;
        let user_id = match user_id {
            Some(id) => id.row()?,
            None => req.principal()?.user_id,
        };
        let user = access::apply(req, &ctx.data::<ControlPlane>()?.db, user_id, change).await?;
        Ok(user.into())
    }
}

#[Object]
impl AccountMutation {
    /// Creates a login for this tenant (manager only). Returns the new user's id.
    #[graphql(guard = "crate::common::guard::RoleGuard::manager()")]
    async fn create_user_account(
        &self,
        ctx: &Context<'_>,
        input: CreateAccountInput,
    ) -> Result<UserId> {
        let resident_id = input.resident_id.map(|id| id.row()).transpose()?;
        let user = super::accounts::create(
            ctx.tenant_tx()?,
            super::accounts::NewAccount {
                role: input.role,
                email: input.email,
                phone: input.phone,
                password: input.password,
                display_name: input.display_name,
                resident_id,
            },
        )
        .await?;
        ctx.request()?.audit_target(format!("user:{user}"));
        Ok(UserId::new(user))
    }

    /// Disables a login (manager only): it can no longer sign in, its access tokens are
    /// refused at once, its refresh tokens revoked and its open subscriptions closed. The
    /// last active manager cannot be disabled (`CONFLICT`).
    #[graphql(guard = "crate::common::guard::RoleGuard::manager()")]
    async fn disable_user(&self, ctx: &Context<'_>, user_id: UserId) -> Result<UserAccount> {
        Self::change(ctx, Some(user_id), access::Change::Disable).await
    }

    /// Lets a disabled login sign in again (manager only).
    #[graphql(guard = "crate::common::guard::RoleGuard::manager()")]
    async fn enable_user(&self, ctx: &Context<'_>, user_id: UserId) -> Result<UserAccount> {
        Self::change(ctx, Some(user_id), access::Change::Enable).await
    }

    /// Changes a staff login's role between MANAGER and SECURITY (manager only; RESIDENT
    /// logins belong to resident records). Its access tokens are refused at once: the
    /// next refresh carries the new role. The last active manager cannot be demoted.
    #[graphql(guard = "crate::common::guard::RoleGuard::manager()")]
    async fn change_role(
        &self,
        ctx: &Context<'_>,
        user_id: UserId,
        role: Role,
    ) -> Result<UserAccount> {
        Self::change(ctx, Some(user_id), access::Change::Role(role)).await
    }

    /// Ends every sign-in of a login: the caller's own without `userId`, another's for
    /// managers. Access tokens are refused at once, refresh tokens revoked, open
    /// subscriptions closed.
    #[graphql(guard = "crate::common::guard::RoleGuard::member()")]
    async fn sign_out_everywhere(
        &self,
        ctx: &Context<'_>,
        user_id: Option<UserId>,
    ) -> Result<UserAccount> {
        Self::change(ctx, user_id, access::Change::SignOutEverywhere).await
    }
}
