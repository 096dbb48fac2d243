//! `GET /calendar/<token>.ics`: a private booking feed as iCalendar (RFC 5545), for Google
//! Calendar or a phone. The token names the tenant and the feed
//! (`bookings::calendar::parse_token`); what the feed may show is decided there. An
//! unknown, revoked or malformed token is 404, a suspended tenant's feed 503.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike};

use klustera_graphql::ApiError;
use klustera_graphql::domains::bookings::calendar;

use super::state::AppState;

pub async fn feed(State(app): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((slug, secret)) = file.strip_suffix(".ics").and_then(calendar::parse_token) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let read = async {
        let tx = app.binder.begin(&slug).await?;
        let feed = calendar::entries(&tx, secret).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(feed)
    }
    .await;
    let (title, entries) = match read {
        Ok(feed) => feed,
        Err(ApiError::NotFound(_) | ApiError::TenantNotFound) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(ApiError::TenantSuspended | ApiError::TenantMigrating) => {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Err(err) => {
            if let ApiError::Internal(cause) = &err {
                tracing::error!(error = %cause, "calendar feed failed");
            }
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut cal = Calendar::new();
    cal.name(&title);
    for e in entries {
        cal.push(
            Event::new()
                .uid(&format!("booking-{}@{slug}.klustera", e.id))
                .summary(&format!("{} ({})", e.facility, e.unit))
                .description(&e.status)
                .starts(e.starts_at.to_utc())
                .ends(e.ends_at.to_utc())
                .done(),
        );
    }
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        cal.done().to_string(),
    )
        .into_response()
}
