//! Operational endpoints.

use std::any::Any;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::state::AppState;

/// `GET /health`: 200 when the database (and Redis, when configured) answer, 503 otherwise.
pub async fn health(State(app): State<AppState>) -> impl IntoResponse {
    let database = app.db.ping().await.is_ok();
    let redis = app.events.redis_healthy().await;
    let healthy = database && redis != Some(false);
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if healthy { "ok" } else { "degraded" },
        "database": if database { "ok" } else { "unreachable" },
        "redis": match redis { None => "disabled", Some(true) => "ok", Some(false) => "unreachable" },
    });
    (status, Json(body))
}

/// `GET /metrics`: Prometheus text format; with `metrics_token` configured, only for
/// `Authorization: Bearer <token>` (401 otherwise).
pub async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &app.config.metrics_token
        && !bearer_is(&headers, token)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
            "/metrics needs Authorization: Bearer <KLUSTERA_METRICS_TOKEN>",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}

/// Whether the request's bearer token is `expected`, compared in constant time (as
/// SHA-256 digests, so neither the content nor the length leaks through timing).
fn bearer_is(headers: &HeaderMap, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::auth::bearer)
    else {
        return false;
    };
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    given[..].ct_eq(&expected[..]).into()
}

/// 404 for a path that is the API's but not served here.
pub async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// A panic anywhere below becomes a 500 with the GraphQL error shape, nothing internal.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    let body = json!({"errors": [{"message": "internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]});
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}
