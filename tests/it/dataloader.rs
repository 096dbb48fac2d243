//! A nested query costs statements by its depth, not by its size.

use serde_json::json;

use crate::app::TestApp;

const NESTED: &str = "query($n: Int!) { units(first: $n) { edges { node { number
    residents { fullName units { number block { name } } } } } } }";

#[tokio::test]
async fn statement_count_does_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    app.tenant("estate", 240, 600).await;
    let token = app.manager_token("estate").await;
    // The first request of a login on an instance also reads its auth version (then cached).
    app.gql(Some("estate"), Some(&token), "{ me { id } }", json!({}))
        .await;

    let mut counts = Vec::new();
    for n in [10, 200] {
        let before = app.statements().await;
        let body = app
            .gql(Some("estate"), Some(&token), NESTED, json!({"n": n}))
            .await;
        let after = app.statements().await;
        let edges = body["data"]["units"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(edges.len(), n);
        assert!(
            edges
                .iter()
                .all(|e| !e["node"]["residents"].as_array().unwrap().is_empty())
        );
        counts.push(after - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for N=10 and N=200: {counts:?}"
    );
    // bind + units page + residents of units + units of residents + blocks
    assert!(
        counts[0] <= 5,
        "expected at most 5 statements, got {}",
        counts[0]
    );
}

const BILLING: &str = "query($n: Int!) { units(first: $n) { edges { node { number
    residents { fullName } bills(last: 3) { period total items { amount ppn } payments { amount method } } } } } }";

#[tokio::test]
async fn billing_shape_statement_count_does_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    app.tenant("estate", 60, 90).await;
    let token = app.manager_token("estate").await;
    for period in ["2026-07", "2026-08", "2026-09", "2026-10"] {
        assert_eq!(
            app.generate_bills("estate", &token, period).await["status"],
            "DONE"
        );
    }
    app.sql("estate", "INSERT INTO payments (bill_id, method, amount) SELECT id, 'CASH', total FROM bills WHERE id % 5 <> 0; \
                       UPDATE bills SET paid = total, status = 'PAID' WHERE id % 5 <> 0").await;

    let mut counts = Vec::new();
    for n in [10, 50] {
        let before = app.statements().await;
        let body = app
            .gql(Some("estate"), Some(&token), BILLING, json!({"n": n}))
            .await;
        let after = app.statements().await;
        let edges = body["data"]["units"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(edges.len(), n);
        for e in edges {
            let bills = e["node"]["bills"].as_array().unwrap();
            assert_eq!(bills.len(), 3, "last 3 of 4 periods");
            assert_eq!(bills[0]["period"], "2026-10", "newest first");
            assert!(!bills[0]["items"].as_array().unwrap().is_empty());
        }
        counts.push(after - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for N=10 and N=50: {counts:?}"
    );
    // bind + units + residents + bills + items + payments
    assert!(
        counts[0] <= 6,
        "expected at most 6 statements, got {}",
        counts[0]
    );
}
