//! Demo data: a tenant that looks like a real Indonesian housing estate.
//!
//! Used by `klustera demo`, the load benchmark and the tests. Rows are generated in SQL
//! (`generate_series`), one statement per table, inside the tenant's bound transaction,
//! so 2,000 units and 5,000 residents take well under a second. `klustera demo` adds
//! facilities and a month of bookings ([`seed_facilities`]); test tenants have none.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use klustera_entities::states::FacilityPayment;
use klustera_entities::tenant::facility::{FacilityKind, Pricing};
use klustera_graphql::Role;
use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::domains::auth::accounts::{self, NewAccount};
use klustera_graphql::domains::bookings::pricing::{self, Rates, Stay};
use klustera_graphql::domains::bookings::service::{self, DayRange, FacilitySettings};
use klustera_migration::tenant::Migrator as TenantMigrator;

use crate::tenancy::provision::{self, NewTenant, ProvisionError};
use klustera_graphql::common::tenancy::bind;

pub const PASSWORD: &str = "demo-pass-2024";

/// The phone of the first seeded resident, who gets the resident login.
pub const FIRST_RESIDENT_PHONE: &str = "+6281200000001";

/// The logins `klustera demo` prints.
pub struct DemoLogins {
    pub manager: String,
    pub security: String,
    pub resident: String,
    pub resident_name: String,
}

/// Creates `slug` with `units` units over two blocks and `residents` residents linked to
/// them (first of a unit OWNER, then FAMILY, then TENANT), plus manager, security and
/// resident logins, all with [`PASSWORD`].
pub async fn provision_demo(
    db: &DatabaseConnection,
    slug: &TenantSlug,
    units: u32,
    residents: u32,
) -> Result<DemoLogins, ProvisionError> {
    if units < 2 || residents < 1 {
        return Err(ProvisionError::Invalid(
            "a demo needs at least 2 units and 1 resident".into(),
        ));
    }
    let manager = format!("manager@{slug}.test");
    provision::create_tenant::<TenantMigrator>(
        db,
        NewTenant {
            slug: slug.clone(),
            display_name: format!("Perumahan {} Asri", capitalised(slug.as_str())),
            time_zone: "Asia/Jakarta".into(),
            manager_email: manager.clone(),
            manager_password: PASSWORD.into(),
        },
    )
    .await?;
    let tx = bind::as_it_is(db, slug)
        .await?
        .ok_or_else(|| ProvisionError::NotFound(slug.to_string()))?;
    seed_property(&tx, units, residents).await?;
    seed_tariffs(&tx).await?;
    let security = format!("satpam@{slug}.test");
    accounts::create(
        &tx,
        NewAccount {
            role: Role::Security,
            email: Some(security.clone()),
            phone: None,
            password: PASSWORD.into(),
            display_name: "Pos Satpam".into(),
            resident_id: None,
        },
    )
    .await?;
    let first = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id, full_name, phone FROM residents ORDER BY id LIMIT 1",
        ))
        .await?
        .ok_or_else(|| ProvisionError::Invalid("no resident seeded".into()))?;
    let resident_id: i64 = first.try_get("", "id")?;
    let resident_name: String = first.try_get("", "full_name")?;
    let phone: String = first.try_get("", "phone")?;
    accounts::create(
        &tx,
        NewAccount {
            role: Role::Resident,
            email: None,
            phone: Some(phone.clone()),
            password: PASSWORD.into(),
            display_name: resident_name.clone(),
            resident_id: Some(resident_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DemoLogins {
        manager,
        security,
        resident: phone,
        resident_name,
    })
}

/// Generates blocks, units, residents and links in the connection's tenant.
pub async fn seed_property(
    db: &impl ConnectionTrait,
    units: u32,
    residents: u32,
) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared("INSERT INTO blocks (name) VALUES ('Blok A'), ('Blok B')")
        .await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO units (block_id, number, area_m2, unit_type) \
         SELECT b.id, lpad(s.num::text, greatest(3, length(s.num::text)), '0'), 60 + (s.n * 7) % 90 + (s.n % 2) * 0.5, \
                CASE WHEN s.n % 25 = 0 THEN 'SHOPHOUSE' ELSE 'HOUSE' END \
         FROM (SELECT n, CASE WHEN n <= ($1 + 1) / 2 THEN 'Blok A' ELSE 'Blok B' END AS block, \
                      CASE WHEN n <= ($1 + 1) / 2 THEN n ELSE n - ($1 + 1) / 2 END AS num \
               FROM generate_series(1, $1) AS n) s \
         JOIN blocks b ON b.name = s.block \
         ORDER BY s.n",
        [i64::from(units).into()],
    ))
    .await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO residents (full_name, phone, email, identity_number) \
         SELECT f.first || ' ' || l.last, \
                '+62812' || lpad(g::text, 8, '0'), \
                lower(f.first) || g || '@mail.test', \
                '317401' || lpad((1 + g % 28 + 40 * (g % 2))::text, 2, '0') || lpad((1 + g % 12)::text, 2, '0') \
                    || lpad((60 + g % 40)::text, 2, '0') || lpad((1 + (g - 1) % 9999)::text, 4, '0') \
         FROM generate_series(1, $1) AS g \
         CROSS JOIN LATERAL (SELECT (ARRAY['Budi','Siti','Agus','Dewi','Rudi','Ayu','Joko','Rina','Hendra','Wulan', \
                 'Bambang','Sri','Eko','Lestari','Yusuf','Putri','Dimas','Indah','Fajar','Nur'])[1 + g % 20] AS first) f \
         CROSS JOIN LATERAL (SELECT (ARRAY['Santoso','Wijaya','Saputra','Lestari','Hidayat','Kusuma','Pratama', \
                 'Setiawan','Nugroho','Siregar','Harahap','Simanjuntak','Wibowo','Gunawan','Purnomo','Halim', \
                 'Tanjung','Rahman','Suryadi','Utami'])[1 + (g / 20 + g / 400) % 20] AS last) l \
         ORDER BY g",
        [i64::from(residents).into()],
    ))
    .await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO resident_units (resident_id, unit_id, relation, starts_on) \
         SELECT r.id, u.id, \
                CASE (r.ord - 1) / $1 WHEN 0 THEN 'OWNER' WHEN 1 THEN 'FAMILY' ELSE 'TENANT' END, \
                DATE '2020-01-01' + (r.ord % 1500)::int \
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS ord FROM residents) r \
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS ord FROM units) u ON u.ord = (r.ord - 1) % $1 + 1",
        [i64::from(units).into()],
    ))
    .await?;
    db.execute_unprepared(
        "ANALYZE blocks; ANALYZE units; ANALYZE residents; ANALYZE resident_units",
    )
    .await?;
    Ok(())
}

