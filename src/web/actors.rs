//! Actor pages: the list of actors, and one actor's statements by month (with the office they
//! held when speaking and how many outlets carry each), the events they took part in, who they
//! appear with most and the topics they speak on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use sqlx::SqlitePool;

use super::error::AppError;
use super::format;
use super::meta::{Origin, PageMeta};
use super::params::{self, check_slug, page_href};
use super::timeline::EventItem;
use crate::store::read::{self, ActorRow, ActorSummary, Named, QuoteRow, RoleRow};
use crate::store::event_index::LiveIndex;
use crate::store::timeline::{self as tl, Cursor, Facet, PageAt, TimelineFilter};

/// Statements on one page of an actor's; the rest are a link away.
const STATEMENTS_PER_PAGE: i64 = 100;
/// The actor page lists this many recent events and links to the timeline for all.
const RECENT_EVENTS: usize = 20;
/// The actors it shares the most events with.
const CO_ACTORS: usize = 10;

#[derive(Template, WebTemplate)]
#[template(path = "actors.html")]
pub struct ActorsPage {
    pub meta: PageMeta,
    pub groups: Vec<ActorGroup>,
}

/// The actors of one kind, most reported first.
pub struct ActorGroup {
    pub heading: String,
    pub actors: Vec<ActorSummary>,
    /// How many there are in all; the page lists the first `ACTORS_PER_KIND`.
    pub total: usize,
}

/// Actors of one kind the list page shows; the JSON and CSV twins hold every one.
const ACTORS_PER_KIND: usize = 250;

pub async fn list_actors(State(db): State<SqlitePool>, origin: Origin) -> Result<ActorsPage, AppError> {
    let groups: Vec<ActorGroup> = read::actor_kinds(&db, ACTORS_PER_KIND)
        .await?
        .into_iter()
        .map(|kind| ActorGroup {
            heading: kind.actors.first().map_or("", |a| kind_heading(&a.kind)).to_string(),
            actors: kind.actors,
            total: kind.total,
        })
        .collect();
    let description = format!("{} actors in the diplomacy timeline.", groups.iter().map(|g| g.total).sum::<usize>());
    Ok(ActorsPage {
        meta: PageMeta::new(&origin, "/actors", "Actors", description),
        groups,
    })
}

fn kind_heading(kind: &str) -> &'static str {
    match kind {
        "person" => "People",
        "organization" => "Organisations",
        "group" => "Groups",
        _ => "Countries",
    }
}

/// A statement as first quoted, with its display date and the other outlets' wordings of it.
pub struct Statement {
    pub quote: QuoteRow,
    pub date: String,
    pub variants: Vec<QuoteRow>,
    /// The office the speaker held that day, on actor pages.
    pub role: Option<String>,
}

impl Statement {
    pub fn new(quote: QuoteRow) -> Self {
        let date = format::short_date(quote.said_on.as_deref().or(quote.published.as_deref()));
        Statement {
            quote,
            date,
            variants: Vec::new(),
            role: None,
        }
    }

    /// How many outlets carry the statement.
    pub fn outlets(&self) -> usize {
        format::distinct_outlets(
            std::iter::once(&self.quote)
                .chain(&self.variants)
                .map(|q| (q.outlet.as_deref(), q.article_slug.as_str())),
        )
    }

    fn day(&self) -> Option<NaiveDate> {
        let day = self.quote.said_on.as_deref().or(self.quote.published.as_deref())?;
        NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
    }
}

/// Folds quotes (in time order) that are wordings of one statement into one entry.
pub fn group_statements(quotes: Vec<QuoteRow>) -> Vec<Statement> {
    let mut statements: Vec<Statement> = Vec::new();
    for quote in quotes {
        let same = quote
            .statement_id
            .and_then(|id| statements.iter_mut().find(|s| s.quote.statement_id == Some(id)));
        match same {
            Some(statement) => statement.variants.push(quote),
            None => statements.push(Statement::new(quote)),
        }
    }
    statements
}

/// "President, United States" for the role held on `day`; of several, the latest taken up,
/// which is the office a person speaks from (a chancellor who still leads a party).
fn role_on(roles: &[RoleRow], day: NaiveDate) -> Option<String> {
    let parse = |d: &Option<String>| d.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    roles
        .iter()
        .filter(|r| parse(&r.date_from).is_none_or(|f| f <= day) && parse(&r.date_to).is_none_or(|t| day < t))
        .max_by_key(|r| parse(&r.date_from))
        .map(|r| match &r.of_name {
            Some(of) => format!("{}, {of}", r.title),
            None => r.title.clone(),
        })
}

