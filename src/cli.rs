//! The command line: `import`, `export`, `serve`, and with no subcommand, import the seeds
//! when they changed and serve. Options also come from `ENTENTE_*` variables.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use crate::export::{self, Table};
use crate::import;
use crate::ingest;
use crate::reference::{GAZETTEER_FILE, Reference};
use crate::store::{self, write};

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
    /// Print each sentence of an article file with what is extracted from it, and why.
    Explain { file: PathBuf },
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
            // Migrations are applied at start; serving itself only reads.
            store::open_rw(&cli.db).await?.close().await;
            crate::web::serve(&cli.db, cli.addr).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Explain { file }) => {
            let reference = reference(cli.seeds.as_deref())?;
            print!("{}", crate::explain::explain(&file, &reference)?);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let seeds = cli.seeds.unwrap_or_else(|| PathBuf::from(DEFAULT_SEEDS));
            import_seeds_if_changed(&cli.db, &seeds).await?;
            crate::web::serve(&cli.db, cli.addr).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
