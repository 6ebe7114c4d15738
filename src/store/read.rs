//! Read queries: what the pages, the feeds and the export show. Nothing here writes.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};

use super::summary::{ACTOR_COUNTS, KIND_RANK, TOPIC_COUNTS, events_if_fresh};
use super::timeline::PageAt;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub file: String,
    pub title: String,
    pub outlet: Option<String>,
    pub via: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ActorRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    pub origin: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoleRow {
    pub title: String,
    pub of_name: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub slug: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    pub title: String,
    pub kind: Option<String>,
}

/// A short reference to an actor or topic, for links.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Named {
    pub slug: String,
    pub name: String,
}

/// One article's report of an event, pointing at its sentence.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SourceRef {
    pub article_slug: String,
    pub article_title: String,
    pub file: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub sentence_idx: i64,
    pub sentence: String,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    event_id: i64,
    #[sqlx(flatten)]
    source: SourceRef,
}

/// An event with everything a list entry shows.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub event: EventRow,
    pub actors: Vec<Named>,
    pub topics: Vec<Named>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QuoteRow {
    pub id: i64,
    /// The day it was said, else its article's: the order of an actor's statements.
    pub sort_date: String,
    pub statement_id: Option<i64>,
    pub text: String,
    pub speaker_slug: Option<String>,
    pub speaker_name: Option<String>,
    pub speaker_text: Option<String>,
    pub reported_by_name: Option<String>,
    pub said_on: Option<String>,
    pub sentence_idx: i64,
    pub start: i64,
    pub end: i64,
    pub rule: String,
    pub confidence: f64,
    pub article_slug: String,
    pub article_title: String,
    pub file: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
}

