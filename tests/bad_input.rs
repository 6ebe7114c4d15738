//! Import of whatever scrapers produce: one test per kind of bad input. Each ends in a correct
//! import or a one-line error that names the file and the problem; the other files still
//! import; and the exit code says whether anything failed.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use entente::import::{Summary, import};

const GOOD: &str = "---\ntitle: Leaders meet\npublished: 2025-03-03\n---\nOn Sunday, British Prime Minister Keir Starmer hosted European leaders in London.\n\n“We are ready to act,” Starmer said.\n";

struct Run {
    summary: Summary,
    log: String,
    pool: sqlx::SqlitePool,
    _dir: tempfile::TempDir,
}

/// A folder holding one good article and whatever `setup` adds, imported.
async fn import_with(setup: impl FnOnce(&Path)) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    fs::create_dir(&articles).expect("mkdir");
    fs::write(articles.join("good.txt"), GOOD).expect("write");
    setup(&articles);
    let pool = entente::store::open_rw(&dir.path().join("e.db")).await.expect("open");
    let mut log = Vec::new();
    let summary = import(&pool, &common::reference(), &[articles], &mut log).await.expect("import runs");
    Run {
        summary,
        log: String::from_utf8(log).expect("utf-8 log"),
        pool,
        _dir: dir,
    }
}

/// The log has exactly one line about `file`, and it says `problem`.
fn one_line_about(log: &str, file: &str, problem: &str) {
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(file)).collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].contains(problem), "{}", lines[0]);
}

async fn titles(pool: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT title FROM articles ORDER BY title").fetch_all(pool).await.expect("titles")
}

#[tokio::test]
async fn an_empty_file() {
    let run = import_with(|d| fs::write(d.join("empty.txt"), "").expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (1, 1));
    one_line_about(&run.log, "empty.txt", "empty file");
}

#[tokio::test]
async fn a_binary_file() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let run = import_with(|d| fs::write(d.join("photo.txt"), png).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (1, 1));
    one_line_about(&run.log, "photo.txt", "binary file");
}

#[tokio::test]
async fn latin1_text_is_decoded_with_a_warning() {
    let latin1 = b"---\ntitle: Fran\xe7ois Heisbourg on guarantees\npublished: 2025-09-05\n---\nFran\xe7ois Heisbourg of the Foundation for Strategic Research said the plan was \xabserious\xbb.\n";
    let run = import_with(|d| fs::write(d.join("latin1.txt"), latin1).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0));
    one_line_about(&run.log, "latin1.txt", "warning: not valid UTF-8");
    assert!(titles(&run.pool).await.contains(&"François Heisbourg on guarantees".to_string()));
}

#[tokio::test]
async fn a_utf8_bom() {
    let run = import_with(|d| fs::write(d.join("bom.txt"), format!("\u{feff}{}", GOOD.replace("Leaders meet", "With BOM"))).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0), "{}", run.log);
    assert!(titles(&run.pool).await.contains(&"With BOM".to_string()));
}

#[tokio::test]
async fn crlf_line_ends() {
    let crlf = GOOD.replace("Leaders meet", "CRLF").replace("ready to act", "ready to go").replace('\n', "\r\n");
    let run = import_with(|d| fs::write(d.join("crlf.txt"), crlf).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0), "{}", run.log);
    let quotes: Vec<String> = sqlx::query_scalar("SELECT text FROM quotes ORDER BY text").fetch_all(&run.pool).await.expect("q");
    assert_eq!(quotes, ["We are ready to act,", "We are ready to go,"]);
    let cr: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE instr(body, char(13)) > 0").fetch_one(&run.pool).await.expect("cr");
    assert_eq!(cr, 0);
}

#[tokio::test]
async fn a_50_mb_article_is_refused_before_reading() {
    let run = import_with(|d| {
        let file = fs::File::create(d.join("huge.txt")).expect("create");
        file.set_len(50_000_000).expect("grow");
    })
    .await;
    assert_eq!((run.summary.new, run.summary.failed), (1, 1));
    one_line_about(&run.log, "huge.txt", "50.0 MB; articles larger than 8 MB are refused");
}

#[tokio::test]
async fn a_file_that_is_one_1_mb_line() {
    let sentence = "Keir Starmer met Emmanuel Macron in Paris to discuss security guarantees and said “we are ready” again ";
    let line = sentence.repeat(1_000_000 / sentence.len() + 1);
    let run = import_with(|d| fs::write(d.join("oneline.txt"), format!("---\ntitle: One line\npublished: 2025-03-03\n---\n{line}")).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0), "{}", run.log);
    let body_len: i64 = sqlx::query_scalar("SELECT MAX(length(CAST(body AS BLOB))) FROM articles").fetch_one(&run.pool).await.expect("len");
    assert!(body_len >= 1_000_000);
}

#[tokio::test]
async fn malformed_front_matter() {
    let run = import_with(|d| fs::write(d.join("bad.md"), "---\ntitle: [unclosed\n---\nText about Macron.\n").expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (1, 1));
    one_line_about(&run.log, "bad.md", "line 2: front matter");
    let run = import_with(|d| fs::write(d.join("open.md"), "---\ntitle: never closed\nText about Macron.\n").expect("write")).await;
    one_line_about(&run.log, "open.md", "never closed");
}

#[tokio::test]
async fn an_impossible_date() {
    let run = import_with(|d| fs::write(d.join("feb30.txt"), "---\ntitle: x\npublished: 2025-02-30\n---\nText.\n").expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (1, 1));
    one_line_about(&run.log, "feb30.txt", "line 3: front matter");
}

