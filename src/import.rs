//! The import pipeline: files -> ingest -> extract -> store, each article stored whole or not
//! at all, with a line for every file that fails or warns and a summary at the end.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use crate::extract::{Extractor, Facts, Input};
use crate::ingest::{self, Document};
use crate::reference::{Reference, slugify};
use crate::store::summary;
use crate::store::write::{self, ArticleRecord, Saved, bulk};

/// Bump when extraction rules change in a way that should re-extract unchanged files.
const RULES_VERSION: &str = "1";

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub events: i64,
    pub quotes: i64,
    pub actors: i64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "articles: {} new, {} updated, {} unchanged, {} duplicate, {} failed; database: {} events, {} quotes, {} actors",
            self.new, self.updated, self.unchanged, self.duplicates, self.failed, self.events, self.quotes, self.actors
        )
    }
}

/// A fingerprint of the reference data and the rules: when it changes, every article is
/// extracted again even if its file did not change.
pub fn fingerprint(reference: &Reference) -> String {
    let mut hasher = Sha256::new();
    hasher.update(RULES_VERSION);
    hasher.update(env!("CARGO_PKG_VERSION"));
    hasher.update(serde_json::to_string(&reference.actors).unwrap_or_default());
    hasher.update(serde_json::to_string(&reference.topics).unwrap_or_default());
    ingest::hex(&hasher.finalize())
}

/// What the reading thread hands the writer for one file.
enum Prepared {
    /// Read and extracted, ready to store.
    Article(Box<(ArticleRecord, Facts, Vec<String>)>),
    /// The database already holds exactly this.
    Unchanged,
    Failed(String),
}

/// Files read and extracted ahead of the writer: enough to keep it busy, little memory.
const READ_AHEAD: usize = 64;

/// Imports `paths` (files and folders). Problems with single files are written to `log` and
/// counted; only a database failure stops the import. Files are read and extracted on every
/// core, ahead of the database writes, and written in the order they were found, so that an
/// import gives the same slugs and ids however the threads ran.
pub async fn import(
    pool: &SqlitePool,
    reference: &Reference,
    paths: &[PathBuf],
    log: &mut dyn Write,
) -> anyhow::Result<Summary> {
    write::sync_reference(pool, reference).await?;
    let fingerprint = fingerprint(reference);
    let mut known = write::known_files(pool).await?;
    let mut summary = Summary::default();

    let (files, problems) = ingest::discover(paths);
    for problem in problems {
        writeln!(log, "{}: {}", problem.path.display(), problem.message)?;
        summary.failed += 1;
    }
    let bulk = bulk::is_bulk(files.len(), known.by_path.len());
    if bulk {
        bulk::drop_page_indexes(pool).await?;
    }
    let hashes: HashMap<String, String> = known.by_path.clone();
    let extractor = Extractor::new(reference);
    let window = Arc::new(Window::default());
    // However the writer stops, the readers must not wait for it forever.
    let _release = ReleaseOnDrop(window.clone());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, PathBuf, Prepared)>(READ_AHEAD);
    let readers = {
        let window = window.clone();
        tokio::task::spawn_blocking(move || read_all(&files, &extractor, &fingerprint, &hashes, &window, &tx))
    };

    let mut writer = write::Writer::new(pool).await?;
    let mut pending: BTreeMap<usize, (PathBuf, Prepared)> = BTreeMap::new();
    let mut next = 0;
    while let Some((index, path, prepared)) = rx.recv().await {
        pending.insert(index, (path, prepared));
        while let Some((path, prepared)) = pending.remove(&next) {
            next += 1;
            window.advance(next);
            let (record, facts, warnings) = match prepared {
                Prepared::Article(article) => *article,
                Prepared::Unchanged => {
                    summary.unchanged += 1;
                    continue;
                }
                Prepared::Failed(reason) => {
                    writeln!(log, "{}: {reason}", path.display())?;
                    summary.failed += 1;
                    continue;
                }
            };
            for warning in &warnings {
                writeln!(log, "{}: warning: {warning}", path.display())?;
            }
            if let Some(other) = known.by_raw_hash.get(&record.raw_hash).filter(|other| **other != record.path) {
                writeln!(log, "{}: skipped: same text as {other}", path.display())?;
                summary.duplicates += 1;
                continue;
            }
            let replaces = known.by_path.contains_key(&record.path);
            match writer.save(&record, &facts, replaces).await? {
                Saved::New => summary.new += 1,
                Saved::Updated => summary.updated += 1,
            }
            known.by_raw_hash.insert(record.raw_hash.clone(), record.path.clone());
            known.by_path.insert(record.path, record.content_hash);
        }
    }
    writer.finish().await?;
    readers.await?;
    if bulk {
        bulk::build_page_indexes(pool).await?;
    }
    // The pages read whole-archive counts from summaries that any change marks stale.
    if summary::events_if_fresh(pool).await?.is_none() {
        summary::refresh_summaries(pool).await?;
    }
    let counts: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM quotes),
                (SELECT COUNT(DISTINCT actor_id) FROM mentions)",
    )
    .fetch_one(pool)
    .await?;
    (summary.events, summary.quotes, summary.actors) = counts;
    Ok(summary)
}

