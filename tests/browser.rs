//! The timeline in a real browser: headless Chromium driven through chromedriver (both from
//! Debian, installed by scripts/setup). A reader opens the timeline, clicks a leader, applies
//! the guarantees topic, shares the URL, searches, pages and exports; the test also saves
//! screenshots of the main pages at desktop and phone widths in target/screenshots/.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver, stopped when the test ends however it ends.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_driver() -> Driver {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "the browser tests need Debian's chromium and chromium-driver: run scripts/setup"
    );
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// A fresh browser: its own empty profile, so nothing carries over between sessions.
async fn browser(driver: &Driver, profile: &Path, width: u32, height: u32) -> Client {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-dev-shm-usage".to_string(),
        "--disable-quic".to_string(),
        "--no-first-run".to_string(),
        "--disable-background-networking".to_string(),
        "--disable-component-update".to_string(),
        "--disable-sync".to_string(),
        format!("--user-data-dir={}", profile.display()),
        format!("--window-size={width},{height}"),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_string(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// Serves a database imported from the seeds plus enough generated articles to page.
async fn serve(dir: &Path) -> SocketAddr {
    let articles = dir.join("extra");
    std::fs::create_dir(&articles).expect("mkdir");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 3, 10).expect("date");
    for i in 0..60 {
        let day = start + chrono::Duration::days(i);
        std::fs::write(
            articles.join(format!("extra{i:02}.txt")),
            format!(
                "---\ntitle: Coalition talks, day {i}\noutlet: Wire\npublished: {day}\n---\nOn {}, British Prime Minister Keir Starmer met Ukrainian President Volodymyr Zelenskyy in London to discuss the peacekeeping force.\n",
                day.format("%B %-d")
            ),
        )
        .expect("write");
    }
    let db = common::seeded_db(dir).await;
    let pool = entente::store::open_rw(&db).await.expect("open");
    let mut log = Vec::new();
    entente::import::import(&pool, &common::reference(), &[articles], &mut log).await.expect("import");
    pool.close().await;
    let (app, _) = common::app(&db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

async fn event_ids(client: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for event in client.find_all(Locator::Css("article.event")).await.expect("events") {
        ids.push(event.attr("id").await.expect("id").unwrap_or_default());
    }
    ids
}

async fn path_and_query(client: &Client) -> String {
    let url = client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Waits for a navigation started by a click to land on `expected` (clicks return before the
/// next page has loaded when a form submits), then returns where the browser is.
async fn landed_on(client: &Client, expected: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let here = path_and_query(client).await;
        let loaded = client
            .execute("return document.readyState === 'complete';", vec![])
            .await
            .ok()
            == Some(serde_json::Value::Bool(true));
        if (here == expected && loaded) || Instant::now() > deadline {
            return here;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn count_text(client: &Client) -> String {
    client.find(Locator::Css("p.count")).await.expect("count").text().await.expect("text")
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_filters_shares_searches_pages_and_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!("http://{}", serve(dir.path()).await);
    let driver = start_driver();
    let client = browser(&driver, &dir.path().join("profile-a"), 1280, 900).await;

    // Open the timeline and click a leader in the actor facet.
    client.goto(&format!("{base}/")).await.expect("goto");
    assert!(event_ids(&client).await.len() >= 10);
    client
        .find(Locator::Css("aside.facets a[href='/?actor=donald-trump']"))
        .await
        .expect("Trump facet")
        .click()
        .await
        .expect("click");
    assert_eq!(landed_on(&client, "/?actor=donald-trump").await, "/?actor=donald-trump");

    // Apply the guarantees topic with the form.
    client
        .find(Locator::Css("form.filters select[name=topic]"))
        .await
        .expect("topic select")
        .select_by_value("security-guarantees")
        .await
        .expect("select");
    client
        .find(Locator::Css("form.filters button[type=submit]"))
        .await
        .expect("apply")
        .click()
        .await
        .expect("click");
    let shared = landed_on(&client, "/?actor=donald-trump&topic=security-guarantees").await;
    assert_eq!(shared, "/?actor=donald-trump&topic=security-guarantees");
    let rows = event_ids(&client).await;
    assert!(!rows.is_empty());
    let active = client.find(Locator::Css(".active-filters")).await.expect("active").text().await.expect("text");
    assert!(active.contains("Donald Trump") && active.contains("Security guarantees for Ukraine"), "{active}");

    // A colleague opens the shared URL in a fresh browser and sees the same rows.
    let colleague = browser(&driver, &dir.path().join("profile-b"), 1280, 900).await;
    colleague.goto(&format!("{base}{shared}")).await.expect("goto");
    assert_eq!(event_ids(&colleague).await, rows);
    colleague.close().await.expect("close");

    // Export what is on screen: the JSON twin has the same events.
    let json_href = client
        .find(Locator::Css(".share a.twin[href^='/timeline.json']"))
        .await
        .expect("JSON link")
        .attr("href")
        .await
        .expect("href")
        .unwrap_or_default();
    client.goto(&format!("{base}{json_href}")).await.expect("goto json");
    let text = client.find(Locator::Css("body")).await.expect("body").text().await.expect("text");
    let exported: serde_json::Value = serde_json::from_str(&text).expect("JSON in the browser");
    let slugs: Vec<String> = exported["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| format!("e-{}", e["slug"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(slugs, rows);

    // Search from the header.
    client.goto(&format!("{base}/")).await.expect("goto");
    let search = client.find(Locator::Css("header form.search input[name=q]")).await.expect("search box");
    search.send_keys("waste of time").await.expect("type");
    client
        .find(Locator::Css("header form.search button"))
        .await
        .expect("search button")
        .click()
        .await
        .expect("click");
    assert_eq!(landed_on(&client, "/?q=waste+of+time").await, "/?q=waste+of+time");
    let marks = client.find_all(Locator::Css(".quotes-found mark")).await.expect("marks");
    assert!(!marks.is_empty());

    // Page through the whole timeline and back.
    client.goto(&format!("{base}/")).await.expect("goto");
    let first = count_text(&client).await;
    assert!(first.starts_with("Showing 1–50 of "), "{first}");
    let next = client.find(Locator::Css("nav.pager a[rel=next]")).await.expect("next");
    let next_href = next.attr("href").await.expect("href").unwrap_or_default();
    next.click().await.expect("click");
    landed_on(&client, &next_href).await;
    let second = count_text(&client).await;
    assert!(second.starts_with("Showing 51–"), "{second}");
    let prev = client.find(Locator::Css("nav.pager a[rel=prev]")).await.expect("prev");
    let prev_href = prev.attr("href").await.expect("href").unwrap_or_default();
    prev.click().await.expect("click");
    landed_on(&client, &prev_href).await;
    assert!(count_text(&client).await.starts_with("Showing 1–50 of "));

    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_main_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!("http://{}", serve(dir.path()).await);
    let driver = start_driver();
    let out = screenshot_dir();
    let pages = [
        ("timeline", "/?topic=security-guarantees"),
        ("actor", "/actors/donald-trump"),
        ("source", "/sources/politico-macron-fails-to-secure-us-security-guarantees"),
        ("compare", "/compare?actor=donald-trump&actor=emmanuel-macron&topic=security-guarantees"),
    ];
    for (width_name, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let client = browser(&driver, &dir.path().join(format!("profile-{width_name}")), width, height).await;
        for (name, path) in pages {
            client.goto(&format!("{base}{path}")).await.expect("goto");
            let png = client.screenshot().await.expect("screenshot");
            assert!(png.starts_with(b"\x89PNG"), "{name}");
            std::fs::write(out.join(format!("{name}-{width_name}.png")), png).expect("save");
            // Nothing on a page is wider than the screen, phones included.
            let overflow = client
                .execute("return document.documentElement.scrollWidth > window.innerWidth + 1;", vec![])
                .await
                .expect("script");
            assert_eq!(overflow, serde_json::Value::Bool(false), "{name} scrolls sideways at {width}px");
        }
        client.close().await.expect("close");
    }
}
