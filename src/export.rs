//! `entente export`: the whole database as one JSON document (the shape `score.py` reads),
//! or one table as CSV.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sqlx::SqlitePool;

use crate::store::read::{self, EventView, QuoteRow};
use crate::store::timeline;

#[derive(Serialize)]
struct ExportArticle {
    file: String,
    slug: String,
    title: String,
    outlet: Option<String>,
    via: Option<String>,
    url: Option<String>,
    published: Option<String>,
    author: Option<String>,
    actors: Vec<String>,
    topics: Vec<String>,
    /// Files of articles that carry at least two of this one's statements (republications).
    same_report_as: Vec<String>,
}

#[derive(Serialize)]
struct ExportActor {
    slug: String,
    name: String,
    kind: String,
    country: Option<String>,
    origin: String,
    aliases: Vec<String>,
}

#[derive(Serialize)]
struct ExportQuote {
    article: String,
    /// Quotes with the same statement id are one statement in several wordings.
    statement: Option<i64>,
    text: String,
    speaker: Option<String>,
    speaker_name: Option<String>,
    speaker_text: Option<String>,
    reported_by: Option<String>,
    date: Option<String>,
    rule: String,
    confidence: f64,
}

/// An event as every export writes it (the `entente export` JSON and the `.json` twins).
#[derive(Serialize)]
pub struct ExportEvent {
    slug: String,
    date: String,
    date_end: String,
    date_precision: String,
    title: String,
    kind: Option<String>,
    actors: Vec<String>,
    topics: Vec<String>,
    articles: Vec<String>,
}

#[derive(Serialize)]
struct ExportTopic {
    slug: String,
    name: String,
    parent: Option<String>,
}

#[derive(Serialize)]
struct Export {
    articles: Vec<ExportArticle>,
    actors: Vec<ExportActor>,
    quotes: Vec<ExportQuote>,
    events: Vec<ExportEvent>,
    topics: Vec<ExportTopic>,
}

impl From<QuoteRow> for ExportQuote {
    fn from(q: QuoteRow) -> Self {
        ExportQuote {
            article: q.file,
            statement: q.statement_id,
            text: q.text,
            speaker: q.speaker_slug,
            speaker_name: q.speaker_name,
            speaker_text: q.speaker_text,
            reported_by: q.reported_by_name,
            date: q.said_on,
            rule: q.rule,
            confidence: q.confidence,
        }
    }
}

impl From<EventView> for ExportEvent {
    fn from(v: EventView) -> Self {
        let mut articles: Vec<String> = v.sources.into_iter().map(|s| s.file).collect();
        articles.dedup();
        ExportEvent {
            slug: v.event.slug,
            date: v.event.date_start,
            date_end: v.event.date_end,
            date_precision: v.event.precision,
            title: v.event.title,
            kind: v.event.kind,
            actors: v.actors.into_iter().map(|a| a.slug).collect(),
            topics: v.topics.into_iter().map(|t| t.slug).collect(),
            articles,
        }
    }
}

async fn all_events(pool: &SqlitePool) -> sqlx::Result<Vec<EventView>> {
    timeline::all(pool).await
}

