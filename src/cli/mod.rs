//! The `klustera` command line. Glue only: parse, call a service, print.

mod billing;
mod demo;
mod tenant;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "klustera",
    version,
    about = "Multi-tenant GraphQL gateway for housing estates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway (HTTP on KLUSTERA_BIND, default 127.0.0.1:8080).
    Serve,
    /// Run only job workers and the recurring-job scheduler (no HTTP).
    Worker,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Create a demo tenant with realistic data and print its logins.
    Demo(demo::DemoArgs),
    /// Provision and maintain tenants.
    #[command(subcommand)]
    Tenant(tenant::TenantCommand),
    /// Billing operations.
    #[command(subcommand)]
    Billing(billing::BillingCommand),
    /// Local stand-ins for third parties, for trying flows by hand.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Manage platform operators.
    #[command(subcommand)]
    Superadmin(SuperadminCommand),
}

#[derive(Subcommand)]
enum DevCommand {
    /// Run a fake Midtrans Snap that posts signed notifications to the gateway.
    FakeMidtrans {
        #[arg(long, default_value = "127.0.0.1:9900")]
        bind: std::net::SocketAddr,
        /// The gateway's notification URL.
        #[arg(long, default_value = "http://127.0.0.1:8080/webhooks/midtrans")]
        webhook: String,
        #[arg(long, env = "MIDTRANS_SERVER_KEY")]
        server_key: String,
    },
}

#[derive(Subcommand)]
enum SuperadminCommand {
    /// Create a super admin (or reset their password).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, env = "KLUSTERA_SUPERADMIN_PASSWORD")]
        password: String,
    },
}

pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Schema = cli.command {
        print!("{}", klustera_graphql::sdl());
        return Ok(());
    }
    if let Command::Dev(DevCommand::FakeMidtrans {
        bind,
        webhook,
        server_key,
    }) = &cli.command
    {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        return runtime.block_on(async {
            let fake =
                crate::dev::fake_midtrans::FakeMidtrans::start(*bind, server_key, webhook).await?;
            eprintln!(
                "fake Midtrans on {} (set MIDTRANS_BASE_URL to it); notifications go to {webhook}",
                fake.base_url()
            );
            tokio::signal::ctrl_c().await?;
            Ok(())
        });
    }
    let config = Config::load()?;
    crate::telemetry::init_tracing(&config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    // Held until the command ends: the last process using the private cluster stops it.
    let (url, _cluster) = crate::app::database_url(&config).await?;
    match command {
        Command::Schema | Command::Dev(_) => Ok(()),
        Command::Billing(cmd) => billing::run(config, &url, cmd).await,
        Command::Serve => {
            let state = crate::app::build(config, &url).await?;
            crate::app::serve(state).await
        }
        Command::Worker => {
            let state = crate::app::build(config, &url).await?;
            crate::app::work(state).await
        }
        Command::Demo(args) => demo::run(config, &url, args).await,
        Command::Tenant(cmd) => tenant::run(&url, cmd).await,
        Command::Superadmin(SuperadminCommand::Create { email, password }) => {
            let db = sea_orm::Database::connect(&url)
                .await
                .context("connecting to PostgreSQL")?;
            crate::tenancy::provision::ensure_control_plane(&db).await?;
            crate::tenancy::provision::create_super_admin(&db, &email, password).await?;
            println!("super admin {email} ready");
            Ok(())
        }
    }
}
