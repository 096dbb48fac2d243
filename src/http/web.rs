//! The web client (`web-client/`, built into `KLUSTERA_WEB_DIR`) at `/` on every host.
//!
//! Files are served by tower-http's `ServeDir`; a path that is no file gets `index.html`
//! (the client routes it: history fallback). Hashed bundles under `/assets/` never change
//! under their name, so browsers keep them for a year; `index.html` is revalidated on
//! every load, so a new build reaches everyone at once. API paths are routed before this
//! and keep their meaning; unknown paths under `/graphql/` and `/webhooks/` are 404, not
//! the client.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use tower_http::services::{ServeDir, ServeFile};

use super::state::AppState;

/// Hashed assets: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else of the client: ask each time (cheap with `ETag`/`Last-Modified`).
pub const REVALIDATE: &str = "no-cache";

/// Adds the client's routes to `router`: `/assets/*`, then every other path as a file of
/// `dir` or, failing that, `index.html`.
pub fn serve(router: Router<AppState>, dir: &Path) -> Router<AppState> {
    let assets = Router::new()
        .fallback_service(ServeDir::new(dir.join("assets")))
        .layer(map_response(immutable));
    let files = Router::<()>::new()
        .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))))
        .layer(map_response(revalidate));
    router
        .route("/graphql/{*rest}", axum::routing::any(not_found))
        .route("/webhooks/{*rest}", axum::routing::any(not_found))
        .nest("/assets", assets)
        .fallback_service(files)
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

async fn immutable(response: Response) -> Response {
    with_cache(response, IMMUTABLE)
}

async fn revalidate(response: Response) -> Response {
    with_cache(response, REVALIDATE)
}

fn with_cache(response: impl IntoResponse, value: &'static str) -> Response {
    let mut response = response.into_response();
    if response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}
