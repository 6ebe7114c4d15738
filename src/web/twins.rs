//! The timeline's twins (`/timeline.json`, `.csv`, `.atom`, `.ics`), which take the same
//! filters, and the `.json` and `.csv` twins of the actor and source lists. Timeline twins are
//! streamed page by page from the database, so they are complete at any size.

use std::fmt::Write as _;

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use sqlx::SqlitePool;
use tokio::sync::mpsc;

use super::error::AppError;
use super::meta::Origin;
use super::params::{self, href};
use super::timeline::check_slugs_exist;
use crate::export::{ExportEvent, event_record, events_header};
use crate::store::read::{self, EventView, UNDATED};
use crate::store::event_index::LiveIndex;
use crate::store::timeline::{self as tl, Cursor, PageAt};

/// Events fetched per database round trip while streaming.
const CHUNK: usize = 500;

/// What a twin is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Atom,
    Ics,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Ics => "text/calendar; charset=utf-8",
        }
    }
}

/// A timeline twin's format is its path's extension (`/timeline.csv`).
impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.uri.path().rsplit_once('.').map(|(_, ext)| ext) {
            Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some("atom") => Ok(Format::Atom),
            Some("ics") => Ok(Format::Ics),
            _ => Err(AppError::not_found("page", parts.uri.path())),
        }
    }
}

#[derive(Template)]
#[template(path = "feed_head.xml")]
struct FeedHead<'a> {
    id: &'a str,
    alternate: &'a str,
    updated: &'a str,
}

#[derive(Template)]
#[template(path = "feed_entry.xml")]
struct FeedEntry<'a> {
    origin: &'a str,
    event: &'a EventView,
    updated: String,
    summary: String,
}

/// Validates the filter, then streams every matching event in the format its path names.
pub async fn stream_timeline(
    State(db): State<SqlitePool>,
    State(index): State<LiveIndex>,
    format: Format,
    Origin(origin): Origin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let filter = params::parse_timeline(query.as_deref())?.filter;
    check_slugs_exist(&db, &filter).await?;
    let index = index.get().await?;
    let selection = tl::select(&db, &index, &filter).await?;
    // The head is rendered before streaming starts, so that a template error is a clean 500.
    let head = match format {
        Format::Json => "{\"events\":[\n".to_string(),
        Format::Csv => csv_line(&events_header()),
        Format::Atom => {
            let updated: Option<String> = sqlx::query_scalar("SELECT MAX(imported_at) FROM articles").fetch_one(&db).await?;
            FeedHead {
                id: &format!("{origin}{}", href("/timeline.atom", &filter)),
                alternate: &format!("{origin}{}", href("/", &filter)),
                updated: updated.as_deref().unwrap_or("1970-01-01T00:00:00Z"),
            }
            .render()?
        }
        Format::Ics => "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Entente//Diplomacy timeline//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Entente timeline\r\n".to_string(),
    };
    let tail = match format {
        Format::Json => "\n]}\n",
        Format::Csv => "",
        Format::Atom => "</feed>\n",
        Format::Ics => "END:VCALENDAR\r\n",
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let host = origin.clone();
    let mut chunks = tl::Chunks::new(&selection, CHUNK);
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(head))).await.is_err() {
            return;
        }
        let mut first = true;
        loop {
            match chunks.next(&db).await {
                Ok(Some(events)) => {
                    let mut chunk = String::new();
                    for event in &events {
                        render_event(&mut chunk, format, &host, event, first);
                        first = false;
                    }
                    if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                        return; // the client went away
                    }
                }
                Ok(None) => {
                    let _ = tx.send(Ok(Bytes::from_static(tail.as_bytes()))).await;
                    return;
                }
                Err(err) => {
                    // The status line is gone; cutting the body short tells the client it failed.
                    tracing::error!("streaming the timeline: {err}");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });
    Ok(streamed(rx, format))
}

/// A response whose body is what the producing task sends down `rx`.
fn streamed(rx: mpsc::Receiver<Result<Bytes, std::io::Error>>, format: Format) -> Response {
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    ([(header::CONTENT_TYPE, format.content_type())], Body::from_stream(stream)).into_response()
}

fn render_event(out: &mut String, format: Format, origin: &str, event: &EventView, first: bool) {
    match format {
        Format::Json => {
            if !first {
                out.push_str(",\n");
            }
            let json = serde_json::to_string(&ExportEvent::from(event.clone())).unwrap_or_else(|_| "null".to_string());
            out.push_str(&json);
        }
        Format::Csv => out.push_str(&csv_line(&event_record(event))),
        Format::Atom => {
            let entry = FeedEntry {
                origin,
                event,
                updated: format!("{}T00:00:00Z", event.event.date_start),
                summary: summary(event),
            };
            match entry.render() {
                Ok(xml) => out.push_str(&xml),
                Err(err) => tracing::error!("feed entry {}: {err}", event.event.slug),
            }
        }
        Format::Ics => ics_event(out, origin, event),
    }
}

