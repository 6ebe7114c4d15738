//! A cache of rendered pages. The server only reads, so a page changes only when an import
//! writes the database; every request checks that by the size and modification time of the
//! database file and its write-ahead log (two `stat`s), and a change empties the cache. Pages
//! are kept by their full URL, which is their whole state.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Pages larger than this are served but not kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// The cache keeps at most this many bytes of pages, dropping the oldest first.
const MAX_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// The state of the database files: when it changes, so may every page.
type Generation = [Option<(u64, SystemTime)>; 2];

#[derive(Clone)]
pub struct PageCache(Arc<Inner>);

struct Inner {
    files: [PathBuf; 2],
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    generation: Generation,
    by_url: HashMap<String, (HeaderMap, Bytes)>,
    order: VecDeque<String>,
    bytes: usize,
}

impl PageCache {
    /// A cache for pages drawn from the database file `db`.
    pub fn new(db: &Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        PageCache(Arc::new(Inner {
            files: [db.to_path_buf(), PathBuf::from(wal)],
            pages: Mutex::new(Pages::default()),
        }))
    }

    fn generation(&self) -> Generation {
        self.0.files.clone().map(|file| {
            std::fs::metadata(file)
                .ok()
                .and_then(|m| m.modified().ok().map(|t| (m.len(), t)))
        })
    }

    /// The cached page for `url`, if the database has not changed since it was kept.
    fn get(&self, url: &str, generation: Generation) -> Option<(HeaderMap, Bytes)> {
        let mut pages = self.0.pages.lock().ok()?;
        pages.follow(generation);
        pages.by_url.get(url).cloned()
    }

    /// Keeps a page rendered at `generation`, unless the database changed meanwhile (the page
    /// may then show either state, so it is not kept).
    fn put(&self, url: String, generation: Generation, headers: HeaderMap, body: Bytes) {
        let Ok(mut pages) = self.0.pages.lock() else { return };
        if pages.generation != generation || pages.by_url.contains_key(&url) {
            return;
        }
        pages.bytes += body.len();
        pages.order.push_back(url.clone());
        pages.by_url.insert(url, (headers, body));
        while pages.bytes > MAX_CACHE_BYTES {
            let Some(oldest) = pages.order.pop_front() else { break };
            if let Some((_, body)) = pages.by_url.remove(&oldest) {
                pages.bytes -= body.len();
            }
        }
    }
}

impl Pages {
    /// Forgets every page when the database has changed.
    fn follow(&mut self, generation: Generation) {
        if self.generation != generation {
            *self = Pages {
                generation,
                ..Pages::default()
            };
        }
    }
}

/// Serves HTML pages from the cache, and keeps the ones it renders. Only plain GETs of
/// complete 200 pages are kept; data twins stream, and are left alone.
pub async fn cache_pages(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    // Pages carry absolute links built from the Host the client used.
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let url = format!("{host} {}", request.uri());
    let generation = cache.generation();
    if let Some((headers, body)) = cache.get(&url, generation) {
        let mut response = Body::from(body).into_response();
        *response.headers_mut() = headers;
        return response;
    }
    let response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK || !is_page {
        return response;
    }
    let (parts, body) = response.into_parts();
    // A page is rendered whole before it is sent, so this waits for nothing.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            if bytes.len() <= MAX_PAGE_BYTES {
                cache.put(url, generation, parts.headers.clone(), bytes.clone());
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(err) => {
            tracing::error!("rendering {url}: {err}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_the_database_files_empties_the_cache() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("e.db");
        std::fs::write(&db, b"one").expect("write");
        let cache = PageCache::new(&db);
        let before = cache.generation();
        assert!(cache.get("/", before).is_none());
        cache.put("/".to_string(), before, HeaderMap::new(), Bytes::from_static(b"page"));
        assert!(cache.get("/", cache.generation()).is_some());
        std::fs::write(dir.path().join("e.db-wal"), b"a commit").expect("write");
        let after = cache.generation();
        assert_ne!(before, after);
        assert!(cache.get("/", after).is_none());
        assert!(cache.get("/", after).is_none(), "stays empty");
    }

    #[test]
    fn the_oldest_pages_go_first_when_full() {
        let dir = tempfile::tempdir().expect("dir");
        let cache = PageCache::new(&dir.path().join("e.db"));
        let generation = cache.generation();
        assert!(cache.get("/", generation).is_none());
        let page = Bytes::from(vec![b'x'; MAX_PAGE_BYTES]);
        let n = MAX_CACHE_BYTES / MAX_PAGE_BYTES + 1;
        for i in 0..n {
            cache.put(format!("/{i}"), generation, HeaderMap::new(), page.clone());
        }
        assert!(cache.get("/0", generation).is_none());
        assert!(cache.get(&format!("/{}", n - 1), generation).is_some());
    }
}
