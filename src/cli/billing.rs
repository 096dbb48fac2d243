//! `klustera billing ...`: operator shortcuts over the job queue.

use std::time::Instant;

use anyhow::{Context, anyhow};
use clap::Subcommand;
use serde_json::json;

use klustera_entities::states::JobStatus;
use klustera_graphql::common::jobs::{self, kind};
use klustera_graphql::common::types::{Period, TenantSlug};

use crate::config::Config;

#[derive(Subcommand)]
pub enum BillingCommand {
    /// Generate a tenant's bills for a period now, in this process, and report bills/s.
    Generate {
        slug: String,
        /// `YYYY-MM`.
        period: String,
    },
}

pub async fn run(config: Config, url: &str, command: BillingCommand) -> anyhow::Result<()> {
    let BillingCommand::Generate { slug, period } = command;
    let slug = TenantSlug::parse(&slug).map_err(|e| anyhow!(e.message()))?;
    let period = Period::parse("period", &period).map_err(|e| anyhow!(e.message()))?;
    let state = crate::app::build(config, url).await?;
    let job = jobs::enqueue(
        &state.db,
        slug.as_str(),
        kind::GENERATE_BILLS,
        json!({"period": period.to_string()}),
        Some(format!("{}:{slug}:{period}", kind::GENERATE_BILLS)),
        false,
    )
    .await
    .map_err(|e| anyhow!(e.message()))?;
    let env = state.job_env();
    let worker = format!("cli-{}", std::process::id());
    let started = Instant::now();
    loop {
        let done = jobs::get(&state.db, slug.as_str(), job.id)
            .await
            .map_err(|e| anyhow!(e.message()))?;
        match done.status {
            JobStatus::Done | JobStatus::Dead => {
                let secs = started.elapsed().as_secs_f64();
                let bills = done
                    .progress
                    .as_ref()
                    .and_then(|p| p["bills"].as_i64())
                    .unwrap_or(0);
                println!(
                    "job {} {}: {bills} bills for {} units in {secs:.2} s ({:.0} bills/s)",
                    done.id,
                    done.status.as_str(),
                    done.progress
                        .as_ref()
                        .and_then(|p| p["units"].as_i64())
                        .unwrap_or(0),
                    f64::from(u32::try_from(bills).unwrap_or(u32::MAX)) / secs.max(1e-9),
                );
                anyhow::ensure!(
                    done.status == JobStatus::Done,
                    "job failed: {}",
                    done.last_error.unwrap_or_default()
                );
                return Ok(());
            }
            _ => {
                let ran = crate::jobs::work_once(&env, &worker)
                    .await
                    .context("running the job queue")?;
                anyhow::ensure!(
                    ran || done.status == JobStatus::Queued,
                    "job {} is held by another worker",
                    done.id
                );
            }
        }
    }
}
