//! What happens to the data when things go wrong: an import killed with SIGKILL at any moment
//! leaves every article fully in or fully out and a rerun completes it; the server answers
//! during an import and shows the new data after; databases from older versions migrate and
//! ones from newer versions are refused; SIGTERM lets requests in flight finish.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_entente"))
}

fn seeds() -> PathBuf {
    common::seeds()
}

/// `n` articles with distinct events, quotes and dates.
fn write_articles(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 2, 1).expect("date");
    for i in 0..n {
        let day = start + chrono::Duration::days((i % 200) as i64);
        std::fs::write(
            dir.join(format!("a{i:05}.txt")),
            format!(
                "---\ntitle: Talks {i}\noutlet: Wire {o}\npublished: {day}\n---\nOn {m} {d}, British Prime Minister Keir Starmer met Ukrainian President Volodymyr Zelenskyy in London to discuss the reassurance force, meeting {i}.\n\n“Round {i} brought us closer to guarantees number {i}{i},” Starmer said.\n\nA senior EU official said the plan for round {i} was “serious”.\n",
                o = i % 7,
                m = day.format("%B"),
                d = day.format("%-d"),
            ),
        )
        .expect("write");
    }
}

fn import_cmd(db: &Path, articles: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg("--seeds").arg(seeds()).arg("import").arg("--db").arg(db).arg(articles);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Every article has its facts, nothing points nowhere, and SQLite finds no damage.
async fn assert_consistent(db: &Path) -> i64 {
    let pool = entente::store::open_rw(db).await.expect("open after the crash");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.expect("check");
    assert_eq!(integrity, "ok");
    let dangling: Vec<(String, i64)> = sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
        .fetch_all(&pool)
        .await
        .expect("fk check");
    assert!(dangling.is_empty(), "{dangling:?}");
    let half_written: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id)
            OR NOT EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(half_written, 0, "an article without its facts");
    let sourceless: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = e.id)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(sourceless, 0);
    // Every row is searchable, and no search entry is left of a row that is gone.
    for (table, index) in [("sentences", "sentences_fts"), ("quotes", "quotes_fts"), ("events", "events_fts"), ("articles", "articles_fts")] {
        let check = format!("INSERT INTO {index} ({index}) VALUES ('integrity-check')");
        let fts = sqlx::query(sqlx::AssertSqlSafe(check)).execute(&pool).await;
        assert!(fts.is_ok(), "{index}: {fts:?}");
        let count = format!("SELECT (SELECT COUNT(*) FROM {table}), (SELECT COUNT(*) FROM {index}_docsize)");
        let (rows, indexed): (i64, i64) =
            sqlx::query_as(sqlx::AssertSqlSafe(count)).fetch_one(&pool).await.expect("count");
        assert_eq!(rows, indexed, "{table} rows and {index} entries");
    }
    let articles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(&pool).await.expect("count");
    pool.close().await;
    articles
}

async fn counts(db: &Path) -> (i64, i64, i64, i64) {
    let pool = entente::store::open_rw(db).await.expect("open");
    let row = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM quotes),
                (SELECT COUNT(*) FROM mentions)",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    pool.close().await;
    row
}

/// More articles than the writer commits at once (4,000, `store::write::article`), so that an
/// import commits more than once however fast the machine is, and takes seconds.
const ARTICLES: usize = 5_000;

/// The articles an import has committed so far, read without disturbing it.
async fn committed_articles(db: &Path) -> i64 {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db).read_only(true);
    let Ok(mut conn) = sqlx::ConnectOptions::connect(&opts).await else { return 0 };
    sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(&mut conn).await.unwrap_or(0)
}

