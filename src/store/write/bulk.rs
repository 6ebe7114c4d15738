//! Bulk imports: the indexes that only pages read are dropped while a large import fills a
//! small database, and built again, each in one sorted pass, when it ends.
//!
//! Rows land at random places in these indexes (by actor, topic, date, hash), so every group
//! of articles the writer commits changes nearly every page of each, and the write-ahead log
//! takes the whole index again each time: importing 100,000 articles into an empty database
//! wrote 8.1 GB for a 1 GB file. Without them it wrote 4.8 GB, took a fifth less time, and
//! building them afterwards took 3 s. The writer's own lookups (events by day, statements by
//! speaker, slugs and paths) use other indexes, which stay.
//!
//! If an import dies before building them, the next [`crate::store::open_rw`] does; until
//! then pages are slower, never wrong.

use sqlx::SqlitePool;

/// Each index as the migrations last defined it (a test holds them to it).
pub(crate) const PAGE_INDEXES: &[(&str, &str)] = &[
    ("mentions_actor", "ON mentions (actor_id, article_id)"),
    ("quotes_speaker", "ON quotes (speaker_id, sort_date, id, article_id, statement_id)"),
    ("event_actors_actor", "ON event_actors (actor_id, event_id)"),
    ("event_topics_topic", "ON event_topics (topic_id, event_id)"),
    ("article_topics_topic", "ON article_topics (topic_id, article_id)"),
    ("articles_raw_hash", "ON articles (raw_hash)"),
    ("articles_published", "ON articles (published, id)"),
    ("articles_listing", "ON articles (COALESCE(published, '0000-01-01'), id)"),
    ("articles_outlet", "ON articles (outlet_slug, id)"),
];

/// An import of this many files or more into a database holding fewer than half as many
/// articles is a bulk import: rebuilding the indexes costs less than keeping them.
const BULK_FILES: usize = 1000;

pub(crate) fn is_bulk(files: usize, stored: usize) -> bool {
    files >= BULK_FILES && stored.saturating_mul(2) < files
}

pub(crate) async fn drop_page_indexes(pool: &SqlitePool) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for (name, _) in PAGE_INDEXES {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}"))).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Builds those that are missing; the others cost a lookup each.
pub(crate) async fn build_page_indexes(pool: &SqlitePool) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for (name, definition) in PAGE_INDEXES {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE INDEX IF NOT EXISTS {name} {definition}")))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn index_sql(pool: &SqlitePool) -> Vec<(String, String)> {
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .fetch_all(pool)
            .await
            .expect("schema")
    }

    #[tokio::test]
    async fn the_page_indexes_are_the_migrations_and_come_back_after_a_crash() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bulk.db");
        let pool = crate::store::open_rw(&path).await.expect("open");
        let migrated = index_sql(&pool).await;
        for (name, definition) in PAGE_INDEXES {
            let sql = format!("CREATE INDEX {name} {definition}");
            assert!(migrated.iter().any(|(n, s)| n == name && *s == sql), "{sql} is not in the migrated schema");
        }

        drop_page_indexes(&pool).await.expect("drop");
        assert_eq!(index_sql(&pool).await.len(), migrated.len() - PAGE_INDEXES.len());
        // An import that dies here leaves them missing; opening the database again builds them.
        pool.close().await;
        let pool = crate::store::open_rw(&path).await.expect("open again");
        assert_eq!(index_sql(&pool).await, migrated);
    }

    #[test]
    fn only_large_imports_into_small_databases_are_bulk() {
        assert!(is_bulk(100_000, 0));
        assert!(is_bulk(1_000, 499));
        assert!(!is_bulk(999, 0), "few files");
        assert!(!is_bulk(101_000, 100_000), "mostly stored already");
    }
}
