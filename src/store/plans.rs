//! Query plans of the hot queries, checked with `EXPLAIN QUERY PLAN`: none of them reads a
//! whole large table, and the unfiltered lists walk an index in their order instead of sorting,
//! so that they stay fast at a hundred thousand articles. Related events sort their four-week
//! window. The timeline's filters run on its index in memory (store::event_index), whose
//! build reads the event tables whole, once, each in the order of an index.

use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};

use super::read::{
    ACTORS_OF_KIND, RELATED_EVENTS, SPEAKER_TOPICS, actor_quotes_query, articles_page_query, compare_quotes_query,
    topic_articles_query,
};
use super::timeline::{Cursor, PageAt};

/// Tables that grow with the archive. The taxonomy, `json_each` and CTEs are small.
const LARGE: &[&str] = &[
    "articles", "events", "quotes", "mentions", "sentences", "date_mentions", "event_sources",
    "event_actors", "event_topics", "statements", "article_topics", "actors", "summary_actors",
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

/// For queries that read a whole table on purpose: fails when they sort or group anything
/// but what they read in index order.
async fn assert_read_in_order(pool: &SqlitePool, what: &str, sql: &str) {
    let lines = plan(pool, sql).await;
    for line in &lines {
        assert!(
            !line.contains("USE TEMP B-TREE FOR ORDER BY") && !line.contains("USE TEMP B-TREE FOR GROUP BY"),
            "{what}: sorts: {line}\n{lines:#?}"
        );
    }
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
async fn the_timeline_index_reads_each_table_once_in_index_order() {
    let (pool, _dir) = pool().await;
    for (what, sql) in [
        ("index: actors", "SELECT event_id, group_concat(DISTINCT actor_id) FROM event_actors GROUP BY event_id"),
        ("index: topics", "SELECT event_id, group_concat(DISTINCT topic_id) FROM event_topics GROUP BY event_id"),
        (
            "index: outlets",
            "SELECT a.outlet_slug,
                    (SELECT outlet FROM articles x WHERE x.outlet_slug = a.outlet_slug AND x.outlet IS NOT NULL LIMIT 1),
                    group_concat(a.id)
             FROM articles a WHERE a.outlet_slug IS NOT NULL GROUP BY a.outlet_slug",
        ),
        (
            "index: sources",
            "SELECT event_id, group_concat(DISTINCT article_id) FROM event_sources GROUP BY event_id",
        ),
        (
            "index: reporting sentences",
            "SELECT es.event_id, s.id FROM event_sources es INDEXED BY event_sources_article
             JOIN sentences s ON s.article_id = es.article_id AND s.idx = es.sentence_idx",
        ),
        (
            "index: actors in events",
            "SELECT a.id, a.slug, a.name, a.kind = 'country'
             FROM (SELECT DISTINCT actor_id FROM event_actors) ea JOIN actors a ON a.id = ea.actor_id",
        ),
    ] {
        assert_read_in_order(&pool, what, sql).await;
    }
    for (what, sql) in [
        (
            "leaders",
            "SELECT a.slug, a.name FROM actors a WHERE a.kind = 'person' AND a.origin = 'gazetteer'
             AND EXISTS (SELECT 1 FROM event_actors ea WHERE ea.actor_id = a.id) ORDER BY a.name",
        ),
    ] {
        assert_index_order(&pool, what, sql).await;
    }
    assert_indexed(
        &pool,
        "page events",
        "SELECT id, slug, date_start, date_end, precision, title, kind FROM events WHERE id IN (SELECT value FROM json_each(?))",
    )
    .await;
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
    assert_index_order(&pool, "actor list, one kind", ACTORS_OF_KIND).await;
    let (day, topics) = (chrono::NaiveDate::from_ymd_opt(2025, 3, 1), ["security-guarantees".to_string()]);
    for (topics, from, to) in [(&[][..], None, None), (&topics[..], day, day)] {
        assert_index_order(&pool, "compare", &sql(compare_quotes_query("a", topics, from, to, 501))).await;
    }
    assert_index_order(&pool, "topic articles, common topic", &topic_articles_query(true)).await;
    assert_indexed(&pool, "topic articles, rare topic", &topic_articles_query(false)).await;
    assert_indexed(&pool, "speaker topics", SPEAKER_TOPICS).await;
    let lines = plan(&pool, SPEAKER_TOPICS).await;
    assert!(
        lines.iter().any(|l| l.contains("USING COVERING INDEX quotes_speaker")),
        "speaker topics: reads quote rows\n{lines:#?}"
    );
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
