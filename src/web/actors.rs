//! Actor pages: the list of actors, and one actor's statements in time order with the events
//! they took part in.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::SqlitePool;

use super::error::AppError;
use super::format;
use super::params::check_slug;
use super::timeline::EventItem;
use crate::store::read::{self, ActorRow, ActorSummary, QuoteRow, RoleRow};

#[derive(Template, WebTemplate)]
#[template(path = "actors.html")]
pub struct ActorsPage {
    /// (kind heading, actors of that kind)
    pub groups: Vec<(String, Vec<ActorSummary>)>,
}

pub async fn list_actors(State(db): State<SqlitePool>) -> Result<ActorsPage, AppError> {
    let mut groups: Vec<(String, Vec<ActorSummary>)> = Vec::new();
    for actor in read::actors(&db).await? {
        let heading = kind_heading(&actor.kind).to_string();
        match groups.last_mut() {
            Some((h, list)) if *h == heading => list.push(actor),
            _ => groups.push((heading, vec![actor])),
        }
    }
    Ok(ActorsPage { groups })
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
}

impl Statement {
    pub fn new(quote: QuoteRow) -> Self {
        let date = format::short_date(quote.said_on.as_deref().or(quote.published.as_deref()));
        Statement {
            quote,
            date,
            variants: Vec::new(),
        }
    }

    /// How many outlets carry the statement.
    pub fn outlets(&self) -> usize {
        1 + self.variants.len()
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

#[derive(Template, WebTemplate)]
#[template(path = "actor.html")]
pub struct ActorPage {
    pub actor: ActorRow,
    pub aliases: Vec<String>,
    pub roles: Vec<RoleRow>,
    pub statements: Vec<Statement>,
    pub events: Vec<EventItem>,
}

pub async fn show_actor(
    State(db): State<SqlitePool>,
    Path(slug): Path<String>,
) -> Result<ActorPage, AppError> {
    check_slug("slug", &slug).map_err(|_| AppError::not_found("actor", &slug))?;
    let actor = read::actor_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("actor", &slug))?;
    let filter = read::TimelineFilter {
        actors: vec![actor.slug.clone()],
        ..Default::default()
    };
    let (events, _) = read::timeline(&db, &filter, i64::MAX).await?;
    Ok(ActorPage {
        aliases: read::actor_aliases(&db, actor.id).await?,
        roles: read::actor_roles(&db, actor.id).await?,
        statements: group_statements(read::actor_quotes(&db, actor.id).await?),
        events: events.into_iter().map(EventItem::new).collect(),
        actor,
    })
}