/// Attaches actors, topics and sources to events, in three queries.
pub async fn event_views(pool: &SqlitePool, events: Vec<EventRow>) -> sqlx::Result<Vec<EventView>> {
    let ids = serde_json::to_string(&events.iter().map(|e| e.id).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_string());
    let actors: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT DISTINCT ea.event_id, a.slug, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
         WHERE ea.event_id IN (SELECT value FROM json_each(?))
         ORDER BY ea.event_id, CASE a.kind WHEN 'person' THEN 0 WHEN 'organization' THEN 1 WHEN 'group' THEN 2 ELSE 3 END, a.name",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let topics: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT DISTINCT et.event_id, t.slug, t.name FROM event_topics et JOIN topics t ON t.id = et.topic_id
         WHERE et.event_id IN (SELECT value FROM json_each(?)) ORDER BY et.event_id, t.name",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let sources: Vec<SourceRow> =
        sqlx::query_as(
            "SELECT es.event_id, ar.slug AS article_slug, ar.title AS article_title, ar.file, ar.outlet,
                    ar.published, es.sentence_idx, s.text AS sentence
             FROM event_sources es
             JOIN articles ar ON ar.id = es.article_id
             JOIN sentences s ON s.article_id = es.article_id AND s.idx = es.sentence_idx
             WHERE es.event_id IN (SELECT value FROM json_each(?))
             ORDER BY es.event_id, ar.published, ar.id, es.sentence_idx",
        )
        .bind(&ids)
        .fetch_all(pool)
        .await?;

    let mut by_id: HashMap<i64, EventView> = HashMap::new();
    let order: Vec<i64> = events.iter().map(|e| e.id).collect();
    for event in events {
        by_id.insert(
            event.id,
            EventView {
                event,
                actors: Vec::new(),
                topics: Vec::new(),
                sources: Vec::new(),
            },
        );
    }
    for (id, slug, name) in actors {
        if let Some(view) = by_id.get_mut(&id) {
            view.actors.push(Named { slug, name });
        }
    }
    for (id, slug, name) in topics {
        if let Some(view) = by_id.get_mut(&id) {
            view.topics.push(Named { slug, name });
        }
    }
    for SourceRow { event_id, mut source } in sources {
        if let Some(view) = by_id.get_mut(&event_id) {
            source.sentence = source.sentence.trim().to_string();
            view.sources.push(source);
        }
    }
    Ok(order.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

/// The text of a byte span, clamped to the body (spans come from the database).
pub fn slice(body: &str, start: i64, end: i64) -> &str {
    let start = usize::try_from(start).unwrap_or(0).min(body.len());
    let end = usize::try_from(end).unwrap_or(0).clamp(start, body.len());
    body.get(start..end).unwrap_or("")
}

pub async fn event_by_slug(pool: &SqlitePool, slug: &str) -> sqlx::Result<Option<EventView>> {
    let row: Option<EventRow> = sqlx::query_as(
        "SELECT id, slug, date_start, date_end, precision, title, kind FROM events WHERE slug = ?",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => Ok(event_views(pool, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// An actor with how often it appears.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ActorSummary {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub articles: i64,
    pub quotes: i64,
    pub events: i64,
}

/// Actors that appear in at least one article, most present first within each kind.
pub async fn actors(pool: &SqlitePool) -> sqlx::Result<Vec<ActorSummary>> {
    Ok(ranked_actors(pool).await?.into_iter().map(|r| r.actor).collect())
}

/// An actor with its kind's place in the actor list.
#[derive(sqlx::FromRow)]
struct RankedActor {
    kind_rank: i64,
    #[sqlx(flatten)]
    actor: ActorSummary,
}

async fn ranked_actors(pool: &SqlitePool) -> sqlx::Result<Vec<RankedActor>> {
    let counts = if events_if_fresh(pool).await?.is_some() {
        "summary_actors".to_string()
    } else {
        format!("({ACTOR_COUNTS})")
    };
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {KIND_RANK} AS kind_rank, a.slug, a.name, a.kind, c.articles, c.quotes, c.events
         FROM {counts} c JOIN actors a ON a.id = c.actor_id
         ORDER BY kind_rank, c.articles DESC, a.name"
    )))
    .fetch_all(pool)
    .await
}

/// One kind's part of the actor list: its most present actors, and how many it has.
#[derive(Debug, Clone)]
pub struct ActorKind {
    pub actors: Vec<ActorSummary>,
    pub total: usize,
}

/// The actor list: for each kind, in the order of [`actors`], its `per_kind` most present
/// actors. From the summary, each kind's first rows are read in index order; counted live,
/// every actor is read anyway, and each kind's first are kept.
pub async fn actor_kinds(pool: &SqlitePool, per_kind: usize) -> sqlx::Result<Vec<ActorKind>> {
    if events_if_fresh(pool).await?.is_none() {
        let mut kinds: Vec<(i64, ActorKind)> = Vec::new();
        for RankedActor { kind_rank, actor } in ranked_actors(pool).await? {
            match kinds.last_mut() {
                Some((rank, kind)) if *rank == kind_rank => {
                    kind.total += 1;
                    if kind.actors.len() < per_kind {
                        kind.actors.push(actor);
                    }
                }
                _ => kinds.push((kind_rank, ActorKind { actors: vec![actor], total: 1 })),
            }
        }
        return Ok(kinds.into_iter().map(|(_, kind)| kind).collect());
    }
    let totals: Vec<(i64, i64)> =
        sqlx::query_as("SELECT kind_rank, COUNT(*) FROM summary_actors GROUP BY kind_rank ORDER BY kind_rank")
            .fetch_all(pool)
            .await?;
    let mut kinds = Vec::with_capacity(totals.len());
    for (rank, total) in totals {
        let actors = sqlx::query_as(ACTORS_OF_KIND).bind(rank).bind(per_kind as i64).fetch_all(pool).await?;
        kinds.push(ActorKind { actors, total: total as usize });
    }
    Ok(kinds)
}

/// One kind's most present actors, from the summary.
pub(crate) const ACTORS_OF_KIND: &str = "SELECT a.slug, a.name, a.kind, s.articles, s.quotes, s.events
     FROM summary_actors s JOIN actors a ON a.id = s.actor_id
     WHERE s.kind_rank = ? ORDER BY s.articles DESC, s.name LIMIT ?";

pub async fn actor_by_slug(pool: &SqlitePool, slug: &str) -> sqlx::Result<Option<ActorRow>> {
    sqlx::query_as("SELECT id, slug, name, kind, country, origin FROM actors WHERE slug = ?")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

pub async fn actor_aliases(pool: &SqlitePool, actor_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias")
        .bind(actor_id)
        .fetch_all(pool)
        .await
}

pub async fn actor_roles(pool: &SqlitePool, actor_id: i64) -> sqlx::Result<Vec<RoleRow>> {
    sqlx::query_as(
        "SELECT r.title, o.name AS of_name, r.date_from, r.date_to FROM actor_roles r
         LEFT JOIN actors o ON o.slug = r.of_slug
         WHERE r.actor_id = ? ORDER BY r.date_from",
    )
    .bind(actor_id)
    .fetch_all(pool)
    .await
}

const QUOTE_COLUMNS: &str = "SELECT q.id, q.sort_date, q.statement_id, q.text, sp.slug AS speaker_slug, q.speaker_name, q.speaker_text,
        q.reported_by_name, q.said_on, q.sentence_idx, q.start, q.end, q.rule, q.confidence,
        ar.slug AS article_slug, ar.title AS article_title, ar.file, ar.outlet, ar.published
     FROM quotes q JOIN articles ar ON ar.id = q.article_id LEFT JOIN actors sp ON sp.id = q.speaker_id";

/// One page of an actor's quotes in the order they were made, and whether more come before
/// and after it.
pub async fn actor_quotes(
    pool: &SqlitePool,
    actor_id: i64,
    at: &PageAt,
    size: i64,
) -> sqlx::Result<(Vec<QuoteRow>, bool, bool)> {
    let backwards = matches!(at, PageAt::Before(_));
    let mut rows: Vec<QuoteRow> = actor_quotes_query(actor_id, at, size + 1).build_query_as().fetch_all(pool).await?;
    let more = rows.len() as i64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(0));
    if backwards {
        rows.reverse();
    }
    // Past the cut there are more; on the other side there are more unless this is the start.
    let (earlier, later) = match at {
        PageAt::First => (false, more),
        PageAt::After(_) => (true, more),
        PageAt::Before(_) => (more, true),
    };
    Ok((rows, earlier, later))
}

/// The query for `limit` of an actor's quotes from `at`, in time order (reversed backwards).
pub(crate) fn actor_quotes_query(actor_id: i64, at: &PageAt, limit: i64) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new(QUOTE_COLUMNS);
    qb.push(" WHERE q.speaker_id = ").push_bind(actor_id);
    let backwards = matches!(at, PageAt::Before(_));
    match at {
        PageAt::First => {}
        PageAt::After(c) => {
            qb.push(" AND (q.sort_date, q.id) > (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
        PageAt::Before(c) => {
            qb.push(" AND (q.sort_date, q.id) < (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
    }
    qb.push(if backwards { " ORDER BY q.sort_date DESC, q.id DESC" } else { " ORDER BY q.sort_date, q.id" });
    qb.push(" LIMIT ").push_bind(limit);
    qb
}

pub async fn actor_quote_count(pool: &SqlitePool, actor_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM quotes WHERE speaker_id = ?")
        .bind(actor_id)
        .fetch_one(pool)
        .await
}

pub async fn article_quotes(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<QuoteRow>> {
    let mut qb = QueryBuilder::new(QUOTE_COLUMNS);
    qb.push(" WHERE q.article_id = ").push_bind(article_id).push(" ORDER BY q.start");
    qb.build_query_as().fetch_all(pool).await
}

pub async fn all_quotes(pool: &SqlitePool) -> sqlx::Result<Vec<QuoteRow>> {
    let mut qb = QueryBuilder::new(QUOTE_COLUMNS);
    qb.push(" ORDER BY ar.published, ar.id, q.start");
    qb.build_query_as().fetch_all(pool).await
}

/// Another article that carries at least two of this one's statements: a republication or a
/// rewrite of the same original report.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RelatedArticle {
    pub slug: String,
    pub file: String,
    pub title: String,
    pub outlet: Option<String>,
    pub via: Option<String>,
    pub shared: i64,
}

pub async fn related_articles(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<RelatedArticle>> {
    sqlx::query_as(
        "SELECT ar.slug, ar.file, ar.title, ar.outlet, ar.via, COUNT(DISTINCT q2.statement_id) AS shared
         FROM quotes q1
         JOIN quotes q2 ON q2.statement_id = q1.statement_id AND q2.article_id <> q1.article_id
         JOIN articles ar ON ar.id = q2.article_id
         WHERE q1.article_id = ?
         GROUP BY ar.id HAVING shared >= 2
         ORDER BY shared DESC, ar.published",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await
}

/// An article with how much was found in it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub file: String,
    pub title: String,
    pub outlet: Option<String>,
    pub via: Option<String>,
    pub published: Option<String>,
    pub quotes: i64,
    pub events: i64,
}

const ARTICLE_SUMMARY: &str = "SELECT ar.id, ar.slug, ar.file, ar.title, ar.outlet, ar.via, ar.published,
        (SELECT COUNT(*) FROM quotes q WHERE q.article_id = ar.id) AS quotes,
        (SELECT COUNT(DISTINCT es.event_id) FROM event_sources es WHERE es.article_id = ar.id) AS events
     FROM articles ar";

/// The key articles are listed by, newest first: the publication date, undated ones last.
pub const UNDATED: &str = "0000-01-01";

/// One page of articles, newest first, and whether there are newer and older ones.
pub async fn articles_page(pool: &SqlitePool, at: &PageAt, size: i64) -> sqlx::Result<(Vec<ArticleSummary>, bool, bool)> {
    let towards_newer = matches!(at, PageAt::Before(_));
    let mut rows: Vec<ArticleSummary> = articles_page_query(at, size + 1).build_query_as().fetch_all(pool).await?;
    let more = rows.len() as i64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(0));
    if towards_newer {
        rows.reverse();
    }
    let (newer, older) = match at {
        PageAt::First => (false, more),
        PageAt::After(_) => (true, more),
        PageAt::Before(_) => (more, true),
    };
    Ok((rows, newer, older))
}

/// The query for `limit` articles from `at`, newest first (oldest first towards newer).
pub(crate) fn articles_page_query(at: &PageAt, limit: i64) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new(ARTICLE_SUMMARY);
    let key = "(COALESCE(ar.published, '0000-01-01'), ar.id)";
    // Newest first: "after" a cursor means older, "before" means newer.
    let towards_newer = matches!(at, PageAt::Before(_));
    match at {
        PageAt::First => {}
        PageAt::After(c) => {
            qb.push(" WHERE ").push(key).push(" < (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
        PageAt::Before(c) => {
            qb.push(" WHERE ").push(key).push(" > (").push_bind(c.date.clone()).push(", ").push_bind(c.id).push(")");
        }
    }
    qb.push(if towards_newer {
        " ORDER BY COALESCE(ar.published, '0000-01-01'), ar.id"
    } else {
        " ORDER BY COALESCE(ar.published, '0000-01-01') DESC, ar.id DESC"
    });
    qb.push(" LIMIT ").push_bind(limit);
    qb
}

pub async fn article_count(pool: &SqlitePool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(pool).await
}

pub async fn article_by_slug(pool: &SqlitePool, slug: &str) -> sqlx::Result<Option<(ArticleRow, String)>> {
    let row: Option<ArticleRow> = sqlx::query_as(
        "SELECT id, slug, file, title, outlet, via, url, published, author FROM articles WHERE slug = ?",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let body: String = sqlx::query_scalar("SELECT body FROM articles WHERE id = ?")
        .bind(row.id)
        .fetch_one(pool)
        .await?;
    Ok(Some((row, body)))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MentionMark {
    pub start: i64,
    pub end: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DateMark {
    pub start: i64,
    pub end: i64,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub precision: String,
}

/// The spans marked on a source page.
#[derive(Debug, Clone, Default)]
pub struct ArticleMarks {
    pub sentences: Vec<(i64, i64)>,
    pub mentions: Vec<MentionMark>,
    pub dates: Vec<DateMark>,
}

pub async fn article_marks(pool: &SqlitePool, article_id: i64) -> sqlx::Result<ArticleMarks> {
    let sentences = sqlx::query_as("SELECT start, end FROM sentences WHERE article_id = ? ORDER BY idx")
        .bind(article_id)
        .fetch_all(pool)
        .await?;
    let mentions = sqlx::query_as(
        "SELECT m.start, m.end, a.slug, a.name FROM mentions m JOIN actors a ON a.id = m.actor_id
         WHERE m.article_id = ? ORDER BY m.start",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    let dates = sqlx::query_as(
        "SELECT start, end, date_start, date_end, precision FROM date_mentions WHERE article_id = ? ORDER BY start",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(ArticleMarks {
        sentences,
        mentions,
        dates,
    })
}

/// Actors mentioned in an article, persons first.
pub async fn article_actors(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<ActorSummary>> {
    sqlx::query_as(
        "SELECT a.slug, a.name, a.kind, 1 AS articles,
                (SELECT COUNT(*) FROM quotes q WHERE q.speaker_id = a.id AND q.article_id = ?1) AS quotes,
                (SELECT COUNT(*) FROM mentions m2 WHERE m2.actor_id = a.id AND m2.article_id = ?1) AS events
         FROM actors a WHERE a.id IN (SELECT actor_id FROM mentions WHERE article_id = ?1)
         ORDER BY CASE a.kind WHEN 'person' THEN 0 WHEN 'organization' THEN 1 WHEN 'group' THEN 2 ELSE 3 END, a.name",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await
}

pub async fn article_topics(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<Named>> {
    sqlx::query_as(
        "SELECT t.slug, t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id
         WHERE at.article_id = ? ORDER BY at.hits DESC, t.name",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await
}

pub async fn article_events(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<EventView>> {
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT DISTINCT e.id, e.slug, e.date_start, e.date_end, e.precision, e.title, e.kind
         FROM events e JOIN event_sources es ON es.event_id = e.id
         WHERE es.article_id = ? ORDER BY e.date_start, e.id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    event_views(pool, events).await
}

/// A topic with its counts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TopicSummary {
    pub slug: String,
    pub name: String,
    pub parent: Option<String>,
    pub articles: i64,
    pub events: i64,
}

pub async fn topics(pool: &SqlitePool) -> sqlx::Result<Vec<TopicSummary>> {
    let counts = if events_if_fresh(pool).await?.is_some() {
        "summary_topics".to_string()
    } else {
        format!("({TOPIC_COUNTS})")
    };
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT t.slug, t.name, t.parent, COALESCE(c.articles, 0) AS articles, COALESCE(c.events, 0) AS events
         FROM topics t LEFT JOIN {counts} c ON c.topic_id = t.id ORDER BY t.name"
    )))
    .fetch_all(pool)
    .await
}

pub async fn topic_by_slug(pool: &SqlitePool, slug: &str) -> sqlx::Result<Option<TopicRow>> {
    sqlx::query_as("SELECT id, slug, name, parent FROM topics WHERE slug = ?")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// The `limit` newest articles carrying a topic or one of its descendants. A topic on many
/// articles walks all articles newest first until it has enough (a twentieth of them on the
/// topic means about `20 * limit` probes); a rarer one sorts its own articles.
pub async fn topic_articles(pool: &SqlitePool, slug: &str, limit: i64) -> sqlx::Result<Vec<ArticleSummary>> {
    // Article ids only grow, so the highest is the number of articles give or take deletions.
    let (on_topic, articles): (i64, i64) = sqlx::query_as(AssertSqlSafe(format!(
        "WITH RECURSIVE {SUBTOPICS}
         SELECT (SELECT COUNT(*) FROM article_topics WHERE topic_id IN (SELECT id FROM sub)),
                (SELECT COALESCE(MAX(id), 0) FROM articles)"
    )))
    .bind(slug)
    .fetch_one(pool)
    .await?;
    sqlx::query_as(AssertSqlSafe(topic_articles_query(on_topic * 20 >= articles)))
        .bind(slug)
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// A topic (`?1`, a slug) and its descendants, as the CTE `sub(id, slug)`.
const SUBTOPICS: &str = "sub(id, slug) AS (SELECT id, slug FROM topics WHERE slug = ?1
         UNION SELECT t.id, t.slug FROM topics t JOIN sub ON t.parent = sub.slug)";

/// Walking all articles newest first and keeping those on the topic, or sorting the topic's.
pub(crate) fn topic_articles_query(walk: bool) -> String {
    let (from, on_topic) = if walk {
        (
            "articles ar INDEXED BY articles_published",
            "EXISTS (SELECT 1 FROM article_topics at WHERE at.article_id = ar.id AND at.topic_id IN (SELECT id FROM sub))",
        )
    } else {
        ("articles ar", "ar.id IN (SELECT at.article_id FROM article_topics at WHERE at.topic_id IN (SELECT id FROM sub))")
    };
    format!(
        "WITH RECURSIVE {SUBTOPICS}
         SELECT ar.id, ar.slug, ar.file, ar.title, ar.outlet, ar.via, ar.published,
                (SELECT COUNT(*) FROM quotes q WHERE q.article_id = ar.id) AS quotes,
                (SELECT COUNT(DISTINCT es.event_id) FROM event_sources es WHERE es.article_id = ar.id) AS events
         FROM {from} WHERE {on_topic}
         ORDER BY ar.published DESC, ar.id DESC LIMIT ?2"
    )
}

pub async fn all_topics(pool: &SqlitePool) -> sqlx::Result<Vec<TopicRow>> {
    sqlx::query_as("SELECT id, slug, name, parent FROM topics ORDER BY slug")
        .fetch_all(pool)
        .await
}

/// The event kinds present, with how many events each has.
pub async fn event_kinds(pool: &SqlitePool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT kind, COUNT(*) FROM events WHERE kind IS NOT NULL GROUP BY kind ORDER BY kind")
        .fetch_all(pool)
        .await
}

/// Which of `slugs` name no actor (for 404s on filters).
pub async fn unknown_actor_slugs(pool: &SqlitePool, slugs: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT slug FROM actors)",
    )
    .bind(json_list(slugs))
    .fetch_all(pool)
    .await
}

pub async fn unknown_topic_slugs(pool: &SqlitePool, slugs: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT slug FROM topics)",
    )
    .bind(json_list(slugs))
    .fetch_all(pool)
    .await
}

pub async fn names_of_actors(pool: &SqlitePool, slugs: &[String]) -> sqlx::Result<Vec<Named>> {
    sqlx::query_as(
        "SELECT a.slug, a.name FROM json_each(?) j JOIN actors a ON a.slug = j.value ORDER BY j.key",
    )
    .bind(json_list(slugs))
    .fetch_all(pool)
    .await
}

pub async fn names_of_topics(pool: &SqlitePool, slugs: &[String]) -> sqlx::Result<Vec<Named>> {
    sqlx::query_as(
        "SELECT t.slug, t.name FROM json_each(?) j JOIN topics t ON t.slug = j.value ORDER BY j.key",
    )
    .bind(json_list(slugs))
    .fetch_all(pool)
    .await
}

/// A list of strings as a JSON array, for `json_each(?)` in queries.
pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_string())
}

pub async fn unknown_outlet_slugs(pool: &SqlitePool, slugs: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT outlet_slug FROM articles WHERE outlet_slug IS NOT NULL)",
    )
    .bind(json_list(slugs))
    .fetch_all(pool)
    .await
}

/// Statements per topic of a speaker (`?1`), the `?2` most: one pass drops repeated (topic,
/// statement) pairs, then each topic counts its own. A prolific speaker's quotes give tens of
/// thousands of pairs, and COUNT(DISTINCT) per group sorts them twice (1.5 times as slow at
/// 100,000 articles). The quotes' columns all come from their index.
pub(crate) const SPEAKER_TOPICS: &str = "SELECT t.slug, t.name, COUNT(*) AS n
     FROM (SELECT DISTINCT at.topic_id, COALESCE(q.statement_id, -q.id)
           FROM quotes q JOIN article_topics at ON at.article_id = q.article_id WHERE q.speaker_id = ?1) pairs
     JOIN topics t ON t.id = pairs.topic_id
     GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?2";

/// The topics of the articles an actor is quoted in: (topic, statements).
pub async fn speaker_topics(pool: &SqlitePool, actor_id: i64, limit: i64) -> sqlx::Result<Vec<(Named, i64)>> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as(SPEAKER_TOPICS).bind(actor_id).bind(limit).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(slug, name, n)| (Named { slug, name }, n)).collect())
}

/// Statements by any of `speakers`, the latest `limit` in time order (the order of actor
/// pages), optionally only in articles on `topics` (or their subtopics) and within a date
/// range. Each speaker's latest are read newest first from their index, then merged: prolific
/// speakers have tens of thousands of quotes, which sorting together took a second.
pub async fn compare_quotes(
    pool: &SqlitePool,
    speakers: &[String],
    topics: &[String],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: i64,
) -> sqlx::Result<Vec<QuoteRow>> {
    let mut quotes: Vec<QuoteRow> = Vec::new();
    for (i, speaker) in speakers.iter().enumerate() {
        if !speakers[..i].contains(speaker) {
            let latest = compare_quotes_query(speaker, topics, from, to, limit).build_query_as().fetch_all(pool).await?;
            quotes.extend(latest);
        }
    }
    quotes.sort_by(|a, b| (&a.sort_date, a.id).cmp(&(&b.sort_date, b.id)));
    let earlier = quotes.len().saturating_sub(usize::try_from(limit).unwrap_or(0));
    quotes.drain(..earlier);
    Ok(quotes)
}

/// The latest `limit` quotes of one speaker for [`compare_quotes`], newest first.
pub(crate) fn compare_quotes_query(
    speaker: &str,
    topics: &[String],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: i64,
) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new(QUOTE_COLUMNS);
    qb.push(" WHERE q.speaker_id = (SELECT id FROM actors WHERE slug = ").push_bind(speaker.to_string()).push(")");
    if !topics.is_empty() {
        // Probed quote by quote: a common topic has tens of thousands of articles to list.
        qb.push(
            " AND EXISTS (WITH RECURSIVE sub(id, slug) AS (
                 SELECT id, slug FROM topics WHERE slug IN (SELECT value FROM json_each(",
        )
        .push_bind(json_list(topics))
        .push(
            ")) UNION SELECT t.id, t.slug FROM topics t JOIN sub ON t.parent = sub.slug)
             SELECT 1 FROM article_topics at WHERE at.article_id = q.article_id AND at.topic_id IN (SELECT id FROM sub))",
        );
    }
    if let Some(from) = from {
        qb.push(" AND q.sort_date >= ").push_bind(from.to_string());
    }
    if let Some(to) = to {
        // A quote with no date at all is in no date range.
        qb.push(" AND q.sort_date <= ").push_bind(to.to_string()).push(" AND q.sort_date <> ").push_bind(UNDATED);
    }
    qb.push(" ORDER BY q.sort_date DESC, q.id DESC LIMIT ").push_bind(limit);
    qb
}

/// Events near `event` in time (within `days`) that share one of its people.
pub async fn related_events(pool: &SqlitePool, event_id: i64, days: i64, limit: i64) -> sqlx::Result<Vec<EventView>> {
    let rows: Vec<EventRow> = sqlx::query_as(RELATED_EVENTS).bind(event_id).bind(days).bind(limit).fetch_all(pool).await?;
    event_views(pool, rows).await
}

/// Events within ?2 days of event ?1 that share one of its people, nearest first.
pub(crate) const RELATED_EVENTS: &str = "SELECT e.id, e.slug, e.date_start, e.date_end, e.precision, e.title, e.kind
         FROM events me JOIN events e
           ON e.date_start BETWEEN date(me.date_start, '-' || ?2 || ' days') AND date(me.date_start, '+' || ?2 || ' days')
         WHERE me.id = ?1 AND e.id <> me.id
           AND EXISTS (SELECT 1 FROM event_actors a1 JOIN event_actors a2 ON a2.actor_id = a1.actor_id
                       JOIN actors p ON p.id = a1.actor_id
                       WHERE a1.event_id = me.id AND a2.event_id = e.id AND p.kind = 'person')
         ORDER BY abs(julianday(e.date_start) - julianday(me.date_start)), e.date_start, e.id
         LIMIT ?3";

/// Leaders (people from the gazetteer) with at least one statement, most quoted first: the
/// compare page's choices. The archive quotes tens of thousands of others, too many for one list.
pub async fn quoted_people(pool: &SqlitePool) -> sqlx::Result<Vec<Named>> {
    if events_if_fresh(pool).await?.is_some() {
        return sqlx::query_as(
            "SELECT a.slug, a.name FROM summary_actors s JOIN actors a ON a.id = s.actor_id
             WHERE a.kind = 'person' AND a.origin = 'gazetteer' AND s.quotes > 0 ORDER BY s.quotes DESC, a.name",
        )
        .fetch_all(pool)
        .await;
    }
    sqlx::query_as(
        "SELECT a.slug, a.name FROM actors a JOIN quotes q ON q.speaker_id = a.id
         WHERE a.kind = 'person' AND a.origin = 'gazetteer' GROUP BY a.id ORDER BY COUNT(*) DESC, a.name",
    )
    .fetch_all(pool)
    .await
}

/// One extracted fact and why it exists, for a source page's explanation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FactLine {
    pub sentence_idx: i64,
    pub kind: String,
    pub what: String,
    pub rule: String,
    pub confidence: f64,
}

