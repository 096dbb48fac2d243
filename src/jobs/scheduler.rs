//! Recurring jobs per tenant, enqueued with "once" keys: running the scheduler in several
//! processes (or twice in a minute) enqueues each job once.
//!
//! - on or after the tenant's billing day: that month's bill generation;
//! - every day: the overdue sweep (late fees), the reminder sweep and the privacy
//!   retention sweep (former residents anonymised), for the tenant's local date (tenants in WIB, WITA and WIT change dates at different instants);
//! - at a tick that finds work waiting: the publication of scheduled announcements whose
//!   time came, the complaint SLA sweep and the expiry of unpaid booking holds (live-job
//!   keys: at most one of each queued or running per tenant; no job row at all while
//!   there is nothing to do). A hold is freed at most one tick (`scheduler_interval_secs`)
//!   after its time.

use std::time::Duration;

use chrono::{DateTime, Utc};

use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use serde_json::json;
use tokio::sync::watch;

use klustera_graphql::common::jobs::{self, kind};

#[derive(FromQueryResult)]
struct Due {
    slug: String,
    today: chrono::NaiveDate,
    period: String,
}

/// One pass over every active tenant, now.
pub async fn tick(db: &DatabaseConnection) -> anyhow::Result<()> {
    tick_at(db, Utc::now()).await
}

/// One pass over every active tenant (suspended ones get nothing) as of the instant `now`:
/// each tenant's local date and period at `now`, in its own time zone, decide its daily
/// sweeps (which carry that date) and whether its billing day has come. Whether
/// announcements or complaints have work waiting is the database's present, as for the
/// jobs that do that work.
pub async fn tick_at(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let tenants = Due::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT slug, ($1::timestamptz AT TIME ZONE time_zone)::date AS today, \
                to_char($1::timestamptz AT TIME ZONE time_zone, 'YYYY-MM') AS period \
         FROM control.tenants WHERE status = 'ACTIVE' ORDER BY slug",
        [now.into()],
    ))
    .all(db)
    .await?;
    for t in tenants {
        let enqueue = |kind: &'static str, key: String, payload: serde_json::Value| {
            let slug = t.slug.clone();
            async move {
                jobs::enqueue(db, &slug, kind, payload, Some(key), true)
                    .await
                    .map(|_| ())
            }
        };
        let day = t.today;
        let slug = &t.slug;
        let result = async {
            enqueue(
                kind::OVERDUE_SWEEP,
                format!("{}:{slug}:{day}", kind::OVERDUE_SWEEP),
                json!({"day": day}),
            )
            .await?;
            enqueue(
                kind::REMINDER_SWEEP,
                format!("{}:{slug}:{day}", kind::REMINDER_SWEEP),
                json!({"day": day}),
            )
            .await?;
            enqueue(
                kind::RETENTION_SWEEP,
                format!("{}:{slug}:{day}", kind::RETENTION_SWEEP),
                json!({"day": day}),
            )
            .await?;
            if billing_day_reached(db, slug, day).await? {
                enqueue(
                    kind::GENERATE_BILLS,
                    format!("{}.auto:{slug}:{}", kind::GENERATE_BILLS, t.period),
                    json!({"period": t.period}),
                )
                .await?;
            }
            // Sweeps with work waiting only, one live job per tenant and kind.
            let due = sweeps_due(db, slug).await?;
            for (kind, is_due) in [
                (kind::PUBLISH_ANNOUNCEMENTS, due.announcements),
                (kind::COMPLAINT_SLA, due.sla_breaches),
                (kind::EXPIRE_BOOKING_HOLDS, due.booking_holds),
            ] {
                if is_due {
                    let key = Some(format!("{kind}:{slug}"));
                    jobs::enqueue(db, slug, kind, json!({}), key, false).await?;
                }
            }
            Ok::<_, klustera_graphql::ApiError>(())
        }
        .await;
        if let Err(err) = result {
            let err = anyhow::Error::from(klustera_graphql::Reportable(err));
            tracing::warn!(tenant = %t.slug, error = format!("{err:#}"), "scheduling failed");
        }
    }
    Ok(())
}

/// Whether the tenant's billing day (its `settings`) has come this month.
async fn billing_day_reached(
    db: &DatabaseConnection,
    slug: &str,
    today: chrono::NaiveDate,
) -> Result<bool, klustera_graphql::ApiError> {
    use chrono::Datelike;
    use sea_orm::ConnectionTrait;
    let Ok(slug) = klustera_graphql::common::types::TenantSlug::parse(slug) else {
        return Ok(false);
    };
    let Some(tx) = klustera_graphql::common::tenancy::bind::as_it_is(db, &slug).await? else {
        return Ok(false);
    };
    let row = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT billing_day FROM settings",
        ))
        .await?;
    tx.rollback().await?;
    let day: i16 = match row {
        Some(r) => r.try_get("", "billing_day")?,
        None => return Ok(false),
    };
    Ok(today.day() >= u32::try_from(day).unwrap_or(1))
}

/// Which sweeps have work waiting in a tenant.
#[derive(Default)]
struct SweepsDue {
    /// Scheduled announcements whose time came.
    announcements: bool,
    /// Open complaints past their SLA deadline, not yet marked.
    sla_breaches: bool,
    /// Unpaid booking holds past their time.
    booking_holds: bool,
}

async fn sweeps_due(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<SweepsDue, klustera_graphql::ApiError> {
    let Ok(slug) = klustera_graphql::common::types::TenantSlug::parse(slug) else {
        return Ok(SweepsDue::default());
    };
    let Some(tx) = klustera_graphql::common::tenancy::bind::as_it_is(db, &slug).await? else {
        return Ok(SweepsDue::default());
    };
    let due = SweepsDue {
        announcements: klustera_graphql::domains::announcements::service::any_due(&tx).await?,
        sla_breaches: klustera_graphql::domains::complaints::service::any_sla_due(&tx).await?,
        booking_holds: klustera_graphql::domains::bookings::service::any_holds_due(&tx).await?,
    };
    tx.rollback().await?;
    Ok(due)
}

/// Ticks every `every` until `shutdown`.
pub async fn run(db: DatabaseConnection, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(err) = tick(&db).await {
            tracing::error!(error = %err, "scheduler tick failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
