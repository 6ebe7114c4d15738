//! The timeline (`/` and `/timeline`): events in date order, grouped by month and day, in
//! keyset pages, with filters, facets with counts, date presets, a weekly density chart and,
//! when searching, the matching quotes and articles.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate};
use sqlx::SqlitePool;

use super::error::AppError;
use super::format;
use super::meta::{Origin, PageMeta};
use super::params::{self, TimelineQuery, href, page_href};
use crate::store::read::{self, EventView, Named, SourceRef};
use crate::store::search::{self, ArticleHit, MARK_END, MARK_START, QuoteHit};
use crate::store::event_index::{LiveIndex, Selection};
use crate::store::timeline::{self as tl, Facet, PageAt, TimelineFilter};

/// Events on one page of the timeline.
const PAGE_SIZE: usize = 50;

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

/// A link that adds or removes one value, with its label and count.
pub struct FacetLink {
    pub label: String,
    pub count: i64,
    pub selected: bool,
    pub href: String,
}

pub struct FacetGroup {
    pub name: String,
    pub links: Vec<FacetLink>,
}

/// An active filter and the link that removes it.
pub struct ActiveFilter {
    pub label: String,
    pub value: String,
    pub remove_href: String,
}

/// One bar of the density chart, in SVG user units.
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub height: f64,
    pub label: String,
    pub href: String,
}

pub struct Chart {
    pub bars: Vec<Bar>,
    pub bar_width: f64,
    pub first: String,
    pub last: String,
    pub max: i64,
}

/// A search hit with its snippet turned into safe HTML.
pub struct Hit<T> {
    pub hit: T,
    pub html: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub meta: PageMeta,
    pub months: Vec<MonthGroup>,
    pub first: i64,
    pub last: i64,
    pub total: i64,
    pub earlier_href: Option<String>,
    pub later_href: Option<String>,
    pub q: String,
    pub from: String,
    pub to: String,
    pub active: Vec<ActiveFilter>,
    pub hidden: Vec<(String, String)>,
    pub actor_options: Vec<Named>,
    pub topic_options: Vec<Named>,
    pub facets: Vec<FacetGroup>,
    pub presets: Vec<(String, String, bool)>,
    pub chart: Option<Chart>,
    pub quote_hits: Vec<Hit<QuoteHit>>,
    pub article_hits: Vec<Hit<ArticleHit>>,
    /// Set when so many match that only the most recent this many were ranked.
    pub quotes_ranked_among: Option<i64>,
    pub articles_ranked_among: Option<i64>,
    pub feeds: Vec<(String, String)>,
}

/// Serves the timeline; a query string that is not in canonical form (as a submitted form
/// writes it, with empty fields and any order) is redirected to the one URL for that view.
pub async fn show_timeline(
    State(db): State<SqlitePool>,
    State(index): State<LiveIndex>,
    origin: Origin,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let parsed = params::parse_timeline(query.as_deref())?;
    let canonical = page_href(uri.path(), &parsed.filter, &parsed.at);
    let asked = match &query {
        Some(q) => format!("{}?{q}", uri.path()),
        None => uri.path().to_string(),
    };
    if asked != canonical {
        return Ok(Redirect::to(&canonical).into_response());
    }
    Ok(timeline_page(&db, &index, &origin, parsed).await?.into_response())
}

async fn timeline_page(
    db: &SqlitePool,
    index: &LiveIndex,
    origin: &Origin,
    query: TimelineQuery,
) -> Result<TimelinePage, AppError> {
    let TimelineQuery { filter, at } = query;
    check_slugs_exist(db, &filter).await?;
    let index = index.get().await?;
    let selection = tl::select(db, &index, &filter).await?;
    let page = tl::page(db, &selection, &at, PAGE_SIZE).await?;
    let shown = page.events.len() as i64;
    let selected_actors = read::names_of_actors(db, &filter.actors).await?;
    let selected_topics = read::names_of_topics(db, &filter.topics).await?;
    let actor_options = read::leaders_in_events(db)
        .await?
        .into_iter()
        .filter(|a| !filter.actors.contains(&a.slug))
        .collect();
    let topic_options = read::all_topics(db)
        .await?
        .into_iter()
        .filter(|t| !filter.topics.contains(&t.slug))
        .map(|t| Named { slug: t.slug, name: t.name })
        .collect();
    let (quotes, articles) = match filter.q.as_deref() {
        Some(q) => (search::quotes(db, q, 20).await?, search::articles(db, q, 20).await?),
        None => (search::Ranked::default(), search::Ranked::default()),
    };
    let quote_hits = quotes.hits.into_iter().map(|h| Hit { html: highlight(&h.snippet), hit: h }).collect();
    let article_hits = articles.hits.into_iter().map(|h| Hit { html: highlight(&h.snippet), hit: h }).collect();
    let description = describe(&filter, &selected_actors, &selected_topics, page.total);
    let canonical = page_href("/", &filter, &at);
    let twin = |ext: &str| href(&format!("/timeline.{ext}"), &filter);
    Ok(TimelinePage {
        meta: PageMeta::new(origin, &canonical, "Timeline", description),
        first: if shown > 0 { page.offset + 1 } else { 0 },
        last: page.offset + shown,
        total: page.total,
        earlier_href: page.earlier.as_ref().map(|c| page_href("/", &filter, &PageAt::Before(c.clone()))),
        later_href: page.later.as_ref().map(|c| page_href("/", &filter, &PageAt::After(c.clone()))),
        months: group(page.events),
        q: filter.q.clone().unwrap_or_default(),
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        active: active_filters(&filter, &selected_actors, &selected_topics),
        hidden: hidden_fields(&filter),
        actor_options,
        topic_options,
        facets: facets(&filter, &selection),
        presets: presets(&filter, index.months()),
        chart: chart(&filter, &selection.weekly()),
        quote_hits,
        article_hits,
        quotes_ranked_among: quotes.among,
        articles_ranked_among: articles.among,
        feeds: vec![
            ("JSON".to_string(), twin("json")),
            ("CSV".to_string(), twin("csv")),
            ("Atom".to_string(), twin("atom")),
            ("iCalendar".to_string(), twin("ics")),
        ],
    })
}

