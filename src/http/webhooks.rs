//! `POST /webhooks/midtrans`: Midtrans HTTP notifications.
//!
//! Order: signature first (401, nothing read or written), then the order id names the
//! tenant, then the notification is applied in one tenant-bound transaction, exactly once
//! (see `billing::midtrans::apply_notification`; a booking order's settlement or refund is
//! then applied by `bookings::payment::settle_order` or `refund_order` in the same
//! transaction). Events are
//! published after commit.
//! Answers 200 for applied and for ignored (duplicate, out of order) notifications, so
//! Midtrans stops retrying; 4xx for what we refuse. A suspended tenant's notifications
//! (or one whose schema awaits `tenant migrate`) are not applied: 503, so Midtrans retries
//! them later.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use klustera_graphql::ApiError;
use klustera_graphql::domains::billing::midtrans::{self, Notification, Outcome};
use klustera_graphql::domains::bookings;

use klustera_graphql::common::error::UNAVAILABLE_RETRY_SECS;
use klustera_graphql::common::events::EventBus;

use super::state::AppState;

fn reply(status: StatusCode, outcome: &str) -> Response {
    (status, Json(json!({ "status": outcome }))).into_response()
}

pub async fn midtrans(State(app): State<AppState>, body: Bytes) -> Response {
    let Some(server_key) = app.config.midtrans_server_key.as_deref() else {
        return reply(StatusCode::NOT_FOUND, "midtrans is not configured");
    };
    let Ok(n) = serde_json::from_slice::<Notification>(&body) else {
        return reply(StatusCode::BAD_REQUEST, "not a Midtrans notification");
    };
    if !midtrans::signature_valid(&n, server_key) {
        tracing::warn!(order_id = %n.order_id, "Midtrans notification with a bad signature");
        return reply(StatusCode::UNAUTHORIZED, "bad signature");
    }
    let Some((slug, _)) = midtrans::parse_order_id(&n.order_id) else {
        return reply(StatusCode::NOT_FOUND, "unknown order");
    };
    let result = async {
        let tx = app.binder.begin(&slug).await?;
        let outcome = midtrans::apply_notification(&tx, &slug, &n).await?;
        let event = match &outcome {
            Outcome::BookingPaid(paid) => {
                Some(bookings::payment::settle_order(&tx, &slug, paid).await?)
            }
            Outcome::BookingRefunded(refunded) => {
                bookings::payment::refund_order(&tx, refunded).await?
            }
            other => other.event(),
        };
        tx.commit().await?;
        Ok::<_, ApiError>((outcome, event))
    }
    .await;
    match result {
        Ok((outcome, event)) => {
            let applied = event.is_some();
            if let Some(event) = event {
                app.events.publish(slug.as_str(), event);
            }
            match outcome {
                Outcome::Paid(_) | Outcome::BookingPaid(_) => reply(StatusCode::OK, "applied"),
                Outcome::Refunded(_) => reply(StatusCode::OK, "REFUNDED"),
                // Nothing new: a redelivery, or a refund of money never applied.
                Outcome::BookingRefunded(_) if !applied => reply(StatusCode::OK, "ignored"),
                Outcome::BookingRefunded(_) => reply(StatusCode::OK, "REFUNDED"),
                Outcome::Moved(state) => reply(StatusCode::OK, state.as_str()),
                Outcome::Ignored => reply(StatusCode::OK, "ignored"),
            }
        }
        Err(ApiError::NotFound(_) | ApiError::TenantNotFound) => {
            reply(StatusCode::NOT_FOUND, "unknown order")
        }
        Err(ApiError::TenantSuspended) => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "tenant suspended; try again later",
        ),
        Err(ApiError::TenantMigrating) => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "tenant being migrated; try again later",
        ),
        Err(ApiError::BadUserInput { message, .. }) => reply(StatusCode::BAD_REQUEST, &message),
        // Nothing was applied; Midtrans retries.
        Err(ApiError::Unavailable | ApiError::Transient) => {
            let mut resp = reply(
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable; try again",
            );
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                UNAVAILABLE_RETRY_SECS.into(),
            );
            resp
        }
        Err(err) => {
            if let ApiError::Internal(cause) = &err {
                tracing::error!(error = %cause, "webhook failed");
            }
            reply(StatusCode::INTERNAL_SERVER_ERROR, "try again")
        }
    }
}
