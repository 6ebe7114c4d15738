//! One article's rows as one constant batch of statements: each table's rows travel as one
//! JSON array, so the batch is prepared once per import rather than parsed for every article
//! (parsing was a fifth of the import's database time).

use serde_json::json;
use sqlx::{Sqlite, Transaction};

use super::article::Plan;
use super::{ArticleRecord, Ids, slugify_words};
use crate::extract::Facts;
use crate::store::read::UNDATED;

/// The first free slug of a table for the slug base `b`, skipping `k` more (the `k`-th row with
/// that base in one statement, which SQLite computes before inserting any): `b`, or `b-N` one
/// past the highest `N` taken, `b` itself counting as 1. `b` and `k` are columns of the row
/// being inserted; both lookups use the slug index ('.' sorts right after '-', so the range
/// holds every slug that starts with `b-`), so the cost does not grow with the archive.
macro_rules! free_slug {
    ($table:literal) => {
        concat!(
            "(SELECT CASE WHEN n = 1 THEN b ELSE b || '-' || n END FROM (
                SELECT COALESCE(MAX(taken), 0) + 1 + k AS n FROM (
                    SELECT 1 AS taken FROM ", $table, " WHERE slug = b
                    UNION ALL
                    SELECT CAST(substr(slug, length(b) + 2) AS INTEGER) FROM ", $table, "
                    WHERE slug > b || '-' AND slug < b || '.' AND length(slug) > length(b) + 1
                      AND substr(slug, length(b) + 2) NOT GLOB '*[^0-9]*')))"
        )
    };
}

