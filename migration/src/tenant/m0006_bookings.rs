use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Facilities, their opening hours, closures and peak windows, and bookings.
///
/// Times of day (opening hours, peak windows: minutes after local midnight) and closure dates are the tenant's local
/// time (`control.tenants.time_zone`); bookings are instants (`timestamptz`).
///
/// Never double-booked, decided here: `bookings_no_overlap` excludes two bookings of one
/// EXCLUSIVE facility whose `[starts_at, ends_at)` ranges overlap while both hold the slot
/// (every status but CANCELLED, REJECTED, EXPIRED). Touching ranges do not overlap. The
/// constraint's predicate may only read its own row, so a booking carries `exclusive`,
/// copied from its facility's kind (which cannot change). `bigint =` in a GiST index needs
/// btree_gist, installed once per database in schema `extensions` by the control-plane
/// migration and named schema-qualified, since requests' `search_path` is only the tenant
/// schema.
const UP: &str = r#"
CREATE TABLE facilities (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    description           TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    rules                 TEXT NOT NULL DEFAULT '' CHECK (length(rules) <= 5000),
    photo_urls            TEXT[] NOT NULL DEFAULT '{}',
    kind                  TEXT NOT NULL CHECK (kind IN ('EXCLUSIVE', 'SHARED')),
    capacity              INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    pricing               TEXT NOT NULL CHECK (pricing IN ('FREE', 'HOURLY', 'DAILY', 'PER_USAGE')),
    -- Rupiah per hour (HOURLY), per session (DAILY) or per person (PER_USAGE).
    rate                  BIGINT NOT NULL DEFAULT 0 CHECK (rate >= 0),
    deposit               BIGINT NOT NULL DEFAULT 0 CHECK (deposit >= 0),
    ppn_rate_bp           INTEGER NOT NULL DEFAULT 0 CHECK (ppn_rate_bp BETWEEN 0 AND 10000),
    needs_approval        BOOLEAN NOT NULL DEFAULT false,
    slot_minutes          INTEGER NOT NULL DEFAULT 60 CHECK (slot_minutes BETWEEN 5 AND 1440),
    min_minutes           INTEGER NOT NULL DEFAULT 60,
    max_minutes           INTEGER NOT NULL DEFAULT 120,
    book_ahead_days       INTEGER NOT NULL DEFAULT 30 CHECK (book_ahead_days BETWEEN 0 AND 366),
    cancel_deadline_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_deadline_hours BETWEEN 0 AND 8760),
    -- NULL: no quota.
    weekly_quota_minutes  INTEGER CHECK (weekly_quota_minutes > 0),
    -- How long an unpaid booking holds its slot.
    hold_minutes          INTEGER NOT NULL DEFAULT 30 CHECK (hold_minutes BETWEEN 1 AND 10080),
    active                BOOLEAN NOT NULL DEFAULT true,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (min_minutes >= slot_minutes AND min_minutes <= max_minutes AND max_minutes <= 1440),
    CHECK (min_minutes % slot_minutes = 0 AND max_minutes % slot_minutes = 0)
);

-- Opening hours per ISO weekday (1 = Monday); no row: closed that day. Minutes after
-- local midnight, so a facility may close at 24:00.
CREATE TABLE facility_schedules (
    facility_id    BIGINT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_minute   INTEGER NOT NULL CHECK (opens_minute >= 0),
    closes_minute  INTEGER NOT NULL CHECK (closes_minute <= 1440),
    PRIMARY KEY (facility_id, weekday),
    CHECK (opens_minute < closes_minute)
);

CREATE TABLE facility_closures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    facility_id  BIGINT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    starts_on    DATE NOT NULL,
    ends_on      DATE NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX facility_closures_facility ON facility_closures (facility_id, starts_on);

-- Rates of their own on some weekdays and hours.
CREATE TABLE facility_peak_windows (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    facility_id  BIGINT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts_minute  INTEGER NOT NULL CHECK (starts_minute >= 0),
    ends_minute    INTEGER NOT NULL CHECK (ends_minute <= 1440),
    rate           BIGINT NOT NULL CHECK (rate >= 0),
    CHECK (starts_minute < ends_minute)
);
CREATE INDEX facility_peak_windows_facility ON facility_peak_windows (facility_id);

CREATE TABLE bookings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    facility_id      BIGINT NOT NULL REFERENCES facilities (id),
    exclusive        BOOLEAN NOT NULL,
    unit_id          BIGINT NOT NULL REFERENCES units (id),
    booked_by        BIGINT NOT NULL REFERENCES users (id),
    resident_id      BIGINT REFERENCES residents (id),
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    party_size       INTEGER NOT NULL CHECK (party_size >= 1),
    status           TEXT NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PENDING_APPROVAL',
                         'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW', 'CANCELLED',
                         'REJECTED', 'EXPIRED')),
    -- The quote at booking time: [{description, quantity, unitPrice, amount, ppn}].
    lines            JSONB NOT NULL DEFAULT '[]',
    subtotal         BIGINT NOT NULL CHECK (subtotal >= 0),
    ppn              BIGINT NOT NULL CHECK (ppn >= 0),
    total            BIGINT NOT NULL CHECK (total = subtotal + ppn),
    deposit          BIGINT NOT NULL CHECK (deposit >= 0),
    paid             BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= total + deposit),
    -- What a cancellation owes back (recorded for the manager; no payout API).
    refund_due       BIGINT CHECK (refund_due >= 0),
    note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    reason           TEXT CHECK (length(reason) <= 1000),
    hold_expires_at  TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (starts_at < ends_at),
    CHECK ((status = 'PENDING_PAYMENT') = (hold_expires_at IS NOT NULL)),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        facility_id extensions.gist_int8_ops WITH =,
        tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (exclusive AND status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED'))
);
CREATE INDEX bookings_facility_time ON bookings USING gist (facility_id extensions.gist_int8_ops, tstzrange(starts_at, ends_at))
    WHERE status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED');
CREATE INDEX bookings_unit ON bookings (unit_id, starts_at);
CREATE INDEX bookings_starts ON bookings (starts_at);
CREATE INDEX bookings_hold ON bookings (hold_expires_at) WHERE status = 'PENDING_PAYMENT';
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(
            manager,
            "DROP TABLE bookings; DROP TABLE facility_peak_windows; DROP TABLE facility_closures; \
             DROP TABLE facility_schedules; DROP TABLE facilities;",
        )
        .await
    }
}