#[tokio::test]
async fn unbalanced_quote_marks() {
    let text = "---\ntitle: Unbalanced\npublished: 2025-03-03\n---\n“We are ready, Macron said on Monday.\n\nStarmer said: \"There is no deal.\n\n«Never» said Putin”, and ” then “ more.\n";
    let run = import_with(|d| fs::write(d.join("unbalanced.txt"), text).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0), "{}", run.log);
    // Every stored quote lies inside its article's text.
    let bad: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.end > length(CAST(a.body AS BLOB)) OR q.start >= q.end",
    )
    .fetch_one(&run.pool)
    .await
    .expect("check");
    assert_eq!(bad, 0);
}

#[tokio::test]
async fn ten_thousand_quotes_in_one_article() {
    let mut text = String::from("---\ntitle: Many quotes\npublished: 2025-03-03\n---\n");
    for i in 0..10_000 {
        text.push_str(&format!("“Point {i} of the plan stands,” French President Emmanuel Macron said.\n\n"));
    }
    let run = import_with(|d| fs::write(d.join("quotes.txt"), text).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.failed), (2, 0), "{}", run.log);
    let macron: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM quotes q JOIN actors a ON a.id = q.speaker_id WHERE a.slug = 'emmanuel-macron'",
    )
    .fetch_one(&run.pool)
    .await
    .expect("count");
    assert_eq!(macron, 10_000);
}

#[tokio::test]
async fn a_folder_of_10000_files() {
    let run = import_with(|d| {
        for i in 0..9_999 {
            fs::write(
                d.join(format!("n{i:05}.txt")),
                format!("---\ntitle: Note {i}\npublished: 2025-03-03\n---\nOn Monday, Keir Starmer spoke to Emmanuel Macron about item {i}.\n"),
            )
            .expect("write");
        }
    })
    .await;
    assert_eq!((run.summary.new, run.summary.failed), (10_000, 0), "{}", run.log);
}

#[cfg(unix)]
#[tokio::test]
async fn unreadable_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let run = import_with(|d| {
        // A pipe would block a naive reader for ever; a dangling link points nowhere.
        let status = Command::new("mkfifo").arg(d.join("pipe.txt")).status().expect("mkfifo");
        assert!(status.success());
        symlink(d.join("gone.txt"), d.join("dangling.txt")).expect("symlink");
        fs::create_dir(d.join("folder.txt")).expect("mkdir");
        fs::write(d.join("locked.txt"), GOOD.replace("Leaders meet", "Locked")).expect("write");
        fs::set_permissions(d.join("locked.txt"), fs::Permissions::from_mode(0o000)).expect("chmod");
    })
    .await;
    one_line_about(&run.log, "pipe.txt", "not a regular file");
    one_line_about(&run.log, "dangling.txt", "cannot open");
    // A folder named like an article is walked into, not read.
    assert!(!run.log.contains("folder.txt"), "{}", run.log);
    // root reads a file whatever its mode; anyone else gets a one-line refusal.
    let locked_read = titles(&run.pool).await.contains(&"Locked".to_string());
    if !locked_read {
        one_line_about(&run.log, "locked.txt", "Permission denied");
    }
    assert_eq!(run.summary.failed, 2 + usize::from(!locked_read), "{}", run.log);
    assert!(titles(&run.pool).await.contains(&"Leaders meet".to_string()));
}

#[cfg(unix)]
#[tokio::test]
async fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let run = import_with(|d| {
        fs::create_dir(d.join("sub")).expect("mkdir");
        fs::write(d.join("sub/inner.txt"), GOOD.replace("Leaders meet", "Inner")).expect("write");
        symlink("..", d.join("sub/up")).expect("dir loop");
        symlink("b.txt", d.join("a.txt")).expect("link");
        symlink("a.txt", d.join("b.txt")).expect("link");
    })
    .await;
    assert_eq!(run.summary.new, 2, "{}", run.log);
    one_line_about(&run.log, "a.txt", "symbolic links");
    one_line_about(&run.log, "b.txt", "symbolic links");
    assert_eq!(run.summary.failed, 2);
}

#[tokio::test]
async fn the_same_article_twice_under_different_names() {
    let run = import_with(|d| fs::write(d.join("copy-of-good.txt"), GOOD).expect("write")).await;
    assert_eq!((run.summary.new, run.summary.duplicates, run.summary.failed), (1, 1, 0), "{}", run.log);
    one_line_about(&run.log, "good.txt", "skipped: same text as");
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_entente"))
}

#[test]
fn the_exit_code_says_whether_anything_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    fs::create_dir(&articles).expect("mkdir");
    fs::write(articles.join("good.txt"), GOOD).expect("write");
    let run = |db: &str| {
        Command::new(binary())
            .args(["--seeds", concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"), "import", "--db"])
            .arg(dir.path().join(db))
            .arg(&articles)
            .output()
            .expect("runs")
    };
    let clean = run("a.db");
    assert!(clean.status.success());
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with("articles: 1 new"));

    fs::write(articles.join("empty.txt"), "").expect("write");
    let failed = run("b.db");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.lines().any(|l| l.ends_with("empty.txt: empty file")), "{stderr}");
    assert!(String::from_utf8_lossy(&failed.stdout).starts_with("articles: 1 new, 0 updated, 0 unchanged, 0 duplicate, 1 failed"));
}
