//! Which tenant a request names.

use axum::http::HeaderMap;
use axum::http::header::HOST;

use klustera_graphql::ApiError;
use klustera_graphql::common::types::TenantSlug;

pub const TENANT_HEADER: &str = "x-tenant";

/// The tenant named by `Host: <slug>.<base_domain>` or `X-Tenant: <slug>`, if any.
///
/// A name that cannot be a slug is `BAD_USER_INPUT` (a valid slug nobody registered is
/// `TENANT_NOT_FOUND`, later, when binding); naming two different tenants at once is a
/// mismatch.
pub fn tenant_of(headers: &HeaderMap, base_domain: &str) -> Result<Option<TenantSlug>, ApiError> {
    let by_host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| subdomain(host, base_domain))
        .map(|s| slug("Host", s))
        .transpose()?;
    let by_header = headers
        .get(TENANT_HEADER)
        .map(|h| slug("X-Tenant", h.to_str().unwrap_or("\u{0}").trim()))
        .transpose()?;
    match (by_host, by_header) {
        (Some(a), Some(b)) if a != b => Err(ApiError::TenantMismatch),
        (a, b) => Ok(a.or(b)),
    }
}

/// A tenant name given by the client in `field`: a slug, or `BAD_USER_INPUT` naming it.
pub fn slug(field: &'static str, raw: &str) -> Result<TenantSlug, ApiError> {
    TenantSlug::parse(raw).map_err(|e| ApiError::bad_input(field, e.message()))
}

/// `green.example.id:8080` with base `example.id` -> `green`. Only one label deep.
fn subdomain<'h>(host: &'h str, base_domain: &str) -> Option<&'h str> {
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let label = host.strip_suffix(base_domain)?.strip_suffix('.')?;
    (!label.is_empty() && !label.contains('.')).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn host_and_header_select_the_tenant() {
        let by_host = tenant_of(
            &headers(&[("host", "green.klustera.test:8080")]),
            "klustera.test",
        )
        .unwrap();
        assert_eq!(by_host.unwrap().as_str(), "green");
        let by_header = tenant_of(
            &headers(&[("host", "127.0.0.1:8080"), ("x-tenant", "blue")]),
            "klustera.test",
        );
        assert_eq!(by_header.unwrap().unwrap().as_str(), "blue");
        assert!(
            tenant_of(&headers(&[("host", "klustera.test")]), "klustera.test")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn conflicting_or_invalid_names_are_refused() {
        let both = tenant_of(
            &headers(&[("host", "green.k.test"), ("x-tenant", "blue")]),
            "k.test",
        );
        assert_eq!(both.unwrap_err().code(), "TENANT_MISMATCH");
        let bad = tenant_of(&headers(&[("x-tenant", "Robert'); DROP")]), "k.test");
        assert_eq!(bad.unwrap_err().code(), "BAD_USER_INPUT");
        let bad = tenant_of(&headers(&[("host", "Bad_Name.k.test")]), "k.test");
        assert_eq!(bad.unwrap_err().code(), "BAD_USER_INPUT");
        let deep = tenant_of(&headers(&[("host", "a.b.k.test")]), "k.test").unwrap();
        assert!(deep.is_none());
    }
}