/// A slug that is well formed but names nothing is a 404, not an empty page.
pub async fn check_slugs_exist(db: &SqlitePool, filter: &TimelineFilter) -> Result<(), AppError> {
    if let Some(slug) = read::unknown_actor_slugs(db, &filter.actors).await?.first() {
        return Err(AppError::not_found("actor", slug));
    }
    if let Some(slug) = read::unknown_topic_slugs(db, &filter.topics).await?.first() {
        return Err(AppError::not_found("topic", slug));
    }
    if let Some(slug) = read::unknown_outlet_slugs(db, &filter.outlets).await?.first() {
        return Err(AppError::not_found("outlet", slug));
    }
    Ok(())
}

/// One sentence for link previews: what the view shows.
fn describe(filter: &TimelineFilter, actors: &[Named], topics: &[Named], total: i64) -> String {
    let mut parts = vec![format!("{total} events")];
    if !actors.is_empty() {
        parts.push(format!("with {}", join_names(actors)));
    }
    if !topics.is_empty() {
        parts.push(format!("on {}", join_names(topics)));
    }
    match (filter.from, filter.to) {
        (Some(f), Some(t)) => parts.push(format!("from {f} to {t}")),
        (Some(f), None) => parts.push(format!("from {f}")),
        (None, Some(t)) => parts.push(format!("until {t}")),
        (None, None) => {}
    }
    if let Some(q) = &filter.q {
        parts.push(format!("matching “{q}”"));
    }
    format!("{} in the diplomacy timeline.", parts.join(" "))
}

fn join_names(names: &[Named]) -> String {
    names.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(" or ")
}

