//! `klustera tenant ...`

use anyhow::{Context, bail};
use clap::Subcommand;
use sea_orm::{Database, DatabaseConnection};

use klustera_graphql::common::types::TenantSlug;
use klustera_migration::tenant::Migrator as TenantMigrator;

use crate::tenancy::provision::{self, NewTenant};

#[derive(Subcommand)]
pub enum TenantCommand {
    /// Create a tenant: schema, migrations and its first manager, atomically.
    Create {
        slug: String,
        /// Display name of the housing complex.
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "Asia/Jakarta")]
        timezone: String,
        /// Login of the first manager (default: manager@<slug>.local).
        #[arg(long)]
        manager_email: Option<String>,
        /// Password of the first manager (default: a random one, printed once).
        #[arg(long, env = "KLUSTERA_MANAGER_PASSWORD")]
        manager_password: Option<String>,
    },
    /// List tenants with status and migration state.
    List,
    /// Apply pending tenant migrations, each tenant in its own transaction.
    Migrate {
        /// One tenant; or use --all.
        slug: Option<String>,
        #[arg(long, conflicts_with = "slug")]
        all: bool,
        /// Tenants migrated at once with --all.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Refuse every request of a tenant with TENANT_SUSPENDED.
    Suspend { slug: String },
    /// Serve a suspended tenant again.
    Resume { slug: String },
    /// Delete a tenant and all of its data. Irreversible.
    Drop {
        slug: String,
        /// Confirms the deletion.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = Database::connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    provision::ensure_control_plane(&db).await?;
    Ok(db)
}

fn slug(raw: &str) -> anyhow::Result<TenantSlug> {
    TenantSlug::parse(raw).map_err(|e| anyhow::anyhow!("invalid tenant slug: {}", e.message()))
}

pub async fn run(url: &str, command: TenantCommand) -> anyhow::Result<()> {
    let db = connect(url).await?;
    match command {
        TenantCommand::Create {
            slug: raw,
            name,
            timezone,
            manager_email,
            manager_password,
        } => {
            let slug = slug(&raw)?;
            let email = manager_email.unwrap_or_else(|| format!("manager@{slug}.local"));
            let (password, generated) = match manager_password {
                Some(p) => (p, false),
                None => (random_password(), true),
            };
            provision::create_tenant::<TenantMigrator>(
                &db,
                NewTenant {
                    slug: slug.clone(),
                    display_name: name,
                    time_zone: timezone,
                    manager_email: email.clone(),
                    manager_password: password.clone(),
                },
            )
            .await?;
            println!("created tenant {slug} (schema {})", slug.quoted_schema());
            println!("manager login: {email}");
            if generated {
                println!("manager password: {password}  (shown once)");
            }
        }
        TenantCommand::List => {
            let tenants = provision::list_tenants::<TenantMigrator>(&db).await?;
            println!(
                "{:<24} {:<10} {:<18} {:<12} NAME",
                "SLUG", "STATUS", "TIME ZONE", "MIGRATIONS"
            );
            for t in tenants {
                let state = if t.pending == 0 {
                    format!("{} ok", t.applied)
                } else {
                    format!("{} pending", t.pending)
                };
                println!(
                    "{:<24} {:<10} {:<18} {:<12} {}",
                    t.slug,
                    t.status.as_str(),
                    t.time_zone,
                    state,
                    t.display_name
                );
            }
        }
        TenantCommand::Migrate {
            slug: one,
            all,
            concurrency,
        } => {
            let reports = match (one, all) {
                (Some(raw), false) => {
                    let slug = slug(&raw)?;
                    let outcome = provision::migrate_tenant::<TenantMigrator>(&db, &slug)
                        .await
                        .map_err(|e| e.to_string());
                    vec![provision::MigrateReport {
                        slug: slug.to_string(),
                        outcome,
                    }]
                }
                (None, true) => provision::migrate_all::<TenantMigrator>(&db, concurrency).await?,
                _ => bail!("name a tenant or pass --all"),
            };
            let mut failed = 0;
            for report in &reports {
                match &report.outcome {
                    Ok(applied) if applied.is_empty() => println!("{}: up to date", report.slug),
                    Ok(applied) => println!("{}: applied {}", report.slug, applied.join(", ")),
                    Err(err) => {
                        failed += 1;
                        println!("{}: FAILED: {err}", report.slug);
                    }
                }
            }
            println!("{} tenant(s), {failed} failed", reports.len());
            if failed > 0 {
                bail!(
                    "{failed} tenant(s) failed to migrate; fix and rerun: finished tenants are skipped"
                );
            }
        }
        TenantCommand::Suspend { slug: raw } => {
            provision::set_status(&db, &slug(&raw)?, false).await?;
            println!("suspended {raw}");
        }
        TenantCommand::Resume { slug: raw } => {
            provision::set_status(&db, &slug(&raw)?, true).await?;
            println!("resumed {raw}");
        }
        TenantCommand::Drop { slug: raw, yes } => {
            if !yes {
                bail!("dropping deletes every row of tenant '{raw}'; pass --yes to confirm");
            }
            provision::drop_tenant(&db, &slug(&raw)?).await?;
            println!("dropped {raw}");
        }
    }
    Ok(())
}

fn random_password() -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}
