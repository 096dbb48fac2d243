//! Bills live: `billUpdated` follows one bill through every way money reaches it (a
//! Midtrans settlement, cash), and `collectionCounters` follows a period's collection.

use serde_json::{Value, json};

use crate::billing::{PERIOD, billing_app, bills_of, checkout};
use crate::live::{Ws, resident_tokens};

const BILL: &str =
    "subscription($b: ID!) { billUpdated(id: $b) { id status total paid outstanding } }";
const COUNTERS: &str = "subscription($p: String!) { collectionCounters(period: $p) { period bills billed collected collectionRate } }";
const PAY: &str = "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount } }";

/// The next `next` message's data for subscription `id`.
async fn next(ws: &mut Ws, id: &str, field: &str) -> Value {
    let message = ws.recv().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], id, "{message}");
    message["payload"]["data"][field].clone()
}

/// The next values of subscriptions `a` (or `b`) and `c`, whichever comes first: the two
/// streams hear the same event independently.
async fn bill_and_counters(ws: &mut Ws, bill: &str) -> (Value, Value) {
    let (mut update, mut counters) = (Value::Null, Value::Null);
    for _ in 0..2 {
        let message = ws.recv().await;
        assert_eq!(message["type"], "next", "{message}");
        let data = &message["payload"]["data"];
        match message["id"].as_str() {
            Some("c") => counters = data["collectionCounters"].clone(),
            Some(id) if id == bill => update = data["billUpdated"].clone(),
            _ => panic!("unexpected {message}"),
        }
    }
    (update, counters)
}

fn update(id: &str, status: &str, total: i64, paid: i64) -> Value {
    json!({"id": id, "status": status, "total": total, "paid": paid, "outstanding": total - paid})
}

#[tokio::test]
async fn a_bill_turns_paid_live_after_a_settlement_and_after_cash() {
    let (app, fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    app.generate_bills("alpha", &manager, PERIOD).await;
    let bills = bills_of(&app, "alpha", &manager).await;
    let (a, b) = (
        bills[0]["id"].as_str().unwrap(),
        bills[1]["id"].as_str().unwrap(),
    );
    let (total_a, total_b) = (
        bills[0]["total"].as_i64().unwrap(),
        bills[1]["total"].as_i64().unwrap(),
    );

    let mut ws = Ws::ready(&app, &manager).await;
    ws.subscribe("a", BILL, json!({"b": a})).await;
    assert_eq!(
        next(&mut ws, "a", "billUpdated").await,
        update(a, "UNPAID", total_a, 0)
    );
    ws.subscribe("b", BILL, json!({"b": b})).await;
    assert_eq!(
        next(&mut ws, "b", "billUpdated").await,
        update(b, "UNPAID", total_b, 0)
    );
    ws.subscribe("c", COUNTERS, json!({"p": PERIOD})).await;
    let counters = next(&mut ws, "c", "collectionCounters").await;
    assert_eq!(
        counters,
        json!({"period": PERIOD, "bills": 2, "billed": total_a + total_b, "collected": 0, "collectionRate": "0"})
    );

    // Through the fake Midtrans: checkout, then its signed settlement.
    let (order, _) = checkout(&app, &manager, a).await;
    let settled = app
        .client()
        .post(app.url("/webhooks/midtrans"))
        .json(&fake.notification(&order, &format!("{total_a}.00"), "settlement"))
        .send()
        .await
        .unwrap();
    assert_eq!(settled.status(), 200);
    let (bill, counters) = bill_and_counters(&mut ws, "a").await;
    assert_eq!(bill, update(a, "PAID", total_a, total_a));
    assert_eq!(counters["collected"], total_a);

    // Cash, in two parts.
    let part = app
        .gql(
            Some("alpha"),
            Some(&manager),
            PAY,
            json!({"b": b, "a": 1000}),
        )
        .await;
    assert_eq!(part["data"]["recordPayment"]["amount"], 1000, "{part}");
    let (bill, counters) = bill_and_counters(&mut ws, "b").await;
    assert_eq!(bill, update(b, "PARTIALLY_PAID", total_b, 1000));
    assert_eq!(counters["collected"], total_a + 1000);
    app.gql(
        Some("alpha"),
        Some(&manager),
        PAY,
        json!({"b": b, "a": total_b - 1000}),
    )
    .await;
    let (bill, counters) = bill_and_counters(&mut ws, "b").await;
    assert_eq!(bill, update(b, "PAID", total_b, total_b));
    assert_eq!(counters["collected"], total_a + total_b);
    assert_eq!(counters["collectionRate"], "100");
}

#[tokio::test]
async fn residents_watch_only_their_household_bills_and_only_managers_the_counters() {
    let (app, _fake, _sink) = billing_app().await;
    app.tenant("alpha", 4, 4).await;
    let manager = app.manager_token("alpha").await;
    app.generate_bills("alpha", &manager, PERIOD).await;
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let own: Vec<String> = bills_of(&app, "alpha", &resident)
        .await
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    let other = bills_of(&app, "alpha", &manager)
        .await
        .into_iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .find(|id| !own.contains(id))
        .unwrap();

    let mut ws = Ws::ready(&app, &resident).await;
    ws.subscribe("own", BILL, json!({"b": own[0]})).await;
    assert_eq!(
        next(&mut ws, "own", "billUpdated").await["status"],
        "UNPAID"
    );
    for (id, query, variables) in [
        ("other", BILL, json!({"b": other})),
        ("counters", COUNTERS, json!({"p": PERIOD})),
    ] {
        ws.subscribe(id, query, variables).await;
        let error = ws.recv().await;
        assert_eq!(error["type"], "error", "{error}");
        assert_eq!(error["id"], id);
        let expected = if id == "other" {
            "NOT_FOUND"
        } else {
            "FORBIDDEN"
        };
        assert_eq!(
            error["payload"][0]["extensions"]["code"], expected,
            "{error}"
        );
    }
}
