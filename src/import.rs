//! The import pipeline: files -> ingest -> extract -> store, one transaction per article,
//! with a line for every file that fails or warns and a summary at the end.

use std::fmt;
use std::io::Write;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use crate::extract::{Extractor, Input};
use crate::ingest::{self, Document};
use crate::reference::{Reference, slugify};
use crate::store::write::{self, ArticleRecord, Saved};

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

/// Imports `paths` (files and folders). Problems with single files are written to `log` and
/// counted; only a database failure stops the import.
pub async fn import(
    pool: &SqlitePool,
    reference: &Reference,
    paths: &[PathBuf],
    log: &mut dyn Write,
) -> anyhow::Result<Summary> {
    write::sync_reference(pool, reference).await?;
    let fingerprint = fingerprint(reference);
    let extractor = Extractor::new(reference);
    let mut summary = Summary::default();

    let (files, problems) = ingest::discover(paths);
    for problem in problems {
        writeln!(log, "{}: {}", problem.path.display(), problem.message)?;
        summary.failed += 1;
    }
    for path in files {
        let doc = match ingest::read(&path) {
            Ok(doc) => doc,
            Err(err) => {
                writeln!(log, "{}: {err}", path.display())?;
                summary.failed += 1;
                continue;
            }
        };
        for warning in &doc.warnings {
            writeln!(log, "{}: warning: {warning}", path.display())?;
        }
        let record = record(&doc, &fingerprint);
        if let Some(existing) = write::existing(pool, &record.path).await?
            && existing.content_hash == record.content_hash
        {
            summary.unchanged += 1;
            continue;
        }
        if let Some(other) = write::same_bytes_elsewhere(pool, &record.raw_hash, &record.path).await? {
            writeln!(log, "{}: skipped: same text as {other}", path.display())?;
            summary.duplicates += 1;
            continue;
        }
        if doc.published().is_none() {
            writeln!(
                log,
                "{}: warning: no publication date (front matter `published`, a leading date or a dateline); imported as undated, relative dates left unresolved",
                path.display()
            )?;
        }
        let facts = extractor.extract(Input {
            text: &doc.cleaned.text,
            published: doc.published(),
            title: doc.title(),
        });
        match write::save_article(pool, &record, &facts).await? {
            Saved::New => summary.new += 1,
            Saved::Updated => summary.updated += 1,
        }
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
