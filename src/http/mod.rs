//! The HTTP edge. Handlers translate HTTP to GraphQL and back; no domain rules here.
//!
//! # Layout
//! - [`graphql`]: `POST /graphql`, `GET /graphql` (GraphiQL, or a query over GET).
//! - [`documents`]: parsed documents kept by their text (parse once).
//! - [`ops`]: `GET /health`, `GET /metrics` (on the public listener or [`metrics_router`]'s).
//! - [`security`]: security headers on every response, GraphiQL's page and its policy.
//! - [`state`]: [`state::AppState`], what every handler gets.
//! - [`ws`]: `GET /graphql/ws`: subscriptions (and queries, mutations) over WebSocket.
//! - [`webhooks`]: `POST /webhooks/midtrans`.
//! - [`calendar`]: `GET /calendar/<token>.ics`, private booking feeds.
//! - [`session_cookie`]: browser sessions' refresh-token cookie (`X-Klustera-Session`).
//! - [`web`]: the built web client at `/` (history fallback, cached hashed assets).

pub mod calendar;
pub mod documents;
pub mod graphql;
pub mod ops;
pub mod security;
pub mod session_cookie;
pub mod state;
pub mod web;
pub mod webhooks;
pub mod ws;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::trace::TraceLayer;

use state::AppState;

pub fn router(state: AppState) -> Router {
    let cors = cors(&state.config);
    let security = security::Policy {
        hsts: state.config.is_production(),
    };
    let mut api = Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql).post(graphql::post_graphql),
        )
        .route("/graphql/ws", get(ws::upgrade))
        .route(
            "/webhooks/midtrans",
            axum::routing::post(webhooks::midtrans),
        )
        .route("/calendar/{file}", get(calendar::feed))
        .route("/health", get(ops::health));
    api = if state.config.public_metrics() {
        api.route("/metrics", get(ops::metrics))
    } else {
        // Not the web client's history fallback either.
        api.route("/metrics", axum::routing::any(ops::not_found))
    };
    web::serve(api, &state.config.web_dir)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(middleware::from_fn(cap_authorization))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(ops::panic_response))
        .layer(middleware::from_fn_with_state(security, security::headers))
        .with_state(state)
}

/// `/metrics` alone, for the private listener on `metrics_bind`.
pub fn metrics_router(state: AppState) -> Router {
    let security = security::Policy {
        hsts: state.config.is_production(),
    };
    Router::new()
        .route("/metrics", get(ops::metrics))
        .layer(middleware::from_fn_with_state(security, security::headers))
        .with_state(state)
}

/// Cross-origin calls: from the configured origins, with credentials (the session
/// cookie); with none configured, from any origin without credentials in development
/// and from none in production. `*` never goes with credentials (the configuration
/// refuses `*` in the list).
fn cors(config: &crate::config::Config) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-tenant"),
        ]);
    if !config.cors_origins.is_empty() {
        let origins = config
            .cors_origins
            .iter()
            .filter_map(|o| o.parse().ok())
            .collect::<Vec<axum::http::HeaderValue>>();
        return layer
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("x-tenant"),
                session_cookie::SESSION_HEADER,
            ])
            .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")]);
    }
    if config.is_production() {
        layer
    } else {
        layer.allow_origin(Any)
    }
}

/// The longest `Authorization` header read (8 KiB): an access token is a few hundred bytes.
pub const MAX_AUTHORIZATION: usize = 8 * 1024;

/// Refuses a longer `Authorization` header before anything parses it: 431.
async fn cap_authorization(request: Request, next: Next) -> Response {
    let too_long = request
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .map(|v| v.len())
        .sum::<usize>()
        > MAX_AUTHORIZATION;
    if too_long {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "the Authorization header is longer than 8 KiB",
        )
            .into_response();
    }
    next.run(request).await
}