/// Every fact extracted from an article with the rule that produced it, in sentence order.
pub async fn article_explanation(pool: &SqlitePool, article_id: i64) -> sqlx::Result<Vec<FactLine>> {
    sqlx::query_as(
        "SELECT sentence_idx, kind, what, rule, confidence FROM (
             SELECT m.sentence_idx, 'actor' AS kind, a.name || ' (' || a.slug || ')' AS what, m.rule, m.confidence, m.start AS pos
             FROM mentions m JOIN actors a ON a.id = m.actor_id WHERE m.article_id = ?1
           UNION ALL
             SELECT d.sentence_idx, 'date', COALESCE(d.date_start || CASE WHEN d.date_end <> d.date_start THEN ' to ' || d.date_end ELSE '' END, 'unresolved')
                    || ' (' || d.precision || ')', d.rule, d.confidence, d.start
             FROM date_mentions d WHERE d.article_id = ?1
           UNION ALL
             SELECT q.sentence_idx, 'quote', '“' || q.text || '” by ' || COALESCE(q.speaker_name, 'nobody found')
                    || COALESCE(', reported by ' || q.reported_by_name, ''), q.rule, q.confidence, q.start
             FROM quotes q WHERE q.article_id = ?1
           UNION ALL
             SELECT es.sentence_idx, 'event', e.date_start || ' ' || COALESCE(e.kind, '-') || ': ' || es.title, es.rule, es.confidence, es.start
             FROM event_sources es JOIN events e ON e.id = es.event_id WHERE es.article_id = ?1
         ) ORDER BY sentence_idx, pos",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await
}

