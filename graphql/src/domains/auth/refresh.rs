//! Refresh tokens: opaque, stored hashed in `control.refresh_tokens`, rotated on use.
//!
//! A token's successor is not random but derived from it (HMAC-SHA256 under the server's
//! [`SuccessorKey`]), so it never has to be stored in a form that could be read back: when
//! the same token is presented again within [`REUSE_GRACE`] of its rotation (two browser
//! tabs refreshing at once, a retried request whose answer was lost), the successor is
//! derived again and the caller gets the same pair as the first. Presented later, the
//! token counts as leaked and its whole family is revoked.
//!
//! These statements run on the control-plane pool in their own short transactions, not
//! in the request's tenant transaction: revoking a family after a detected reuse must be
//! committed even though the request that detected it fails.

use base64::Engine;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};

pub const REFRESH_TTL_DAYS: i64 = 30;

/// How long after its rotation a spent token still yields its (same) successor.
pub const REUSE_GRACE_SECS: i64 = 30;

/// The key successors are derived with; derived in turn from the server's secret.
#[derive(Clone)]
pub struct SuccessorKey([u8; 32]);

impl SuccessorKey {
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"klustera refresh-token successor\0");
        hasher.update(secret);
        Self(hasher.finalize().into())
    }

    /// The successor of `token`: the same for the same token, unguessable without the key.
    fn successor(&self, token: &str) -> String {
        // HMAC takes keys of any length: 32 bytes cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(token.as_bytes());
        format!(
            "rt_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }
}

/// What a valid refresh token stood for.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub family_id: Uuid,
    pub tenant: Option<String>,
    pub user_id: i64,
    pub role: Role,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "rt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a token in `family_id` (a new family for a new sign-in).
pub async fn issue(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    tenant: Option<&str>,
    user_id: i64,
    role: Role,
) -> ApiResult<String> {
    let token = new_secret();
    store(db, &token, family_id, tenant, user_id, role).await?;
    Ok(token)
}

async fn store(
    db: &impl ConnectionTrait,
    token: &str,
    family_id: Uuid,
    tenant: Option<&str>,
    user_id: i64,
    role: Role,
) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO control.refresh_tokens (id, family_id, token_hash, tenant_slug, subject, role, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::new_v4().into(),
            family_id.into(),
            digest(token).into(),
            tenant.map(str::to_owned).into(),
            user_id.to_string().into(),
            role.as_str().into(),
            (Utc::now() + Duration::days(REFRESH_TTL_DAYS)).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Spends `token` and returns its grant plus its successor in the same family.
///
/// A token spent less than [`REUSE_GRACE_SECS`] ago yields the same successor again, if
/// that is still valid. One spent earlier means it leaked: the whole family is revoked,
/// committed, and the caller gets `UNAUTHENTICATED`.
pub async fn rotate(
    db: &DatabaseConnection,
    key: &SuccessorKey,
    token: &str,
) -> ApiResult<(RefreshGrant, String)> {
    const REJECTED: ApiError = ApiError::Unauthenticated("refresh token is invalid or expired");
    let tx = db.begin().await?;
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, family_id, tenant_slug, subject, role, expires_at < now() AS expired, \
                    used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked, \
                    used_at > clock_timestamp() - make_interval(secs => $2) AS in_grace \
             FROM control.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            [digest(token).into(), (REUSE_GRACE_SECS as f64).into()],
        ))
        .await?
        .ok_or(REJECTED)?;
    let id: Uuid = row.try_get("", "id")?;
    let family_id: Uuid = row.try_get("", "family_id")?;
    if row.try_get::<bool>("", "revoked")? || row.try_get::<bool>("", "expired")? {
        return Err(REJECTED);
    }
    let grant = || -> ApiResult<RefreshGrant> {
        Ok(RefreshGrant {
            family_id,
            tenant: row.try_get("", "tenant_slug")?,
            user_id: row
                .try_get::<String>("", "subject")?
                .parse()
                .map_err(|_| REJECTED)?,
            role: Role::parse(&row.try_get::<String>("", "role")?).ok_or(REJECTED)?,
        })
    };
    let next = key.successor(token);
    if row.try_get::<bool>("", "used")? {
        let in_grace = row.try_get::<Option<bool>>("", "in_grace")? == Some(true);
        if in_grace && successor_valid(&tx, family_id, &next).await? {
            // The same answer as the rotation it raced with (or whose answer was lost).
            tx.commit().await?;
            return Ok((grant()?, next));
        }
        revoke_family_in(&tx, family_id).await?;
        tx.commit().await?;
        tracing::warn!(%family_id, "refresh token reuse: family revoked");
        return Err(ApiError::Unauthenticated(
            "refresh token reuse detected; sign in again",
        ));
    }
    let grant = grant()?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET used_at = now() WHERE id = $1",
        [id.into()],
    ))
    .await?;
    store(
        &tx,
        &next,
        family_id,
        grant.tenant.as_deref(),
        grant.user_id,
        grant.role,
    )
    .await?;
    tx.commit().await?;
    Ok((grant, next))
}

/// Whether `successor` is a live token of `family_id` (not revoked, not expired).
async fn successor_valid(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    successor: &str,
) -> ApiResult<bool> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM control.refresh_tokens \
             WHERE token_hash = $1 AND family_id = $2 AND revoked_at IS NULL AND expires_at > now()",
            [digest(successor).into(), family_id.into()],
        ))
        .await?;
    Ok(row.is_some())
}

/// Revokes the family of `token` (logout). Unknown tokens are ignored: logout is idempotent.
pub async fn revoke(db: &DatabaseConnection, token: &str) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET revoked_at = now() \
         WHERE revoked_at IS NULL AND family_id = \
               (SELECT family_id FROM control.refresh_tokens WHERE token_hash = $1)",
        [digest(token).into()],
    ))
    .await?;
    Ok(())
}

/// Revokes every refresh token of login `user_id` of `tenant` (disabled, signed out
/// everywhere).
pub async fn revoke_user(db: &DatabaseConnection, tenant: &str, user_id: i64) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET revoked_at = now() \
         WHERE tenant_slug = $1 AND subject = $2 AND revoked_at IS NULL",
        [tenant.into(), user_id.to_string().into()],
    ))
    .await?;
    Ok(())
}

async fn revoke_family_in(db: &impl ConnectionTrait, family_id: Uuid) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        [family_id.into()],
    ))
    .await?;
    Ok(())
}

/// Whom a token names, read without spending it (so the caller can refuse it first).
pub struct Peek {
    pub tenant: Option<String>,
    pub user_id: i64,
}

pub async fn peek(db: &DatabaseConnection, token: &str) -> ApiResult<Option<Peek>> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT tenant_slug, subject FROM control.refresh_tokens WHERE token_hash = $1",
            [digest(token).into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let Ok(user_id) = row.try_get::<String>("", "subject")?.parse() else {
        return Ok(None);
    };
    Ok(Some(Peek {
        tenant: row.try_get("", "tenant_slug")?,
        user_id,
    }))
}
