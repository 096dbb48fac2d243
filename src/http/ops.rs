//! Operational endpoints.

use std::any::Any;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
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

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
}

/// A panic anywhere below becomes a 500 with the GraphQL error shape, nothing internal.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    let body = json!({"errors": [{"message": "internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]});
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}
