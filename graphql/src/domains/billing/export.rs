//! A period's bills as CSV or XLSX.

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

fn fields(r: &ExportRow) -> [String; 11] {
    [
        r.block.clone(),
        r.unit.clone(),
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
