//! Access tokens: short-lived HS256 JWTs with typed, required claims.
//!
//! Never accepts another algorithm (the allow-list is exactly HS256, so `alg: none` and
//! key-confusion tricks fail to validate), and never accepts a token whose `typ` is not
//! `access`: a refresh token is not a JWT at all and cannot stand in for one.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::context::{Principal, Role};
use crate::error::ApiError;

pub const ACCESS_TYPE: &str = "access";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub tenant: String,
    pub role: Role,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub typ: String,
    /// The resident record of a RESIDENT user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<i64>,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8], access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "tenant", "typ"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        }
    }

    /// Signs an access token; returns it with its expiry (unix seconds).
    pub fn issue(&self, principal: &Principal) -> Result<(String, i64), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(900);
        let claims = AccessClaims {
            sub: principal.user_id.to_string(),
            tenant: principal.tenant.clone(),
            role: principal.role,
            exp: now + ttl,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: ACCESS_TYPE.into(),
            rid: principal.resident_id,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok((token, claims.exp))
    }

    /// Verifies signature, algorithm, expiry and type; returns the caller.
    pub fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        self.verify_until(token).map(|(principal, _)| principal)
    }

    /// Like [`TokenKeys::verify`], with the token's expiry (unix seconds): long-lived
    /// connections end when it passes.
    pub fn verify_until(&self, token: &str) -> Result<(Principal, i64), ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => ApiError::Unauthenticated("access token expired"),
                _ => ApiError::Unauthenticated("invalid access token"),
            })?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return Err(ApiError::Unauthenticated("not an access token"));
        }
        let user_id = claims
            .sub
            .parse()
            .map_err(|_| ApiError::Unauthenticated("invalid access token"))?;
        let principal = Principal {
            user_id,
            role: claims.role,
            tenant: claims.tenant,
            resident_id: claims.rid,
        };
        Ok((principal, claims.exp))
    }
}
