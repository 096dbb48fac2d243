//! The collection report and the bill exports, against amounts worked out by hand.
//!
//! Bills are set up directly in the database (totals, payments, due dates relative to the
//! tenant's today), so every expected figure below comes from this table, not from the
//! code under test.

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use crate::app::TestApp;

const PERIOD: &str = "2026-10";

/// `(unit id, total, paid, days past due, status)` of `PERIOD`'s bills.
const BILLS: [(i64, i64, i64, i64, &str); 11] = [
    (1, 1_000_000, 1_000_000, 5, "PAID"),
    (2, 500_000, 200_000, 0, "PARTIALLY_PAID"),
    (3, 250_000, 0, -10, "UNPAID"),
    (4, 300_000, 0, 1, "OVERDUE"),
    (5, 400_000, 100_000, 30, "OVERDUE"),
    (6, 120_000, 0, 31, "OVERDUE"),
    (7, 130_000, 30_000, 60, "OVERDUE"),
    (8, 170_000, 0, 61, "OVERDUE"),
    (9, 180_000, 0, 90, "OVERDUE"),
    (10, 190_000, 0, 91, "OVERDUE"),
    (11, 999_999, 0, 100, "VOID"),
];

/// Sets every bill of `PERIOD` as in [`BILLS`], and adds an older unpaid bill (counted in
/// the arrears, not in the period's figures) and a later one (counted nowhere).
async fn set_up(app: &TestApp) {
    let values: Vec<String> = BILLS
        .iter()
        .map(|(unit, total, paid, days, status)| {
            format!("({unit}, {total}, {paid}, {days}, '{status}')")
        })
        .collect();
    app.sql(
        "alpha",
        &format!(
            "UPDATE bills b SET subtotal = v.total, ppn = 0, late_fee = 0, total = v.total, paid = v.paid, \
                    due_on = (now() AT TIME ZONE 'Asia/Jakarta')::date - v.days, status = v.status, \
                    void_reason = CASE WHEN v.status = 'VOID' THEN 'salah tagih' END \
             FROM (VALUES {}) AS v(unit, total, paid, days, status) \
             WHERE b.unit_id = v.unit AND b.period = '{PERIOD}'; \
             INSERT INTO bills (unit_id, period, due_on, subtotal, ppn, total, status) VALUES \
                (2, '2026-09', (now() AT TIME ZONE 'Asia/Jakarta')::date - 95, 50000, 0, 50000, 'OVERDUE'), \
                (1, '2026-11', (now() AT TIME ZONE 'Asia/Jakarta')::date - 200, 777777, 0, 777777, 'UNPAID')",
            values.join(", ")
        ),
    )
    .await;
}

async fn estate() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 11, 11).await;
    let token = app.manager_token("alpha").await;
    let job = app.generate_bills("alpha", &token, PERIOD).await;
    assert_eq!(job["status"], "DONE", "{job}");
    set_up(&app).await;
    (app, token)
}

#[tokio::test]
async fn the_collection_report_adds_up_the_period_and_ages_every_arrear() {
    let (app, token) = estate().await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($p: String!) { collectionReport(period: $p) { period bills billed collected collectionRate
               arrears { current days1To30 days31To60 days61To90 over90Days } } }",
            json!({"p": PERIOD}),
        )
        .await;
    // By hand: ten bills that are not void; billed is their totals, collected their
    // payments; the rate is 1,330,000 / 3,240,000 = 41.049...%. Arrears: what is still
    // owed on every period up to this one, by days past due (0 and before: current).
    assert_eq!(
        body["data"]["collectionReport"],
        json!({
            "period": PERIOD,
            "bills": 10,
            "billed": 3_240_000,
            "collected": 1_330_000,
            "collectionRate": "41.05",
            "arrears": {
                "current": 300_000 + 250_000,
                "days1To30": 300_000 + 300_000,
                "days31To60": 120_000 + 100_000,
                "days61To90": 170_000 + 180_000,
                "over90Days": 190_000 + 50_000,
            }
        }),
        "{body}"
    );

    // An empty period: nothing billed, a rate of zero rather than a division by zero.
    let empty = app
        .gql(
            Some("alpha"),
            Some(&token),
            "{ collectionReport(period: \"2025-01\") { bills billed collected collectionRate } }",
            json!({}),
        )
        .await;
    assert_eq!(
        empty["data"]["collectionReport"],
        json!({"bills": 0, "billed": 0, "collected": 0, "collectionRate": "0"}),
        "{empty}"
    );
}

