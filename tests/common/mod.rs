//! Shared set-up for the integration tests: a database imported from the seeds, and the real
//! router called in-process.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use sqlx::SqlitePool;
use tower::ServiceExt;

use entente::reference::Reference;
use entente::web::{AppState, make_app};

pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

pub fn reference() -> Reference {
    Reference::load(&seeds()).expect("seed reference loads")
}

/// A fresh database in `dir` with the seeds imported.
pub async fn seeded_db(dir: &Path) -> PathBuf {
    let db = dir.join("entente.db");
    let pool = entente::store::open_rw(&db).await.expect("open");
    let mut log = Vec::new();
    let summary = entente::import::import(&pool, &reference(), &[seeds()], &mut log)
        .await
        .expect("import");
    assert_eq!(summary.failed, 0, "{}", String::from_utf8_lossy(&log));
    pool.close().await;
    db
}

/// The seeded site, served in-process; the database lives as long as it does.
pub struct Site {
    pub app: axum::Router,
    _dir: tempfile::TempDir,
}

pub async fn site() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let (app, _) = app(&db).await;
    Site { app, _dir: dir }
}

/// The app as `serve` builds it, on a read-only pool.
pub async fn app(db: &Path) -> (axum::Router, SqlitePool) {
    let pool = entente::store::open_ro(db, 2).await.expect("open read-only");
    (make_app(AppState::new(pool.clone())), pool)
}

pub struct Page {
    /// Where the page was finally served from, after redirects.
    pub uri: String,
    pub status: StatusCode,
    pub content_type: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Texts of the elements matching `css`, whitespace-collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let selector = Selector::parse(css).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Values of `attr` on the elements matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let selector = Selector::parse(css).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn count(&self, css: &str) -> usize {
        let selector = Selector::parse(css).expect("valid selector");
        self.html().select(&selector).count()
    }
}

/// GETs `uri` and follows redirects, as a browser would.
pub async fn get(app: &axum::Router, uri: &str) -> Page {
    let mut uri = uri.to_string();
    for _ in 0..5 {
        let page = get_once(app, &uri).await;
        match page.location.clone() {
            Some(next) if page.status.is_redirection() => uri = next,
            _ => return page.page,
        }
    }
    panic!("{uri}: too many redirects");
}

pub struct Fetched {
    pub page: Page,
    pub status: StatusCode,
    pub location: Option<String>,
}

/// GETs `uri` without following redirects.
pub async fn get_once(app: &axum::Router, uri: &str) -> Fetched {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// Sends `request` as it is, without following redirects.
pub async fn send(app: &axum::Router, request: Request<Body>) -> Fetched {
    let uri = request.uri().to_string();
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Fetched {
        page: Page {
            uri,
            status,
            content_type,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        },
        status,
        location,
    }
}
