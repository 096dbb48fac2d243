//! Access tokens: short-lived HS256 JWTs with typed, required claims.
//!
//! Never accepts another algorithm (the allow-list is exactly HS256, so `alg: none` and
//! key-confusion tricks fail to validate), and never accepts a token whose `typ` is not
//! `access`: a refresh token is not a JWT at all and cannot stand in for one. Issuer
//! (`iss`) and audience (`aud`) are issued and required, so a token signed with the same
//! secret for another purpose is refused; a token is not valid before its `nbf`.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lru::LruCache;
use serde::{Deserialize, Serialize};

use super::refresh::SuccessorKey;
use crate::common::context::{Principal, Role};
use crate::common::error::ApiError;

pub const ACCESS_TYPE: &str = "access";
/// Who issues access tokens (`iss`).
pub const ISSUER: &str = "klustera";
/// Who accepts them (`aud`): this API.
pub const AUDIENCE: &str = "klustera-api";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub tenant: String,
    pub role: Role,
    pub exp: i64,
    pub iat: i64,
    /// Not before: the issue time.
    pub nbf: i64,
    pub jti: String,
    pub typ: String,
    /// The resident record of a RESIDENT user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<i64>,
    /// The login's `auth_version` at issue (absent: 0).
    #[serde(default)]
    pub ver: i32,
}

/// Tokens whose signature was checked, with what they said: a client sends the same
/// token with every request until it expires, and checking an HS256 signature and
/// parsing its claims was a twentieth of a small query's CPU. Only valid tokens get in,
/// so garbage cannot evict them; expiry is still checked on every use.
type Verified = Mutex<LruCache<String, (Principal, i64)>>;

