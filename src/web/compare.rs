//! `/compare?actor=a&actor=b&topic=t`: two or more leaders' statements side by side, in time
//! order, optionally on a topic and within a date range.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use sqlx::SqlitePool;

use super::actors::{Statement, group_statements};
use super::error::AppError;
use super::meta::{Origin, PageMeta};
use super::params::{self, href};
use super::timeline::check_slugs_exist;
use crate::store::read::{self, Named};

/// The latest quotes a comparison shows; earlier ones are a narrower date range away.
const COMPARED_QUOTES: i64 = 500;

/// A row of the comparison: one statement, in its speaker's column.
pub struct Row {
    pub date: String,
    pub cells: Vec<Option<Statement>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub meta: PageMeta,
    pub speakers: Vec<Named>,
    pub topics: Vec<Named>,
    pub rows: Vec<Row>,
    pub people: Vec<Named>,
    pub topic_options: Vec<Named>,
    pub selected: Vec<String>,
    pub topic_slugs: Vec<String>,
    pub from: String,
    pub to: String,
    /// Whether earlier statements were left out.
    pub truncated: bool,
}

pub async fn show_compare(
    State(db): State<SqlitePool>,
    origin: Origin,
    RawQuery(query): RawQuery,
) -> Result<ComparePage, AppError> {
    let filter = params::parse_timeline(query.as_deref())?.filter;
    check_slugs_exist(&db, &filter).await?;
    let speakers = read::names_of_actors(&db, &filter.actors).await?;
    let topics = read::names_of_topics(&db, &filter.topics).await?;
    let mut truncated = false;
    let rows = if speakers.len() >= 2 {
        let quotes =
            read::compare_quotes(&db, &filter.actors, &filter.topics, filter.from, filter.to, COMPARED_QUOTES + 1).await?;
        truncated = quotes.len() as i64 > COMPARED_QUOTES;
        let quotes = quotes.into_iter().skip(usize::from(truncated)).collect();
        group_statements(quotes)
            .into_iter()
            .map(|statement| {
                let column = speakers
                    .iter()
                    .position(|s| Some(&s.slug) == statement.quote.speaker_slug.as_ref());
                let mut cells: Vec<Option<Statement>> = speakers.iter().map(|_| None).collect();
                let date = statement.date.clone();
                if let Some(cell) = column.and_then(|i| cells.get_mut(i)) {
                    *cell = Some(statement);
                }
                Row { date, cells }
            })
            .collect()
    } else {
        Vec::new()
    };
    let names = speakers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" and ");
    let on = topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" or ");
    let title = if on.is_empty() { format!("Compare {names}") } else { format!("Compare {names} on {on}") };
    let description = format!("{} statements side by side, in time order.", rows.len());
    Ok(ComparePage {
        meta: PageMeta::new(&origin, &href("/compare", &filter), title, description),
        people: {
            // Leaders from the gazetteer, and whoever else this comparison names.
            let mut people = read::quoted_people(&db).await?;
            for speaker in &speakers {
                if !people.iter().any(|p| p.slug == speaker.slug) {
                    people.push(speaker.clone());
                }
            }
            people
        },
        topic_options: read::topics(&db)
            .await?
            .into_iter()
            .map(|t| Named { slug: t.slug, name: t.name })
            .collect(),
        selected: filter.actors.clone(),
        topic_slugs: filter.topics.clone(),
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        speakers,
        topics,
        rows,
        truncated,
    })
}