pub async fn json(pool: &SqlitePool, out: &mut dyn Write) -> anyhow::Result<()> {
    let rows: Vec<read::ArticleRow> = sqlx::query_as(
        "SELECT id, slug, file, title, outlet, via, url, published, author FROM articles ORDER BY file",
    )
    .fetch_all(pool)
    .await?;
    let mut article_actors: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (article_id, slug) in sqlx::query_as::<_, (i64, String)>(
        "SELECT DISTINCT m.article_id, a.slug FROM mentions m JOIN actors a ON a.id = m.actor_id
         UNION SELECT DISTINCT q.article_id, a.slug FROM quotes q JOIN actors a ON a.id = q.speaker_id
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await?
    {
        article_actors.entry(article_id).or_default().push(slug);
    }
    let mut article_topics: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (article_id, slug) in sqlx::query_as::<_, (i64, String)>(
        "SELECT at.article_id, t.slug FROM article_topics at JOIN topics t ON t.id = at.topic_id ORDER BY 1, at.hits DESC",
    )
    .fetch_all(pool)
    .await?
    {
        article_topics.entry(article_id).or_default().push(slug);
    }
    let mut same_report: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (article_id, file) in sqlx::query_as::<_, (i64, String)>(
        "SELECT q1.article_id, ar.file FROM quotes q1
         JOIN quotes q2 ON q2.statement_id = q1.statement_id AND q2.article_id <> q1.article_id
         JOIN articles ar ON ar.id = q2.article_id
         GROUP BY q1.article_id, q2.article_id HAVING COUNT(DISTINCT q1.statement_id) >= 2
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await?
    {
        same_report.entry(article_id).or_default().push(file);
    }
    let articles = rows
        .into_iter()
        .map(|a| ExportArticle {
            actors: article_actors.remove(&a.id).unwrap_or_default(),
            topics: article_topics.remove(&a.id).unwrap_or_default(),
            same_report_as: same_report.remove(&a.id).unwrap_or_default(),
            file: a.file,
            slug: a.slug,
            title: a.title,
            outlet: a.outlet,
            via: a.via,
            url: a.url,
            published: a.published,
            author: a.author,
        })
        .collect();

    let mut aliases: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (actor_id, alias) in sqlx::query_as::<_, (i64, String)>(
        "SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id, alias",
    )
    .fetch_all(pool)
    .await?
    {
        aliases.entry(actor_id).or_default().push(alias);
    }
    let actors = sqlx::query_as::<_, read::ActorRow>(
        "SELECT id, slug, name, kind, country, origin FROM actors ORDER BY slug",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|a| ExportActor {
        aliases: aliases.remove(&a.id).unwrap_or_default(),
        slug: a.slug,
        name: a.name,
        kind: a.kind,
        country: a.country,
        origin: a.origin,
    })
    .collect();

    let export = Export {
        articles,
        actors,
        quotes: read::all_quotes(pool).await?.into_iter().map(Into::into).collect(),
        events: all_events(pool).await?.into_iter().map(Into::into).collect(),
        topics: read::all_topics(pool)
            .await?
            .into_iter()
            .map(|t| ExportTopic {
                slug: t.slug,
                name: t.name,
                parent: t.parent,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &export)?;
    writeln!(out)?;
    Ok(())
}

/// Which table `export --format csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    Events,
    Quotes,
}

pub async fn csv(pool: &SqlitePool, table: Table, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    match table {
        Table::Events => {
            writer.write_record(events_header())?;
            for event in all_events(pool).await? {
                writer.write_record(event_record(&event))?;
            }
        }
        Table::Quotes => {
            writer.write_record([
                "date", "speaker", "speaker_name", "reported_by", "text", "article", "outlet", "published",
            ])?;
            for q in read::all_quotes(pool).await? {
                writer.write_record([
                    q.said_on.unwrap_or_default(),
                    q.speaker_slug.unwrap_or_default(),
                    q.speaker_name.unwrap_or_default(),
                    q.reported_by_name.unwrap_or_default(),
                    q.text,
                    q.article_slug,
                    q.outlet.unwrap_or_default(),
                    q.published.unwrap_or_default(),
                ])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}

pub fn events_header() -> [&'static str; 9] {
    ["date", "date_end", "precision", "kind", "title", "actors", "topics", "sources", "slug"]
}

/// One CSV row for an event; lists are joined with "; ".
pub fn event_record(event: &EventView) -> [String; 9] {
    let join = |items: Vec<&str>| items.join("; ");
    [
        event.event.date_start.clone(),
        event.event.date_end.clone(),
        event.event.precision.clone(),
        event.event.kind.clone().unwrap_or_default(),
        event.event.title.clone(),
        join(event.actors.iter().map(|a| a.slug.as_str()).collect()),
        join(event.topics.iter().map(|t| t.slug.as_str()).collect()),
        join(event.sources.iter().map(|s| s.article_slug.as_str()).collect()),
        event.event.slug.clone(),
    ]
}
