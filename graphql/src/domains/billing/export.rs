//! A period's bills as CSV or XLSX.
//!
//! Text cells come from what managers typed (block names, unit numbers): a spreadsheet
//! would run one starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
//! formula, so both formats write every text cell through [`neutralise`] (OWASP "CSV
//! injection"). Amounts are numbers, never text.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use crate::common::error::{ApiError, ApiResult};
use crate::common::types::Period;

#[derive(FromQueryResult)]
pub struct ExportRow {
    pub block: String,
    pub unit: String,
    pub period: String,
    pub due_on: chrono::NaiveDate,
    pub status: klustera_entities::states::BillStatus,
    pub subtotal: i64,
    pub ppn: i64,
    pub late_fee: i64,
    pub total: i64,
    pub paid: i64,
}

pub const HEADERS: [&str; 11] = [
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

pub async fn rows(db: &impl ConnectionTrait, period: Period) -> ApiResult<Vec<ExportRow>> {
    Ok(ExportRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT bl.name AS block, u.number AS unit, b.period, b.due_on, b.status, b.subtotal, b.ppn, b.late_fee, \
                b.total, b.paid \
         FROM bills b JOIN units u ON u.id = b.unit_id JOIN blocks bl ON bl.id = u.block_id \
         WHERE b.period = $1 ORDER BY bl.name, u.number",
        [period.to_string().into()],
    ))
    .all(db)
    .await?)
}

/// A text cell a spreadsheet shows as text: one that could start a formula gets a leading
/// `'`, which spreadsheets display as text and do not evaluate.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn fields(r: &ExportRow) -> [String; 11] {
    [
        neutralise(&r.block),
        neutralise(&r.unit),
        r.period.clone(),
        r.due_on.to_string(),
        r.status.as_str().to_owned(),
        r.subtotal.to_string(),
        r.ppn.to_string(),
        r.late_fee.to_string(),
        r.total.to_string(),
        r.paid.to_string(),
        (r.total - r.paid).to_string(),
    ]
}

pub fn csv(rows: &[ExportRow]) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADERS).map_err(ApiError::internal)?;
    for r in rows {
        w.write_record(fields(r)).map_err(ApiError::internal)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
}

pub fn xlsx(rows: &[ExportRow]) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::Workbook;
    let err =
        |e: rust_xlsxwriter::XlsxError| ApiError::internal(std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, c, h).map_err(err)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        let f = fields(row);
        for (c, value) in (0u16..).zip(f.iter()) {
            // Money columns (5..) are numbers in the sheet; integers convert to f64 exactly below 2^53.
            if c >= 5 {
                let n: i64 = value.parse().unwrap_or_default();
                #[allow(clippy::cast_precision_loss)]
                sheet.write_number(r, c, n as f64).map_err(err)?;
            } else {
                sheet.write_string(r, c, value).map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(block: &str, unit: &str) -> ExportRow {
        ExportRow {
            block: block.into(),
            unit: unit.into(),
            period: "2026-11".into(),
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            status: klustera_entities::states::BillStatus::Unpaid,
            subtotal: 100,
            ppn: 11,
            late_fee: 0,
            total: 111,
            paid: 0,
        }
    }

    #[test]
    fn cells_that_would_start_a_formula_are_text() {
        for (raw, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tA", "'\tA"),
            ("\rA", "'\rA"),
            ("Blok A", "Blok A"),
            ("A-1", "A-1"),
            ("", ""),
        ] {
            assert_eq!(neutralise(raw), written, "{raw:?}");
        }
        let csv = String::from_utf8(csv(&[row("=cmd|' /C calc'!A0", "@7")]).unwrap()).unwrap();
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("'=cmd|"), "{line}");
        assert!(line.contains(",'@7,"), "{line}");
    }
}