/// The export's expected rows, header first: block and unit as stored, the rest from
/// [`BILLS`], ordered by block name then unit number as the export promises.
async fn expected_rows(app: &TestApp) -> Vec<Vec<String>> {
    let places = app
        .rows(
            "alpha",
            "SELECT u.id || '|' || bl.name || '|' || u.number || '|' || \
                    ((now() AT TIME ZONE 'Asia/Jakarta')::date)::text \
             FROM units u JOIN blocks bl ON bl.id = u.block_id",
        )
        .await;
    let mut rows = Vec::new();
    for place in places {
        let [id, block, unit, today]: [&str; 4] =
            place.split('|').collect::<Vec<_>>().try_into().unwrap();
        let today: chrono::NaiveDate = today.parse().unwrap();
        let id: i64 = id.parse().unwrap();
        let (_, total, paid, days, status) = BILLS.iter().find(|b| b.0 == id).unwrap();
        rows.push(vec![
            block.to_owned(),
            unit.to_owned(),
            PERIOD.to_owned(),
            (today - chrono::TimeDelta::days(*days)).to_string(),
            (*status).to_owned(),
            total.to_string(),
            "0".into(),
            "0".into(),
            total.to_string(),
            paid.to_string(),
            (total - paid).to_string(),
        ]);
    }
    rows.sort_by(|a, b| (&a[0], &a[1]).cmp(&(&b[0], &b[1])));
    let header = [
        "block",
        "unit",
        "period",
        "due_on",
        "status",
        "subtotal",
        "ppn",
        "late_fee",
        "total",
        "paid",
        "outstanding",
    ];
    rows.insert(0, header.iter().map(|h| (*h).to_owned()).collect());
    rows
}

async fn export(app: &TestApp, token: &str, format: &str) -> (String, Vec<u8>) {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "query($p: String!, $f: ExportFormat!) { exportBills(period: $p, format: $f) { filename contentType base64 } }",
            json!({"p": PERIOD, "f": format}),
        )
        .await;
    let file = &body["data"]["exportBills"];
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["base64"].as_str().unwrap_or_else(|| panic!("{body}")))
        .unwrap();
    (file["filename"].as_str().unwrap().to_owned(), bytes)
}

#[tokio::test]
async fn the_csv_export_matches_cell_by_cell() {
    let (app, token) = estate().await;
    let expected = expected_rows(&app).await;
    let (filename, bytes) = export(&app, &token, "CSV").await;
    assert_eq!(filename, "tagihan-2026-10.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let got: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        got.len(),
        12,
        "a header and the period's 11 bills, void included"
    );
    for (r, (got, want)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "CSV row {r}");
    }
}

#[tokio::test]
async fn the_xlsx_export_opens_in_a_reader_and_matches_cell_by_cell() {
    let (app, token) = estate().await;
    let expected = expected_rows(&app).await;
    let (filename, bytes) = export(&app, &token, "XLSX").await;
    assert_eq!(filename, "tagihan-2026-10.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.get_size(), (12, 11), "rows and columns");
    for (r, want) in expected.iter().enumerate() {
        for (c, want) in want.iter().enumerate() {
            let cell = sheet.get((r, c)).unwrap();
            // Money columns are numbers (so the sheet can sum them); the rest text.
            let money = r > 0 && c >= 5;
            match cell {
                #[allow(clippy::cast_possible_truncation)]
                Data::Float(n) if money => {
                    assert_eq!(*n as i64, want.parse::<i64>().unwrap(), "cell ({r}, {c})");
                    assert_eq!(n.fract(), 0.0, "cell ({r}, {c})");
                }
                Data::String(s) if !money => assert_eq!(s, want, "cell ({r}, {c})"),
                other => panic!("cell ({r}, {c}): {other:?}, expected {want}"),
            }
        }
    }
}

/// A block or unit named like a formula is text in both exports (OWASP CSV injection):
/// a leading `'`, whatever the format.
#[tokio::test]
async fn exported_names_that_look_like_formulas_stay_text() {
    let (app, token) = estate().await;
    app.sql(
        "alpha",
        "UPDATE blocks SET name = '=HYPERLINK(\"http://evil.test\",\"x' || id || '\")'; \
         UPDATE units SET number = CASE id WHEN 1 THEN '@SUM(A1)' WHEN 2 THEN '-2+3' \
                                           WHEN 3 THEN E'\\tA' WHEN 4 THEN '+1' ELSE number END",
    )
    .await;
    let wanted = ["'@SUM(A1)", "'-2+3", "'\tA", "'+1"];
    let (_, bytes) = export(&app, &token, "CSV").await;
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let csv_cells: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    let (_, bytes) = export(&app, &token, "XLSX").await;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let xlsx_cells: Vec<(String, String)> = (1..sheet.height())
        .map(|r| {
            let text = |c| match sheet.get((r, c)).unwrap() {
                Data::String(s) => s.clone(),
                other => panic!("({r}, {c}): {other:?}"),
            };
            (text(0), text(1))
        })
        .collect();
    for cells in [csv_cells, xlsx_cells] {
        for unit in wanted {
            assert!(
                cells.iter().any(|(_, u)| u == unit),
                "{unit:?} not in {cells:?}"
            );
        }
        assert!(
            cells
                .iter()
                .all(|(b, _)| b.starts_with("'=HYPERLINK(\"http://evil.test\",\"x")),
            "{cells:?}"
        );
    }
}
