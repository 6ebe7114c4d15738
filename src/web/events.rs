//! One event's page: its date, actors, topics, every source with the cited sentence, how many
//! outlets corroborate it, and related events (the same people, nearby dates).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::SqlitePool;

use super::error::AppError;
use super::format;
use super::meta::{Origin, PageMeta};
use super::params::check_slug;
use super::timeline::EventItem;
use crate::store::read;

/// Related events are at most this many days away.
const RELATED_DAYS: i64 = 14;

#[derive(Template, WebTemplate)]
#[template(path = "event.html")]
pub struct EventPage {
    pub meta: PageMeta,
    pub item: EventItem,
    /// Distinct outlets (or articles without one) that report the event.
    pub corroboration: usize,
    pub related: Vec<EventItem>,
}

pub async fn show_event(
    State(db): State<SqlitePool>,
    origin: Origin,
    Path(slug): Path<String>,
) -> Result<EventPage, AppError> {
    check_slug("slug", &slug).map_err(|_| AppError::not_found("event", &slug))?;
    let view = read::event_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("event", &slug))?;
    let corroboration =
        format::distinct_outlets(view.sources.iter().map(|s| (s.outlet.as_deref(), s.article_slug.as_str())));
    let related = read::related_events(&db, view.event.id, RELATED_DAYS, 10)
        .await?
        .into_iter()
        .map(EventItem::new)
        .collect();
    let item = EventItem::new(view);
    let description = format!(
        "{}: {}. Reported by {corroboration} source{}.",
        item.date,
        item.view.event.title,
        if corroboration == 1 { "" } else { "s" }
    );
    Ok(EventPage {
        meta: PageMeta::new(&origin, &format!("/events/{slug}"), item.view.event.title.clone(), description),
        item,
        corroboration,
        related,
    })
}
