//! Building the web client for `klustera demo --serve`, so one command brings up the
//! gateway, the demo tenant and the client together. Only npm-registry packages are
//! fetched (`npm ci` from the committed lockfile); no browser or binary is downloaded.
//! Never used by `serve`: production deploys ship a built `web-client/dist`.

use std::path::Path;

use anyhow::Context;
use tokio::process::Command;

/// Builds the client with npm when `web_dir` (its `dist/`) has no `index.html` and its
/// sources (`package.json` beside it) are there; otherwise does nothing.
pub async fn ensure_built(web_dir: &Path) -> anyhow::Result<()> {
    if web_dir.join("index.html").is_file() {
        return Ok(());
    }
    let Some(source) = web_dir
        .parent()
        .filter(|dir| dir.join("package.json").is_file())
    else {
        eprintln!(
            "web client: no build in {} and no sources beside it; serving the API only",
            web_dir.display()
        );
        return Ok(());
    };
    if !source.join("node_modules").is_dir() {
        npm(source, &["ci", "--no-audit", "--no-fund"]).await?;
    }
    npm(source, &["run", "build"]).await
}

async fn npm(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    eprintln!("web client: npm {} (in {})", args.join(" "), dir.display());
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .await
        .context(
            "running npm (install Node.js and npm to build the web client, or pass --no-web-build)",
        )?;
    anyhow::ensure!(status.success(), "npm {} failed ({status})", args.join(" "));
    Ok(())
}