/// Typical estate tariffs, and this month's water readings for every unit.
pub async fn seed_tariffs(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared(
        "INSERT INTO tariffs (name, kind, rate, ppn_rate_bp, unit_type) VALUES \
            ('Iuran Pengelolaan Lingkungan (IPL)', 'FIXED', 150000, 0, NULL), \
            ('Kebersihan & Keamanan', 'FIXED', 50000, 0, NULL), \
            ('Air PDAM', 'METERED', 7500, 0, NULL), \
            ('Service charge ruko', 'PER_AREA', 2500, 1100, 'SHOPHOUSE'); \
         INSERT INTO meter_readings (unit_id, tariff_id, period, usage) \
         SELECT u.id, t.id, to_char(now() AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM'), 8 + u.id % 17 + 0.5 \
         FROM units u CROSS JOIN tariffs t WHERE t.kind = 'METERED'",
    )
    .await?;
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A demo facility: its settings and when it is open (every day).
struct DemoFacility {
    settings: FacilitySettings,
    opens: &'static str,
    closes: &'static str,
    /// Bookings per day: `(local start hour, minutes, party size)`, on the weekdays given
    /// (ISO, 1 = Monday; empty: every day).
    slots: &'static [(u32, i64, i64)],
    weekdays: &'static [u32],
}

fn settings(name: &str, kind: FacilityKind, capacity: i32, pricing: Pricing) -> FacilitySettings {
    FacilitySettings {
        name: name.into(),
        description: String::new(),
        rules: String::new(),
        photo_urls: Vec::new(),
        kind,
        capacity,
        pricing,
        rate: 0,
        deposit: 0,
        ppn_rate_bp: 0,
        needs_approval: false,
        slot_minutes: 60,
        min_minutes: 60,
        max_minutes: 120,
        book_ahead_days: 30,
        cancel_deadline_hours: 24,
        weekly_quota_minutes: None,
        hold_minutes: 30,
        active: true,
        payment: FacilityPayment::Midtrans,
    }
}

fn demo_facilities() -> Vec<DemoFacility> {
    vec![
        DemoFacility {
            settings: FacilitySettings {
                description: "Aula serbaguna untuk arisan, ulang tahun dan rapat warga.".into(),
                rules: "Selesai paling lambat 22.00. Deposit kembali setelah pemeriksaan.".into(),
                rate: 150_000,
                deposit: 500_000,
                ppn_rate_bp: 1100,
                needs_approval: true,
                slot_minutes: 30,
                max_minutes: 240,
                ..settings("Clubhouse", FacilityKind::Exclusive, 80, Pricing::Hourly)
            },
            opens: "08:00",
            closes: "22:00",
            slots: &[(18, 180, 40)],
            weekdays: &[6],
        },
        DemoFacility {
            settings: FacilitySettings {
                description: "Lapangan tenis outdoor, lampu sampai 22.00.".into(),
                weekly_quota_minutes: Some(240),
                ..settings("Lapangan Tenis", FacilityKind::Exclusive, 4, Pricing::Free)
            },
            opens: "06:00",
            closes: "22:00",
            slots: &[(7, 60, 2), (16, 120, 4), (19, 60, 2)],
            weekdays: &[],
        },
        DemoFacility {
            settings: FacilitySettings {
                description: "Kolam renang keluarga; tiket per orang.".into(),
                rate: 15_000,
                payment: FacilityPayment::NextBill,
                ..settings("Kolam Renang", FacilityKind::Shared, 30, Pricing::PerUsage)
            },
            opens: "06:00",
            closes: "20:00",
            slots: &[(7, 60, 3), (7, 60, 5), (9, 120, 4), (16, 60, 6)],
            weekdays: &[2, 3, 4, 5, 6, 7],
        },
        DemoFacility {
            settings: FacilitySettings {
                description: "Area BBQ di taman, satu sesi per booking.".into(),
                rate: 200_000,
                deposit: 100_000,
                min_minutes: 180,
                max_minutes: 360,
                payment: FacilityPayment::NextBill,
                ..settings("Area BBQ", FacilityKind::Exclusive, 20, Pricing::Daily)
            },
            opens: "10:00",
            closes: "22:00",
            slots: &[(17, 240, 15)],
            weekdays: &[6, 7],
        },
    ]
}

/// Four facilities (one per pricing strategy: FREE, HOURLY, DAILY, PER_USAGE; the
/// clubhouse needs approval; the pool is SHARED) with their hours, and their bookings
/// from two weeks ago to two weeks ahead, spread over the units: past ones completed (a
/// few no-shows), coming ones confirmed and paid, the clubhouse's awaiting approval.
/// Returns how many bookings were made.
pub async fn seed_facilities(db: &impl ConnectionTrait) -> Result<usize, ProvisionError> {
    use chrono::{Datelike, Duration, NaiveTime};
    let today: chrono::NaiveDate = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (now() AT TIME ZONE 'Asia/Jakarta')::date AS today",
        ))
        .await?
        .ok_or_else(|| ProvisionError::Invalid("no clock".into()))?
        .try_get("", "today")?;
    let units: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM units ORDER BY id",
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    let manager: i64 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM users WHERE role = 'MANAGER' ORDER BY id LIMIT 1",
        ))
        .await?
        .ok_or_else(|| ProvisionError::Invalid("no manager".into()))?
        .try_get("", "id")?;
    let mut made = 0usize;
    for demo in demo_facilities() {
        let f = service::create_facility(db, demo.settings).await?;
        let hours = (1..=7)
            .map(|d| DayRange::parse("hours", d, demo.opens, demo.closes))
            .collect::<Result<Vec<_>, _>>()?;
        service::set_schedule(db, f.id, &hours).await?;
        let rates = Rates {
            pricing: f.pricing,
            rate: f.rate,
            deposit: f.deposit,
            ppn_rate_bp: u32::try_from(f.ppn_rate_bp).unwrap_or(0),
            peaks: Vec::new(),
        };
        for offset in -14i64..=14 {
            let day = today + Duration::days(offset);
            let weekday = day.weekday().number_from_monday();
            if !demo.weekdays.is_empty() && !demo.weekdays.contains(&weekday) {
                continue;
            }
            for (i, &(hour, minutes, party)) in demo.slots.iter().enumerate() {
                let Some(start) = NaiveTime::from_hms_opt(hour, 0, 0).map(|t| day.and_time(t))
                else {
                    continue;
                };
                let stay = Stay {
                    start,
                    end: start + Duration::minutes(minutes),
                    party_size: party,
                };
                let quote = pricing::quote(&rates, &stay)?;
                let k = usize::try_from(offset + 14).unwrap_or(0) * demo.slots.len() + i;
                let unit = units[(k * 7 + made) % units.len()];
                let (status, paid) = if offset < 0 {
                    let status = if k % 9 == 4 { "NO_SHOW" } else { "COMPLETED" };
                    (status, quote.amount_due())
                } else if f.needs_approval {
                    ("PENDING_APPROVAL", 0)
                } else {
                    ("CONFIRMED", quote.amount_due())
                };
                let lines = serde_json::to_value(&quote.lines)
                    .map_err(|e| ProvisionError::Invalid(e.to_string()))?;
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO bookings (facility_id, exclusive, unit_id, booked_by, starts_at, ends_at, \
                       party_size, status, lines, subtotal, ppn, total, deposit, paid) \
                     VALUES ($1, $2, $3, $4, $5::timestamp AT TIME ZONE 'Asia/Jakarta', \
                             $6::timestamp AT TIME ZONE 'Asia/Jakarta', $7, $8, $9, $10, $11, $12, $13, $14)",
                    [
                        f.id.into(),
                        (f.kind == FacilityKind::Exclusive).into(),
                        unit.into(),
                        manager.into(),
                        stay.start.into(),
                        stay.end.into(),
                        i32::try_from(party).unwrap_or(1).into(),
                        status.into(),
                        lines.into(),
                        quote.subtotal.into(),
                        quote.ppn.into(),
                        quote.total.into(),
                        quote.deposit.into(),
                        paid.into(),
                    ],
                ))
                .await?;
                made += 1;
            }
        }
    }
    Ok(made)
}
