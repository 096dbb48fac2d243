//! The browser session's refresh-token cookie on the wire.
//!
//! A request with `X-Klustera-Session: cookie` is a browser session's: it gets a
//! [`BrowserSession`] holding its `klustera_refresh` cookie, and whatever the operation
//! recorded there leaves as one `Set-Cookie`: `HttpOnly` (no script reads it),
//! `SameSite=Strict` (no other site's page sends it), `Path=/`, `Secure` unless
//! `KLUSTERA_COOKIE_SECURE=false`. Requiring the custom header keeps cross-site forms,
//! which cannot set it, from using the cookie at all.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

use klustera_graphql::domains::auth::{BrowserSession, CookieChange};

/// The header that marks a browser session's request.
pub const SESSION_HEADER: HeaderName = HeaderName::from_static("x-klustera-session");
/// The cookie's name.
pub const COOKIE: &str = "klustera_refresh";
/// As long as a refresh token lives (30 days).
const MAX_AGE_SECS: u64 = 30 * 24 * 60 * 60;

/// The request's browser session, if it says it is one.
pub fn browser_session(headers: &HeaderMap) -> Option<Arc<BrowserSession>> {
    let is_browser = headers
        .get(&SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cookie"));
    is_browser.then(|| Arc::new(BrowserSession::new(cookie_of(headers))))
}

/// `klustera_refresh` from the request's `Cookie` headers.
fn cookie_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.trim_matches('"').to_owned())
        })
}

/// The `Set-Cookie` value for a change (None: a token that cannot be a header value,
/// which ours, base64url or hex, never are).
pub fn set_cookie(change: &CookieChange, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let value = match change {
        CookieChange::Set(token) => {
            format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={MAX_AGE_SECS}{secure}"
            )
        }
        CookieChange::Clear => {
            format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
        }
    };
    HeaderValue::from_str(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(SESSION_HEADER, HeaderValue::from_static("cookie"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; klustera_refresh=abc.def; lang=id"),
        );
        let session = browser_session(&headers);
        assert_eq!(
            session.as_deref().and_then(BrowserSession::cookie),
            Some("abc.def")
        );
    }

    #[test]
    fn no_header_no_session() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("klustera_refresh=abc"),
        );
        assert!(browser_session(&headers).is_none());
    }
}
