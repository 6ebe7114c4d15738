//! Import end to end: counts, idempotence, a changed file, failures that don't stop the rest.

mod common;

use std::fs;

use entente::import::import;
use entente::store;

async fn count(pool: &sqlx::SqlitePool, table: &str) -> i64 {
    let sql = match table {
        "articles" => "SELECT COUNT(*) FROM articles",
        "events" => "SELECT COUNT(*) FROM events",
        "quotes" => "SELECT COUNT(*) FROM quotes",
        "mentions" => "SELECT COUNT(*) FROM mentions",
        _ => "SELECT COUNT(*) FROM event_sources",
    };
    sqlx::query_scalar(sql).fetch_one(pool).await.expect("count")
}

#[tokio::test]
async fn seeds_import_once_then_nothing_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pool = store::open_rw(&dir.path().join("e.db")).await.expect("open");
    let reference = common::reference();
    let mut log = Vec::new();

    let first = import(&pool, &reference, &[common::seeds()], &mut log).await.expect("import");
    assert_eq!((first.new, first.updated, first.unchanged, first.failed), (5, 0, 0, 0));
    assert!(first.events >= 8, "{first}");
    assert!(first.quotes >= 20, "{first}");
    let counts = (
        count(&pool, "articles").await,
        count(&pool, "events").await,
        count(&pool, "quotes").await,
        count(&pool, "mentions").await,
    );

    let second = import(&pool, &reference, &[common::seeds()], &mut log).await.expect("import");
    assert_eq!((second.new, second.updated, second.unchanged, second.failed), (0, 0, 5, 0));
    let again = (
        count(&pool, "articles").await,
        count(&pool, "events").await,
        count(&pool, "quotes").await,
        count(&pool, "mentions").await,
    );
    assert_eq!(counts, again);
}

#[tokio::test]
async fn a_changed_file_replaces_its_facts_and_keeps_its_slug() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    fs::create_dir(&articles).expect("mkdir");
    let file = articles.join("a.txt");
    fs::write(
        &file,
        "---\ntitle: Leaders meet in Paris\npublished: 2025-09-05\n---\nOn Thursday, French President Emmanuel Macron met Ukrainian President Volodymyr Zelenskyy in Paris to discuss security guarantees.\n\n“We are ready,” Macron said.\n",
    )
    .expect("write");
    let pool = store::open_rw(&dir.path().join("e.db")).await.expect("open");
    let reference = common::reference();
    let mut log = Vec::new();
    import(&pool, &reference, std::slice::from_ref(&articles), &mut log).await.expect("import");
    let slug: String = sqlx::query_scalar("SELECT slug FROM articles").fetch_one(&pool).await.expect("slug");
    let quotes: Vec<String> = sqlx::query_scalar("SELECT text FROM quotes").fetch_all(&pool).await.expect("q");
    assert_eq!(quotes, ["We are ready,"]);

    fs::write(
        &file,
        "---\ntitle: Leaders meet in Paris\npublished: 2025-09-05\n---\nOn Thursday, French President Emmanuel Macron met Ukrainian President Volodymyr Zelenskyy in Paris to discuss security guarantees.\n\n“We are not ready yet,” Zelenskyy said.\n",
    )
    .expect("rewrite");
    let summary = import(&pool, &reference, &[articles], &mut log).await.expect("import");
    assert_eq!((summary.new, summary.updated, summary.unchanged), (0, 1, 0));
    let slug_after: String = sqlx::query_scalar("SELECT slug FROM articles").fetch_one(&pool).await.expect("slug");
    assert_eq!(slug, slug_after);
    let quotes: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT q.text, a.slug FROM quotes q LEFT JOIN actors a ON a.id = q.speaker_id",
    )
    .fetch_all(&pool)
    .await
    .expect("q");
    assert_eq!(quotes, [("We are not ready yet,".to_string(), Some("volodymyr-zelenskyy".to_string()))]);
    assert_eq!(count(&pool, "articles").await, 1);
}

