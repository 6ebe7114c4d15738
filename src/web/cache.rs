//! A cache of rendered pages. The server only reads, so a page changes only when an import
//! writes the database; every request checks that by the size and modification time of the
//! database file and its write-ahead log (two `stat`s), and a change empties the cache. Pages
//! are kept by their full URL, which is their whole state.
//!
//! Misses are single-flight: while one request renders a page, others for the same URL wait
//! for it and are answered with its bytes, so a burst of cold requests costs one render.
//!
//! Data twins (CSV, JSON, feeds) stream as they are read from the database, and each request
//! streams its own; one that was sent whole is kept too, up to [`MAX_TWIN_BYTES`], so that the
//! complete export of a large archive is read from the database once rather than per download.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::watch;

use crate::store::{Generation, files_of, generation};

/// Pages larger than this are served but not kept. At 100,000 articles the actor list and
/// the compare page run to several megabytes and take hundreds of milliseconds to render.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Data twins larger than this are streamed but not kept: the complete CSV export of 100,000
/// articles is 30 MB, and takes seconds to read from the database.
const MAX_TWIN_BYTES: usize = 64 * 1024 * 1024;
/// The cache keeps at most this many bytes of pages, dropping the oldest first.
const MAX_CACHE_BYTES: usize = 128 * 1024 * 1024;

#[derive(Clone)]
pub struct PageCache(Arc<Inner>);

struct Inner {
    files: [PathBuf; 2],
    pages: Mutex<Pages>,
    /// Renders under way, by URL: waiters watch for the page (`None` while rendering;
    /// `Some(None)` when the response could not be shared, so each waiter renders its own).
    flights: Mutex<HashMap<String, watch::Receiver<Option<Shared>>>>,
}

/// A rendered page as the waiters of its flight get it.
type Shared = Option<(Generation, HeaderMap, Bytes)>;

/// The right to render one URL; dropping it (the render finished, failed, or its client went
/// away and the handler was cancelled) lets the waiters go.
struct Flight {
    cache: PageCache,
    url: String,
    tx: watch::Sender<Option<Shared>>,
}

impl Flight {
    fn land(self, shared: Shared) {
        self.tx.send_replace(Some(shared));
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        if let Ok(mut flights) = self.cache.0.flights.lock() {
            flights.remove(&self.url);
        }
        // A cancelled render shares nothing; waiters see the sender gone and render themselves.
    }
}

