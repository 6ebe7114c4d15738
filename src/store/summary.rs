//! Summaries of the whole archive (migrations 0003 to 0005): the counts of the actor and topic
//! lists. Counting them live reads every mention, quote and event, which takes seconds at a
//! hundred thousand articles; the import rebuilds them once at its end with
//! [`refresh_summaries`]. (The timeline counts on its index in memory, store::event_index.)
//! Triggers mark them stale on any write that can change a count, and readers then get `None`
//! from [`events_if_fresh`] and count live instead, so pages stay correct after an interrupted
//! import or one by a build that does not refresh.

use sqlx::{Executor, Sqlite, SqlitePool};

/// Rebuilds every summary from the archive, in one transaction. Call it once at the end of an
/// import (after the last article is committed); it takes about a second at 100,000 articles.
pub async fn refresh_summaries(pool: &SqlitePool) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for sql in REFRESH {
        tx.execute(*sql).await?;
    }
    tx.execute(sqlx::AssertSqlSafe(format!(
        "INSERT INTO summary_actors (actor_id, articles, quotes, events, kind_rank, name)
         SELECT c.actor_id, c.articles, c.quotes, c.events, {KIND_RANK}, a.name
         FROM ({ACTOR_COUNTS}) c JOIN actors a ON a.id = c.actor_id"
    )))
    .await?;
    tx.execute(sqlx::AssertSqlSafe(format!(
        "INSERT INTO summary_topics (topic_id, articles, events) {TOPIC_COUNTS}"
    )))
    .await?;
    tx.execute(
        "INSERT INTO summary_state (id, events, refreshed_at)
         VALUES (1, (SELECT COUNT(*) FROM events), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    )
    .await?;
    tx.commit().await
}

/// Per actor in at least one article: the articles that mention it, its quotes and its events.
/// Each count walks one index in actor order, where counting per actor would probe three.
pub(crate) const ACTOR_COUNTS: &str = "SELECT actor_id, SUM(articles) AS articles, SUM(quotes) AS quotes, SUM(events) AS events
     FROM (
         SELECT actor_id, COUNT(DISTINCT article_id) AS articles, 0 AS quotes, 0 AS events
         FROM mentions GROUP BY actor_id
       UNION ALL
         SELECT speaker_id, 0, COUNT(*), 0 FROM quotes WHERE speaker_id IS NOT NULL GROUP BY speaker_id
       UNION ALL
         SELECT actor_id, 0, 0, COUNT(DISTINCT event_id) FROM event_actors GROUP BY actor_id
     ) GROUP BY actor_id HAVING SUM(articles) > 0 OR SUM(quotes) > 0";

/// Where an actor's kind comes in the actor list (`a` is the actor): people, organisations,
/// groups, then countries and anything else.
pub(crate) const KIND_RANK: &str =
    "CASE a.kind WHEN 'person' THEN 0 WHEN 'organization' THEN 1 WHEN 'group' THEN 2 ELSE 3 END";

/// Per topic, its own articles and events (not its subtopics').
pub(crate) const TOPIC_COUNTS: &str = "SELECT t.id AS topic_id,
         (SELECT COUNT(*) FROM article_topics at WHERE at.topic_id = t.id) AS articles,
         (SELECT COUNT(DISTINCT et.event_id) FROM event_topics et WHERE et.topic_id = t.id) AS events
     FROM topics t";

const REFRESH: &[&str] = &["DELETE FROM summary_state", "DELETE FROM summary_actors", "DELETE FROM summary_topics"];

/// How many events there are, if the summaries describe the archive as it is now.
pub(crate) async fn events_if_fresh<'c, E: Executor<'c, Database = Sqlite>>(db: E) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT events FROM summary_state WHERE id = 1").fetch_optional(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_article_makes_the_summaries_stale() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = super::super::open_rw(&dir.path().join("s.db")).await.expect("open");
        assert_eq!(events_if_fresh(&pool).await.expect("state"), None, "never refreshed");
        refresh_summaries(&pool).await.expect("refresh");
        assert_eq!(events_if_fresh(&pool).await.expect("state"), Some(0));
        sqlx::query(
            // The importer adds its rows to the search index itself (migration 0002); the
            // delete below removes the entry.
            "INSERT INTO articles (slug, path, file, raw_hash, content_hash, title, body, imported_at)
             VALUES ('a', '/a', 'a.txt', 'h', 'h', 'A', 'body', 'now');
             INSERT INTO articles_fts (rowid, title, body) VALUES (last_insert_rowid(), 'A', 'body');",
        )
        .execute(&pool)
        .await
        .expect("insert");
        assert_eq!(events_if_fresh(&pool).await.expect("state"), None, "stale after a write");
        refresh_summaries(&pool).await.expect("refresh");
        sqlx::query("DELETE FROM articles").execute(&pool).await.expect("delete");
        assert_eq!(events_if_fresh(&pool).await.expect("state"), None, "stale after a delete");
    }
}
