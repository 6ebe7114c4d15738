//! The timeline: events selected by date range, actors, topics, outlets, kinds, months and
//! full-text search, in keyset pages, with the facet counts and the weekly density the page
//! shows beside them. Selection, counting and paging run on the in-memory
//! [`EventIndex`](super::event_index::EventIndex); the database is read for the words of a
//! search and for the events a page shows. Every filter here has been validated by the web
//! layer.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::SqlitePool;

use super::event_index::{EventIndex, Selection};
use super::read::{EventRow, EventView, event_views};

/// What the timeline shows. Within one list values combine with OR; across lists with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub actors: Vec<String>,
    /// A topic includes its subtopics.
    pub topics: Vec<String>,
    /// Outlet slugs: events reported by any of these outlets.
    pub outlets: Vec<String>,
    /// PLOVER event types (CONSULT, AGREE, ...).
    pub kinds: Vec<String>,
    /// Months as YYYY-MM.
    pub months: Vec<String>,
    /// Text to search for, as typed; only its words are used.
    pub q: Option<String>,
}

impl TimelineFilter {
    /// The repeatable filters with their query parameter names, in canonical order.
    pub fn lists(&self) -> [(&'static str, &[String]); 5] {
        [
            ("actor", &self.actors),
            ("topic", &self.topics),
            ("outlet", &self.outlets),
            ("kind", &self.kinds),
            ("month", &self.months),
        ]
    }
}

/// The facets, each of which can be left out when counting its own values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Actor,
    Topic,
    Outlet,
    Kind,
    Month,
}

/// A position in the timeline's order (date, then id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cursor {
    pub date: String,
    pub id: i64,
}

/// Which page of the timeline: the first, the one after a cursor, or the one before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PageAt {
    #[default]
    First,
    After(Cursor),
    Before(Cursor),
}

/// One page of events, with where it sits among all that match.
#[derive(Debug, Clone)]
pub struct Page {
    pub events: Vec<EventView>,
    /// How many matching events come before this page.
    pub offset: i64,
    pub total: i64,
    pub earlier: Option<Cursor>,
    pub later: Option<Cursor>,
}

/// A facet value with how many events it would match, given the other facets' filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// An FTS5 query from typed text: its words, each quoted, so that no input is ever read as
/// FTS syntax (a stray `"`, `AND`, `*` or `NEAR(` is just a word or nothing). `None` when the
/// text has no words.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() { None } else { Some(words.join(" ")) }
}

/// The events `filter` selects. Its words, if any, are looked up in the full-text indexes
/// once: in event titles and in the sentences that report events.
pub async fn select(pool: &SqlitePool, index: &Arc<EventIndex>, filter: &TimelineFilter) -> sqlx::Result<Selection> {
    let hits = match filter.q.as_deref().and_then(fts_query) {
        Some(query) => {
            // One row of two lists: a common word matches a hundred thousand sentences.
            let (titles, sentences): (Option<String>, Option<String>) = sqlx::query_as(
                "SELECT (SELECT group_concat(rowid) FROM events_fts WHERE events_fts MATCH ?1),
                        (SELECT group_concat(rowid) FROM sentences_fts WHERE sentences_fts MATCH ?1)",
            )
            .bind(query)
            .fetch_one(pool)
            .await?;
            Some(index.search_hits(pool, titles.as_deref().unwrap_or(""), sentences.as_deref().unwrap_or("")).await?)
        }
        None => None,
    };
    Ok(index.select(filter, hits))
}

/// One page of at most `size` selected events in date order.
pub async fn page(pool: &SqlitePool, selection: &Selection, at: &PageAt, size: usize) -> sqlx::Result<Page> {
    let place = selection.page(at, size);
    Ok(Page {
        events: views(pool, &place.ids).await?,
        offset: place.offset,
        total: selection.count(),
        earlier: place.earlier,
        later: place.later,
    })
}

/// The `n` most recent selected events, in date order: a page's summary of a long list whose
/// whole lives on the timeline.
pub async fn latest(pool: &SqlitePool, selection: &Selection, n: usize) -> sqlx::Result<Vec<EventView>> {
    views(pool, &selection.latest(n)).await
}

const EVENT_COLUMNS: &str = "SELECT id, slug, date_start, date_end, precision, title, kind FROM events";

/// The events with these ids, in this order, with everything a list entry shows.
async fn views(pool: &SqlitePool, ids: &[i64]) -> sqlx::Result<Vec<EventView>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
    let mut rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EVENT_COLUMNS} WHERE id IN (SELECT value FROM json_each(?))"
    )))
    .bind(list)
    .fetch_all(pool)
    .await?;
    let order: std::collections::HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    rows.sort_by_key(|row| order.get(&row.id).copied());
    event_views(pool, rows).await
}

/// Walks the selected events in chunks, for complete exports whose memory does not grow with
/// the archive (beyond their ids).
pub struct Chunks {
    ids: std::vec::IntoIter<i64>,
    size: usize,
}

impl Chunks {
    pub fn new(selection: &Selection, size: usize) -> Self {
        Chunks {
            ids: selection.ids().into_iter(),
            size,
        }
    }

    /// The next chunk, or `None` when all have been read.
    pub async fn next(&mut self, pool: &SqlitePool) -> sqlx::Result<Option<Vec<EventView>>> {
        let ids: Vec<i64> = self.ids.by_ref().take(self.size).collect();
        if ids.is_empty() {
            return Ok(None);
        }
        views(pool, &ids).await.map(Some)
    }
}

/// Every event, in date order (the `entente export` JSON; its caller wants everything).
pub async fn all(pool: &SqlitePool) -> sqlx::Result<Vec<EventView>> {
    let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{EVENT_COLUMNS} ORDER BY date_start, id")))
        .fetch_all(pool)
        .await?;
    event_views(pool, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_words() {
        assert_eq!(fts_query("security guarantees").as_deref(), Some("\"security\" \"guarantees\""));
        assert_eq!(fts_query("NEAR(\"macron* AND -").as_deref(), Some("\"NEAR\" \"macron\" \"AND\""));
        assert_eq!(fts_query(" \"*()- "), None);
        assert_eq!(fts_query("Зеленський").as_deref(), Some("\"Зеленський\""));
    }
}
