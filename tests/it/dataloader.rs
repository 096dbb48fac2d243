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
