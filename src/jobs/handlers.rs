//! Job handlers. Each is idempotent: rerunning one (after a crash or a retry) never
//! duplicates a bill, a late fee or a notification.

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use serde_json::json;

use klustera_graphql::Reportable;
use klustera_graphql::common::events::DomainEvent;
use klustera_graphql::common::jobs::kind;
use klustera_graphql::common::tenancy::TenantTx;
use klustera_graphql::common::types::{Period, TenantSlug};
use klustera_graphql::domains::announcements;
use klustera_graphql::domains::billing::{notify, service};
use klustera_graphql::domains::{bookings, complaints, privacy};

use super::JobRun;

pub async fn run(run: JobRun<'_>) -> anyhow::Result<()> {
    match run.job.kind.as_str() {
        kind::GENERATE_BILLS => generate_bills(&run).await,
        kind::OVERDUE_SWEEP => overdue_sweep(&run).await,
        kind::REMINDER_SWEEP => reminder_sweep(&run).await,
        kind::DELIVER_NOTIFICATIONS => deliver(&run).await,
        kind::PUBLISH_ANNOUNCEMENTS => publish_announcements(&run).await,
        kind::COMPLAINT_SLA => complaint_sla(&run).await,
        kind::EXPIRE_BOOKING_HOLDS => expire_booking_holds(&run).await,
        kind::RETENTION_SWEEP => retention_sweep(&run).await,
        other => Err(anyhow!("unknown job kind {other}")),
    }
}

fn slug(run: &JobRun<'_>) -> anyhow::Result<TenantSlug> {
    Ok(TenantSlug::parse(&run.job.tenant_slug).map_err(Reportable)?)
}

/// A transaction bound to the job's tenant, and the tenant's time zone. A tenant suspended
/// since the job was claimed is refused (`TENANT_SUSPENDED`): the worker puts the job back
/// in the queue until the tenant is resumed.
async fn bound(run: &JobRun<'_>) -> anyhow::Result<(TenantTx, String)> {
    let tx = run
        .env
        .binder
        .begin(&slug(run)?)
        .await
        .map_err(Reportable)?;
    let time_zone = tx.tenant().time_zone.clone();
    Ok((tx, time_zone))
}

/// The day a daily sweep is for: the tenant's local date the scheduler enqueued it for
/// (`payload.day`), else today in the tenant's time zone (a sweep enqueued by hand).
async fn sweep_day(run: &JobRun<'_>, tx: &TenantTx, time_zone: &str) -> anyhow::Result<NaiveDate> {
    match run.job.payload["day"].as_str() {
        Some(day) => Ok(day.parse().context("payload.day")?),
        None => Ok(service::tenant_today(tx, time_zone)
            .await
            .map_err(Reportable)?),
    }
}

/// One transaction per batch of units: bills, their items and the job's progress commit
/// together, so after a crash the job resumes after the last committed unit.
async fn generate_bills(run: &JobRun<'_>) -> anyhow::Result<()> {
    let period = run.job.payload["period"]
        .as_str()
        .context("payload.period")?;
    let period = Period::parse("period", period).map_err(Reportable)?;
    let progress = run.job.progress.clone().unwrap_or_else(|| json!({}));
    let mut after = progress["lastUnit"].as_i64().unwrap_or(0);
    let mut units = progress["units"].as_i64().unwrap_or(0);
    let mut bills = progress["bills"].as_i64().unwrap_or(0);
    // Units left without a bill, each with its typed reason (kept to the first 100).
    let mut refused = progress["refused"].as_array().cloned().unwrap_or_default();

    // `done`/`total` (units) for clients' progress bars: what is left is counted when a
    // run starts (a resumed run adds what its predecessors did).
    let (tx, _) = bound(run).await?;
    let tariffs = service::active_tariffs(&tx).await.map_err(Reportable)?;
    let settings = service::settings(&tx).await.map_err(Reportable)?;
    let due_on = service::due_on(&settings, period).map_err(Reportable)?;
    let total = units
        + service::units_to_bill(&tx, after)
            .await
            .map_err(Reportable)?;
    let progress = |after: i64, units: i64, bills: i64, refused: &[serde_json::Value]| {
        let mut progress = json!({"period": period.to_string(), "lastUnit": after,
            "units": units, "bills": bills, "done": units, "total": total.max(units)});
        if !refused.is_empty() {
            progress["refused"] = json!(refused);
        }
        progress
    };
    run.checkpoint(&tx, progress(after, units, bills, &refused))
        .await?;
    tx.commit().await?;

    loop {
        let (tx, _) = bound(run).await?;
        let batch =
            service::generate_batch(&tx, &tariffs, period, due_on, after, run.env.bill_batch)
                .await
                .map_err(Reportable)?;
        let Some(last) = batch.last_unit else {
            tx.rollback().await?;
            break;
        };
        after = last;
        units += i64::try_from(batch.units)?;
        bills += i64::try_from(batch.bills_created)?;
        for (unit, tariff) in batch.refused {
            if refused.len() < 100 {
                refused
                    .push(json!({"unit": unit, "tariff": tariff, "code": "AMOUNT_OUT_OF_RANGE"}));
            }
        }
        run.checkpoint(&tx, progress(after, units, bills, &refused))
            .await?;
        tx.commit().await?;
        tracing::info!(units, bills, last_unit = after, "bill batch committed");
    }
    tracing::info!(%period, units, bills, "bills generated");
    Ok(())
}

