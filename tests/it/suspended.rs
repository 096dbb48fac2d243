//! Suspended tenants: WebSocket connections refused and closed on every instance,
//! Midtrans notifications refused (and retried by Midtrans) until the tenant is resumed.

use std::time::Duration;

use serde_json::json;

use klustera::dev::fake_midtrans::notification;
use klustera::tenancy::provision;
use klustera_graphql::common::types::TenantSlug;

use crate::app::{TestApp, gid};
use crate::billing::{SERVER_KEY, billing_app};
use crate::live::{TALLY, TRANSPORT, Ws, create_poll};

/// Suspends or resumes `slug` the way `klustera tenant suspend|resume` does: from a
/// database connection of no gateway.
async fn set_active(app: &TestApp, slug: &str, active: bool) {
    let db = sea_orm::Database::connect(&app.db_url).await.unwrap();
    provision::set_status(&db, &TenantSlug::parse(slug).unwrap(), active)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_suspended_tenant_is_refused_and_its_open_connections_close_on_every_instance() {
    let one = TestApp::spawn().await;
    let two = one.spawn_beside(|_| {}).await;
    one.tenant("alpha", 2, 2).await;
    one.tenant("beta", 2, 2).await;
    let alpha = one.manager_token("alpha").await;
    let beta = one.manager_token("beta").await;
    let (poll, _) = create_poll(&one, "alpha", &alpha, "UNIT", false).await;
    let (beta_poll, _) = create_poll(&one, "beta", &beta, "UNIT", false).await;

    let mut on_one = Ws::ready(&one, &alpha).await;
    let mut on_two = Ws::ready(&two, &alpha).await;
    let mut other_tenant = Ws::ready(&one, &beta).await;
    for ws in [&mut on_one, &mut on_two] {
        ws.subscribe("t", TALLY, json!({"p": poll})).await;
        assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);
    }
    other_tenant
        .subscribe("t", TALLY, json!({"p": beta_poll}))
        .await;
    assert_eq!(
        other_tenant.recv().await["payload"]["data"]["voteTally"]["total"],
        0
    );

    set_active(&one, "alpha", false).await;
    // Open subscriptions of alpha end on both instances, within two seconds.
    for ws in [&mut on_one, &mut on_two] {
        let (code, reason) = ws.closed_within(Duration::from_secs(2)).await;
        assert_eq!(code, 4403);
        assert!(reason.contains("suspended"), "{reason}");
    }
    // Another tenant's connection stays.
    other_tenant.send(json!({"type": "ping"})).await;
    assert_eq!(other_tenant.recv().await["type"], "pong");

    // A new connection of alpha is refused at connection_init.
    let mut refused = Ws::connect(&two, TRANSPORT).await;
    refused
        .send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {alpha}")}}))
        .await;
    let (code, reason) = refused.closed().await;
    assert_eq!(code, 4403);
    assert!(reason.contains("suspended"), "{reason}");

    // Resumed: connections are accepted again.
    set_active(&one, "alpha", true).await;
    let mut back = Ws::ready(&two, &alpha).await;
    back.subscribe("t", TALLY, json!({"p": poll})).await;
    assert_eq!(
        back.recv().await["payload"]["data"]["voteTally"]["total"],
        0
    );
}

#[tokio::test]
async fn midtrans_notifications_of_a_suspended_tenant_are_refused_until_it_is_resumed() {
    let (app, _fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    let job = app.generate_bills("alpha", &token, "2026-10").await;
    assert_eq!(job["status"], "DONE", "{job}");
    let bill_row = app
        .rows("alpha", "SELECT min(id)::text FROM bills")
        .await
        .remove(0);
    let bill = gid("Bill", bill_row.parse().unwrap());
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { createPayment(billId: $b) { orderId grossAmount } }",
            json!({"b": bill}),
        )
        .await;
    let order = body["data"]["createPayment"]["orderId"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let gross = format!("{}.00", body["data"]["createPayment"]["grossAmount"]);
    let settlement = notification(SERVER_KEY, &order, &gross, "settlement");
    let state = format!(
        "SELECT b.status || ' ' || b.paid || ' ' || (SELECT count(*) FROM payments p WHERE p.bill_id = b.id) \
         FROM bills b WHERE b.id = {bill_row}"
    );

    set_active(&app, "alpha", false).await;
    let status = post(&app, &settlement).await;
    assert!(
        (500..600).contains(&status),
        "refused so that Midtrans retries: {status}"
    );
    assert_eq!(
        app.rows("alpha", &state).await,
        vec!["UNPAID 0 0"],
        "nothing applied"
    );

    // Midtrans retries after the tenant is back: the payment applies, once.
    set_active(&app, "alpha", true).await;
    assert_eq!(post(&app, &settlement).await, 200);
    let paid = app.rows("alpha", &state).await.remove(0);
    assert!(paid.starts_with("PAID ") && paid.ends_with(" 1"), "{paid}");
    assert_eq!(
        post(&app, &settlement).await,
        200,
        "a duplicate is acknowledged"
    );
    assert_eq!(app.rows("alpha", &state).await.remove(0), paid);
}

/// Posts a notification to the webhook as Midtrans does; returns the status.
async fn post(app: &TestApp, notification: &serde_json::Value) -> u16 {
    app.client()
        .post(app.url("/webhooks/midtrans"))
        .json(notification)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
