//! Input that is never valid is refused before any resolver runs, with `BAD_USER_INPUT`
//! naming where it was: rupiah out of range or not whole, NUL bytes and endless text in any
//! string argument, tenant names that cannot be slugs, phone numbers with a `0` after `+62`.
//! And nothing already stored can make a later job fail.

use serde_json::{Value, json};

use crate::app::{TestApp, code};

const TARIFF: &str =
    "mutation($r: Rupiah!) { createTariff(input: {name: \"Besar\", kind: FIXED, rate: $r}) }";

fn field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn rupiah_out_of_range_or_not_whole_is_bad_input() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    // A JavaScript client would read 9,007,199,254,740,993 as ...992; i64::MAX would
    // overflow every later bill.
    for rate in [
        json!(9_007_199_254_740_993_i64),
        json!(i64::MAX),
        json!(1_000_000_000_001_i64),
        json!(-5),
        json!(1500.5),
        json!("NaN"),
        json!("Infinity"),
        json!(1e300),
    ] {
        let body = app
            .gql(Some("alpha"), Some(&token), TARIFF, json!({"r": rate}))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{rate}: {body}");
    }
    // Literals in the document, NaN included, are refused the same way.
    for literal in ["NaN", "1e400", "9007199254740993", "1.5"] {
        let body = app
            .gql(
                Some("alpha"),
                Some(&token),
                &format!(
                    "mutation {{ recordPayment(input: {{billId: \"x\", amount: {literal}, method: CASH}}) {{ id }} }}"
                ),
                json!({}),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{literal}: {body}");
    }
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            TARIFF,
            json!({"r": 1_000_000_000_000_i64}),
        )
        .await;
    assert!(body["errors"].is_null(), "the bound itself is fine: {body}");
}

#[tokio::test]
async fn an_amount_stored_out_of_range_skips_its_unit_and_the_job_completes() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let token = app.manager_token("alpha").await;
    // Written before the bound existed (or by hand): generation must not fail on it.
    app.sql(
        "alpha",
        "INSERT INTO tariffs (name, kind, rate, unit_type) \
         SELECT 'Warisan', 'FIXED', 9223372036854775807, unit_type FROM units WHERE id = 1",
    )
    .await;
    let job = app.generate_bills("alpha", &token, "2026-10").await;
    assert_eq!(job["status"], "DONE", "{job}");
    let refused = &job["progress"]["refused"];
    assert!(
        refused
            .as_array()
            .is_some_and(|r| !r.is_empty() && r.iter().all(|r| r["code"] == "AMOUNT_OUT_OF_RANGE")),
        "{job}"
    );
    // Every other unit got its bill, and no bill total is beyond what clients read exactly.
    let bills = app
        .rows(
            "alpha",
            "SELECT count(*) || ':' || coalesce(max(total), 0) FROM bills",
        )
        .await;
    let (count, max) = bills[0].split_once(':').unwrap();
    let units: usize = app.rows("alpha", "SELECT count(*)::text FROM units").await[0]
        .parse()
        .unwrap();
    assert_eq!(
        count.parse::<usize>().unwrap(),
        units - refused.as_array().unwrap().len()
    );
    assert!(max.parse::<i64>().unwrap() < (1 << 53));
}

#[tokio::test]
async fn nul_bytes_and_endless_text_are_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    // Anonymous, before any tenant data: the login identifier.
    let body = app
        .gql(
            Some("alpha"),
            None,
            "mutation($i: String!) { login(identifier: $i, password: \"x\") { accessToken } }",
            json!({"i": "budi\u{0}@mail.test"}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(field(&body), "login.identifier", "{body}");
    // Free text of any field, in an input object, literal or variable.
    let long = "a".repeat(100_000);
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($r: String!) { voidBill(id: \"x\", reason: $r) { id } }",
            json!({"r": long}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(field(&body), "voidBill.reason", "{body}");
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
            json!({"i": {"billId": "x", "amount": 1, "method": "CASH", "reference": long}}),
        )
        .await;
    assert_eq!(field(&body), "recordPayment.input.reference", "{body}");
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "{ bills(filter: {period: \"2026-10\\u0000\"}) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(field(&body), "bills.filter.period", "{body}");
}

#[tokio::test]
async fn tenant_names_that_cannot_be_slugs_are_bad_input() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    for name in ["Robert'); DROP", "a", "control", "ALPHA"] {
        let body = app
            .gql(Some(name), None, "{ tenant { name } }", json!({}))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{name}: {body}");
    }
    // A slug nobody registered is still unknown.
    let body = app
        .gql(Some("nobody"), None, "{ tenant { name } }", json!({}))
        .await;
    assert_eq!(code(&body), "TENANT_NOT_FOUND", "{body}");
}

#[tokio::test]
async fn a_zero_after_the_country_code_is_not_a_phone_number() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    let create = "mutation($p: String!) { createResident(input: {fullName: \"Rina\", phone: $p}) { phone } }";
    for phone in ["+62 0813 1111 2222", "+620813-1111-2222", "62081311112222"] {
        let body = app
            .gql(Some("alpha"), Some(&token), create, json!({"p": phone}))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{phone}: {body}");
        assert_eq!(field(&body), "phone", "{body}");
    }
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            create,
            json!({"p": "+62 813 1111 2222"}),
        )
        .await;
    assert_eq!(
        body["data"]["createResident"]["phone"], "+6281311112222",
        "{body}"
    );
}
