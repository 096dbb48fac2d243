//! `klustera demo`

use clap::Args;

use klustera_graphql::common::types::TenantSlug;

use crate::config::Config;
use crate::demo::{PASSWORD, provision_demo};
use crate::tenancy::provision::{self, ProvisionError};

#[derive(Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "demo")]
    slug: String,
    #[arg(long, default_value_t = 200)]
    units: u32,
    #[arg(long, default_value_t = 500)]
    residents: u32,
    /// Drop and recreate the tenant if it exists.
    #[arg(long)]
    reset: bool,
    /// Start the gateway afterwards.
    #[arg(long)]
    serve: bool,
}

pub async fn run(config: Config, url: &str, args: DemoArgs) -> anyhow::Result<()> {
    let db = super::tenant::connect(url).await?;
    let slug = TenantSlug::parse(&args.slug).map_err(|e| anyhow::anyhow!(e.message()))?;
    if args.reset {
        match provision::drop_tenant(&db, &slug).await {
            Ok(()) | Err(ProvisionError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    match provision_demo(&db, &slug, args.units, args.residents).await {
        Ok(logins) => {
            println!(
                "Demo tenant '{slug}' ready: 2 blocks, {} units, {} residents.",
                args.units, args.residents
            );
            println!("Logins (password for all: {PASSWORD}):");
            println!("  MANAGER   {}", logins.manager);
            println!("  SECURITY  {}", logins.security);
            println!("  RESIDENT  {} ({})", logins.resident, logins.resident_name);
        }
        Err(ProvisionError::Exists(_)) => {
            println!("Demo tenant '{slug}' already exists; reusing it (pass --reset to recreate).");
            println!(
                "Logins (password for all: {PASSWORD}): manager@{slug}.test, satpam@{slug}.test"
            );
        }
        Err(e) => return Err(e.into()),
    }
    println!(
        "Use it: header X-Tenant: {slug}, or http://{slug}.{}:{}/graphql",
        config.base_domain,
        config.bind.port()
    );
    db.close().await?;
    if args.serve {
        let state = crate::app::build(config, url).await?;
        crate::app::serve(state).await?;
    }
    Ok(())
}
