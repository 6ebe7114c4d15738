//! The command line: `import`, `export`, `serve`, `hash-password`, and with no subcommand,
//! import the seeds when they changed and serve. Options also come from `ENTENTE_*` variables;
//! the shared token and the session secret only from files or variables, never from arguments
//! (which anyone on the machine can read in `ps`).

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::BoolishValueParser;
use clap::{Parser, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use crate::access;
use crate::export::{self, Table};
use crate::import;
use crate::ingest;
use crate::reference::{GAZETTEER_FILE, Reference};
use crate::store::{self, write};
use crate::web::auth::{Access, AccessConfig};

#[derive(Debug, Parser)]
#[command(name = "entente", version, about = "Browse diplomacy timelines extracted from news articles")]
pub struct Cli {
    /// The SQLite database file.
    #[arg(long, global = true, env = "ENTENTE_DB", default_value = "data/entente.db")]
    pub db: PathBuf,
    /// Folder holding gazetteer.yaml and topics.yaml (and, for the default command, the seed
    /// articles). Without it: ./seeds if present, else the gazetteer and taxonomy built in.
    #[arg(long, global = true, env = "ENTENTE_SEEDS")]
    pub seeds: Option<PathBuf>,
    /// Address to serve on (serve, and the default command).
    #[arg(long, global = true, env = "ENTENTE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve without access control even on a non-loopback address (otherwise refused).
    #[arg(long, global = true, env = "ENTENTE_ALLOW_ANONYMOUS", value_parser = BoolishValueParser::new())]
    pub allow_anonymous: bool,
    /// File holding the shared access token (or set ENTENTE_TOKEN).
    #[arg(long, global = true, env = "ENTENTE_TOKEN_FILE", value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// File of `name:$argon2id$...` lines, one per user (see `entente hash-password`).
    #[arg(long, global = true, env = "ENTENTE_USERS", value_name = "PATH")]
    pub users: Option<PathBuf>,
    /// Leave `Secure` off the sign-in cookie, for plain-http deployments on a trusted network.
    #[arg(long, global = true, env = "ENTENTE_INSECURE_COOKIES", value_parser = BoolishValueParser::new())]
    pub insecure_cookies: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import article files (.txt, .md) and folders of them.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Write the database as JSON, or one table as CSV, to standard output.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// With --format csv: which table.
        #[arg(long, value_enum, default_value = "events")]
        table: Table,
    },
    /// Serve the pages (read-only) without importing anything.
    Serve,
    /// Write a synthetic corpus of realistic articles, the same for the same seed.
    Generate {
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print each sentence of an article file with what is extracted from it, and why.
    Explain { file: PathBuf },
    /// Read a password from standard input and print its argon2id hash for the users file.
    HashPassword,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

/// Parses the arguments, runs the command and turns failures into a message and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "entente=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("entente: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("entente: {err:#}");
            ExitCode::FAILURE
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Import { paths }) => {
            let reference = reference(cli.seeds.as_deref())?;
            let pool = store::open_rw(&cli.db).await?;
            let summary = import::import(&pool, &reference, &paths, &mut std::io::stderr()).await?;
            pool.close().await;
            println!("{summary}");
            Ok(if summary.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Some(Command::Export { format, table }) => {
            if !cli.db.exists() {
                anyhow::bail!("database {}: no such file (run `entente import` first)", cli.db.display());
            }
            let pool = store::open_rw(&cli.db).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Json => export::json(&pool, &mut out).await?,
                Format::Csv => export::csv(&pool, table, &mut out).await?,
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve) => {
            let access = access_control(&cli)?;
            // Migrations are applied at start; serving itself only reads.
            store::open_rw(&cli.db).await?.close().await;
            crate::web::serve(&cli.db, cli.addr, access).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Generate { articles, seed, out }) => {
            let reference = reference(cli.seeds.as_deref())?;
            let bytes = crate::generate::generate(&reference, articles, seed, &out)
                .with_context(|| format!("{}: cannot write the corpus", out.display()))?;
            println!("{articles} articles, {:.1} MB, in {}", bytes as f64 / 1e6, out.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Explain { file }) => {
            let reference = reference(cli.seeds.as_deref())?;
            print!("{}", crate::explain::explain(&file, &reference)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::HashPassword) => {
            println!("{}", access::hash_password(&read_password()?)?);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            // Checked first, so that a refused address fails at once rather than after an import.
            let access = access_control(&cli)?;
            let seeds = cli.seeds.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_SEEDS));
            import_seeds_if_changed(&cli.db, &seeds).await?;
            crate::web::serve(&cli.db, cli.addr, access).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads the credentials the options name and applies the refusal rule to the address.
fn access_control(cli: &Cli) -> anyhow::Result<Access> {
    let token = match (&cli.token_file, non_empty_var("ENTENTE_TOKEN")) {
        (Some(_), Some(_)) => anyhow::bail!("give the token once: --token-file (ENTENTE_TOKEN_FILE) or ENTENTE_TOKEN"),
        (Some(path), None) => Some(access::load_token_file(path)?),
        (None, Some(token)) => Some(access::check_token(token.trim()).context("ENTENTE_TOKEN")?),
        (None, None) => None,
    };
    let users = match &cli.users {
        Some(path) => {
            let users = access::load_users(path)?;
            if users.is_empty() {
                anyhow::bail!("{}: no users (add `name:hash` lines made with `entente hash-password`)", path.display());
            }
            users
        }
        None => Vec::new(),
    };
    access::check_bind(cli.addr, token.is_some() || !users.is_empty(), cli.allow_anonymous)?;
    let access = Access::new(AccessConfig {
        token,
        users,
        session_secret: non_empty_var("ENTENTE_SESSION_SECRET"),
        secure_cookies: !cli.insecure_cookies,
    })?;
    if access.is_enforced() && !cli.insecure_cookies && !cli.addr.ip().to_canonical().is_loopback() {
        tracing::warn!(
            "the sign-in cookie is Secure: browsers keep it only over https (or on localhost). \
             Serve behind https, or pass --insecure-cookies on a trusted plain-http network"
        );
    }
    Ok(access)
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

/// The first line of standard input, without its line end; prompts when it is a terminal.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (shown as typed): ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("cannot read the password")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        anyhow::bail!("empty password: give it on standard input, e.g. `entente hash-password < file`");
    }
    Ok(password.to_string())
}

const SEEDS_KEY: &str = "seeds_fingerprint";
const DEFAULT_SEEDS: &str = "seeds";

/// The reference data: from `--seeds`, else `./seeds`, else the copy built into the binary.
fn reference(seeds: Option<&Path>) -> anyhow::Result<Reference> {
    match seeds {
        Some(dir) => Ok(Reference::load(dir)?),
        None if Path::new(DEFAULT_SEEDS).join(GAZETTEER_FILE).is_file() => Ok(Reference::load(Path::new(DEFAULT_SEEDS))?),
        None => {
            eprintln!("entente: no ./seeds here: using the built-in gazetteer and taxonomy (--seeds DIR for your own)");
            Ok(Reference::builtin()?)
        }
    }
}

/// Imports the seed folder when the database has never seen this version of it.
async fn import_seeds_if_changed(db: &Path, seeds: &Path) -> anyhow::Result<()> {
    let reference = Reference::load(seeds)?;
    let fingerprint = seeds_fingerprint(seeds, &reference)?;
    let pool = store::open_rw(db).await?;
    if write::meta(&pool, SEEDS_KEY).await?.as_deref() == Some(fingerprint.as_str()) {
        tracing::info!("seeds unchanged since the last import");
    } else {
        let summary = import::import(&pool, &reference, &[seeds.to_path_buf()], &mut std::io::stderr()).await?;
        tracing::info!("imported {}: {summary}", seeds.display());
        write::set_meta(&pool, SEEDS_KEY, &fingerprint).await?;
    }
    pool.close().await;
    Ok(())
}

fn seeds_fingerprint(seeds: &Path, reference: &Reference) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(import::fingerprint(reference));
    let (files, _) = ingest::discover(&[seeds.to_path_buf()]);
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).with_context(|| format!("{}: cannot read", file.display()))?);
    }
    Ok(ingest::hex(&hasher.finalize()))
}
