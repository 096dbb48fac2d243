use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Refunds as their own records: each takes back part or all of one payment.
///
/// `source` says where it came from: a Midtrans `refund`/`partial_refund` notification
/// (`midtrans_key`, unique, names what it covered, so a redelivered notification records
/// nothing) or a manager recording cash or a transfer given back by hand (`MANUAL`, with
/// `created_by`). A payment's refunds never add up to more than the payment and a bill's
/// `paid` is its payments less their refunds: both are kept by `billing::service::refund`
/// under the bill's lock, and `paid >= 0` backs it here.
const UP: &str = r#"
CREATE TABLE refunds (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id       BIGINT NOT NULL REFERENCES bills (id),
    payment_id    BIGINT NOT NULL REFERENCES payments (id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    source        TEXT NOT NULL CHECK (source IN ('MIDTRANS', 'MANUAL')),
    midtrans_key  TEXT UNIQUE,
    reason        TEXT CHECK (length(reason) <= 500),
    created_by    BIGINT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((source = 'MIDTRANS') = (midtrans_key IS NOT NULL))
);
CREATE INDEX refunds_bill ON refunds (bill_id);
CREATE INDEX refunds_payment ON refunds (payment_id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "DROP TABLE refunds;").await
    }
}
