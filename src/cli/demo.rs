//! `klustera demo`

use std::net::{Ipv4Addr, SocketAddr};

use clap::Args;

use klustera_graphql::common::types::TenantSlug;

use crate::config::Config;
use crate::demo::{PASSWORD, provision_demo, seed_facilities};
use crate::dev::fake_midtrans::FakeMidtrans;
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
    /// Start the gateway afterwards (with the web client at `/`).
    #[arg(long)]
    serve: bool,
    /// With `--serve`: run a fake Midtrans Snap in this process and pay through it
    /// (development: the real Midtrans is not reachable from here).
    #[arg(long)]
    fake_midtrans: bool,
    /// With `--serve`: do not build the web client, even when its build is missing.
    #[arg(long)]
    no_web_build: bool,
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
            let tx = klustera_graphql::common::tenancy::bind::as_it_is(&db, &slug)
                .await
                .map_err(ProvisionError::from)?
                .ok_or_else(|| ProvisionError::NotFound(slug.to_string()))?;
            let bookings = seed_facilities(&tx).await?;
            tx.commit().await?;
            println!(
                "Demo tenant '{slug}' ready: 2 blocks, {} units, {} residents, 4 facilities, {bookings} bookings.",
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
        let mut config = config;
        if !args.no_web_build {
            crate::web_client::ensure_built(&config.web_dir).await?;
        }
        // Kept until the gateway stops.
        let _fake = if args.fake_midtrans {
            Some(start_fake_midtrans(&mut config).await?)
        } else {
            None
        };
        if config.web_dir.join("index.html").is_file() {
            println!(
                "Web client: http://{slug}.{}:{}/",
                config.base_domain,
                config.bind.port()
            );
        }
        let state = crate::app::build(config, url).await?;
        crate::app::serve(state).await?;
    }
    Ok(())
}

/// Starts the fake Snap on a free local port and points the gateway's Midtrans settings
/// at it (a server key of the configured one or a sandbox-looking default).
async fn start_fake_midtrans(config: &mut Config) -> anyhow::Result<FakeMidtrans> {
    let key = config
        .midtrans_server_key
        .clone()
        .unwrap_or_else(|| "SB-Mid-server-demo".into());
    let mut gateway = config.bind;
    if gateway.ip().is_unspecified() {
        gateway.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    let webhook = format!("http://{gateway}/webhooks/midtrans");
    let fake =
        FakeMidtrans::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), &key, &webhook).await?;
    println!(
        "Fake Midtrans Snap on {} (payments settle through it)",
        fake.base_url()
    );
    config.midtrans_server_key = Some(key);
    config.midtrans_base_url = fake.base_url();
    Ok(fake)
}
