//! The timeline query: events filtered by date range, actors, topics, outlets, kinds, months
//! and full-text search, in keyset pages; plus the facet counts and the weekly density that
//! the page shows beside it. Every filter here has been validated by the web layer.
//!
//! With no filter (or, for one facet, none but its own) the counts come from the summaries
//! while they are fresh. Filtered, they are counted live: the kind and month facets and the
//! density exactly, the actor, topic and outlet facets, which join the events to many rows each,
//! over at most [`FACET_SAMPLE`] of the latest matching events, which the page then says.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::read::{EventRow, EventView, event_views, json_list};
use super::summary::{WEEK_OF_EVENT, events_if_fresh, longest_event_days};

/// The joined facets of a filtered view count at most this many of its latest events.
pub const FACET_SAMPLE: i64 = 1000;

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
    /// What [`prepare`] looked up for the queries of one page. Not part of any URL.
    pub prepared: Option<Arc<Prepared>>,
}

/// Lookups shared by the queries of one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The events `q` matches, as a JSON array of ids.
    hits: Option<String>,
    /// The ids of the topics filtered on and of their subtopics, as a JSON array.
    topic_ids: Option<String>,
    /// The filters that narrow most first: each query is driven from the first that applies
    /// and only checks the others.
    narrowest: Vec<Narrow>,
    /// The longest any event lasts, in days, when the summaries are fresh: a date range can
    /// then be read from the date index from that long before its start.
    longest_days: Option<i64>,
}

/// A filter that can drive a query from an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    Search,
    Actor,
    Topic,
    Outlet,
    Dates,
}

impl Narrow {
    fn facet(self) -> Option<Facet> {
        match self {
            Narrow::Actor => Some(Facet::Actor),
            Narrow::Topic => Some(Facet::Topic),
            Narrow::Outlet => Some(Facet::Outlet),
            Narrow::Search | Narrow::Dates => None,
        }
    }
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

    /// Whether nothing narrows the events but, at most, `except`'s own values.
    fn is_empty_except(&self, except: Option<Facet>) -> bool {
        let own = |facet| except == Some(facet);
        self.from.is_none()
            && self.to.is_none()
            && self.q.as_deref().and_then(fts_query).is_none()
            && (self.actors.is_empty() || own(Facet::Actor))
            && (self.topics.is_empty() || own(Facet::Topic))
            && (self.outlets.is_empty() || own(Facet::Outlet))
            && (self.kinds.is_empty() || own(Facet::Kind))
            && (self.months.is_empty() || own(Facet::Month))
    }
}

