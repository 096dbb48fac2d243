//! A local fake of Midtrans Snap that speaks its real protocol.
//!
//! - `POST /snap/v1/transactions` with the server key as basic auth: creates a transaction
//!   and answers `201 {"token", "redirect_url"}` (400 for a reused order id, 401 for a bad key).
//! - `GET /snap/v2/vtweb/{token}`: a payment page with a "Bayar" button.
//! - `POST /snap/v2/vtweb/{token}/pay`: "pays": posts the signed `pending` then
//!   `settlement` HTTP notifications to the merchant's notification URL, as Midtrans does.
//! - `POST /snap/v2/vtweb/{token}/refund[?amount=N]`: gives back `N` rupiah of the order
//!   (all that is left without `amount`) and posts the signed `partial_refund` (or, once all
//!   of it is given back, `refund`) notification with the cumulative `refund_amount`, as
//!   Midtrans does after a refund from its dashboard.
//!
//! [`FakeMidtrans::hold`] makes it slow on purpose: new transactions wait for
//! [`FakeMidtrans::release`] before they are answered.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};

use klustera_graphql::domains::billing::midtrans::signature;

#[derive(Debug, Clone)]
pub struct FakeOrder {
    pub order_id: String,
    pub gross_amount: i64,
    /// What its refunds gave back so far, in all.
    pub refunded: i64,
}

struct Inner {
    server_key: String,
    notification_url: String,
    base_url: Mutex<String>,
    orders: Mutex<HashMap<String, FakeOrder>>,
    http: reqwest::Client,
    /// Whether transactions are held, and how many are waiting.
    held: tokio::sync::watch::Sender<(bool, usize)>,
}

/// A running fake; cheap to clone.
#[derive(Clone)]
pub struct FakeMidtrans {
    inner: Arc<Inner>,
    pub addr: SocketAddr,
}

impl FakeMidtrans {
    /// Starts on `bind` (port 0: any free port) and posts notifications to `notification_url`.
    pub async fn start(
        bind: SocketAddr,
        server_key: &str,
        notification_url: &str,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            server_key: server_key.to_owned(),
            notification_url: notification_url.to_owned(),
            base_url: Mutex::new(format!("http://{addr}")),
            orders: Mutex::default(),
            http: reqwest::Client::new(),
            held: tokio::sync::watch::Sender::new((false, 0)),
        });
        let router = axum::Router::new()
            .route("/snap/v1/transactions", post(create))
            .route("/snap/v2/vtweb/{token}", get(page))
            .route("/snap/v2/vtweb/{token}/pay", post(pay))
            .route("/snap/v2/vtweb/{token}/refund", post(refund))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(Self { inner, addr })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Transactions created so far, by token.
    pub fn orders(&self) -> HashMap<String, FakeOrder> {
        self.inner
            .orders
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default()
    }

    /// Holds new transactions unanswered until [`Self::release`].
    pub fn hold(&self) {
        self.inner.held.send_modify(|(held, _)| *held = true);
    }

    /// Answers the held transactions, and the next ones at once.
    pub fn release(&self) {
        self.inner.held.send_modify(|(held, _)| *held = false);
    }

    /// Waits until `n` transactions are held.
    pub async fn until_holding(&self, n: usize) {
        let mut held = self.inner.held.subscribe();
        // The sender lives in `inner`, which `self` keeps alive: this cannot fail.
        let _ = held.wait_for(|(_, waiting)| *waiting >= n).await;
    }

    /// A `refund` or `partial_refund` notification: `refunded` is what the order's
    /// refunds gave back so far in all (`refund_amount`), as Midtrans reports it.
    pub fn refund_notification(
        &self,
        order_id: &str,
        gross_amount: &str,
        transaction_status: &str,
        refunded: i64,
    ) -> Value {
        let mut body = self.notification(order_id, gross_amount, transaction_status);
        body["refund_amount"] = json!(format!("{refunded}.00"));
        body
    }

    /// A notification body as Midtrans would sign and send it.
    pub fn notification(
        &self,
        order_id: &str,
        gross_amount: &str,
        transaction_status: &str,
    ) -> Value {
        notification(
            &self.inner.server_key,
            order_id,
            gross_amount,
            transaction_status,
        )
    }
}

/// A signed notification body (`status_code` as Midtrans sets it for the status).
pub fn notification(
    server_key: &str,
    order_id: &str,
    gross_amount: &str,
    transaction_status: &str,
) -> Value {
    let status_code = match transaction_status {
        "settlement" | "capture" | "refund" | "partial_refund" => "200",
        "pending" => "201",
        _ => "202",
    };
    json!({
        "transaction_time": "2026-11-24 10:00:00",
        "transaction_status": transaction_status,
        "transaction_id": format!("fake-{order_id}"),
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "signature_key": signature(order_id, status_code, gross_amount, server_key),
        "payment_type": "bank_transfer",
        "order_id": order_id,
        "merchant_id": "FAKE",
        "gross_amount": gross_amount,
        "fraud_status": "accept",
        "currency": "IDR"
    })
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error_messages": [message]}))).into_response()
}

