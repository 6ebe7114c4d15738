//! Store: the SQLite database. Opening it (read-write for import, read-only for serving),
//! the schema migrations, writing whole articles with their facts, and the read queries.

pub mod event_index;
pub mod read;
pub mod search;
pub mod summary;
pub mod timeline;
pub mod write;

#[cfg(test)]
mod plans;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The state of a database's files (size and modification time of the file and of its
/// write-ahead log): when it changes, so may anything read from it.
pub(crate) type Generation = [Option<(u64, SystemTime)>; 2];

/// The database file at `db` and its write-ahead log.
pub(crate) fn files_of(db: &Path) -> [PathBuf; 2] {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    [db.to_path_buf(), PathBuf::from(wal)]
}

/// The state of `files` now: two `stat`s.
pub(crate) fn generation(files: &[PathBuf; 2]) -> Generation {
    files.clone().map(|file| {
        std::fs::metadata(file)
            .ok()
            .and_then(|m| m.modified().ok().map(|t| (m.len(), t)))
    })
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("database {path}: cannot create its folder: {cause}")]
    Folder { path: String, cause: std::io::Error },
    #[error("database {path}: {cause}")]
    Sqlite { path: String, cause: sqlx::Error },
    #[error("database {path}: {cause}")]
    Migrate { path: String, cause: sqlx::migrate::MigrateError },
    #[error(
        "database {path} was written by a newer version of entente (schema {found}, this build knows up to {known}); use a newer entente or another --db"
    )]
    Newer { path: String, found: i64, known: i64 },
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn options(path: &Path) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

/// Page cache of the writing connection, in KiB (negative: SQLite's unit for KiB): enough for
/// the pages a group of articles changes (see `write::article::GROUP_TIME`), so that few are
/// written out and read back before it commits.
const IMPORT_CACHE_KIB: &str = "-131072";

/// Pages the write-ahead log grows to before it is copied back (SQLite's default is 1,000).
const IMPORT_CHECKPOINT_PAGES: &str = "16384";

/// Opens (creating it if needed) the database for writing and brings its schema up to date.
pub async fn open_rw(path: &Path) -> Result<SqlitePool, OpenError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|cause| OpenError::Folder {
            path: shown.clone(),
            cause,
        })?;
    }
    let sqlite = |cause| OpenError::Sqlite {
        path: shown.clone(),
        cause,
    };
    let opts = options(path)
        .map_err(sqlite)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        // The import touches indexes all over a large file; SQLite's default 2 MB page cache
        // would send most of those reads to the OS.
        .pragma("cache_size", IMPORT_CACHE_KIB)
        // Every multi-row INSERT keeps a statement journal of the pages it changes; on disk
        // (the default beyond 64 KB) that was a sixth of the import's time.
        .pragma("temp_store", "memory")
        // Checkpointing copies each changed page back into the database file: less often, a
        // page changed by many groups is copied once.
        .pragma("wal_autocheckpoint", IMPORT_CHECKPOINT_PAGES);
    // One writer: imports are sequential, and SQLite serialises writers anyway.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(sqlite)?;
    refuse_newer(&pool, &shown).await?;
    MIGRATOR.run(&pool).await.map_err(|cause| OpenError::Migrate {
        path: shown.clone(),
        cause,
    })?;
    // After a bulk import that did not finish.
    write::bulk::build_page_indexes(&pool).await.map_err(sqlite)?;
    Ok(pool)
}

/// How much of the database file the reading connections map into memory.
const MMAP_BYTES: &str = "2147483648";

/// Opens an existing, migrated database for reading only: what the web layer gets.
pub async fn open_ro(path: &Path, connections: u32) -> Result<SqlitePool, OpenError> {
    let shown = path.display().to_string();
    let sqlite = |cause| OpenError::Sqlite {
        path: shown.clone(),
        cause,
    };
    // Pages read all over the file: mapping it shares the OS's cache among the connections
    // instead of copying pages into each one's small cache.
    let opts = options(path).map_err(sqlite)?.read_only(true).pragma("mmap_size", MMAP_BYTES);
    let pool = SqlitePoolOptions::new()
        .min_connections(connections)
        .max_connections(connections)
        .connect_with(opts)
        .await
        .map_err(sqlite)?;
    // Open every connection now and read once on each: the first read creates the write-ahead
    // log, which the page cache watches for changes; a warm pool also answers the first
    // visitors at full speed.
    let mut held = Vec::new();
    for _ in 0..connections {
        let mut conn = pool.acquire().await.map_err(sqlite)?;
        sqlx::query("SELECT 1 FROM sqlite_master LIMIT 1")
            .execute(&mut *conn)
            .await
            .map_err(sqlite)?;
        held.push(conn);
    }
    drop(held);
    Ok(pool)
}

/// A database migrated by a newer build must not be touched by this one.
async fn refuse_newer(pool: &SqlitePool, shown: &str) -> Result<(), OpenError> {
    let sqlite = |cause| OpenError::Sqlite {
        path: shown.to_string(),
        cause,
    };
    let has_table: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await
    .map_err(sqlite)?;
    if has_table.is_none() {
        return Ok(());
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(sqlite)?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > known => Err(OpenError::Newer {
            path: shown.to_string(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}
