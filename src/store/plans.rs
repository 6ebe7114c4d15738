//! Query plans of the hot queries, checked with `EXPLAIN QUERY PLAN`: none of them reads a
//! whole large table, and the unfiltered lists walk an index in their order instead of sorting,
//! so that they stay fast at a hundred thousand articles. A filtered page may sort what its
//! filters select, and related events sort their four-week window. (Unfiltered facet counts
//! and the weekly density come from the summaries; filtered ones are checked here with a
//! prepared filter, whose queries start from the narrowest filter's index.)

use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};

use super::read::{RELATED_EVENTS, actor_quotes_query, articles_page_query};
use super::timeline::{Cursor, Facet, PageAt, TimelineFilter, before_query, facet_query, page_query, prepare};

/// Tables that grow with the archive. The taxonomy, `json_each` and CTEs are small.
const LARGE: &[&str] = &[
    "articles", "events", "quotes", "mentions", "sentences", "date_mentions", "event_sources",
    "event_actors", "event_topics", "statements", "article_topics", "actors",
];

async fn plan(pool: &SqlitePool, sql: &str) -> Vec<String> {
    // Unbound parameters are NULL, which is enough to plan.
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .fetch_all(pool)
        .await
        .expect("explain");
    rows.into_iter().map(|r| r.3).collect()
}

/// Fails on a full scan of a large table (a SCAN with no index).
async fn assert_indexed(pool: &SqlitePool, what: &str, sql: &str) {
    check(pool, what, sql, false).await;
}

/// Also fails when the result is sorted rather than read in index order.
async fn assert_index_order(pool: &SqlitePool, what: &str, sql: &str) {
    check(pool, what, sql, true).await;
}

async fn check(pool: &SqlitePool, what: &str, sql: &str, in_order: bool) {
    let lines = plan(pool, sql).await;
    for line in &lines {
        let scanned = line
            .strip_prefix("SCAN ")
            .map(|rest| rest.split_whitespace().next().unwrap_or(""));
        if let Some(table) = scanned {
            let large = LARGE.contains(&table) || ["e", "ar", "q", "a", "me", "s", "m"].contains(&table);
            assert!(
                !large || line.contains("USING INDEX") || line.contains("USING COVERING INDEX") || line.contains("USING INTEGER PRIMARY KEY"),
                "{what}: full scan: {line}\n{lines:#?}"
            );
        }
        assert!(!(in_order && line.contains("USE TEMP B-TREE FOR ORDER BY")), "{what}: sorts: {line}\n{lines:#?}");
    }
}

fn sql(qb: QueryBuilder<Sqlite>) -> String {
    qb.sql().as_str().to_string()
}

async fn pool() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let pool = super::open_rw(&dir.path().join("plans.db")).await.expect("open");
    (pool, dir)
}

#[tokio::test]
async fn timeline_pages_walk_the_date_index() {
    let (pool, _dir) = pool().await;
    let cursor = Cursor { date: "2025-03-01".to_string(), id: 7 };
    for (what, at) in [
        ("first page", PageAt::First),
        ("after", PageAt::After(cursor.clone())),
        ("before", PageAt::Before(cursor)),
    ] {
        assert_index_order(&pool, what, &sql(page_query(&TimelineFilter::default(), &at, 50))).await;
    }
    let filtered = TimelineFilter {
        from: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
        to: chrono::NaiveDate::from_ymd_opt(2025, 5, 31),
        actors: vec!["donald-trump".to_string()],
        topics: vec!["security-guarantees".to_string()],
        outlets: vec!["reuters".to_string()],
        kinds: vec!["CONSULT".to_string()],
        q: Some("guarantees".to_string()),
        ..TimelineFilter::default()
    };
    assert_indexed(&pool, "filtered page", &sql(page_query(&filtered, &PageAt::First, 50))).await;
    assert_indexed(&pool, "position", &sql(before_query(&filtered, "2025-03-01", 7))).await;
    let mut prepared = filtered.clone();
    prepare(&pool, &mut prepared).await.expect("prepare");
    assert_indexed(&pool, "prepared page", &sql(page_query(&prepared, &PageAt::First, 50))).await;
    assert_indexed(&pool, "prepared position", &sql(before_query(&prepared, "2025-03-01", 7))).await;
    for facet in [Facet::Actor, Facet::Topic, Facet::Outlet] {
        for filter in [&filtered, &prepared] {
            assert_indexed(&pool, &format!("{facet:?} facet"), &sql(facet_query(filter, facet, 15))).await;
        }
    }
}

