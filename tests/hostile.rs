//! Hostile requests and untrusted text: fuzzed query strings never cause a 5xx or a panic,
//! article text with markup is shown as text in every page and format, every response carries
//! the security headers, and static files cannot escape.

mod common;

use axum::http::StatusCode;
use common::{app, get, get_once, seeded_db};
use scraper::{Html, Selector};

/// A small deterministic generator, so that a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "from", "to", "actor", "topic", "outlet", "kind", "month", "q", "after", "before", "explain", "utm_source", "",
    "from[]", "%00", "actor%20",
];

const VALUES: &[&str] = &[
    "", "2025-02-26", "2025-02-30", "0000-00-00", "9999-12-31", "2025-13-01", "-1", "99999999999999999999999",
    "9223372036854775807", "2025-02-26.9223372036854775807", "2025-02-26.-5", "2025-02-26.1e9",
    "%27%20OR%201%3D1%20--", "1%29%3B%20DROP%20TABLE%20events%3B--", "%22%20UNION%20SELECT%20*%20FROM%20actors",
    "NEAR%28a%20b%29", "a*%20OR%20b", "%22", "%5Ex", "col%3Aval", "AND", "-macron", "donald-trump", "security-guarantees",
    "CONSULT", "consult", "2025-02", "%ZZ", "%", "%E2%80", "%C3%28", "%F0%9F%92%A5", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2F..%2Fetc%2Fpasswd", "%0d%0aSet-Cookie:%20x=1", "1", "0", "yes",
];

const ROUTES: &[&str] = &[
    "/", "/timeline", "/timeline.json", "/timeline.csv", "/timeline.atom", "/timeline.ics", "/compare", "/actors",
    "/actors/donald-trump", "/sources", "/sources/politico-macron-fails-to-secure-us-security-guarantees",
    "/topics/security-guarantees", "/actors.csv", "/sources.json",
];

fn random_value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "a".repeat(10 * 1024),
        1 => format!("{}", rng.next()),
        2 => (0..rng.below(40)).map(|_| format!("%{:02X}", rng.below(256))).collect(),
        _ => rng.pick(VALUES).to_string(),
    }
}

#[tokio::test]
async fn fuzzed_query_strings_never_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let (app, _) = app(&db).await;
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut seen = std::collections::BTreeMap::new();
    for case in 0..1_500 {
        let route = rng.pick(ROUTES);
        let pairs = 1 + rng.below(6);
        let query: Vec<String> = (0..pairs)
            .map(|_| format!("{}={}", rng.pick(KEYS), random_value(&mut rng)))
            .collect();
        let uri = format!("{route}?{}", query.join("&"));
        // Some strings are not URIs at all; a server never sees those.
        if uri.parse::<axum::http::Uri>().is_err() {
            continue;
        }
        let page = get_once(&app, &uri).await;
        assert!(
            matches!(page.status.as_u16(), 200 | 303 | 400 | 404),
            "case {case}: {uri} -> {}: {}",
            page.status,
            page.page.body.chars().take(300).collect::<String>()
        );
        if page.status == StatusCode::BAD_REQUEST {
            let message = Html::parse_document(&page.page.body)
                .select(&Selector::parse("section.error p.message").expect("css"))
                .map(|e| e.text().collect::<String>())
                .collect::<String>();
            assert!(message.contains(": "), "case {case}: a 400 names its parameter: {message}");
        }
        *seen.entry(page.status.as_u16()).or_insert(0) += 1;
    }
    // The fuzz reached every kind of answer, so it exercised the validation and the pages.
    for status in [200, 400, 404] {
        assert!(seen.contains_key(&status), "{seen:?}");
    }
}

const PAYLOAD: &str = "<script>alert('entente')</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";

async fn hostile_site() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("mkdir");
    std::fs::write(
        articles.join("hostile.txt"),
        format!(
            "---\ntitle: \"Leaders meet {PAYLOAD}\"\noutlet: \"Evil {IMG} Times\"\nvia: \"{PAYLOAD}\"\npublished: 2025-03-03\nauthor: \"{PAYLOAD}\"\n---\nOn Monday, British Prime Minister Keir Starmer met French President Emmanuel Macron {PAYLOAD} in London to discuss security guarantees.\n\n“We will not accept {PAYLOAD} or {IMG},” Starmer said.\n\nKremlin spokesperson Dmitry Peskov said the talks were “{IMG} theatre”.\n"
        ),
    )
    .expect("write");
    let db = dir.path().join("e.db");
    let pool = entente::store::open_rw(&db).await.expect("open");
    let mut log = Vec::new();
    let summary = entente::import::import(&pool, &common::reference(), &[articles], &mut log).await.expect("import");
    assert_eq!(summary.new, 1, "{}", String::from_utf8_lossy(&log));
    pool.close().await;
    let (app, _) = app(&db).await;
    (app, dir)
}

