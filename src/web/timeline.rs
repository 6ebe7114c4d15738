//! The timeline (`/` and `/timeline`): events in date order, grouped by month and day, with
//! the date-range, actor, topic and event-kind filters.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use sqlx::SqlitePool;

use super::error::AppError;
use super::format;
use super::params::{self, href};
use crate::store::read::{self, EventView, Named, SourceRef, TimelineFilter};

/// The most events one page shows; the count above the list says how many match in all.
const PAGE_LIMIT: i64 = 500;

pub struct DayGroup {
    pub label: String,
    pub events: Vec<EventItem>,
}

pub struct MonthGroup {
    pub label: String,
    pub days: Vec<DayGroup>,
}

/// One event as a list shows it.
pub struct EventItem {
    pub view: EventView,
    pub date: String,
}

impl EventItem {
    pub fn new(view: EventView) -> Self {
        let e = &view.event;
        let date = format::date_label(&e.date_start, &e.date_end, &e.precision);
        EventItem { view, date }
    }

    /// One link per article (its first cited sentence): a list entry names each outlet once.
    pub fn source_links(&self) -> Vec<&SourceRef> {
        let mut links: Vec<&SourceRef> = Vec::new();
        for source in &self.view.sources {
            if !links.iter().any(|s| s.article_slug == source.article_slug) {
                links.push(source);
            }
        }
        links
    }
}

/// An active filter and the link that removes it.
pub struct ActiveFilter {
    pub label: String,
    pub value: String,
    pub remove_href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub months: Vec<MonthGroup>,
    pub shown: usize,
    pub total: i64,
    pub from: String,
    pub to: String,
    pub active: Vec<ActiveFilter>,
    pub selected_actors: Vec<Named>,
    pub selected_topics: Vec<Named>,
    pub actor_options: Vec<Named>,
    pub topic_options: Vec<Named>,
    pub selected_kinds: Vec<String>,
    /// (kind, number of events)
    pub kind_options: Vec<(String, i64)>,
    pub canonical: String,
}

pub async fn show_timeline(
    State(db): State<SqlitePool>,
    RawQuery(query): RawQuery,
) -> Result<TimelinePage, AppError> {
    let filter = params::parse_timeline(query.as_deref())?;
    check_slugs_exist(&db, &filter).await?;
    let (events, total) = read::timeline(&db, &filter, PAGE_LIMIT).await?;
    let shown = events.len();
    let selected_actors = read::names_of_actors(&db, &filter.actors).await?;
    let selected_topics = read::names_of_topics(&db, &filter.topics).await?;
    let actor_options = read::actors(&db)
        .await?
        .into_iter()
        .filter(|a| a.kind == "person" && a.events > 0)
        .map(|a| Named { slug: a.slug, name: a.name })
        .collect();
    let topic_options = read::topics(&db)
        .await?
        .into_iter()
        .map(|t| Named { slug: t.slug, name: t.name })
        .collect();
    Ok(TimelinePage {
        months: group(events),
        shown,
        total,
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        active: active_filters(&filter, &selected_actors, &selected_topics),
        selected_actors,
        selected_topics,
        actor_options,
        topic_options,
        selected_kinds: filter.kinds.clone(),
        kind_options: read::event_kinds(&db).await?,
        canonical: href("/", &filter),
    })
}

/// A slug that is well formed but names nothing is a 404, not an empty page.
async fn check_slugs_exist(db: &SqlitePool, filter: &TimelineFilter) -> Result<(), AppError> {
    if let Some(slug) = read::unknown_actor_slugs(db, &filter.actors).await?.first() {
        return Err(AppError::not_found("actor", slug));
    }
    if let Some(slug) = read::unknown_topic_slugs(db, &filter.topics).await?.first() {
        return Err(AppError::not_found("topic", slug));
    }
    Ok(())
}

fn active_filters(filter: &TimelineFilter, actors: &[Named], topics: &[Named]) -> Vec<ActiveFilter> {
    let mut active = Vec::new();
    let without = |change: &dyn Fn(&mut TimelineFilter)| {
        let mut f = filter.clone();
        change(&mut f);
        href("/", &f)
    };
    if let Some(from) = filter.from {
        active.push(ActiveFilter {
            label: "from".into(),
            value: from.to_string(),
            remove_href: without(&|f| f.from = None),
        });
    }
    if let Some(to) = filter.to {
        active.push(ActiveFilter {
            label: "to".into(),
            value: to.to_string(),
            remove_href: without(&|f| f.to = None),
        });
    }
    for actor in actors {
        active.push(ActiveFilter {
            label: "actor".into(),
            value: actor.name.clone(),
            remove_href: without(&|f| f.actors.retain(|a| *a != actor.slug)),
        });
    }
    for topic in topics {
        active.push(ActiveFilter {
            label: "topic".into(),
            value: topic.name.clone(),
            remove_href: without(&|f| f.topics.retain(|t| *t != topic.slug)),
        });
    }
    for kind in &filter.kinds {
        active.push(ActiveFilter {
            label: "kind".into(),
            value: kind.clone(),
            remove_href: without(&|f| f.kinds.retain(|k| k != kind)),
        });
    }
    active
}

/// Groups events (already in date order) by month, then by day or coarser date.
pub fn group(events: Vec<EventView>) -> Vec<MonthGroup> {
    let mut months: Vec<MonthGroup> = Vec::new();
    for view in events {
        let e = &view.event;
        let month = format::month_label(&e.date_start);
        let day = format::day_label(&e.date_start, &e.date_end, &e.precision);
        if months.last().is_none_or(|m| m.label != month) {
            months.push(MonthGroup {
                label: month,
                days: Vec::new(),
            });
        }
        let Some(current) = months.last_mut() else { continue };
        if current.days.last().is_none_or(|d| d.label != day) {
            current.days.push(DayGroup {
                label: day,
                events: Vec::new(),
            });
        }
        if let Some(days) = current.days.last_mut() {
            days.events.push(EventItem::new(view));
        }
    }
    months
}
