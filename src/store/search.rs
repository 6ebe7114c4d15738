//! Full-text search over quotes and article text (FTS5), with snippets whose matches are
//! marked by [`MARK_START`] and [`MARK_END`] for the page to highlight after escaping.

use serde::Serialize;
use sqlx::SqlitePool;

use super::timeline::fts_query;

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
pub async fn quotes(pool: &SqlitePool, text: &str, limit: i64) -> sqlx::Result<Vec<QuoteHit>> {
    let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
    sqlx::query_as(
        "SELECT q.id, snippet(quotes_fts, 0, ?1, ?2, '…', 24) AS snippet, sp.slug AS speaker_slug,
                q.speaker_name, q.said_on, q.sentence_idx, ar.slug AS article_slug, ar.outlet,
                ar.title AS article_title
         FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
         JOIN articles ar ON ar.id = q.article_id LEFT JOIN actors sp ON sp.id = q.speaker_id
         WHERE quotes_fts MATCH ?3 ORDER BY rank LIMIT ?4",
    )
    .bind(MARK_START.to_string())
    .bind(MARK_END.to_string())
    .bind(query)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Articles whose title or text contains every word of `text`, best matches first.
pub async fn articles(pool: &SqlitePool, text: &str, limit: i64) -> sqlx::Result<Vec<ArticleHit>> {
    let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
    sqlx::query_as(
        "SELECT ar.slug, ar.title, ar.outlet, ar.published, snippet(articles_fts, 1, ?1, ?2, '…', 24) AS snippet
         FROM articles_fts JOIN articles ar ON ar.id = articles_fts.rowid
         WHERE articles_fts MATCH ?3 ORDER BY rank LIMIT ?4",
    )
    .bind(MARK_START.to_string())
    .bind(MARK_END.to_string())
    .bind(query)
    .bind(limit)
    .fetch_all(pool)
    .await
}