/// No script ran from the payload: the only script element is ours, and no element carries
/// an event-handler attribute.
fn assert_inert(uri: &str, body: &str) {
    let html = Html::parse_document(body);
    let scripts: Vec<String> = html
        .select(&Selector::parse("script").expect("css"))
        .map(|s| s.value().attr("src").unwrap_or("inline").to_string())
        .collect();
    assert_eq!(scripts, ["/static/app.js"], "{uri}");
    assert_eq!(html.select(&Selector::parse("[onerror], img").expect("css")).count(), 0, "{uri}");
}

#[tokio::test]
async fn untrusted_text_is_shown_as_text_on_every_page() {
    let (app, _dir) = hostile_site().await;
    let sources = get(&app, "/sources").await;
    let source = sources.attrs("table.list a.source", "href")[0].clone();
    let timeline = get(&app, "/").await;
    let events = timeline.attrs("article.event h3.title a", "href");
    assert!(!events.is_empty());
    let mut uris = vec![
        "/".to_string(),
        "/sources".to_string(),
        source.clone(),
        format!("{source}?explain=1"),
        "/actors".to_string(),
        "/actors/keir-starmer".to_string(),
        "/actors/dmitry-peskov".to_string(),
        "/topics".to_string(),
        "/topics/security-guarantees".to_string(),
        "/?q=script+alert".to_string(),
        "/?q=%3Cscript%3E".to_string(),
        "/compare?actor=keir-starmer&actor=emmanuel-macron".to_string(),
        "/actors/%3Cscript%3E".to_string(),
        "/no/%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
    ];
    uris.extend(events);
    for uri in &uris {
        let page = get(&app, uri).await;
        assert!(page.content_type.starts_with("text/html"), "{uri}");
        assert_inert(uri, &page.body);
    }
    // The payload is there, as text.
    let page = get(&app, &source).await;
    assert!(page.texts("h1").join("").contains(PAYLOAD));
    assert!(page.texts(".body").join("").contains(PAYLOAD));
    let starmer = get(&app, "/actors/keir-starmer").await;
    assert!(starmer.texts("li.statement blockquote").join("").contains(PAYLOAD));
}

#[tokio::test]
async fn untrusted_text_stays_data_in_every_format() {
    let (app, _dir) = hostile_site().await;
    for (uri, content_type) in [
        ("/timeline.json", "application/json"),
        ("/actors.json", "application/json"),
        ("/sources.json", "application/json"),
        ("/timeline.csv", "text/csv"),
        ("/actors.csv", "text/csv"),
        ("/sources.csv", "text/csv"),
        ("/timeline.atom", "application/atom+xml"),
        ("/timeline.ics", "text/calendar"),
    ] {
        let page = get(&app, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.content_type.starts_with(content_type), "{uri}: {}", page.content_type);
        assert_eq!(page.headers.get("x-content-type-options").map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{uri}");
        if content_type == "application/json" {
            let value: serde_json::Value = serde_json::from_str(&page.body).expect("valid JSON");
            assert!(!value.is_null());
        }
    }
    let sources: serde_json::Value = serde_json::from_str(&get(&app, "/sources.json").await.body).expect("json");
    assert_eq!(sources["sources"][0]["title"], format!("Leaders meet {PAYLOAD}"));
    let atom = get(&app, "/timeline.atom").await.body;
    assert!(!atom.contains("<script") && !atom.contains("<img"), "{atom}");
    let csv = get(&app, "/sources.csv").await.body;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let row = reader.records().next().expect("a row").expect("valid CSV");
    assert_eq!(&row[2], format!("Leaders meet {PAYLOAD}"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let (app, _) = app(&db).await;
    for uri in [
        "/",
        "/?from=nope",
        "/?actor=nobody-here",
        "/?topic=security-guarantees&actor=keir-starmer&q=",
        "/missing",
        "/static/style.css",
        "/static/app.js",
        "/timeline.csv",
        "/timeline.ics",
        "/actors.json",
        "/login",
    ] {
        let page = get_once(&app, uri).await.page;
        let header = |name: &str| page.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let csp = header("content-security-policy");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header("referrer-policy"), "same-origin", "{uri}");
        assert_eq!(header("x-frame-options"), "DENY", "{uri}");
    }
}

#[tokio::test]
async fn static_files_cannot_escape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let (app, _) = app(&db).await;
    for uri in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/style.css/../../Cargo.toml",
        "/static/..%5cCargo.toml",
        "/static/",
        "/static/gazetteer.yaml",
    ] {
        let page = get_once(&app, uri).await;
        assert!(matches!(page.status.as_u16(), 404 | 303), "{uri}: {}", page.status);
        assert!(!page.page.body.contains("[package]"), "{uri}");
    }
}
