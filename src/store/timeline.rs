//! The timeline query: events filtered by date range, actors, topics, outlets, kinds, months
//! and full-text search, in keyset pages; plus the facet counts and the weekly density that
//! the page shows beside it. Every filter here has been validated by the web layer.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::read::{EventRow, EventView, event_views, json_list};

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

/// Adds the filter's conditions (all but `except`'s); the caller has opened the WHERE clause.
pub(crate) fn push_filter(qb: &mut QueryBuilder<Sqlite>, filter: &TimelineFilter, except: Option<Facet>) {
    if let Some(from) = filter.from {
        qb.push(" AND e.date_end >= ").push_bind(from.to_string());
    }
    if let Some(to) = filter.to {
        qb.push(" AND e.date_start <= ").push_bind(to.to_string());
    }
    if !filter.actors.is_empty() && except != Some(Facet::Actor) {
        qb.push(
            " AND e.id IN (SELECT ea.event_id FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
               WHERE a.slug IN (SELECT value FROM json_each(",
        )
        .push_bind(json_list(&filter.actors))
        .push(")))");
    }
    if !filter.topics.is_empty() && except != Some(Facet::Topic) {
        qb.push(
            " AND e.id IN (WITH RECURSIVE sub(slug) AS (
                   SELECT value FROM json_each(",
        )
        .push_bind(json_list(&filter.topics))
        .push(
            ") UNION SELECT t.slug FROM topics t JOIN sub ON t.parent = sub.slug)
               SELECT et.event_id FROM event_topics et JOIN topics t ON t.id = et.topic_id
               WHERE t.slug IN (SELECT slug FROM sub))",
        );
    }
    if !filter.outlets.is_empty() && except != Some(Facet::Outlet) {
        qb.push(
            " AND e.id IN (SELECT es.event_id FROM event_sources es JOIN articles ar ON ar.id = es.article_id
               WHERE ar.outlet_slug IN (SELECT value FROM json_each(",
        )
        .push_bind(json_list(&filter.outlets))
        .push(")))");
    }
    if !filter.kinds.is_empty() && except != Some(Facet::Kind) {
        qb.push(" AND e.kind IN (SELECT value FROM json_each(")
            .push_bind(json_list(&filter.kinds))
            .push("))");
    }
    if !filter.months.is_empty() && except != Some(Facet::Month) {
        qb.push(" AND substr(e.date_start, 1, 7) IN (SELECT value FROM json_each(")
            .push_bind(json_list(&filter.months))
            .push("))");
    }
    if let Some(query) = filter.q.as_deref().and_then(fts_query) {
        // The words may be in the event's title or in a sentence that reports it.
        qb.push(" AND (e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ")
            .push_bind(query.clone())
            .push(
                ") OR e.id IN (SELECT es.event_id FROM event_sources es
                   JOIN sentences s ON s.article_id = es.article_id AND s.idx = es.sentence_idx
                   WHERE s.id IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ",
            )
            .push_bind(query)
            .push(")))");
    }
}

const EVENT_COLUMNS: &str =
    "SELECT e.id, e.slug, e.date_start, e.date_end, e.precision, e.title, e.kind FROM events e WHERE 1 = 1";

/// How many events match.
pub async fn count(pool: &SqlitePool, filter: &TimelineFilter) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM events e WHERE 1 = 1");
    push_filter(&mut qb, filter, None);
    qb.build_query_scalar().fetch_one(pool).await
}

/// One page of at most `size` events in date order.
pub async fn page(pool: &SqlitePool, filter: &TimelineFilter, at: &PageAt, size: i64) -> sqlx::Result<Page> {
    let backwards = matches!(at, PageAt::Before(_));
    let mut rows: Vec<EventRow> = page_query(filter, at, size).build_query_as().fetch_all(pool).await?;
    if backwards {
        rows.reverse();
    }
    place(pool, filter, rows).await
}

/// The query for one page of events at `at`, in date order (reversed when going backwards).
pub(crate) fn page_query(filter: &TimelineFilter, at: &PageAt, size: i64) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new(EVENT_COLUMNS);
    push_filter(&mut qb, filter, None);
    let backwards = matches!(at, PageAt::Before(_));
    match at {
        PageAt::First => {}
        PageAt::After(c) => {
            qb.push(" AND (e.date_start, e.id) > (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
        PageAt::Before(c) => {
            qb.push(" AND (e.date_start, e.id) < (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
    }
    qb.push(if backwards { " ORDER BY e.date_start DESC, e.id DESC" } else { " ORDER BY e.date_start, e.id" });
    qb.push(" LIMIT ").push_bind(size);
    qb
}

/// The count of matching events before a position, for "showing 51–100 of N".
pub(crate) fn before_query(filter: &TimelineFilter, date: &str, id: i64) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM events e WHERE 1 = 1");
    push_filter(&mut qb, filter, None);
    qb.push(" AND (e.date_start, e.id) < (").push_bind(date.to_string()).push(", ").push_bind(id).push(")");
    qb
}

/// Finishes `page`: where it sits among all that match.
async fn place(pool: &SqlitePool, filter: &TimelineFilter, rows: Vec<EventRow>) -> sqlx::Result<Page> {
    let total = count(pool, filter).await?;
    let offset = match rows.first() {
        Some(first) => before_query(filter, &first.date_start, first.id).build_query_scalar().fetch_one(pool).await?,
        None => 0,
    };
    let cursor = |e: &EventRow| Cursor {
        date: e.date_start.clone(),
        id: e.id,
    };
    let shown = rows.len() as i64;
    Ok(Page {
        earlier: rows.first().filter(|_| offset > 0).map(cursor),
        later: rows.last().filter(|_| offset + shown < total).map(cursor),
        events: event_views(pool, rows).await?,
        offset,
        total,
    })
}

/// Walks every matching event in chunks, for complete exports whose memory does not grow
/// with the archive.
pub struct Chunks {
    filter: TimelineFilter,
    after: Option<Cursor>,
    size: i64,
    done: bool,
}

impl Chunks {
    pub fn new(filter: TimelineFilter, size: i64) -> Self {
        Chunks {
            filter,
            after: None,
            size,
            done: false,
        }
    }

    /// The next chunk, or `None` when all have been read.
    pub async fn next(&mut self, pool: &SqlitePool) -> sqlx::Result<Option<Vec<EventView>>> {
        if self.done {
            return Ok(None);
        }
        let mut qb = QueryBuilder::new(EVENT_COLUMNS);
        push_filter(&mut qb, &self.filter, None);
        if let Some(c) = &self.after {
            qb.push(" AND (e.date_start, e.id) > (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
        qb.push(" ORDER BY e.date_start, e.id LIMIT ").push_bind(self.size);
        let rows: Vec<EventRow> = qb.build_query_as().fetch_all(pool).await?;
        self.done = (rows.len() as i64) < self.size;
        let Some(last) = rows.last() else { return Ok(None) };
        self.after = Some(Cursor {
            date: last.date_start.clone(),
            id: last.id,
        });
        Ok(Some(event_views(pool, rows).await?))
    }
}

/// All matching events at once (the `entente export` JSON; its caller wants everything).
pub async fn all(pool: &SqlitePool, filter: &TimelineFilter) -> sqlx::Result<Vec<EventView>> {
    let mut qb = QueryBuilder::new(EVENT_COLUMNS);
    push_filter(&mut qb, filter, None);
    qb.push(" ORDER BY e.date_start, e.id");
    let rows: Vec<EventRow> = qb.build_query_as().fetch_all(pool).await?;
    event_views(pool, rows).await
}

/// The `n` most recent matching events, in date order: a page's summary of a long list
/// whose whole lives on the timeline.
pub async fn latest(pool: &SqlitePool, filter: &TimelineFilter, n: i64) -> sqlx::Result<Vec<EventView>> {
    let mut qb = QueryBuilder::new(EVENT_COLUMNS);
    push_filter(&mut qb, filter, None);
    qb.push(" ORDER BY e.date_start DESC, e.id DESC LIMIT ").push_bind(n);
    let mut rows: Vec<EventRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.reverse();
    event_views(pool, rows).await
}

/// A facet value with how many events it would match, given the other facets' filters.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// The counts for one facet: the other facets' filters apply, its own does not, so that each
/// value says how many events choosing it (too) would show.
pub async fn facet(pool: &SqlitePool, filter: &TimelineFilter, facet: Facet, limit: i64) -> sqlx::Result<Vec<FacetValue>> {
    let select = match facet {
        Facet::Actor => {
            "SELECT a.slug AS value, a.name AS label, COUNT(DISTINCT e.id) AS count
             FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actors a ON a.id = ea.actor_id
             WHERE a.kind <> 'country'"
        }
        Facet::Topic => {
            "SELECT t.slug AS value, t.name AS label, COUNT(DISTINCT e.id) AS count
             FROM events e JOIN event_topics et ON et.event_id = e.id JOIN topics t ON t.id = et.topic_id
             WHERE 1 = 1"
        }
        Facet::Outlet => {
            "SELECT ar.outlet_slug AS value, MIN(ar.outlet) AS label, COUNT(DISTINCT e.id) AS count
             FROM events e JOIN event_sources es ON es.event_id = e.id JOIN articles ar ON ar.id = es.article_id
             WHERE ar.outlet_slug IS NOT NULL"
        }
        Facet::Kind => {
            "SELECT e.kind AS value, e.kind AS label, COUNT(*) AS count FROM events e WHERE e.kind IS NOT NULL"
        }
        Facet::Month => {
            "SELECT substr(e.date_start, 1, 7) AS value, substr(e.date_start, 1, 7) AS label, COUNT(*) AS count
             FROM events e WHERE 1 = 1"
        }
    };
    let mut qb = QueryBuilder::new(select);
    push_filter(&mut qb, filter, Some(facet));
    qb.push(" GROUP BY value");
    qb.push(if facet == Facet::Month { " ORDER BY value" } else { " ORDER BY count DESC, label" });
    qb.push(" LIMIT ").push_bind(limit);
    qb.build_query_as().fetch_all(pool).await
}

/// Events per week (weeks start on Monday) for the matching events, oldest first; weeks
/// without events are not listed.
pub async fn weekly_counts(pool: &SqlitePool, filter: &TimelineFilter) -> sqlx::Result<Vec<(String, i64)>> {
    let mut qb = QueryBuilder::new(
        "SELECT date(e.date_start, '-' || ((CAST(strftime('%w', e.date_start) AS INTEGER) + 6) % 7) || ' days') AS week,
                COUNT(*) FROM events e WHERE 1 = 1",
    );
    push_filter(&mut qb, filter, None);
    qb.push(" GROUP BY week ORDER BY week");
    qb.build_query_as().fetch_all(pool).await
}

/// Every month that has events, with no filter: the date-range presets.
pub async fn months(pool: &SqlitePool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT substr(date_start, 1, 7) FROM events ORDER BY 1")
        .fetch_all(pool)
        .await
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