/// Escapes a snippet and turns its match markers into `<mark>`.
fn highlight(snippet: &str) -> String {
    let mut html = String::with_capacity(snippet.len() + 16);
    for c in snippet.chars() {
        match c {
            MARK_START => html.push_str("<mark>"),
            MARK_END => html.push_str("</mark>"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    html
}

/// The form keeps list filters it does not show as fields.
fn hidden_fields(filter: &TimelineFilter) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (key, values) in filter.lists() {
        fields.extend(values.iter().map(|v| (key.to_string(), v.clone())));
    }
    fields
}

fn toggle(list: &[String], value: &str) -> Vec<String> {
    if list.iter().any(|v| v == value) {
        list.iter().filter(|v| *v != value).cloned().collect()
    } else {
        let mut out = list.to_vec();
        out.push(value.to_string());
        out
    }
}

fn facets(filter: &TimelineFilter, selection: &Selection) -> Vec<FacetGroup> {
    let mut groups = Vec::new();
    for (name, facet, limit) in [
        ("Actors", Facet::Actor, 15),
        ("Topics", Facet::Topic, 20),
        ("Outlets", Facet::Outlet, 15),
        ("Event kinds", Facet::Kind, 20),
        ("Months", Facet::Month, 36),
    ] {
        let selected = |f: &TimelineFilter| -> Vec<String> {
            match facet {
                Facet::Actor => f.actors.clone(),
                Facet::Topic => f.topics.clone(),
                Facet::Outlet => f.outlets.clone(),
                Facet::Kind => f.kinds.clone(),
                Facet::Month => f.months.clone(),
            }
        };
        let current = selected(filter);
        let links = selection
            .facet(facet, limit)
            .into_iter()
            .map(|v| {
                let mut next = filter.clone();
                let values = toggle(&current, &v.value);
                match facet {
                    Facet::Actor => next.actors = values,
                    Facet::Topic => next.topics = values,
                    Facet::Outlet => next.outlets = values,
                    Facet::Kind => next.kinds = values,
                    Facet::Month => next.months = values,
                }
                let label = if facet == Facet::Month { format::month_label(&format!("{}-01", v.label)) } else { v.label };
                FacetLink {
                    selected: current.contains(&v.value),
                    label,
                    count: v.count,
                    href: href("/", &next),
                }
            })
            .collect::<Vec<_>>();
        if !links.is_empty() {
            groups.push(FacetGroup {
                name: name.to_string(),
                links,
            });
        }
    }
    groups
}

/// Date-range presets: each month with events, and the whole range. (label, href, active)
fn presets(filter: &TimelineFilter, months: &[String]) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut whole = filter.clone();
    whole.from = None;
    whole.to = None;
    out.push(("Whole range".to_string(), href("/", &whole), filter.from.is_none() && filter.to.is_none()));
    for month in months {
        let Ok(first) = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") else { continue };
        let last = last_of_month(first);
        let mut f = filter.clone();
        f.from = Some(first);
        f.to = Some(last);
        let active = filter.from == Some(first) && filter.to == Some(last);
        out.push((first.format("%b %Y").to_string(), href("/", &f), active));
    }
    out
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(first, |n| n - Duration::days(1))
}

/// Chart geometry: the plot is 1000 by 120 units, one bar per week from the first to the last.
const CHART_WIDTH: f64 = 1000.0;
const CHART_HEIGHT: f64 = 120.0;
/// Beyond this many weeks the chart would be bars too thin to click.
const CHART_MAX_WEEKS: i64 = 520;

fn chart(filter: &TimelineFilter, weeks: &[(String, i64)]) -> Option<Chart> {
    let parse = |w: &str| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok();
    let first = weeks.first().and_then(|(w, _)| parse(w))?;
    let last = weeks.last().and_then(|(w, _)| parse(w))?;
    let n = (last - first).num_weeks() + 1;
    if n > CHART_MAX_WEEKS {
        return None;
    }
    let max = weeks.iter().map(|(_, c)| *c).max().unwrap_or(1).max(1);
    let bar_width = CHART_WIDTH / n as f64;
    let mut bars = Vec::new();
    for (week, count) in weeks {
        let Some(start) = parse(week) else { continue };
        let end = start + Duration::days(6);
        let index = (start - first).num_weeks();
        let height = (*count as f64 / max as f64) * (CHART_HEIGHT - 4.0);
        let mut narrowed = filter.clone();
        narrowed.from = Some(start);
        narrowed.to = Some(end);
        bars.push(Bar {
            x: index as f64 * bar_width,
            y: CHART_HEIGHT - height,
            height,
            label: format!("Week of {}: {count} event{}", start.format("%-d %b %Y"), if *count == 1 { "" } else { "s" }),
            href: href("/", &narrowed),
        });
    }
    Some(Chart {
        bars,
        bar_width: (bar_width - 1.0).max(1.0),
        first: first.format("%-d %b %Y").to_string(),
        last: (last + Duration::days(6)).format("%-d %b %Y").to_string(),
        max,
    })
}

fn active_filters(filter: &TimelineFilter, actors: &[Named], topics: &[Named]) -> Vec<ActiveFilter> {
    let mut active = Vec::new();
    let without = |change: &dyn Fn(&mut TimelineFilter)| {
        let mut f = filter.clone();
        change(&mut f);
        href("/", &f)
    };
    let mut push = |label: &str, value: String, remove_href: String| {
        active.push(ActiveFilter {
            label: label.to_string(),
            value,
            remove_href,
        })
    };
    if let Some(q) = &filter.q {
        push("search", q.clone(), without(&|f| f.q = None));
    }
    if let Some(from) = filter.from {
        push("from", from.to_string(), without(&|f| f.from = None));
    }
    if let Some(to) = filter.to {
        push("to", to.to_string(), without(&|f| f.to = None));
    }
    for actor in actors {
        push("actor", actor.name.clone(), without(&|f| f.actors.retain(|a| *a != actor.slug)));
    }
    for topic in topics {
        push("topic", topic.name.clone(), without(&|f| f.topics.retain(|t| *t != topic.slug)));
    }
    for outlet in &filter.outlets {
        push("outlet", outlet.clone(), without(&|f| f.outlets.retain(|o| o != outlet)));
    }
    for kind in &filter.kinds {
        push("kind", kind.clone(), without(&|f| f.kinds.retain(|k| k != kind)));
    }
    for month in &filter.months {
        push("month", format::month_label(&format!("{month}-01")), without(&|f| f.months.retain(|m| m != month)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_then_marked() {
        let snippet = format!("a <b> {MARK_START}match{MARK_END} & c");
        assert_eq!(highlight(&snippet), "a &lt;b&gt; <mark>match</mark> &amp; c");
    }

    #[test]
    fn months_end_on_their_last_day() {
        let feb = NaiveDate::from_ymd_opt(2024, 2, 1).expect("date");
        assert_eq!(last_of_month(feb), NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"));
        let dec = NaiveDate::from_ymd_opt(2025, 12, 1).expect("date");
        assert_eq!(last_of_month(dec), NaiveDate::from_ymd_opt(2025, 12, 31).expect("date"));
    }
}