#[tokio::test]
async fn summaries_and_the_filter_estimates_use_indexes() {
    let (pool, _dir) = pool().await;
    for (what, sql) in [
        ("summary facet", "SELECT value, label, count FROM summary_facets WHERE facet = ? ORDER BY count DESC, label LIMIT ?"),
        ("summary weeks", "SELECT week, count FROM summary_weeks ORDER BY week"),
        ("summary count", "SELECT count FROM summary_facets WHERE facet = ? AND value = ?"),
        (
            "leaders",
            "SELECT a.slug, a.name FROM actors a WHERE a.kind = 'person' AND a.origin = 'gazetteer'
             AND EXISTS (SELECT 1 FROM event_actors ea WHERE ea.actor_id = a.id) ORDER BY a.name",
        ),
        ("actor estimate", "SELECT COUNT(*) FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE a.slug IN (SELECT value FROM json_each(?))"),
        ("outlet estimate", "SELECT COUNT(*) FROM articles ar JOIN event_sources es ON es.article_id = ar.id WHERE ar.outlet_slug IN (SELECT value FROM json_each(?))"),
        ("dates estimate", "SELECT COUNT(*) FROM events WHERE date_start BETWEEN ? AND ?"),
    ] {
        assert_index_order(&pool, what, sql).await;
    }
}

#[tokio::test]
async fn list_pages_walk_their_indexes() {
    let (pool, _dir) = pool().await;
    let cursor = Cursor { date: "2025-03-01".to_string(), id: 7 };
    for at in [PageAt::First, PageAt::After(cursor.clone()), PageAt::Before(cursor)] {
        assert_index_order(&pool, "actor statements", &sql(actor_quotes_query(1, &at, 101))).await;
        assert_index_order(&pool, "source list", &sql(articles_page_query(&at, 101))).await;
    }
    assert_indexed(&pool, "related events", RELATED_EVENTS).await;
}

#[tokio::test]
async fn lookups_by_slug_and_article_use_indexes() {
    let (pool, _dir) = pool().await;
    for (what, sql) in [
        ("event", "SELECT id FROM events WHERE slug = ?"),
        ("article", "SELECT id FROM articles WHERE slug = ?"),
        ("actor", "SELECT id FROM actors WHERE slug = ?"),
        ("import: known file", "SELECT content_hash FROM articles WHERE path = ?"),
        ("source marks", "SELECT start, end FROM mentions WHERE article_id = ? ORDER BY start"),
        ("source dates", "SELECT start, end FROM date_mentions WHERE article_id = ? ORDER BY start"),
        ("source sentences", "SELECT start, end FROM sentences WHERE article_id = ? ORDER BY idx"),
        ("event sources", "SELECT article_id FROM event_sources WHERE event_id = ?"),
        ("event merge", "SELECT id FROM events WHERE date_start = ? AND date_end = ? AND precision = ? ORDER BY id"),
        (
            "statement match",
            "SELECT s.id, q.text FROM statements s JOIN quotes q ON q.statement_id = s.id
             WHERE s.speaker_key = ?1 AND q.article_id <> ?2 AND s.said_on BETWEEN date(?3, '-7 days') AND date(?3, '+7 days')",
        ),
    ] {
        assert_indexed(&pool, what, sql).await;
    }
}