/// The bound parameters, in order: actors, aliases, roles; the article's id, kept slug (of a
/// replaced article) and thirteen more fields, and its slug base; then the article id with
/// each of sentences, mentions, dates, topics; statements; the article id with quotes;
/// events; and the article id with event sources, actors and topics.
const INSERT_ARTICLE: &str = concat!("
INSERT INTO actors (id, slug, name, kind, country, origin)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, 'extracted' FROM jsonb_each(?);
INSERT OR IGNORE INTO actor_aliases (actor_id, alias)
    SELECT value ->> 0, value ->> 1 FROM jsonb_each(?);
INSERT INTO actor_roles (actor_id, title, of_slug, date_from, date_to)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM jsonb_each(?);
INSERT INTO articles (id, slug, path, file, raw_hash, content_hash, title, outlet, outlet_slug, via, url,
        published, author, language, body, imported_at)
    SELECT ?, COALESCE(?, ", free_slug!("articles"), "), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM (SELECT ? AS b, 0 AS k);
INSERT INTO sentences (article_id, idx, start, end, text)
    SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(?);
INSERT INTO mentions (article_id, actor_id, sentence_idx, start, end, rule, confidence)
    SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM jsonb_each(?);
INSERT INTO date_mentions (article_id, sentence_idx, start, end, date_start, date_end, precision, rule, confidence)
    SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
        value ->> 7 FROM jsonb_each(?);
INSERT OR REPLACE INTO article_topics (article_id, topic_id, hits)
    SELECT ?, value ->> 0, value ->> 1 FROM jsonb_each(?);
INSERT INTO statements (id, speaker_key, said_on)
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM jsonb_each(?);
INSERT INTO quotes (article_id, statement_id, sentence_idx, start, end, text, speaker_id, speaker_name,
        speaker_text, reported_by_id, reported_by_name, said_on, sort_date, rule, confidence)
    SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
        value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
    FROM jsonb_each(?);
INSERT INTO events (id, slug, date_start, date_end, precision, title, kind, principal)
    SELECT value ->> 0, ", free_slug!("events"), ", value ->> 2, value ->> 3, value ->> 4, value ->> 5,
        value ->> 6, value ->> 7
    FROM (SELECT value, value ->> 1 AS b, value ->> 8 AS k FROM jsonb_each(?));
INSERT OR IGNORE INTO event_sources (event_id, article_id, sentence_idx, start, end, title, rule, confidence)
    SELECT value ->> 0, ?, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
    FROM jsonb_each(?);
INSERT OR IGNORE INTO event_actors (event_id, actor_id, article_id)
    SELECT value ->> 0, value ->> 1, ? FROM jsonb_each(?);
INSERT OR IGNORE INTO event_topics (event_id, topic_id, article_id)
    SELECT value ->> 0, value ->> 1, ? FROM jsonb_each(?);
");

/// An article and every row of its facts, with the ids its plan decided, ready to insert. It
/// owns all it binds, so the insert can run while the writer plans the next article.
pub(super) struct ArticleRows {
    id: i64,
    kept_slug: Option<String>,
    slug_base: String,
    article: ArticleRecord,
    /// One JSON array per table, in the order of the statements.
    actors: String,
    aliases: String,
    roles: String,
    sentences: String,
    mentions: String,
    dates: String,
    topics: String,
    statements: String,
    quotes: String,
    events: String,
    sources: String,
    event_actors: String,
    event_topics: String,
}

impl ArticleRows {
    /// The rows of `article`, a new one or one keeping the slug of the version it replaces.
    pub(super) fn new(plan: &Plan, ids: &Ids, article: &ArticleRecord, kept_slug: Option<&str>, facts: &Facts) -> Self {
        let id = plan.article_id;
        let new_actors: Vec<_> = plan.actors.iter().map(|(i, id)| (*id, &facts.new_actors[*i])).collect();
        let actors = json_rows(new_actors.iter().map(|(id, a)| json!([id, a.slug, a.name, a.kind.as_str(), a.country])));
        let aliases = json_rows(
            new_actors
                .iter()
                .flat_map(|(id, a)| a.aliases.iter().map(move |alias| json!([id, alias]))),
        );
        let roles = json_rows(new_actors.iter().flat_map(|(id, a)| {
            a.roles.iter().map(move |r| json!([id, r.title, r.of, r.from.map(|d| d.to_string()), r.to.map(|d| d.to_string())]))
        }));
        let sentences = json_rows(facts.sentences.iter().enumerate().map(|(idx, s)| {
            let text = article.body.get(s.span.start..s.span.end).unwrap_or("").trim();
            json!([idx, s.span.start, s.span.end, text])
        }));
        let mentions = json_rows(facts.mentions.iter().filter_map(|m| {
            let (actor_id, _) = ids.actor(&m.actor)?;
            Some(json!([actor_id, m.sentence, m.span.start, m.span.end, m.provenance.rule, m.provenance.confidence]))
        }));
        let dates = json_rows(facts.dates.iter().map(|d| {
            json!([
                d.sentence,
                d.span.start,
                d.span.end,
                d.start.map(|x| x.to_string()),
                d.end.map(|x| x.to_string()),
                d.precision.as_str(),
                d.provenance.rule,
                d.provenance.confidence
            ])
        }));
        let topics = json_rows(facts.topics.iter().filter_map(|hit| Some(json!([ids.topic(&hit.topic)?, hit.hits]))));
        let statements = json_rows(plan.statements.iter().map(|(id, key, said_on)| json!([id, key, said_on])));
        let quotes = json_rows(plan.quotes.iter().zip(&facts.quotes).map(|(r, q)| {
            let sort_date = r.said_on.as_deref().or(article.published.as_deref()).unwrap_or(UNDATED);
            json!([
                r.statement_id,
                q.sentence,
                q.span.start,
                q.span.end,
                q.text,
                r.speaker_id,
                r.speaker_name,
                q.speaker_text,
                r.reporter_id,
                r.reporter_name,
                r.said_on,
                sort_date,
                q.provenance.rule,
                q.provenance.confidence
            ])
        }));
        let events = json_rows(plan.new_events.iter().map(|new| {
            let e = &facts.events[new.report];
            json!([
                new.id,
                new.slug_base,
                e.start.to_string(),
                e.end.to_string(),
                e.precision.as_str(),
                e.title,
                e.kind,
                e.actors.first(),
                new.same_base_before
            ])
        }));
        let sources = json_rows(plan.events.iter().zip(&facts.events).map(|(planned, e)| {
            json!([planned.event_id, e.sentence, e.span.start, e.span.end, e.title, e.provenance.rule, e.provenance.confidence])
        }));
        let event_actors = json_rows(plan.events.iter().flat_map(|e| e.actors.iter().map(move |a| json!([e.event_id, a]))));
        let event_topics = json_rows(plan.events.iter().flat_map(|e| e.topics.iter().map(move |t| json!([e.event_id, t]))));

        ArticleRows {
            id,
            kept_slug: kept_slug.map(str::to_string),
            slug_base: slugify_words(&article.title, 8),
            article: article.clone(),
            actors,
            aliases,
            roles,
            sentences,
            mentions,
            dates,
            topics,
            statements,
            quotes,
            events,
            sources,
            event_actors,
            event_topics,
        }
    }

    /// Inserts them all in one batch.
    pub(super) async fn insert(self, tx: &mut Transaction<'static, Sqlite>) -> sqlx::Result<()> {
        sqlx::query(INSERT_ARTICLE)
            .bind(self.actors)
            .bind(self.aliases)
            .bind(self.roles)
            .bind(self.id)
            .bind(self.kept_slug)
            .bind(self.article.path)
            .bind(self.article.file)
            .bind(self.article.raw_hash)
            .bind(self.article.content_hash)
            .bind(self.article.title)
            .bind(self.article.outlet)
            .bind(self.article.outlet_slug)
            .bind(self.article.via)
            .bind(self.article.url)
            .bind(self.article.published)
            .bind(self.article.author)
            .bind(self.article.language)
            .bind(self.article.body)
            .bind(self.slug_base)
            .bind(self.id)
            .bind(self.sentences)
            .bind(self.id)
            .bind(self.mentions)
            .bind(self.id)
            .bind(self.dates)
            .bind(self.id)
            .bind(self.topics)
            .bind(self.statements)
            .bind(self.id)
            .bind(self.quotes)
            .bind(self.events)
            .bind(self.id)
            .bind(self.sources)
            .bind(self.id)
            .bind(self.event_actors)
            .bind(self.id)
            .bind(self.event_topics)
            .execute(&mut **tx)
            .await
            .map(|_| ())
    }
}

/// A JSON array of rows, each itself an array of column values.
fn json_rows(rows: impl Iterator<Item = serde_json::Value>) -> String {
    serde_json::Value::Array(rows.collect()).to_string()
}

#[cfg(test)]
mod tests {
    /// The slug `free_slug` gives for `base` (and the `k`-th more) among `taken`.
    async fn free(taken: &[&str], base: &str, k: i64) -> String {
        let dir = tempfile::tempdir().expect("dir");
        let pool = crate::store::open_rw(&dir.path().join("s.db")).await.expect("open");
        for (i, slug) in taken.iter().enumerate() {
            sqlx::query("INSERT INTO events (slug, date_start, date_end, precision, title, kind) VALUES (?, ?, ?, 'day', 't', 'meeting')")
                .bind(slug)
                .bind(format!("2025-01-{:02}", i + 1))
                .bind(format!("2025-01-{:02}", i + 1))
                .execute(&pool)
                .await
                .expect("insert");
        }
        sqlx::query_scalar(concat!("SELECT ", free_slug!("events"), " FROM (SELECT ? AS b, ? AS k)"))
            .bind(base)
            .bind(k)
            .fetch_one(&pool)
            .await
            .expect("slug")
    }

    #[tokio::test]
    async fn slugs_continue_after_the_highest_taken() {
        let taken = ["talks", "talks-3", "talks-in-paris", "talks-x1", "talksx"];
        assert_eq!(free(&taken, "talks", 0).await, "talks-4");
        assert_eq!(free(&taken, "talks", 1).await, "talks-5");
        assert_eq!(free(&taken, "new", 0).await, "new");
        assert_eq!(free(&taken, "new", 1).await, "new-2");
        assert_eq!(free(&["talks-2"], "talks", 0).await, "talks-3");
        assert_eq!(free(&taken, "talks-in", 0).await, "talks-in");
    }
}