pub struct MonthOfStatements {
    pub label: String,
    pub statements: Vec<Statement>,
}

#[derive(Template, WebTemplate)]
#[template(path = "actor.html")]
pub struct ActorPage {
    pub meta: PageMeta,
    pub actor: ActorRow,
    pub aliases: Vec<String>,
    pub roles: Vec<RoleRow>,
    pub months: Vec<MonthOfStatements>,
    pub statement_count: i64,
    pub earlier_href: Option<String>,
    pub later_href: Option<String>,
    pub events: Vec<EventItem>,
    pub event_count: i64,
    pub co_actors: Vec<(Named, i64)>,
    pub topics: Vec<(Named, i64)>,
}

pub async fn show_actor(
    State(db): State<SqlitePool>,
    State(index): State<LiveIndex>,
    origin: Origin,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<ActorPage, AppError> {
    let at = params::parse_page(query.as_deref())?;
    check_slug("slug", &slug).map_err(|_| AppError::not_found("actor", &slug))?;
    let actor = read::actor_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("actor", &slug))?;
    let filter = TimelineFilter {
        actors: vec![actor.slug.clone()],
        ..Default::default()
    };
    let roles = read::actor_roles(&db, actor.id).await?;
    let (quotes, earlier, later) = read::actor_quotes(&db, actor.id, &at, STATEMENTS_PER_PAGE).await?;
    let path = format!("/actors/{}", actor.slug);
    let cursor = |q: &QuoteRow| Cursor {
        date: q.sort_date.clone(),
        id: q.id,
    };
    let none = TimelineFilter::default();
    let earlier_href = quotes.first().filter(|_| earlier).map(|q| page_href(&path, &none, &PageAt::Before(cursor(q))));
    let later_href = quotes.last().filter(|_| later).map(|q| page_href(&path, &none, &PageAt::After(cursor(q))));
    let mut statements = group_statements(quotes);
    for statement in &mut statements {
        statement.role = statement.day().and_then(|day| role_on(&roles, day));
    }
    let statement_count = read::actor_quote_count(&db, actor.id).await?;
    let mut months: Vec<MonthOfStatements> = Vec::new();
    for statement in statements {
        let label = statement
            .day()
            .map_or_else(|| "Undated".to_string(), |d| d.format("%B %Y").to_string());
        match months.last_mut() {
            Some(month) if month.label == label => month.statements.push(statement),
            _ => months.push(MonthOfStatements {
                label,
                statements: vec![statement],
            }),
        }
    }
    let index = index.get().await?;
    let selection = tl::select(&db, &index, &filter).await?;
    let events: Vec<EventItem> = tl::latest(&db, &selection, RECENT_EVENTS).await?.into_iter().map(EventItem::new).collect();
    let event_count = selection.count();
    // Who shares the most events with the actor (countries aside), the actor itself left out.
    let co_actors = selection
        .values(Facet::Actor, CO_ACTORS + 1)
        .into_iter()
        .filter(|v| v.value != actor.slug)
        .take(CO_ACTORS)
        .map(|v| (Named { slug: v.value, name: v.label }, v.count))
        .collect();
    let description = format!(
        "{}: {statement_count} statements and {event_count} events in the diplomacy timeline.",
        actor.name,
    );
    Ok(ActorPage {
        meta: PageMeta::new(&origin, &page_href(&path, &none, &at), actor.name.clone(), description),
        earlier_href,
        later_href,
        event_count,
        aliases: read::actor_aliases(&db, actor.id).await?,
        co_actors,
        topics: read::speaker_topics(&db, actor.id, 10).await?,
        roles,
        months,
        statement_count,
        events,
        actor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(title: &str, from: Option<&str>, to: Option<&str>) -> RoleRow {
        RoleRow {
            title: title.to_string(),
            of_name: Some("Germany".to_string()),
            date_from: from.map(str::to_string),
            date_to: to.map(str::to_string),
        }
    }

    #[test]
    fn the_role_is_the_one_held_that_day() {
        let roles = [role("Leader of the CDU", Some("2022-01-31"), None), role("Chancellor", Some("2025-05-06"), None)];
        let feb = NaiveDate::from_ymd_opt(2025, 2, 26).expect("date");
        let aug = NaiveDate::from_ymd_opt(2025, 8, 18).expect("date");
        assert_eq!(role_on(&roles, feb).as_deref(), Some("Leader of the CDU, Germany"));
        assert_eq!(role_on(&roles, aug).as_deref(), Some("Chancellor, Germany"));
        assert_eq!(role_on(&roles[1..], feb), None);
    }
}