/// "Actors: …. Sources: …." for feed and calendar readers.
fn summary(event: &EventView) -> String {
    let actors: Vec<&str> = event.actors.iter().map(|a| a.name.as_str()).collect();
    let sources: Vec<&str> = event
        .sources
        .iter()
        .map(|s| s.outlet.as_deref().unwrap_or(s.article_title.as_str()))
        .collect();
    let mut text = format!("{} ({} precision).", event.event.title, event.event.precision);
    if !actors.is_empty() {
        let _ = write!(text, " Actors: {}.", actors.join(", "));
    }
    if !sources.is_empty() {
        let _ = write!(text, " Sources: {}.", sources.join(", "));
    }
    text
}

fn csv_line<const N: usize>(fields: &[impl AsRef<str>; N]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(fields.iter().map(AsRef::as_ref));
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// One all-day VEVENT; DTEND is exclusive, as iCalendar wants.
fn ics_event(out: &mut String, origin: &str, event: &EventView) {
    let e = &event.event;
    let day = |d: &str| d.replace('-', "");
    let end = NaiveDate::parse_from_str(&e.date_end, "%Y-%m-%d")
        .map(|d| (d + Duration::days(1)).format("%Y%m%d").to_string())
        .unwrap_or_else(|_| day(&e.date_end));
    let url = format!("{origin}/events/{}", e.slug);
    let lines = [
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@entente", e.slug),
        format!("DTSTAMP:{}T000000Z", day(&e.date_start)),
        format!("DTSTART;VALUE=DATE:{}", day(&e.date_start)),
        format!("DTEND;VALUE=DATE:{end}"),
        format!("SUMMARY:{}", ics_text(&e.title)),
        format!("DESCRIPTION:{}", ics_text(&summary(event))),
        format!("URL:{url}"),
        "END:VEVENT".to_string(),
    ];
    for line in lines {
        fold_ics_line(out, &line);
    }
}

/// Escapes text values per RFC 5545 (backslash, semicolon, comma, newline).
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// Lines longer than 75 octets continue on the next line after a space.
fn fold_ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub async fn actors_json(State(db): State<SqlitePool>) -> Result<Response, AppError> {
    let actors = read::actors(&db).await?;
    Ok(json_response(&serde_json::json!({ "actors": actors })))
}

pub async fn actors_csv(State(db): State<SqlitePool>) -> Result<Response, AppError> {
    let mut out = csv_line(&["slug", "name", "kind", "articles", "quotes", "events"]);
    for a in read::actors(&db).await? {
        out.push_str(&csv_line(&[
            a.slug,
            a.name,
            a.kind,
            a.articles.to_string(),
            a.quotes.to_string(),
            a.events.to_string(),
        ]));
    }
    Ok(([(header::CONTENT_TYPE, Format::Csv.content_type())], out).into_response())
}

pub async fn sources_json(State(db): State<SqlitePool>) -> Response {
    stream_sources(db, Format::Json)
}

pub async fn sources_csv(State(db): State<SqlitePool>) -> Response {
    stream_sources(db, Format::Csv)
}

/// Every article, newest first, streamed a page at a time like the timeline's twins.
fn stream_sources(db: SqlitePool, format: Format) -> Response {
    let (head, tail) = match format {
        Format::Csv => (csv_line(&["slug", "file", "title", "outlet", "via", "published", "quotes", "events"]), ""),
        _ => ("{\"sources\":[\n".to_string(), "\n]}\n"),
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(head))).await.is_err() {
            return;
        }
        let mut at = PageAt::First;
        let mut first = true;
        loop {
            let (articles, _, more) = match read::articles_page(&db, &at, CHUNK as i64).await {
                Ok(page) => page,
                Err(err) => {
                    tracing::error!("streaming the sources: {err}");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            let mut chunk = String::new();
            for a in &articles {
                match format {
                    Format::Csv => chunk.push_str(&csv_line(&[
                        a.slug.clone(),
                        a.file.clone(),
                        a.title.clone(),
                        a.outlet.clone().unwrap_or_default(),
                        a.via.clone().unwrap_or_default(),
                        a.published.clone().unwrap_or_default(),
                        a.quotes.to_string(),
                        a.events.to_string(),
                    ])),
                    _ => {
                        if !first {
                            chunk.push_str(",\n");
                        }
                        chunk.push_str(&serde_json::to_string(a).unwrap_or_else(|_| "null".to_string()));
                    }
                }
                first = false;
            }
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            match articles.last() {
                Some(last) if more => {
                    at = PageAt::After(Cursor {
                        date: last.published.clone().unwrap_or_else(|| UNDATED.to_string()),
                        id: last.id,
                    });
                }
                _ => break,
            }
        }
        let _ = tx.send(Ok(Bytes::from_static(tail.as_bytes()))).await;
    });
    streamed(rx, format)
}

fn json_response(value: &serde_json::Value) -> Response {
    let body = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_string());
    ([(header::CONTENT_TYPE, Format::Json.content_type())], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_text_is_escaped_and_folded() {
        assert_eq!(ics_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        let mut out = String::new();
        fold_ics_line(&mut out, &"x".repeat(100));
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' '));
    }
}
