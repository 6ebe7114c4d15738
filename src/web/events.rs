//! One event's page: its date, actors, topics, and every source with the cited sentence.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::SqlitePool;

use super::error::AppError;
use super::params::check_slug;
use super::timeline::EventItem;
use crate::store::read;

#[derive(Template, WebTemplate)]
#[template(path = "event.html")]
pub struct EventPage {
    pub item: EventItem,
}

pub async fn show_event(
    State(db): State<SqlitePool>,
    Path(slug): Path<String>,
) -> Result<EventPage, AppError> {
    check_slug("slug", &slug).map_err(|_| AppError::not_found("event", &slug))?;
    let view = read::event_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("event", &slug))?;
    Ok(EventPage {
        item: EventItem::new(view),
    })
}
