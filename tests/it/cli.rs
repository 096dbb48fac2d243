//! Tenant tooling, through the real `klustera` binary and through the provisioning API
//! with a migration built to fail.

use std::process::Command;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use sea_orm_migration::prelude::*;
use serde_json::json;

use klustera::tenancy::provision::{self, NewTenant};
use klustera_graphql::common::types::TenantSlug;
use klustera_migration::{sea_orm_migration, tenant};

use crate::app::{TestApp, TestDb, code};

fn klustera(db_url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_klustera"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn schema_exists(db: &DatabaseConnection, name: &str) -> bool {
    db.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 AS one FROM information_schema.schemata WHERE schema_name = $1",
        [name.into()],
    ))
    .await
    .unwrap()
    .is_some()
}

#[tokio::test]
async fn create_list_migrate_suspend_and_drop_through_the_cli() {
    let app = TestApp::spawn().await;
    let url = app.db_url.clone();

    let (ok, out) = klustera(
        &url,
        &[
            "tenant",
            "create",
            "acme",
            "--name",
            "Cluster Acme",
            "--manager-password",
            "secret-123",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("created tenant acme"), "{out}");
    let (ok, out) = klustera(&url, &["tenant", "create", "acme", "--name", "Again"]);
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = klustera(&url, &["tenant", "create", "Bad_Slug", "--name", "X"]);
    assert!(!ok && out.contains("invalid tenant slug"), "{out}");

    let (ok, out) = klustera(&url, &["tenant", "list"]);
    assert!(ok, "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("acme"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("ACTIVE")
            && line.contains(&format!(
                "{} ok",
                klustera_migration::tenant::Migrator::migrations().len()
            ))
            && line.contains("Cluster Acme"),
        "{line}"
    );

    let (ok, out) = klustera(&url, &["tenant", "migrate", "--all", "--concurrency", "2"]);
    assert!(ok && out.contains("acme: up to date"), "{out}");

    // The manager created by the CLI can sign in.
    let body = app
        .gql(Some("acme"), None, "mutation { login(identifier: \"manager@acme.local\", password: \"secret-123\") { user { role } } }", json!({}))
        .await;
    assert_eq!(body["data"]["login"]["user"]["role"], "MANAGER", "{body}");

    let (ok, _) = klustera(&url, &["tenant", "suspend", "acme"]);
    assert!(ok);
    let body = app
        .gql(Some("acme"), None, "{ me { id } }", json!({}))
        .await;
    assert_eq!(code(&body), "TENANT_SUSPENDED");
    let (ok, _) = klustera(&url, &["tenant", "resume", "acme"]);
    assert!(ok);
    let body = app
        .gql(Some("acme"), None, "{ me { id } }", json!({}))
        .await;
    assert_eq!(
        code(&body),
        "UNAUTHENTICATED",
        "resumed: the tenant answers again"
    );

    let (ok, out) = klustera(&url, &["tenant", "drop", "acme"]);
    assert!(!ok && out.contains("--yes"), "{out}");
    let (ok, out) = klustera(&url, &["tenant", "drop", "acme", "--yes"]);
    assert!(ok, "{out}");
    assert!(!schema_exists(&app.state.db, "t_acme").await);
    let body = app
        .gql(Some("acme"), None, "{ me { id } }", json!({}))
        .await;
    assert_eq!(code(&body), "TENANT_NOT_FOUND");
}

/// The real tenant migrations followed by one that creates a table, then fails.
struct WithBrokenMigration;

#[derive(DeriveMigrationName)]
struct Broken;

#[async_trait::async_trait]
impl MigrationTrait for Broken {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE TABLE half_done (id int)")
            .await?;
        db.execute_unprepared("ALTER TABLE no_such_table ADD COLUMN x int")
            .await?;
        Ok(())
    }
    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

#[async_trait::async_trait]
impl MigratorTrait for WithBrokenMigration {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut all = tenant::Migrator::migrations();
        all.push(Box::new(Broken));
        all
    }
}

fn new_tenant(slug: &str) -> NewTenant {
    NewTenant {
        slug: TenantSlug::parse(slug).unwrap(),
        display_name: "Broken Estate".into(),
        time_zone: "Asia/Makassar".into(),
        manager_email: format!("manager@{slug}.test"),
        manager_password: "secret-123".into(),
    }
}

