//! Demo data: a tenant that looks like a real Indonesian housing estate.
//!
//! Used by `klustera demo`, the load benchmark and the tests. Rows are generated in SQL
//! (`generate_series`), one statement per table, inside the tenant's bound transaction,
//! so 2,000 units and 5,000 residents take well under a second.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use klustera_graphql::Role;
use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::domains::auth::accounts::{self, NewAccount};
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
                '3174' || lpad(g::text, 12, '0') \
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