#[tokio::test]
async fn a_bad_file_is_named_and_the_rest_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    fs::create_dir(&articles).expect("mkdir");
    fs::write(articles.join("good.txt"), "Headline\n\nOn Feb. 24, 2025, Donald Trump met Emmanuel Macron at the White House.\n").expect("write");
    fs::write(articles.join("empty.txt"), "").expect("write");
    fs::write(articles.join("bad.md"), "---\npublished: 2025-02-30\n---\nText.\n").expect("write");
    fs::write(articles.join("notes.yaml"), "not an article").expect("write");
    let pool = store::open_rw(&dir.path().join("e.db")).await.expect("open");
    let mut log = Vec::new();
    let summary = import(&pool, &common::reference(), &[articles], &mut log).await.expect("import");
    let log = String::from_utf8(log).expect("utf8");
    assert_eq!((summary.new, summary.failed), (1, 2), "{log}");
    assert!(log.contains("empty.txt: empty file"), "{log}");
    assert!(log.contains("bad.md: line 2: front matter"), "{log}");
    assert_eq!(count(&pool, "articles").await, 1);
}

#[tokio::test]
async fn the_same_event_from_two_outlets_is_one_event_with_two_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pool = store::open_rw(&dir.path().join("e.db")).await.expect("open");
    let mut log = Vec::new();
    import(&pool, &common::reference(), &[common::seeds()], &mut log).await.expect("import");
    // 000 (Caliber.Az) and 001 (UNN) both report Macron's video conference of 26 February.
    let files: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT ar.file FROM events e
         JOIN event_sources es ON es.event_id = e.id JOIN articles ar ON ar.id = es.article_id
         WHERE e.date_start = '2025-02-26' AND e.principal = 'emmanuel-macron' ORDER BY ar.file",
    )
    .fetch_all(&pool)
    .await
    .expect("sources");
    assert_eq!(files, ["000_5d2659e13a1bb942.txt", "001_e334c2f3c0ae14a7.txt"]);
}

/// A large import into an empty database drops the indexes only pages read and builds them
/// again at its end: the database has the migrated schema's indexes, and the pages' counts
/// match an import of the same articles a few at a time.
#[tokio::test]
async fn a_bulk_import_ends_with_every_index_and_the_same_facts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = common::reference();
    let corpus = dir.path().join("corpus");
    entente::generate::generate(&reference, 1_000, 7, &corpus).expect("generate");
    let indexes = async |pool: &sqlx::SqlitePool| -> Vec<(String, String)> {
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .fetch_all(pool)
            .await
            .expect("indexes")
    };
    let facts = async |pool: &sqlx::SqlitePool| -> Vec<(String, i64, i64, i64)> {
        sqlx::query_as(
            "SELECT a.slug, s.articles, s.quotes, s.events FROM summary_actors s
             JOIN actors a ON a.id = s.actor_id ORDER BY a.slug",
        )
        .fetch_all(pool)
        .await
        .expect("facts")
    };

    let bulk = store::open_rw(&dir.path().join("bulk.db")).await.expect("open");
    let migrated = indexes(&bulk).await;
    let mut log = Vec::new();
    let summary = import(&bulk, &reference, std::slice::from_ref(&corpus), &mut log).await.expect("import");
    assert_eq!(summary.new + summary.duplicates, 1_000, "{}", String::from_utf8_lossy(&log));
    assert_eq!(indexes(&bulk).await, migrated);

    // The same files four hundred at a time: none of those imports is bulk.
    let few = store::open_rw(&dir.path().join("few.db")).await.expect("open");
    let mut files = Vec::new();
    for folder in fs::read_dir(&corpus).expect("corpus") {
        for file in fs::read_dir(folder.expect("folder").path()).expect("folder") {
            files.push(file.expect("file").path());
        }
    }
    files.sort();
    assert_eq!(files.len(), 1_000);
    for part in files.chunks(400) {
        import(&few, &reference, part, &mut log).await.expect("import");
    }
    assert_eq!(facts(&bulk).await, facts(&few).await);
}