#[tokio::test]
async fn an_import_killed_at_any_moment_leaves_whole_articles_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    write_articles(&articles, ARTICLES);
    let db = dir.path().join("e.db");
    let mut partial = Vec::new();
    let mut before = 0;
    for _ in 0..3 {
        // Killed as soon as the import has committed something more: in the middle of its work.
        let mut child = import_cmd(&db, &articles).spawn().expect("import starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while committed_articles(&db).await <= before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        before = assert_consistent(&db).await;
        partial.push(before);
    }
    assert!(partial.iter().any(|&n| n > 0 && n < ARTICLES as i64), "killed mid-run at least once: {partial:?}");
    let rerun = import_cmd(&db, &articles).output().expect("rerun");
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    assert_eq!(assert_consistent(&db).await, ARTICLES as i64);

    // The result is what an uninterrupted import gives.
    let clean = dir.path().join("clean.db");
    assert!(import_cmd(&clean, &articles).output().expect("clean import").status.success());
    assert_eq!(counts(&db).await, counts(&clean).await);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a port")
}

/// `entente serve`, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(db: &Path) -> Server {
    let port = free_port();
    let child = Command::new(binary())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn fetch(url: &str) -> (u16, String) {
    let client = Client::builder(TokioExecutor::new()).build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = client.get(url.parse().expect("uri")).await.expect("a response");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_during_an_import_and_shows_the_new_data_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = common::seeded_db(dir.path()).await;
    let server = start_server(&db).await;
    let articles = dir.path().join("articles");
    write_articles(&articles, 400);
    let mut import = import_cmd(&db, &articles).spawn().expect("import starts");
    let mut answered = 0;
    loop {
        for path in ["/", "/sources", "/actors/keir-starmer", "/timeline.csv"] {
            let (status, _) = fetch(&format!("{}{path}", server.base)).await;
            assert_eq!(status, 200, "{path} during the import");
            answered += 1;
        }
        if import.try_wait().expect("wait").is_some() {
            break;
        }
    }
    assert!(import.wait().expect("import").success());
    assert!(answered >= 8, "{answered}");
    let (_, sources) = fetch(&format!("{}/sources", server.base)).await;
    assert!(sources.contains("405 articles, newest first."), "{}", &sources[..sources.len().min(2000)]);
}

#[tokio::test]
async fn older_databases_migrate_and_newer_ones_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A database file from before any schema: an empty file.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("write");
    let pool = entente::store::open_rw(&empty).await.expect("migrates");
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'articles'")
        .fetch_one(&pool)
        .await
        .expect("schema");
    assert_eq!(tables, 1);
    pool.close().await;

    // Data written at the current schema survives reopening (migrations run again, as no-ops).
    let db = common::seeded_db(dir.path()).await;
    let before = counts(&db).await;
    assert_eq!(counts(&db).await, before);

    // A database that a newer build migrated is refused, and nothing is written to it.
    let pool = entente::store::open_rw(&db).await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .expect("fake a newer migration");
    pool.close().await;
    let err = entente::store::open_rw(&db).await.expect_err("refused").to_string();
    assert!(err.contains("written by a newer version of entente"), "{err}");
    let output = Command::new(binary()).args(["export", "--format", "json", "--db"]).arg(&db).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("newer version"));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    write_articles(&articles, 400);
    let db = dir.path().join("e.db");
    assert!(import_cmd(&db, &articles).output().expect("import").status.success());
    let (_, events, _, _) = counts(&db).await;
    let mut server = start_server(&db).await;

    let client = Client::builder(TokioExecutor::new()).build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = client
        .get(format!("{}/timeline.csv", server.base).parse().expect("uri"))
        .await
        .expect("response headers");
    assert_eq!(response.status(), 200);
    // The export is under way: stop the server now.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let body = response.into_body().collect().await.expect("the rest of the body").to_bytes();
    let csv = String::from_utf8_lossy(&body);
    assert_eq!(csv.lines().count() as i64, events + 1, "the whole export arrived");

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
    // And it no longer accepts connections.
    assert!(std::net::TcpStream::connect(server.base.trim_start_matches("http://")).is_err());
}
