use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Refunds of booking payments as their own records, like a bill's `refunds`: each takes
/// back part or all of one `booking_payments` row. A Midtrans `refund`/`partial_refund`
/// notification of a booking order records what it gave back beyond what is recorded
/// (`midtrans_key`, unique, names what it covered, so a redelivered notification records
/// nothing). The booking's `paid` drops by exactly each refund and its `refund_due` by as
/// much (never below 0), under the booking's row lock (`bookings::payment::refund_order`);
/// `bookings.paid >= 0` backs it here.
const UP: &str = r#"
CREATE TABLE booking_refunds (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id    BIGINT NOT NULL REFERENCES bookings (id),
    payment_id    BIGINT NOT NULL REFERENCES booking_payments (id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    source        TEXT NOT NULL CHECK (source IN ('MIDTRANS', 'MANUAL')),
    midtrans_key  TEXT UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((source = 'MIDTRANS') = (midtrans_key IS NOT NULL))
);
CREATE INDEX booking_refunds_booking ON booking_refunds (booking_id);
CREATE INDEX booking_refunds_payment ON booking_refunds (payment_id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, "DROP TABLE booking_refunds;").await
    }
}
