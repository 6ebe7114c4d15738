//! Full-text search over quotes and article text (FTS5), with snippets whose matches are
//! marked by [`MARK_START`] and [`MARK_END`] for the page to highlight after escaping.
//!
//! Ranking scores every match, which for a common word is tens of thousands of rows; beyond
//! [`RANKED_AMONG`] matches only the most recently imported that many are ranked, and the
//! result says so.

use serde::Serialize;
use sqlx::{AssertSqlSafe, SqlitePool};

use super::timeline::fts_query;

/// At most this many matches are ranked.
pub const RANKED_AMONG: i64 = 2000;

/// The best hits, and how many matches they were chosen from when not all of them.
#[derive(Debug, Clone)]
pub struct Ranked<T> {
    pub hits: Vec<T>,
    pub among: Option<i64>,
}

impl<T> Default for Ranked<T> {
    fn default() -> Self {
        Ranked { hits: Vec::new(), among: None }
    }
}

/// The lowest rowid among the newest [`RANKED_AMONG`] matches of `table` (FTS5 walks its
/// matches in rowid order cheaply), and whether there were more matches than that.
async fn ranked_from(pool: &SqlitePool, table: &str, query: &str) -> sqlx::Result<(i64, Option<i64>)> {
    let (from, seen): (Option<i64>, i64) = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT MIN(rowid), COUNT(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid DESC LIMIT ?2)"
    )))
    .bind(query)
    .bind(RANKED_AMONG + 1)
    .fetch_one(pool)
    .await?;
    let capped = seen > RANKED_AMONG;
    // With one more than the cap read, the lowest of the cap is above the minimum.
    Ok((if capped { from.unwrap_or(0) + 1 } else { 0 }, capped.then_some(RANKED_AMONG)))
}

/// Private-use characters around each match in a snippet; they never occur in articles.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QuoteHit {
    pub id: i64,
    pub snippet: String,
    pub speaker_slug: Option<String>,
    pub speaker_name: Option<String>,
    pub said_on: Option<String>,
    pub sentence_idx: i64,
    pub article_slug: String,
    pub outlet: Option<String>,
    pub article_title: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ArticleHit {
    pub slug: String,
    pub title: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub snippet: String,
}

/// Quotes containing every word of `text`, best matches first.
pub async fn quotes(pool: &SqlitePool, text: &str, limit: i64) -> sqlx::Result<Ranked<QuoteHit>> {
    let Some(query) = fts_query(text) else { return Ok(Ranked::default()) };
    let (from, among) = ranked_from(pool, "quotes_fts", &query).await?;
    let hits = sqlx::query_as(
        "SELECT q.id, snippet(quotes_fts, 0, ?1, ?2, '…', 24) AS snippet, sp.slug AS speaker_slug,
                q.speaker_name, q.said_on, q.sentence_idx, ar.slug AS article_slug, ar.outlet,
                ar.title AS article_title
         FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
         JOIN articles ar ON ar.id = q.article_id LEFT JOIN actors sp ON sp.id = q.speaker_id
         WHERE quotes_fts MATCH ?3 AND quotes_fts.rowid >= ?5 ORDER BY rank LIMIT ?4",
    )
    .bind(MARK_START.to_string())
    .bind(MARK_END.to_string())
    .bind(query)
    .bind(limit)
    .bind(from)
    .fetch_all(pool)
    .await?;
    Ok(Ranked { hits, among })
}

/// Articles whose title or text contains every word of `text`, best matches first.
pub async fn articles(pool: &SqlitePool, text: &str, limit: i64) -> sqlx::Result<Ranked<ArticleHit>> {
    let Some(query) = fts_query(text) else { return Ok(Ranked::default()) };
    let (from, among) = ranked_from(pool, "articles_fts", &query).await?;
    let hits = sqlx::query_as(
        "SELECT ar.slug, ar.title, ar.outlet, ar.published, snippet(articles_fts, 1, ?1, ?2, '…', 24) AS snippet
         FROM articles_fts JOIN articles ar ON ar.id = articles_fts.rowid
         WHERE articles_fts MATCH ?3 AND articles_fts.rowid >= ?5 ORDER BY rank LIMIT ?4",
    )
    .bind(MARK_START.to_string())
    .bind(MARK_END.to_string())
    .bind(query)
    .bind(limit)
    .bind(from)
    .fetch_all(pool)
    .await?;
    Ok(Ranked { hits, among })
}