/// Most verified tokens remembered (about 300 bytes each).
const VERIFIED_TOKENS: NonZeroUsize = NonZeroUsize::new(4096).unwrap();

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    verified: Arc<Verified>,
    /// Derives refresh tokens' successors (see [`super::refresh`]).
    pub successors: SuccessorKey,
    pub access_ttl: Duration,
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8], access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 5;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Arc::new(Mutex::new(LruCache::new(VERIFIED_TOKENS))),
            successors: SuccessorKey::from_secret(secret),
            access_ttl,
        }
    }

    /// Signs an access token; returns it with its expiry (unix seconds).
    pub fn issue(&self, principal: &Principal) -> Result<(String, i64), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(900);
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: principal.user_id.to_string(),
            tenant: principal.tenant.clone(),
            role: principal.role,
            exp: now + ttl,
            iat: now,
            nbf: now,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: ACCESS_TYPE.into(),
            rid: principal.resident_id,
            ver: principal.auth_version,
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
        let known = self.verified().get(token).cloned();
        if let Some((principal, exp)) = known {
            // The same test as the library's: expired once `exp` is more than the leeway ago.
            let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
            if exp < chrono::Utc::now().timestamp() - leeway {
                self.verified().pop(token);
                return Err(ApiError::Unauthenticated("access token expired"));
            }
            return Ok((principal, exp));
        }
        let verified = self.check(token)?;
        self.verified().put(token.to_owned(), verified.clone());
        Ok(verified)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, LruCache<String, (Principal, i64)>> {
        self.verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Checks signature, algorithm, expiry and type.
    fn check(&self, token: &str) -> Result<(Principal, i64), ApiError> {
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
            auth_version: claims.ver,
        };
        Ok((principal, claims.exp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager() -> Principal {
        Principal {
            user_id: 7,
            role: Role::Manager,
            tenant: "demo".into(),
            resident_id: None,
            auth_version: 0,
        }
    }

    fn keys() -> TokenKeys {
        TokenKeys::from_secret(
            b"0123456789abcdef0123456789abcdef",
            Duration::from_secs(900),
        )
    }

    #[test]
    fn a_remembered_token_is_refused_once_it_expires() {
        let keys = keys();
        let (token, exp) = keys.issue(&manager()).unwrap();
        assert_eq!(keys.verify_until(&token).unwrap().1, exp);
        assert!(
            keys.verified().contains(&token),
            "a valid token is remembered"
        );
        assert_eq!(keys.verify(&token).unwrap().user_id, 7);

        // The same token, remembered with an expiry further back than the leeway.
        let past = chrono::Utc::now().timestamp() - 60;
        keys.verified().put(token.clone(), (manager(), past));
        let err = keys.verify(&token).unwrap_err();
        assert!(matches!(
            err,
            ApiError::Unauthenticated("access token expired")
        ));
        assert!(
            !keys.verified().contains(&token),
            "an expired token is forgotten"
        );
    }

    #[test]
    fn a_token_lasts_its_ttl_and_the_leeway_and_no_longer() {
        let keys = keys();
        let before = chrono::Utc::now().timestamp();
        let (token, exp) = keys.issue(&manager()).unwrap();
        let after = chrono::Utc::now().timestamp();
        assert!(
            (before + 900..=after + 900).contains(&exp),
            "expires 900 s after issue: {exp}"
        );
        // Remembered with an expiry 2 s ago: within the 5 s leeway, still good.
        let now = chrono::Utc::now().timestamp();
        keys.verified().put(token.clone(), (manager(), now - 2));
        assert_eq!(keys.verify_until(&token).unwrap().1, now - 2);
        // 30 s ago: expired, remembered or not.
        keys.verified().put(token.clone(), (manager(), now - 30));
        assert!(matches!(
            keys.verify(&token),
            Err(ApiError::Unauthenticated("access token expired"))
        ));
    }

    #[test]
    fn an_expired_token_says_so() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "7".into(),
            tenant: "demo".into(),
            role: Role::Manager,
            exp: now - 60,
            iat: now - 960,
            nbf: now - 960,
            jti: "j".into(),
            typ: ACCESS_TYPE.into(),
            rid: None,
            ver: 0,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(matches!(
            keys.verify(&token),
            Err(ApiError::Unauthenticated("access token expired"))
        ));
        let refresh_typed = AccessClaims {
            exp: now + 60,
            typ: "refresh".into(),
            ..claims
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &refresh_typed,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(matches!(
            keys.verify(&token),
            Err(ApiError::Unauthenticated("not an access token"))
        ));
    }

    fn signed(claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap()
    }

    #[test]
    fn issuer_and_audience_are_required_and_nbf_is_honoured() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let good = serde_json::json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": "7", "tenant": "demo", "role": "MANAGER",
            "exp": now + 600, "iat": now, "nbf": now, "jti": "j", "typ": ACCESS_TYPE,
        });
        assert_eq!(keys.verify(&signed(&good)).unwrap().user_id, 7);
        let (issued, _) = keys.issue(&manager()).unwrap();
        let payload = issued.split('.').nth(1).unwrap();
        let payload: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (&payload["iss"], &payload["aud"]),
            (&serde_json::json!(ISSUER), &serde_json::json!(AUDIENCE))
        );
        assert!(payload["nbf"].as_i64().unwrap() <= now + 1);
        let mut bad = Vec::new();
        for (claim, value) in [
            ("iss", serde_json::json!("someone-else")),
            ("aud", serde_json::json!("another-api")),
            ("iss", serde_json::Value::Null),
            ("aud", serde_json::Value::Null),
            ("nbf", serde_json::json!(now + 600)),
        ] {
            let mut claims = good.clone();
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(claim);
            } else {
                claims[claim] = value.clone();
            }
            if keys.verify(&signed(&claims)).is_ok() {
                bad.push(format!("{claim}={value}"));
            }
        }
        assert!(bad.is_empty(), "accepted: {bad:?}");
    }

    #[test]
    fn only_valid_tokens_are_remembered() {
        let keys = keys();
        let (token, _) = keys.issue(&manager()).unwrap();
        let forged = format!("{token}x");
        assert!(keys.verify(&forged).is_err());
        assert!(keys.verified().is_empty());
    }
}
