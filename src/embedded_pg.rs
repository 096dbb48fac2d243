//! The private PostgreSQL cluster used when no `DATABASE_URL` is configured.
//!
//! Lives under `<data_dir>/pg` (default `./.klustera/pg`), made with the machine's own
//! server binaries (`pg_config --bindir`, else `initdb` on PATH), listening on 127.0.0.1
//! only, with trust authentication for local use. Every process using it (a gateway, a
//! worker, a `klustera tenant ...` command) holds a shared lock on `<data_dir>/pg/users.lock`
//! while it runs; the last one to exit takes the lock exclusively and stops the cluster.
//! The data directory stays, so the next start reuses the data (a process killed with
//! SIGKILL leaves the cluster running; the next user to exit stops it).
//! PostgreSQL refuses to run as root; when we are root it runs as the `postgres` user.

use std::fs::File;
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const DATABASE: &str = "klustera";

/// This process's use of the private cluster: dropping it (at exit) stops the cluster
/// if no other process uses it.
pub struct ClusterUse {
    users: File,
    bin: PathBuf,
    data: PathBuf,
    as_root: bool,
}

impl Drop for ClusterUse {
    fn drop(&mut self) {
        // Exclusive only when no other process holds its shared lock; a process starting
        // meanwhile waits for its shared lock until the cluster is down, then starts it.
        if self.users.unlock().is_err() || self.users.try_lock().is_err() {
            return;
        }
        let stopped = run(pg(self.as_root, &self.bin.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&self.data));
        match stopped {
            Ok(()) => eprintln!("klustera: stopped the private PostgreSQL (last user exited)"),
            Err(err) => eprintln!("klustera: could not stop the private PostgreSQL: {err:#}"),
        }
    }
}

/// Starts (or reuses) the private cluster and returns a URL to its `klustera` database,
/// with this process's hold on the cluster.
pub async fn ensure(data_dir: &Path) -> anyhow::Result<(String, ClusterUse)> {
    let root = absolute(&data_dir.join("pg"))?;
    let data = root.join("data");
    let port_file = root.join("port");
    let bin = server_bindir()?;
    let as_root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    let users = File::create(root.join("users.lock"))?;
    let users = tokio::task::spawn_blocking(move || users.lock_shared().map(|()| users))
        .await?
        .context("locking the private cluster's users.lock")?;
    let hold = ClusterUse {
        users,
        bin: bin.clone(),
        data: data.clone(),
        as_root,
    };

    if !data.join("PG_VERSION").exists() {
        if as_root {
            run(Command::new("chown")
                .arg("-R")
                .arg("postgres:postgres")
                .arg(&root))?;
        }
        eprintln!(
            "klustera: creating a private PostgreSQL cluster in {}",
            root.display()
        );
        run(pg(as_root, &bin.join("initdb"))
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
                "-D",
            ])
            .arg(&data))?;
    }
    let port = match std::fs::read_to_string(&port_file) {
        Ok(p) => p
            .trim()
            .parse::<u16>()
            .context("reading the private cluster's port file")?,
        Err(_) => {
            let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            std::fs::write(&port_file, port.to_string())?;
            port
        }
    };
    let running = pg(as_root, &bin.join("pg_ctl"))
        .arg("status")
        .arg("-D")
        .arg(&data)
        .output()?
        .status
        .success();
    if !running {
        let log = root.join("postgres.log");
        run(pg(as_root, &bin.join("pg_ctl"))
            .arg("start")
            .arg("-w")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {}",
                data.display()
            )))
        .with_context(|| format!("starting PostgreSQL; see {}", log.display()))?;
    }
    eprintln!(
        "klustera: using the private PostgreSQL in {} on 127.0.0.1:{port} (no DATABASE_URL set).\n\
         klustera: to use your own server instead: DATABASE_URL=postgres://user:pass@host:5432/db",
        root.display()
    );
    let admin_url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    create_database_if_missing(&admin_url, DATABASE).await?;
    Ok((
        format!("postgres://postgres@127.0.0.1:{port}/{DATABASE}"),
        hold,
    ))
}

/// Creates `name` on the server of `admin_url` unless it exists.
pub async fn create_database_if_missing(admin_url: &str, name: &str) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let admin = Database::connect(admin_url).await?;
    let exists = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{}\"",
                name.replace('"', "\"\"")
            ))
            .await?;
    }
    admin.close().await?;
    Ok(())
}

fn server_bindir() -> anyhow::Result<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
            return Ok(dir);
        }
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
            return Ok(dir);
        }
    }
    bail!(
        "no DATABASE_URL is set and no PostgreSQL server binaries were found (initdb, pg_ctl).\n\
         Install them (Debian: apt-get install postgresql) or set DATABASE_URL to a server."
    )
}

fn pg(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()?.join(path)
    })
}