async fn create(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:", inner.server_key))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Access denied due to unauthorized transaction",
        );
    }
    let details = &body["transaction_details"];
    let (Some(order_id), Some(gross)) = (
        details["order_id"].as_str(),
        details["gross_amount"].as_i64(),
    ) else {
        return error(StatusCode::BAD_REQUEST, "transaction_details is required");
    };
    if order_id.is_empty() || order_id.len() > 50 || gross <= 0 {
        return error(StatusCode::BAD_REQUEST, "transaction_details is invalid");
    }
    if inner.held.borrow().0 {
        let mut held = inner.held.subscribe();
        inner.held.send_modify(|(_, waiting)| *waiting += 1);
        let _ = held.wait_for(|(held, _)| !held).await;
        inner.held.send_modify(|(_, waiting)| *waiting -= 1);
    }
    let Ok(mut orders) = inner.orders.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "fake state poisoned");
    };
    if orders.values().any(|o| o.order_id == order_id) {
        return error(
            StatusCode::BAD_REQUEST,
            "transaction_details.order_id has already been taken",
        );
    }
    let token = uuid::Uuid::new_v4().to_string();
    orders.insert(
        token.clone(),
        FakeOrder {
            order_id: order_id.to_owned(),
            gross_amount: gross,
            refunded: 0,
        },
    );
    let base = inner.base_url.lock().map(|b| b.clone()).unwrap_or_default();
    let redirect_url = format!("{base}/snap/v2/vtweb/{token}");
    (
        StatusCode::CREATED,
        Json(json!({"token": token, "redirect_url": redirect_url})),
    )
        .into_response()
}

async fn page(State(inner): State<Arc<Inner>>, Path(token): Path<String>) -> Response {
    let order = inner
        .orders
        .lock()
        .ok()
        .and_then(|o| o.get(&token).cloned());
    let Some(order) = order else {
        return error(StatusCode::NOT_FOUND, "unknown token");
    };
    Html(format!(
        "<!doctype html><title>Fake Midtrans</title><h1>Bayar Rp {}</h1><p>Order {}</p>\
         <form method=post action=\"/snap/v2/vtweb/{token}/pay\"><button>Bayar</button></form>",
        order.gross_amount, order.order_id
    ))
    .into_response()
}

async fn pay(State(inner): State<Arc<Inner>>, Path(token): Path<String>) -> Response {
    let order = inner
        .orders
        .lock()
        .ok()
        .and_then(|o| o.get(&token).cloned());
    let Some(order) = order else {
        return error(StatusCode::NOT_FOUND, "unknown token");
    };
    let gross = format!("{}.00", order.gross_amount);
    let mut answers = Vec::new();
    for status in ["pending", "settlement"] {
        let body = notification(&inner.server_key, &order.order_id, &gross, status);
        let answer = match inner
            .http
            .post(&inner.notification_url)
            .json(&body)
            .send()
            .await
        {
            Ok(resp) => format!("{status}: {}", resp.status()),
            Err(e) => format!("{status}: {e}"),
        };
        answers.push(answer);
    }
    Json(json!({"order_id": order.order_id, "notifications": answers})).into_response()
}

#[derive(serde::Deserialize)]
struct RefundParams {
    amount: Option<i64>,
}

async fn refund(
    State(inner): State<Arc<Inner>>,
    Path(token): Path<String>,
    Query(params): Query<RefundParams>,
) -> Response {
    let order = {
        let Ok(mut orders) = inner.orders.lock() else {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "fake state poisoned");
        };
        let Some(order) = orders.get_mut(&token) else {
            return error(StatusCode::NOT_FOUND, "unknown token");
        };
        let left = order.gross_amount - order.refunded;
        let amount = params.amount.unwrap_or(left);
        if amount <= 0 || amount > left {
            return error(StatusCode::BAD_REQUEST, "refund amount is invalid");
        }
        order.refunded += amount;
        order.clone()
    };
    let status = if order.refunded == order.gross_amount {
        "refund"
    } else {
        "partial_refund"
    };
    let mut body = notification(
        &inner.server_key,
        &order.order_id,
        &format!("{}.00", order.gross_amount),
        status,
    );
    body["refund_amount"] = json!(format!("{}.00", order.refunded));
    let answer = match inner
        .http
        .post(&inner.notification_url)
        .json(&body)
        .send()
        .await
    {
        Ok(resp) => format!("{status}: {}", resp.status()),
        Err(e) => format!("{status}: {e}"),
    };
    Json(json!({"order_id": order.order_id, "refunded": order.refunded, "notifications": [answer]}))
        .into_response()
}