/// Reads and extracts `files` on one thread per core, handing each over with its index.
fn read_all(
    files: &[PathBuf],
    extractor: &Extractor,
    fingerprint: &str,
    hashes: &HashMap<String, String>,
    window: &Window,
    tx: &tokio::sync::mpsc::Sender<(usize, PathBuf, Prepared)>,
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    let claimed = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = claimed.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(index) else { return };
                    if !window.wait_for(index) {
                        return; // the writer stopped
                    }
                    let prepared = prepare(path, extractor, fingerprint, hashes);
                    if tx.blocking_send((index, path.clone(), prepared)).is_err() {
                        return;
                    }
                }
            });
        }
    });
}

/// How far the readers may run ahead of the writer: files are written in order, so one slow
/// file must not let the others pile up in memory behind it.
#[derive(Default)]
struct Window {
    /// How many files the writer has taken, or `usize::MAX` once it has stopped.
    written: Mutex<usize>,
    moved: Condvar,
}

impl Window {
    fn advance(&self, written: usize) {
        if let Ok(mut w) = self.written.lock() {
            *w = written;
        }
        self.moved.notify_all();
    }

    /// Waits until file `index` is within reach of the writer; false if the writer stopped.
    fn wait_for(&self, index: usize) -> bool {
        let Ok(mut written) = self.written.lock() else { return false };
        while *written != usize::MAX && index >= written.saturating_add(READ_AHEAD) {
            written = match self.moved.wait(written) {
                Ok(w) => w,
                Err(_) => return false,
            };
        }
        *written != usize::MAX
    }
}

struct ReleaseOnDrop(Arc<Window>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        self.0.advance(usize::MAX);
    }
}

/// Reads, cleans and extracts one file, unless the database already holds it unchanged.
fn prepare(path: &Path, extractor: &Extractor, fingerprint: &str, hashes: &HashMap<String, String>) -> Prepared {
    let doc = match ingest::read(path) {
        Ok(doc) => doc,
        Err(err) => return Prepared::Failed(err.to_string()),
    };
    let record = record(&doc, fingerprint);
    if hashes.get(&record.path) == Some(&record.content_hash) {
        return Prepared::Unchanged;
    }
    let mut warnings = doc.warnings.clone();
    if doc.published().is_none() {
        warnings.push(
            "no publication date (front matter `published`, a leading date or a dateline); imported as undated, relative dates left unresolved"
                .to_string(),
        );
    }
    let facts = extractor.extract(Input {
        text: &doc.cleaned.text,
        published: doc.published(),
        title: doc.title(),
    });
    Prepared::Article(Box::new((record, facts, warnings)))
}

fn record(doc: &Document, fingerprint: &str) -> ArticleRecord {
    let content_hash = ingest::hex(&Sha256::digest(format!("{}:{fingerprint}", doc.raw_hash)));
    ArticleRecord {
        path: doc.path.display().to_string(),
        file: doc.file.clone(),
        raw_hash: doc.raw_hash.clone(),
        content_hash,
        title: doc
            .title()
            .map(str::to_string)
            .unwrap_or_else(|| fallback_title(&doc.cleaned.text)),
        outlet: doc.front.outlet.clone(),
        outlet_slug: doc.front.outlet.as_deref().map(slugify).filter(|s| !s.is_empty()),
        via: doc.front.via.clone(),
        url: doc.front.url.clone(),
        published: doc.published().map(|d| d.to_string()),
        author: doc.author().map(str::to_string),
        language: doc.front.language.clone(),
        body: doc.cleaned.text.clone(),
    }
}

/// An article without a headline is named by its opening words.
fn fallback_title(text: &str) -> String {
    const MAX: usize = 80;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let sentence = first
        .find(". ")
        .map_or(first, |end| &first[..end]);
    if sentence.chars().count() <= MAX {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_titles_are_short_first_sentences() {
        assert_eq!(fallback_title("\nMacron met Trump. Then left."), "Macron met Trump");
        let long = "word ".repeat(40);
        let title = fallback_title(&long);
        assert!(title.ends_with('…') && title.chars().count() <= 81, "{title}");
    }
}
