use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Paying for bookings, per facility: through Midtrans Snap (the billing checkout's own
/// order kind) or on the unit's next monthly bill.
///
/// - `midtrans_orders` pays exactly one of a bill or a booking.
/// - `booking_payments`: money that reached a booking; unique per Midtrans order, so a
///   settlement applies once however often it is delivered.
/// - `booking_charges`: the items a NEXT_BILL booking puts on the unit's next generated
///   bill (its quote lines and deposit, amounts and PPN as quoted); `bill_id` is set in
///   the transaction that creates that bill (rows locked), so a charge is billed exactly
///   once.
/// - `notifications.booking_id`: booking receipts in the billing outbox.
const UP: &str = r#"
ALTER TABLE facilities ADD COLUMN payment TEXT NOT NULL DEFAULT 'MIDTRANS'
    CHECK (payment IN ('MIDTRANS', 'NEXT_BILL'));

ALTER TABLE midtrans_orders ALTER COLUMN bill_id DROP NOT NULL;
ALTER TABLE midtrans_orders ADD COLUMN booking_id BIGINT REFERENCES bookings (id);
ALTER TABLE midtrans_orders ADD CONSTRAINT midtrans_orders_one_target
    CHECK ((bill_id IS NULL) <> (booking_id IS NULL));
CREATE INDEX midtrans_orders_booking ON midtrans_orders (booking_id) WHERE booking_id IS NOT NULL;

CREATE TABLE booking_payments (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id         BIGINT NOT NULL REFERENCES bookings (id),
    method             TEXT NOT NULL CHECK (method IN ('MIDTRANS', 'NEXT_BILL')),
    amount             BIGINT NOT NULL CHECK (amount > 0),
    midtrans_order_id  TEXT UNIQUE REFERENCES midtrans_orders (order_id),
    reference          TEXT,
    paid_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX booking_payments_booking ON booking_payments (booking_id);

CREATE TABLE booking_charges (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id   BIGINT NOT NULL REFERENCES bookings (id),
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    description  TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount >= 0),
    ppn_rate_bp  INTEGER NOT NULL DEFAULT 0,
    ppn          BIGINT NOT NULL DEFAULT 0 CHECK (ppn >= 0),
    bill_id      BIGINT REFERENCES bills (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX booking_charges_booking ON booking_charges (booking_id);
CREATE INDEX booking_charges_unbilled ON booking_charges (unit_id) WHERE bill_id IS NULL;

ALTER TABLE notifications ADD COLUMN booking_id BIGINT REFERENCES bookings (id);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "ALTER TABLE notifications DROP COLUMN booking_id; DROP TABLE booking_charges; \
             DROP TABLE booking_payments; \
             ALTER TABLE midtrans_orders DROP CONSTRAINT midtrans_orders_one_target; \
             ALTER TABLE midtrans_orders DROP COLUMN booking_id; \
             ALTER TABLE midtrans_orders ALTER COLUMN bill_id SET NOT NULL; \
             ALTER TABLE facilities DROP COLUMN payment;",
        )
        .await
    }
}