#[tokio::test]
async fn a_failing_migration_leaves_no_half_tenant() {
    let test_db = TestDb::create().await;
    let db = Database::connect(&test_db.url).await.unwrap();
    provision::ensure_control_plane(&db).await.unwrap();

    // At creation: nothing of the tenant survives.
    let err = provision::create_tenant::<WithBrokenMigration>(&db, new_tenant("broken")).await;
    assert!(err.is_err());
    assert!(!schema_exists(&db, "t_broken").await, "schema left behind");
    let tenants = provision::list_tenants::<tenant::Migrator>(&db)
        .await
        .unwrap();
    assert!(tenants.is_empty(), "registry row left behind");

    // On upgrade: the tenant stays at its last good version, no partial DDL.
    provision::create_tenant::<tenant::Migrator>(&db, new_tenant("steady"))
        .await
        .unwrap();
    let slug = TenantSlug::parse("steady").unwrap();
    assert!(
        provision::migrate_tenant::<WithBrokenMigration>(&db, &slug)
            .await
            .is_err()
    );
    let half = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM information_schema.tables WHERE table_schema = 't_steady' AND table_name = 'half_done'",
        ))
        .await
        .unwrap();
    assert!(half.is_none(), "partial migration left a table");
    let listed = provision::list_tenants::<WithBrokenMigration>(&db)
        .await
        .unwrap();
    assert_eq!(
        (listed[0].applied, listed[0].pending),
        (tenant::Migrator::migrations().len(), 1)
    );
    let reports = provision::migrate_all::<WithBrokenMigration>(&db, 2)
        .await
        .unwrap();
    assert!(
        reports[0].outcome.is_err(),
        "migrate --all reports the failure per tenant"
    );
    db.close().await.unwrap();
}

#[test]
fn an_unknown_configuration_key_fails_start_up_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_klustera"))
        .args(["tenant", "list"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("KLUSTERA_WORKER", "4")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("unknown field") && stderr.contains("worker"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("connect"),
        "refused before connecting: {stderr}"
    );
}

/// Runs `klustera tenant list` on the private cluster under `data_dir` (no `DATABASE_URL`).
fn on_private_cluster(data_dir: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_klustera"))
        .args(["tenant", "list"])
        .env_remove("DATABASE_URL")
        .env("KLUSTERA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

#[test]
fn the_private_cluster_stops_when_its_last_user_exits_and_keeps_its_data() {
    let dir = std::env::temp_dir().join(format!("klustera-{}", uuid::Uuid::new_v4().simple()));
    let first = on_private_cluster(&dir);
    assert!(
        first.contains("creating a private PostgreSQL cluster"),
        "{first}"
    );
    assert!(first.contains("stopped the private PostgreSQL"), "{first}");
    let port: u16 = std::fs::read_to_string(dir.join("pg/port"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens on the private cluster's port once its last user exited"
    );
    // The next start reuses the cluster's data rather than creating one.
    let second = on_private_cluster(&dir);
    assert!(
        !second.contains("creating a private PostgreSQL cluster"),
        "{second}"
    );
    assert!(
        second.contains("stopped the private PostgreSQL"),
        "{second}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The tenant migrations of an older binary: all but the newest.
struct OneBehind;

#[async_trait::async_trait]
impl MigratorTrait for OneBehind {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut all = tenant::Migrator::migrations();
        all.pop();
        all
    }
}

#[tokio::test]
async fn a_tenant_behind_on_migrations_is_refused_until_migrated() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    provision::create_tenant::<OneBehind>(&app.state.db, new_tenant("late"))
        .await
        .unwrap();
    let (ok, out) = klustera(&app.db_url, &["tenant", "list"]);
    assert!(ok, "{out}");
    let late = out.lines().find(|l| l.starts_with("late ")).unwrap();
    assert!(
        late.contains("1 pending"),
        "tenant list shows who is behind: {out}"
    );

    // Before a sign-in could even read a row: refused with its own code and no data.
    let login = "mutation { login(identifier: \"manager@late.test\", password: \"secret-123\") { accessToken } }";
    let body = app.gql(Some("late"), None, login, json!({})).await;
    assert_eq!(code(&body), "TENANT_MIGRATING", "{body}");
    assert_eq!(body["data"], json!(null), "{body}");
    // Other tenants are served as usual.
    app.manager_token("alpha").await;

    let migrated = provision::migrate_tenant::<tenant::Migrator>(
        &app.state.db,
        &TenantSlug::parse("late").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(migrated.len(), 1);
    let body = app.gql(Some("late"), None, login, json!({})).await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
}