/// Readies a filter for the many queries of one page: looks up the events its words match,
/// once, and ranks its filters by how many events each lets through (estimated from index
/// counts, which take a few milliseconds), so that every query starts from the narrowest.
pub async fn prepare(pool: &SqlitePool, filter: &mut TimelineFilter) -> sqlx::Result<()> {
    let mut prepared = Prepared::default();
    let mut sizes: Vec<(i64, Narrow)> = Vec::new();
    if let Some(query) = filter.q.as_deref().and_then(fts_query) {
        let (hits, n): (String, i64) = sqlx::query_as(
            "SELECT json_group_array(id), COUNT(*) FROM (
                 SELECT rowid AS id FROM events_fts WHERE events_fts MATCH ?1
               UNION
                 SELECT es.event_id FROM event_sources es
                 JOIN sentences s ON s.article_id = es.article_id AND s.idx = es.sentence_idx
                 WHERE s.id IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?1))",
        )
        .bind(query)
        .fetch_one(pool)
        .await?;
        prepared.hits = Some(hits);
        sizes.push((n, Narrow::Search));
    }
    if !filter.actors.is_empty() {
        let n = sqlx::query_scalar(
            "SELECT COUNT(*) FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
             WHERE a.slug IN (SELECT value FROM json_each(?))",
        )
        .bind(json_list(&filter.actors))
        .fetch_one(pool)
        .await?;
        sizes.push((n, Narrow::Actor));
    }
    if !filter.topics.is_empty() {
        let (ids, n): (String, i64) = sqlx::query_as(
            "WITH RECURSIVE sub(slug) AS (SELECT value FROM json_each(?1)
                 UNION SELECT t.slug FROM topics t JOIN sub ON t.parent = sub.slug),
             ids(id) AS (SELECT id FROM topics WHERE slug IN (SELECT slug FROM sub))
             SELECT (SELECT json_group_array(id) FROM ids),
                    (SELECT COUNT(*) FROM event_topics WHERE topic_id IN (SELECT id FROM ids))",
        )
        .bind(json_list(&filter.topics))
        .fetch_one(pool)
        .await?;
        prepared.topic_ids = Some(ids);
        sizes.push((n, Narrow::Topic));
    }
    if !filter.outlets.is_empty() {
        let n = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles ar JOIN event_sources es ON es.article_id = ar.id
             WHERE ar.outlet_slug IN (SELECT value FROM json_each(?))",
        )
        .bind(json_list(&filter.outlets))
        .fetch_one(pool)
        .await?;
        sizes.push((n, Narrow::Outlet));
    }
    if filter.from.is_some() || filter.to.is_some() {
        // Events that start in the range: those that start earlier and last into it are few.
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE date_start BETWEEN ? AND ?")
            .bind(filter.from.map_or_else(|| "0000".to_string(), |d| d.to_string()))
            .bind(filter.to.map_or_else(|| "9999".to_string(), |d| d.to_string()))
            .fetch_one(pool)
            .await?;
        sizes.push((n, Narrow::Dates));
        if filter.from.is_some() {
            prepared.longest_days = longest_event_days(pool).await?;
        }
    }
    sizes.sort_by_key(|(n, _)| *n);
    prepared.narrowest = sizes.into_iter().map(|(_, narrow)| narrow).collect();
    filter.prepared = Some(Arc::new(prepared));
    Ok(())
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
/// The narrowest filter (see [`prepare`]) is written as `e.id IN (list)`, from which SQLite
/// drives the query; the others as checks on each event it reaches, which cost a primary-key
/// probe instead of building their whole list. An unprepared filter lists every one.
pub(crate) fn push_filter(qb: &mut QueryBuilder<Sqlite>, filter: &TimelineFilter, except: Option<Facet>) {
    let prepared = filter.prepared.as_deref();
    let narrowest = prepared.map_or(&[][..], |p| &p.narrowest);
    let driver = narrowest.iter().copied().find(|n| n.facet().is_none() || n.facet() != except);
    let drives = |narrow: Narrow| narrowest.is_empty() || driver == Some(narrow);
    if let Some(from) = filter.from {
        qb.push(" AND e.date_end >= ").push_bind(from.to_string());
        // The same condition, in a form the date index can start from.
        if let Some(days) = prepared.and_then(|p| p.longest_days) {
            let earliest = from - chrono::Duration::days(days);
            qb.push(" AND e.date_start >= ").push_bind(earliest.to_string());
        }
    }
    if let Some(to) = filter.to {
        qb.push(" AND e.date_start <= ").push_bind(to.to_string());
    }
    if !filter.actors.is_empty() && except != Some(Facet::Actor) {
        if drives(Narrow::Actor) {
            qb.push(" AND e.id IN (SELECT ea.event_id FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE");
        } else {
            qb.push(
                " AND EXISTS (SELECT 1 FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id AND",
            );
        }
        qb.push(" a.slug IN (SELECT value FROM json_each(").push_bind(json_list(&filter.actors)).push(")))");
    }
    if !filter.topics.is_empty() && except != Some(Facet::Topic) {
        if let Some(ids) = prepared.and_then(|p| p.topic_ids.clone()) {
            if drives(Narrow::Topic) {
                qb.push(" AND e.id IN (SELECT et.event_id FROM event_topics et WHERE");
            } else {
                qb.push(" AND EXISTS (SELECT 1 FROM event_topics et WHERE et.event_id = e.id AND");
            }
            qb.push(" et.topic_id IN (SELECT value FROM json_each(").push_bind(ids).push(")))");
        } else {
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
    }
    if !filter.outlets.is_empty() && except != Some(Facet::Outlet) {
        if drives(Narrow::Outlet) {
            qb.push(" AND e.id IN (SELECT es.event_id FROM event_sources es JOIN articles ar ON ar.id = es.article_id WHERE");
        } else {
            qb.push(
                " AND EXISTS (SELECT 1 FROM event_sources es JOIN articles ar ON ar.id = es.article_id WHERE es.event_id = e.id AND",
            );
        }
        qb.push(" ar.outlet_slug IN (SELECT value FROM json_each(").push_bind(json_list(&filter.outlets)).push(")))");
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
    if let Some(hits) = prepared.and_then(|p| p.hits.clone()) {
        // A unary plus keeps SQLite from driving from the list when another filter should.
        qb.push(if drives(Narrow::Search) { " AND e.id IN" } else { " AND +e.id IN" });
        qb.push(" (SELECT value FROM json_each(").push_bind(hits).push("))");
    } else if let Some(query) = filter.q.as_deref().and_then(fts_query) {
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
    if filter.is_empty_except(None)
        && let Some(events) = events_if_fresh(pool).await?
    {
        return Ok(events);
    }
    // One actor, outlet, kind or month and nothing else: its facet count is the answer. (A
    // topic's count leaves out its subtopics, which its filter takes in; countries have none.)
    for (facet, name, values) in [
        (Facet::Actor, "actor", &filter.actors),
        (Facet::Outlet, "outlet", &filter.outlets),
        (Facet::Kind, "kind", &filter.kinds),
        (Facet::Month, "month", &filter.months),
    ] {
        if let [value] = values.as_slice()
            && filter.is_empty_except(Some(facet))
            && events_if_fresh(pool).await?.is_some()
        {
            let n: Option<i64> = sqlx::query_scalar("SELECT count FROM summary_facets WHERE facet = ? AND value = ?")
                .bind(name)
                .bind(value)
                .fetch_optional(pool)
                .await?;
            if let Some(n) = n {
                return Ok(n);
            }
        }
    }
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

/// The counts for one facet's values, best first (months in order).
#[derive(Debug, Clone)]
pub struct FacetCounts {
    pub values: Vec<FacetValue>,
    /// Set when more events match than [`FACET_SAMPLE`]: the counts are over the latest this many.
    pub sample: Option<i64>,
}

/// The counts for one facet: the other facets' filters apply, its own does not, so that each
/// value says how many events choosing it (too) would show.
pub async fn facet(pool: &SqlitePool, filter: &TimelineFilter, facet: Facet, limit: i64) -> sqlx::Result<FacetCounts> {
    let name = match facet {
        Facet::Actor => "actor",
        Facet::Topic => "topic",
        Facet::Outlet => "outlet",
        Facet::Kind => "kind",
        Facet::Month => "month",
    };
    if filter.is_empty_except(Some(facet)) && events_if_fresh(pool).await?.is_some() {
        let order = if facet == Facet::Month { "value" } else { "count DESC, label" };
        let mut qb = QueryBuilder::new("SELECT value, label, count FROM summary_facets WHERE facet = ");
        qb.push_bind(name).push(" ORDER BY ").push(order).push(" LIMIT ").push_bind(limit);
        let values = qb.build_query_as().fetch_all(pool).await?;
        return Ok(FacetCounts { values, sample: None });
    }
    let values = facet_query(filter, facet, limit).build_query_as().fetch_all(pool).await?;
    let sample = match facet {
        Facet::Kind | Facet::Month => None,
        _ => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE 1 = 1");
            push_filter(&mut qb, filter, Some(facet));
            qb.push(" LIMIT ").push_bind(FACET_SAMPLE + 1).push(")");
            let seen: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            (seen > FACET_SAMPLE).then_some(FACET_SAMPLE)
        }
    };
    Ok(FacetCounts { values, sample })
}

/// The live count of one facet's values (see [`facet`]).
pub(crate) fn facet_query(filter: &TimelineFilter, facet: Facet, limit: i64) -> QueryBuilder<Sqlite> {
    // The joined facets read the latest matching events, at most FACET_SAMPLE of them.
    let joined = |select: &str, join: &str, group: &str| {
        let mut qb = QueryBuilder::new("WITH matched(id) AS MATERIALIZED (SELECT e.id FROM events e WHERE 1 = 1");
        push_filter(&mut qb, filter, Some(facet));
        qb.push(" ORDER BY e.date_start DESC, e.id DESC LIMIT ").push_bind(FACET_SAMPLE);
        qb.push(") ").push(select).push(" FROM matched ").push(join).push(group);
        qb
    };
    let mut qb = match facet {
        Facet::Actor => joined(
            "SELECT a.slug AS value, a.name AS label, COUNT(DISTINCT ea.event_id) AS count",
            "JOIN event_actors ea ON ea.event_id = matched.id JOIN actors a ON a.id = ea.actor_id",
            " WHERE a.kind <> 'country' GROUP BY ea.actor_id",
        ),
        Facet::Topic => joined(
            "SELECT t.slug AS value, t.name AS label, COUNT(DISTINCT et.event_id) AS count",
            "JOIN event_topics et ON et.event_id = matched.id JOIN topics t ON t.id = et.topic_id",
            " GROUP BY et.topic_id",
        ),
        Facet::Outlet => joined(
            "SELECT ar.outlet_slug AS value, MIN(ar.outlet) AS label, COUNT(DISTINCT es.event_id) AS count",
            "JOIN event_sources es ON es.event_id = matched.id JOIN articles ar ON ar.id = es.article_id",
            " WHERE ar.outlet_slug IS NOT NULL GROUP BY ar.outlet_slug",
        ),
        Facet::Kind => {
            let mut qb = QueryBuilder::new(
                "SELECT e.kind AS value, e.kind AS label, COUNT(*) AS count FROM events e WHERE e.kind IS NOT NULL",
            );
            push_filter(&mut qb, filter, Some(facet));
            qb.push(" GROUP BY value");
            qb
        }
        Facet::Month => {
            let mut qb = QueryBuilder::new(
                "SELECT substr(e.date_start, 1, 7) AS value, substr(e.date_start, 1, 7) AS label, COUNT(*) AS count
                 FROM events e WHERE 1 = 1",
            );
            push_filter(&mut qb, filter, Some(facet));
            qb.push(" GROUP BY value");
            qb
        }
    };
    qb.push(if facet == Facet::Month { " ORDER BY value" } else { " ORDER BY count DESC, label" });
    qb.push(" LIMIT ").push_bind(limit);
    qb
}

/// Events per week (weeks start on Monday) for the matching events, oldest first; weeks
/// without events are not listed.
pub async fn weekly_counts(pool: &SqlitePool, filter: &TimelineFilter) -> sqlx::Result<Vec<(String, i64)>> {
    if filter.is_empty_except(None) && events_if_fresh(pool).await?.is_some() {
        return sqlx::query_as("SELECT week, count FROM summary_weeks ORDER BY week").fetch_all(pool).await;
    }
    let mut qb = QueryBuilder::new("SELECT ");
    qb.push(WEEK_OF_EVENT).push(" AS week, COUNT(*) FROM events e WHERE 1 = 1");
    push_filter(&mut qb, filter, None);
    qb.push(" GROUP BY week ORDER BY week");
    qb.build_query_as().fetch_all(pool).await
}

/// Every month that has events, with no filter: the date-range presets.
pub async fn months(pool: &SqlitePool) -> sqlx::Result<Vec<String>> {
    if events_if_fresh(pool).await?.is_some() {
        return sqlx::query_scalar("SELECT value FROM summary_facets WHERE facet = 'month' ORDER BY value")
            .fetch_all(pool)
            .await;
    }
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