/// What a request that missed the cache does.
enum Turn {
    Render(Flight),
    Wait(watch::Receiver<Option<Shared>>),
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
        PageCache(Arc::new(Inner {
            files: files_of(db),
            pages: Mutex::new(Pages::default()),
            flights: Mutex::new(HashMap::new()),
        }))
    }

    fn generation(&self) -> Generation {
        generation(&self.0.files)
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

impl PageCache {
    /// Joins the render of `url` under way, or starts one.
    fn board(&self, url: &str) -> Option<Turn> {
        let mut flights = self.0.flights.lock().ok()?;
        if let Some(rx) = flights.get(url) {
            return Some(Turn::Wait(rx.clone()));
        }
        let (tx, rx) = watch::channel(None);
        flights.insert(url.to_string(), rx);
        Some(Turn::Render(Flight {
            cache: self.clone(),
            url: url.to_string(),
            tx,
        }))
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

/// Serves pages and data twins from the cache, and keeps the ones it renders: plain GETs
/// answered 200, pages once rendered, twins once streamed whole.
pub async fn cache_pages(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    // Pages carry absolute links built from the Host the client used.
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let url = format!("{host} {}", request.uri());
    let generation = cache.generation();
    if let Some((headers, body)) = cache.get(&url, generation) {
        return page(headers, body);
    }
    let flight = match cache.board(&url) {
        Some(Turn::Wait(mut rx)) => {
            // The sender is gone when the render was cancelled: then render here.
            if let Ok(shared) = rx.wait_for(Option::is_some).await
                && let Some(Some((at, headers, body))) = shared.clone()
                && at == generation
            {
                return page(headers, body);
            }
            None
        }
        Some(Turn::Render(flight)) => Some(flight),
        None => None,
    };
    let response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK || !is_page {
        // Waiters do not wait for a twin's whole stream: they stream their own.
        if let Some(flight) = flight {
            flight.land(None);
        }
        if response.status() == StatusCode::OK {
            return keep_when_sent(cache, url, generation, response);
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    // A page is rendered whole before it is sent, so this waits for nothing.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            if bytes.len() <= MAX_PAGE_BYTES {
                cache.put(url, generation, parts.headers.clone(), bytes.clone());
            }
            // Waiters get even a page too large to keep: they asked at the same moment.
            if let Some(flight) = flight {
                flight.land(Some((generation, parts.headers.clone(), bytes.clone())));
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(err) => {
            tracing::error!("rendering {url}: {err}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Streams `response` to its client, keeping a copy once its body has been sent whole without
/// error, unless it grew larger than [`MAX_TWIN_BYTES`].
fn keep_when_sent(cache: PageCache, url: String, generation: Generation, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let keeping = Keeping {
        cache,
        url,
        generation,
        headers: parts.headers.clone(),
        body: Vec::new(),
    };
    let stream = futures_util::stream::unfold((body.into_data_stream(), Some(keeping)), |(mut body, mut keeping)| async move {
        match body.next().await {
            Some(Ok(chunk)) => {
                if let Some(k) = keeping.as_mut() {
                    k.body.extend_from_slice(&chunk);
                }
                if keeping.as_ref().is_some_and(|k| k.body.len() > MAX_TWIN_BYTES) {
                    keeping = None;
                }
                Some((Ok(chunk), (body, keeping)))
            }
            Some(Err(err)) => Some((Err(err), (body, None))),
            None => {
                if let Some(k) = keeping {
                    k.keep();
                }
                None
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// A twin's body as it streams, to keep when it ends.
struct Keeping {
    cache: PageCache,
    url: String,
    generation: Generation,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Keeping {
    fn keep(self) {
        self.cache.put(self.url, self.generation, self.headers, Bytes::from(self.body));
    }
}

fn page(headers: HeaderMap, body: Bytes) -> Response {
    let mut response = Body::from(body).into_response();
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tower::ServiceExt;

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

    #[tokio::test]
    async fn concurrent_misses_wait_for_one_render() {

        let dir = tempfile::tempdir().expect("dir");
        let cache = PageCache::new(&dir.path().join("e.db"));
        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        let app = axum::Router::new()
            .route(
                "/slow",
                axum::routing::get(move || {
                    let counted = counted.clone();
                    async move {
                        counted.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        axum::response::Html("slow page")
                    }
                }),
            )
            .layer(axum::middleware::from_fn_with_state(cache, cache_pages));
        let requests = (0..16).map(|_| {
            let app = app.clone();
            async move {
                let request = Request::builder().uri("/slow").body(Body::empty()).expect("request");
                let response = app.oneshot(request).await.expect("response");
                assert_eq!(response.status(), StatusCode::OK);
                axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body")
            }
        });
        let bodies = futures_util::future::join_all(requests).await;
        assert!(bodies.iter().all(|b| b.as_ref() == b"slow page"));
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    /// A CSV streamed in `chunks`, counting how often it is produced.
    fn streaming_app(cache: PageCache, chunks: Vec<Bytes>, produced: Arc<AtomicUsize>) -> axum::Router {
        axum::Router::new()
            .route(
                "/all.csv",
                axum::routing::get(move || {
                    let produced = produced.clone();
                    let chunks = chunks.clone().into_iter().map(Ok::<_, std::io::Error>);
                    async move {
                        produced.fetch_add(1, Ordering::SeqCst);
                        ([(header::CONTENT_TYPE, "text/csv")], Body::from_stream(futures_util::stream::iter(chunks)))
                    }
                }),
            )
            .layer(axum::middleware::from_fn_with_state(cache, cache_pages))
    }

    async fn get_body(app: &axum::Router) -> Bytes {
        let request = Request::builder().uri("/all.csv").body(Body::empty()).expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body")
    }

    #[tokio::test]
    async fn a_twin_streamed_whole_is_kept_and_a_larger_one_is_not() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("e.db"), b"db").expect("write");
        let produced = Arc::new(AtomicUsize::new(0));
        let rows = (0..3).map(|i| Bytes::from(format!("row {i}\n"))).collect();
        let app = streaming_app(PageCache::new(&dir.path().join("e.db")), rows, produced.clone());
        let first = get_body(&app).await;
        assert_eq!(first.as_ref(), b"row 0\nrow 1\nrow 2\n");
        assert_eq!(get_body(&app).await, first, "the kept copy is the same");
        assert_eq!(produced.load(Ordering::SeqCst), 1, "the second download is served from the cache");

        // Past the limit, every download streams afresh (and whole).
        let produced = Arc::new(AtomicUsize::new(0));
        let megabytes = vec![Bytes::from(vec![b'x'; 1 << 20]); MAX_TWIN_BYTES / (1 << 20) + 1];
        let app = streaming_app(PageCache::new(&dir.path().join("e.db")), megabytes, produced.clone());
        assert!(get_body(&app).await.len() > MAX_TWIN_BYTES);
        assert!(get_body(&app).await.len() > MAX_TWIN_BYTES);
        assert_eq!(produced.load(Ordering::SeqCst), 2);
    }
}