/// Leaders (people from the gazetteer) who take part in at least one event, by name: the
/// timeline form's choices. Every other person is a facet value or an actor page away; the
/// archive names tens of thousands, too many for one list.
pub async fn leaders_in_events(pool: &SqlitePool) -> sqlx::Result<Vec<Named>> {
    sqlx::query_as(
        "SELECT a.slug, a.name FROM actors a
         WHERE a.kind = 'person' AND a.origin = 'gazetteer'
           AND EXISTS (SELECT 1 FROM event_actors ea WHERE ea.actor_id = a.id)
         ORDER BY a.name",
    )
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The seeds imported into a fresh database, its summaries fresh.
    async fn seeded(dir: &Path) -> SqlitePool {
        let pool = crate::store::open_rw(&dir.join("read.db")).await.expect("open");
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let reference = crate::reference::Reference::load(&seeds).expect("reference");
        crate::import::import(&pool, &reference, &[seeds], &mut Vec::new()).await.expect("import");
        assert!(events_if_fresh(&pool).await.expect("state").is_some());
        pool
    }

    #[tokio::test]
    async fn list_pages_count_from_summaries_what_they_count_live() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = seeded(dir.path()).await;
        let lists = async || {
            let kinds = actor_kinds(&pool, 2).await.expect("kinds");
            format!("{kinds:?}\n{:?}", topics(&pool).await.expect("topics"))
        };
        let from_summaries = lists().await;
        sqlx::query("DELETE FROM summary_state").execute(&pool).await.expect("stale");
        assert_eq!(from_summaries, lists().await);

        let kinds = actor_kinds(&pool, 2).await.expect("kinds");
        let people = &kinds[0];
        assert!(people.actors.iter().all(|a| a.kind == "person"), "{people:?}");
        assert!(people.actors.len() == 2 && people.total > 2, "{people:?}");
        assert!(people.actors[0].articles >= people.actors[1].articles);
        assert_eq!(kinds.iter().map(|k| k.total).sum::<usize>(), actors(&pool).await.expect("actors").len());
    }

    #[tokio::test]
    async fn a_topics_articles_are_the_same_walked_or_sorted() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = seeded(dir.path()).await;
        for topic in all_topics(&pool).await.expect("topics") {
            let newest = async |walk| {
                sqlx::query_as::<_, ArticleSummary>(AssertSqlSafe(topic_articles_query(walk)))
                    .bind(&topic.slug)
                    .bind(3)
                    .fetch_all(&pool)
                    .await
                    .expect("articles")
            };
            let (walked, sorted) = (newest(true).await, newest(false).await);
            assert_eq!(format!("{walked:?}"), format!("{sorted:?}"), "{}", topic.slug);
        }
        let war = topic_articles(&pool, "ukraine-war", 50).await.expect("articles");
        assert_eq!(war.len(), 5, "a parent topic takes its subtopics' articles");
    }

    #[tokio::test]
    async fn compare_keeps_the_latest_statements_of_all_speakers_in_time_order() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = seeded(dir.path()).await;
        let speakers = ["donald-trump", "emmanuel-macron", "donald-trump"].map(String::from);
        let all = compare_quotes(&pool, &speakers, &[], None, None, 1000).await.expect("all");
        let order = |q: &QuoteRow| (q.sort_date.clone(), q.id);
        assert!(all.windows(2).all(|w| order(&w[0]) < order(&w[1])), "in time order, each once");
        let speaking = |slug: &str| all.iter().filter(|q| q.speaker_slug.as_deref() == Some(slug)).count();
        assert!(speaking("donald-trump") >= 2 && speaking("emmanuel-macron") >= 2);
        let latest = compare_quotes(&pool, &speakers, &[], None, None, 3).await.expect("latest");
        assert_eq!(format!("{latest:?}"), format!("{:?}", &all[all.len() - 3..]));
    }
}