async fn overdue_sweep(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, tz) = bound(run).await?;
    let today = sweep_day(run, &tx, &tz).await?;
    let n = service::overdue_sweep(&tx, today)
        .await
        .map_err(Reportable)?;
    run.checkpoint(&tx, json!({"overdue": n})).await?;
    tx.commit().await?;
    Ok(())
}

async fn reminder_sweep(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, tz) = bound(run).await?;
    let today = sweep_day(run, &tx, &tz).await?;
    let n = notify::queue_reminders(&tx, today)
        .await
        .map_err(Reportable)?;
    if n > 0 {
        notify::schedule_delivery(&tx, &run.job.tenant_slug)
            .await
            .map_err(Reportable)?;
    }
    run.checkpoint(&tx, json!({"queued": n})).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends pending notifications, 100 per transaction, until none are left.
async fn deliver(run: &JobRun<'_>) -> anyhow::Result<()> {
    let mut total = 0;
    loop {
        let (tx, _) = bound(run).await?;
        let sent = notify::deliver(&tx, run.env.channel.as_ref(), 100)
            .await
            .map_err(Reportable)?;
        total += sent;
        run.checkpoint(&tx, json!({"sent": total})).await?;
        tx.commit().await?;
        if sent < 100 {
            return Ok(());
        }
    }
}

/// Publishes scheduled announcements whose time came: marks them in one statement,
/// commits, and only then sends one event each. A rerun finds nothing left to mark, so
/// no event goes out twice (one lost by a crash between commit and send stays lost:
/// residents still see the announcement in their list).
async fn publish_announcements(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, _) = bound(run).await?;
    let published = announcements::service::mark_due_published(&tx)
        .await
        .map_err(Reportable)?;
    let progress = json!({"published": published.len()});
    let events = published
        .into_iter()
        .map(|announcement_id| DomainEvent::AnnouncementPublished { announcement_id });
    commit_then_publish(run, tx, progress, events).await
}

/// Marks complaints past their SLA deadline (one statement; a rerun marks nothing twice),
/// then, once that committed, tells subscribers about each newly breached complaint.
async fn complaint_sla(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, _) = bound(run).await?;
    let breached = complaints::service::mark_sla_breaches(&tx)
        .await
        .map_err(Reportable)?;
    let progress = json!({"breached": breached.len()});
    let events = breached.into_iter().map(|b| DomainEvent::ComplaintChanged {
        complaint_id: b.id,
        resident_id: Some(b.resident_id),
    });
    commit_then_publish(run, tx, progress, events).await
}

/// Expires unpaid booking holds past their time (one statement; a rerun expires nothing
/// twice), then, once that committed, tells subscribers each freed slot.
async fn expire_booking_holds(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, _) = bound(run).await?;
    let expired = bookings::service::expire_holds(&tx)
        .await
        .map_err(Reportable)?;
    let progress = json!({"expired": expired.len()});
    let events: Vec<DomainEvent> = expired.iter().map(bookings::service::changed).collect();
    commit_then_publish(run, tx, progress, events).await
}

/// Anonymises the former residents whose retention period ended by the sweep's day (one
/// transaction; each resident row locked and found not yet anonymised, so a rerun, or a
/// manager's request at the same time, anonymises no one twice), then, once that
/// committed, ends their logins' access on every instance.
async fn retention_sweep(run: &JobRun<'_>) -> anyhow::Result<()> {
    let (tx, tz) = bound(run).await?;
    let today = sweep_day(run, &tx, &tz).await?;
    let (anonymised, events) =
        privacy::service::retention_sweep(&tx, &run.env.db, &run.job.tenant_slug, &tz, today)
            .await
            .map_err(Reportable)?;
    let progress = json!({"anonymised": anonymised.len()});
    commit_then_publish(run, tx, progress, events).await
}

/// Commits the job's work with its checkpoint, then publishes its events: subscribers
/// never hear of a change that did not commit.
async fn commit_then_publish(
    run: &JobRun<'_>,
    tx: TenantTx,
    progress: serde_json::Value,
    events: impl IntoIterator<Item = DomainEvent>,
) -> anyhow::Result<()> {
    run.checkpoint(&tx, progress).await?;
    tx.commit().await?;
    for event in events {
        run.env.events.publish(&run.job.tenant_slug, event);
    }
    Ok(())
}
