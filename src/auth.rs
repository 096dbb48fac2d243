//! Bearer tokens off HTTP headers. Verification itself lives with the token rules in
//! `klustera_graphql::domains::auth::tokens`.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use klustera_graphql::domains::auth::TokenKeys;
use klustera_graphql::{ApiError, Principal};

/// The caller named by `Authorization: Bearer <jwt>`; `Ok(None)` when there is no header.
pub fn principal_of(headers: &HeaderMap, keys: &TokenKeys) -> Result<Option<Principal>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(bearer)
        .ok_or(ApiError::Unauthenticated(
            "use Authorization: Bearer <access token>",
        ))?;
    keys.verify(token).map(Some)
}

/// The token of a `Bearer <token>` credential (HTTP header or WebSocket init payload).
pub fn bearer(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}
