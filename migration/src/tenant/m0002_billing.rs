use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Money is integer rupiah (BIGINT) everywhere; rates are basis points (1100 = 11%).
const UP: &str = r#"
CREATE TABLE settings (
    id              BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    billing_day     SMALLINT NOT NULL DEFAULT 1 CHECK (billing_day BETWEEN 1 AND 28),
    due_day         SMALLINT NOT NULL DEFAULT 10 CHECK (due_day BETWEEN 1 AND 28),
    late_fee_kind   TEXT NOT NULL DEFAULT 'NONE' CHECK (late_fee_kind IN ('NONE', 'FLAT', 'PERCENT')),
    late_fee_value  BIGINT NOT NULL DEFAULT 0 CHECK (late_fee_value >= 0)
);
INSERT INTO settings DEFAULT VALUES;

CREATE TABLE tariffs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind         TEXT NOT NULL CHECK (kind IN ('FIXED', 'PER_AREA', 'METERED', 'ONE_OFF')),
    rate         BIGINT NOT NULL CHECK (rate >= 0),
    ppn_rate_bp  INTEGER NOT NULL DEFAULT 0 CHECK (ppn_rate_bp BETWEEN 0 AND 10000),
    unit_type    TEXT CHECK (unit_type IN ('HOUSE', 'APARTMENT', 'SHOPHOUSE', 'LAND')),
    active       BOOLEAN NOT NULL DEFAULT true,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE meter_readings (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    tariff_id   BIGINT NOT NULL REFERENCES tariffs (id),
    period      TEXT NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    usage       NUMERIC(12, 2) NOT NULL CHECK (usage >= 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (unit_id, tariff_id, period)
);

CREATE TABLE one_off_charges (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    tariff_id   BIGINT NOT NULL REFERENCES tariffs (id),
    period      TEXT NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    quantity    INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    note        TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX one_off_charges_period ON one_off_charges (period, unit_id);

CREATE TABLE bills (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id           BIGINT NOT NULL REFERENCES units (id),
    period            TEXT NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    due_on            DATE NOT NULL,
    status            TEXT NOT NULL DEFAULT 'UNPAID'
                      CHECK (status IN ('UNPAID', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'VOID')),
    subtotal          BIGINT NOT NULL CHECK (subtotal >= 0),
    ppn               BIGINT NOT NULL CHECK (ppn >= 0),
    late_fee          BIGINT NOT NULL DEFAULT 0 CHECK (late_fee >= 0),
    total             BIGINT NOT NULL,
    paid              BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    void_reason       TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (unit_id, period),
    CHECK (total = subtotal + ppn + late_fee),
    CHECK (paid <= total),
    CHECK ((status = 'VOID') = (void_reason IS NOT NULL))
);
CREATE INDEX bills_period_status ON bills (period, status);
CREATE INDEX bills_due ON bills (due_on) WHERE status IN ('UNPAID', 'PARTIALLY_PAID', 'OVERDUE');

CREATE TABLE bill_items (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id      BIGINT NOT NULL REFERENCES bills (id),
    tariff_id    BIGINT REFERENCES tariffs (id),
    kind         TEXT NOT NULL CHECK (kind IN ('FIXED', 'PER_AREA', 'METERED', 'ONE_OFF', 'LATE_FEE')),
    description  TEXT NOT NULL,
    quantity     NUMERIC(12, 2) NOT NULL,
    unit_price   BIGINT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount >= 0),
    ppn_rate_bp  INTEGER NOT NULL DEFAULT 0,
    ppn          BIGINT NOT NULL DEFAULT 0 CHECK (ppn >= 0)
);
CREATE INDEX bill_items_bill ON bill_items (bill_id);

CREATE TABLE payments (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id            BIGINT NOT NULL REFERENCES bills (id),
    method             TEXT NOT NULL CHECK (method IN ('CASH', 'TRANSFER', 'MIDTRANS')),
    amount             BIGINT NOT NULL CHECK (amount > 0),
    reference          TEXT,
    midtrans_order_id  TEXT UNIQUE,
    recorded_by        BIGINT,
    paid_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    refunded_at        TIMESTAMPTZ
);
CREATE INDEX payments_bill ON payments (bill_id);

CREATE TABLE midtrans_orders (
    order_id      TEXT PRIMARY KEY,
    bill_id       BIGINT NOT NULL REFERENCES bills (id),
    gross_amount  BIGINT NOT NULL CHECK (gross_amount > 0),
    status        TEXT NOT NULL DEFAULT 'CREATED'
                  CHECK (status IN ('CREATED', 'PENDING', 'PAID', 'FAILED', 'REFUNDED')),
    snap_token    TEXT,
    redirect_url  TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX midtrans_orders_bill ON midtrans_orders (bill_id);

CREATE TABLE notifications (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('REMINDER', 'RECEIPT')),
    bill_id      BIGINT REFERENCES bills (id),
    resident_id  BIGINT REFERENCES residents (id),
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at      TIMESTAMPTZ
);
CREATE INDEX notifications_pending ON notifications (id) WHERE status = 'PENDING';
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE notifications; DROP TABLE midtrans_orders; DROP TABLE payments; DROP TABLE bill_items; \
             DROP TABLE bills; DROP TABLE one_off_charges; DROP TABLE meter_readings; DROP TABLE tariffs; \
             DROP TABLE settings;",
        )
        .await
    }
}
