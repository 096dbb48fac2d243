//! Security headers, on every response of both profiles (the e2e suite runs the real
//! client under them), and GraphiQL's page with a policy of its own.
//!
//! Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and
//! in production `Strict-Transport-Security`. Every HTML page (the web client's index and
//! history fallback, GraphiQL, any HTML error page) also gets a `Content-Security-Policy`
//! and `X-Frame-Options: DENY`: the client's policy unless the page set its own.
//!
//! The client's policy allows only its own origin: scripts and styles from `/assets/`
//! (Vite emits no inline script; Tailwind and FullCalendar ship CSS files; React and
//! Chart.js set styles through the CSSOM, which `style-src` does not govern), `data:`
//! images (CSS-embedded icons), and connections to the same host over HTTP(S) and
//! WS(S). `'self'` covers same-host WebSockets in current browsers; the host is named as
//! well for the ones that predate CSP 3.

use std::sync::LazyLock;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// What the headers depend on, fixed at start-up.
#[derive(Clone, Copy)]
pub struct Policy {
    /// Send `Strict-Transport-Security` (production: the gateway is reached over HTTPS).
    pub hsts: bool,
}

/// Two years, subdomains included (every tenant is a subdomain of the base domain).
pub const HSTS: &str = "max-age=63072000; includeSubDomains";
pub const REFERRER_POLICY: &str = "no-referrer";

/// The web client's policy, before `connect-src`'s host.
const CLIENT_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'; connect-src 'self'";

/// The CDN GraphiQL's scripts and styles come from (self-hosting them is issue 17).
pub const PLAYGROUND_CDN: &str = "https://unpkg.com";

/// Adds the headers to every response (see the module's docs).
pub async fn headers(State(policy): State<Policy>, request: Request, next: Next) -> Response {
    let host = host_of(request.headers(), request.uri());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static(REFERRER_POLICY));
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/html")
        });
    if html {
        if !h.contains_key(header::CONTENT_SECURITY_POLICY)
            && let Ok(csp) = HeaderValue::from_str(&with_connect(CLIENT_CSP, host.as_deref()))
        {
            h.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        h.entry(header::X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    response
}

/// The request's host (`Host`, or the URI's authority under HTTP/2), when it is a plain
/// `host[:port]` that can go into a policy unchanged.
fn host_of(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| host.to_ascii_lowercase())
}

/// `policy` (ending in `connect-src 'self'`) with the host's WebSocket origins added.
fn with_connect(policy: &str, host: Option<&str>) -> String {
    match host {
        Some(host) => format!("{policy} ws://{host} wss://{host}"),
        None => policy.to_owned(),
    }
}

/// GraphiQL's page and the policy it runs under: its scripts and styles from the CDN,
/// its one inline script by hash, its inline styles (it injects a `<style>` element and
/// sets style attributes), fonts and images inlined or from the CDN, and connections to
/// this host only.
struct Playground {
    html: String,
    csp: String,
}

static PLAYGROUND: LazyLock<Playground> = LazyLock::new(|| {
    let html = async_graphql::http::GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql/ws")
        .title("Klustera GraphQL")
        .finish();
    let scripts: String = inline_scripts(&html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let csp = format!(
        "default-src 'none'; script-src {PLAYGROUND_CDN}{scripts}; \
         style-src {PLAYGROUND_CDN} 'unsafe-inline'; font-src {PLAYGROUND_CDN} data:; \
         img-src 'self' data: https://graphql.org; object-src 'none'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'; connect-src 'self'"
    );
    Playground { html, csp }
});

/// The text of every `<script>` element without attributes (the page's inline scripts).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</script>").map(|(script, _)| script))
}

/// `GET /graphql` in a browser: GraphiQL, under its own policy.
pub fn playground(headers: &HeaderMap, uri: &axum::http::Uri) -> Response {
    let page = &*PLAYGROUND;
    let mut response = Html(page.html.clone()).into_response();
    let csp = with_connect(&page.csp, host_of(headers, uri).as_deref());
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_playground_policy_hashes_its_inline_script_and_names_the_cdn() {
        let page = &*PLAYGROUND;
        let scripts: Vec<&str> = inline_scripts(&page.html).collect();
        assert_eq!(scripts.len(), 1, "GraphiQL's page has one inline script");
        assert!(scripts[0].contains("GraphiQL.createFetcher"));
        assert!(page.csp.contains("script-src https://unpkg.com 'sha256-"));
        // Every external script of the page comes from the CDN the policy names.
        for src in page.html.split("src=\"").skip(1) {
            assert!(src.starts_with(PLAYGROUND_CDN), "{src}");
        }
    }

    #[test]
    fn only_plain_hosts_go_into_a_policy() {
        let uri = axum::http::Uri::from_static("/");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("demo.Localhost:8080"),
        );
        assert_eq!(
            host_of(&headers, &uri).as_deref(),
            Some("demo.localhost:8080")
        );
        headers.insert(header::HOST, HeaderValue::from_static("evil; script-src *"));
        assert_eq!(host_of(&headers, &uri), None);
    }
}
