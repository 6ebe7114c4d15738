//! Writing: the reference data, and one article with all its facts in one transaction.
//!
//! An article is replaced whole: its row is deleted (its facts go with it by cascade) and
//! inserted again under the same slug. Events are shared between articles, so after each
//! article the events and extracted actors that nothing refers to any more are removed.

use std::collections::{HashMap, HashSet};

use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};

use crate::extract::{EventFact, Facts, Speaker};
use crate::reference::{ActorEntry, Reference, slugify};
use crate::store::read::UNDATED;

/// The article's own fields, as stored.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub path: String,
    pub file: String,
    pub raw_hash: String,
    pub content_hash: String,
    pub title: String,
    pub outlet: Option<String>,
    pub outlet_slug: Option<String>,
    pub via: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub language: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    New,
    Updated,
}

pub async fn meta(pool: &SqlitePool, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await
}

pub async fn set_meta(pool: &SqlitePool, key: &str, value: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await
        .map(|_| ())
}

/// The files an import starts from: each path's content hash, and which path holds which bytes.
#[derive(Debug, Default)]
pub struct Known {
    pub by_path: HashMap<String, String>,
    pub by_raw_hash: HashMap<String, String>,
}

/// Loaded once per import (two columns of the articles table), so that no file costs a query
/// to find out it is unchanged or a copy of another.
pub async fn known_files(pool: &SqlitePool) -> sqlx::Result<Known> {
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT path, content_hash, raw_hash FROM articles")
        .fetch_all(pool)
        .await?;
    let mut known = Known::default();
    for (path, content_hash, raw_hash) in rows {
        known.by_raw_hash.insert(raw_hash, path.clone());
        known.by_path.insert(path, content_hash);
    }
    Ok(known)
}

/// Actor and topic ids by slug, loaded once per import and kept up to date as extracted actors
/// come and go, so that writing an article does not look them up one by one.
#[derive(Debug, Default)]
pub struct Ids {
    /// slug -> (id, display name)
    actors: HashMap<String, (i64, String)>,
    topics: HashMap<String, i64>,
}

impl Ids {
    pub async fn load(pool: &SqlitePool) -> sqlx::Result<Self> {
        let actors: Vec<(String, i64, String)> = sqlx::query_as("SELECT slug, id, name FROM actors")
            .fetch_all(pool)
            .await?;
        let topics: Vec<(String, i64)> = sqlx::query_as("SELECT slug, id FROM topics").fetch_all(pool).await?;
        Ok(Ids {
            actors: actors.into_iter().map(|(slug, id, name)| (slug, (id, name))).collect(),
            topics: topics.into_iter().collect(),
        })
    }
}

/// Makes the actors and topics tables match the reference files.
pub async fn sync_reference(pool: &SqlitePool, reference: &Reference) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for actor in &reference.actors {
        let id = upsert_actor(&mut tx, actor, "gazetteer").await?;
        sqlx::query("DELETE FROM actor_aliases WHERE actor_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM actor_roles WHERE actor_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_aliases_and_roles(&mut tx, id, actor).await?;
    }
    let slugs: Vec<&str> = reference.actors.iter().map(|a| a.slug.as_str()).collect();
    sqlx::query("DELETE FROM actors WHERE origin = 'gazetteer' AND slug NOT IN (SELECT value FROM json_each(?))")
        .bind(serde_json::to_string(&slugs).unwrap_or_default())
        .execute(&mut *tx)
        .await?;

    for topic in &reference.topics {
        sqlx::query(
            "INSERT INTO topics (slug, name, parent, keywords) VALUES (?, ?, ?, ?)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, parent = excluded.parent,
                 keywords = excluded.keywords",
        )
        .bind(&topic.slug)
        .bind(&topic.name)
        .bind(&topic.parent)
        .bind(serde_json::to_string(&topic.keywords).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    let slugs: Vec<&str> = reference.topics.iter().map(|t| t.slug.as_str()).collect();
    sqlx::query("DELETE FROM topics WHERE slug NOT IN (SELECT value FROM json_each(?))")
        .bind(serde_json::to_string(&slugs).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn upsert_actor(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &ActorEntry,
    origin: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO actors (slug, name, kind, country, origin) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             country = excluded.country, origin = excluded.origin
         RETURNING id",
    )
    .bind(&actor.slug)
    .bind(&actor.name)
    .bind(actor.kind.as_str())
    .bind(&actor.country)
    .bind(origin)
    .fetch_one(&mut **tx)
    .await
}

async fn insert_aliases_and_roles(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    actor: &ActorEntry,
) -> sqlx::Result<()> {
    for alias in &actor.aliases {
        sqlx::query("INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?, ?)")
            .bind(id)
            .bind(alias)
            .execute(&mut **tx)
            .await?;
    }
    for role in &actor.roles {
        sqlx::query("INSERT INTO actor_roles (actor_id, title, of_slug, date_from, date_to) VALUES (?, ?, ?, ?, ?)")
            .bind(id)
            .bind(&role.title)
            .bind(&role.of)
            .bind(role.from.map(|d| d.to_string()))
            .bind(role.to.map(|d| d.to_string()))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Rows per multi-row INSERT: well under SQLite's limit on bound parameters.
const BATCH_ROWS: usize = 400;

/// What an article's old version referred to that may be left without support once it is gone.
#[derive(Default)]
struct Orphans {
    events: Vec<i64>,
    statements: Vec<i64>,
    actors: Vec<i64>,
}

/// Inserts or replaces one article and its facts, atomically.
pub async fn save_article(
    pool: &SqlitePool,
    ids: &mut Ids,
    article: &ArticleRecord,
    facts: &Facts,
) -> sqlx::Result<Saved> {
    let mut tx = pool.begin().await?;
    let old: Option<(i64, String)> = sqlx::query_as("SELECT id, slug FROM articles WHERE path = ?")
        .bind(&article.path)
        .fetch_optional(&mut *tx)
        .await?;
    let saved = if old.is_some() { Saved::Updated } else { Saved::New };
    let mut orphans = Orphans::default();
    if let Some((old_id, _)) = &old {
        orphans = orphans_of(&mut tx, *old_id).await?;
        sqlx::query("DELETE FROM articles WHERE id = ?")
            .bind(old_id)
            .execute(&mut *tx)
            .await?;
    }
    let slug = match old {
        Some((_, slug)) => slug,
        None => unique_slug(&mut tx, "articles", &slugify_words(&article.title, 8)).await?,
    };
    let article_id: i64 = sqlx::query_scalar(
        "INSERT INTO articles (slug, path, file, raw_hash, content_hash, title, outlet, outlet_slug, via,
             url, published, author, language, body, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         RETURNING id",
    )
    .bind(&slug)
    .bind(&article.path)
    .bind(&article.file)
    .bind(&article.raw_hash)
    .bind(&article.content_hash)
    .bind(&article.title)
    .bind(&article.outlet)
    .bind(&article.outlet_slug)
    .bind(&article.via)
    .bind(&article.url)
    .bind(&article.published)
    .bind(&article.author)
    .bind(&article.language)
    .bind(&article.body)
    .fetch_one(&mut *tx)
    .await?;

    let mut writer = FactWriter {
        tx: &mut tx,
        ids: &mut *ids,
        article_id,
        published: article.published.clone(),
        other_wordings: HashMap::new(),
    };
    writer.write(facts, &article.body).await?;
    let pruned = prune(&mut tx, &orphans).await?;
    tx.commit().await?;
    // Only once committed: a rolled-back article must not leave the cache out of step.
    ids.actors.retain(|slug, _| !pruned.contains(slug));
    Ok(saved)
}

/// The events, statements and extracted actors an article refers to, read before it is deleted.
async fn orphans_of(tx: &mut Transaction<'_, Sqlite>, article_id: i64) -> sqlx::Result<Orphans> {
    let events = sqlx::query_scalar("SELECT DISTINCT event_id FROM event_sources WHERE article_id = ?")
        .bind(article_id)
        .fetch_all(&mut **tx)
        .await?;
    let statements = sqlx::query_scalar(
        "SELECT DISTINCT statement_id FROM quotes WHERE article_id = ? AND statement_id IS NOT NULL",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    let actors = sqlx::query_scalar(
        "SELECT DISTINCT a.id FROM actors a WHERE a.origin = 'extracted' AND a.id IN (
             SELECT actor_id FROM mentions WHERE article_id = ?1
             UNION SELECT speaker_id FROM quotes WHERE article_id = ?1
             UNION SELECT reported_by_id FROM quotes WHERE article_id = ?1)",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Orphans {
        events,
        statements,
        actors,
    })
}

/// Removes what the replaced article alone supported. Only its own references are checked, so
/// the cost does not grow with the archive. Returns the slugs of the actors removed.
async fn prune(tx: &mut Transaction<'_, Sqlite>, orphans: &Orphans) -> sqlx::Result<Vec<String>> {
    if orphans.events.is_empty() && orphans.statements.is_empty() && orphans.actors.is_empty() {
        return Ok(Vec::new());
    }
    let ids = |v: &[i64]| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string());
    sqlx::query(
        "DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = events.id)",
    )
    .bind(ids(&orphans.events))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM statements WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.statement_id = statements.id)",
    )
    .bind(ids(&orphans.statements))
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar(
        "DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.actor_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.speaker_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.reported_by_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM event_actors e WHERE e.actor_id = actors.id)
         RETURNING slug",
    )
    .bind(ids(&orphans.actors))
    .fetch_all(&mut **tx)
    .await
}

/// A speaker key and the day they spoke.
type SpeakerDay = (String, Option<String>);
/// A statement of another article and one of its wordings.
type Wording = (i64, String);

/// A quote ready to insert, with its statement decided.
struct QuoteRowIn<'f> {
    quote: &'f crate::extract::QuoteFact,
    speaker_id: Option<i64>,
    speaker_name: Option<String>,
    reporter_id: Option<i64>,
    reporter_name: Option<String>,
    said_on: Option<String>,
    statement_id: i64,
}

/// Writes the facts of one article inside the article's transaction.
struct FactWriter<'t, 'c> {
    tx: &'t mut Transaction<'c, Sqlite>,
    ids: &'t mut Ids,
    article_id: i64,
    published: Option<String>,
    other_wordings: HashMap<SpeakerDay, Vec<Wording>>,
}

impl FactWriter<'_, '_> {
    async fn write(&mut self, facts: &Facts, body: &str) -> sqlx::Result<()> {
        for actor in &facts.new_actors {
            // A gazetteer entry (or an actor another article introduced) always wins.
            if !self.ids.actors.contains_key(&actor.slug) {
                let id = upsert_actor(self.tx, actor, "extracted").await?;
                insert_aliases_and_roles(self.tx, id, actor).await?;
                self.ids.actors.insert(actor.slug.clone(), (id, actor.name.clone()));
            }
        }
        self.write_sentences(facts, body).await?;
        self.write_mentions(facts).await?;
        self.write_dates(facts).await?;
        self.write_quotes(facts).await?;
        let mut topics = Vec::new();
        for hit in &facts.topics {
            if let Some(topic_id) = self.ids.topics.get(&hit.topic) {
                topics.push((*topic_id, hit.hits as i64));
            }
        }
        for chunk in topics.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new("INSERT OR REPLACE INTO article_topics (article_id, topic_id, hits) ");
            qb.push_values(chunk, |mut row, (topic_id, hits)| {
                row.push_bind(self.article_id).push_bind(*topic_id).push_bind(*hits);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        for event in &facts.events {
            self.write_event(event).await?;
        }
        Ok(())
    }

    async fn write_sentences(&mut self, facts: &Facts, body: &str) -> sqlx::Result<()> {
        let rows: Vec<(usize, &crate::extract::Sentence)> = facts.sentences.iter().enumerate().collect();
        for chunk in rows.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new("INSERT INTO sentences (article_id, idx, start, end, text) ");
            qb.push_values(chunk, |mut row, (idx, sentence)| {
                let text = body.get(sentence.span.start..sentence.span.end).unwrap_or("").trim();
                row.push_bind(self.article_id)
                    .push_bind(*idx as i64)
                    .push_bind(sentence.span.start as i64)
                    .push_bind(sentence.span.end as i64)
                    .push_bind(text.to_string());
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        Ok(())
    }

    async fn write_mentions(&mut self, facts: &Facts) -> sqlx::Result<()> {
        let mut rows = Vec::with_capacity(facts.mentions.len());
        for mention in &facts.mentions {
            if let Some((actor_id, _)) = self.ids.actors.get(&mention.actor) {
                rows.push((*actor_id, mention));
            }
        }
        for chunk in rows.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO mentions (article_id, actor_id, sentence_idx, start, end, rule, confidence) ",
            );
            qb.push_values(chunk, |mut row, (actor_id, m)| {
                row.push_bind(self.article_id)
                    .push_bind(*actor_id)
                    .push_bind(m.sentence as i64)
                    .push_bind(m.span.start as i64)
                    .push_bind(m.span.end as i64)
                    .push_bind(m.provenance.rule)
                    .push_bind(m.provenance.confidence);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        Ok(())
    }

    async fn write_dates(&mut self, facts: &Facts) -> sqlx::Result<()> {
        for chunk in facts.dates.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO date_mentions (article_id, sentence_idx, start, end, date_start, date_end,
                     precision, rule, confidence) ",
            );
            qb.push_values(chunk, |mut row, d| {
                row.push_bind(self.article_id)
                    .push_bind(d.sentence as i64)
                    .push_bind(d.span.start as i64)
                    .push_bind(d.span.end as i64)
                    .push_bind(d.start.map(|x| x.to_string()))
                    .push_bind(d.end.map(|x| x.to_string()))
                    .push_bind(d.precision.as_str())
                    .push_bind(d.provenance.rule)
                    .push_bind(d.provenance.confidence);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        Ok(())
    }

    /// Decides each quote's statement (another outlet's, or a new one), then inserts the new
    /// statements and the quotes in batches. Statement ids are allocated here: the article's
    /// transaction already holds SQLite's write lock, so no other writer can take them.
    async fn write_quotes(&mut self, facts: &Facts) -> sqlx::Result<()> {
        let mut next_statement: i64 =
            sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM statements")
                .fetch_one(&mut **self.tx)
                .await?
                + 1;
        let mut new_statements: Vec<(i64, String, Option<String>)> = Vec::new();
        let mut rows: Vec<QuoteRowIn<'_>> = Vec::with_capacity(facts.quotes.len());
        for quote in &facts.quotes {
            let (speaker_id, speaker_name) = self.speaker(quote.speaker.as_ref());
            let (reporter_id, reporter_name) = self.speaker(quote.reported_by.as_ref());
            let said_on = quote.date.map(|d| d.to_string());
            let speaker_key = match &quote.speaker {
                Some(Speaker::Actor(slug)) => slug.as_str(),
                _ => UNNAMED,
            };
            let statement_id = match self.same_statement(speaker_key, said_on.as_deref(), &quote.text).await? {
                Some(id) => id,
                None => {
                    let id = next_statement;
                    next_statement += 1;
                    new_statements.push((id, speaker_key.to_string(), said_on.clone()));
                    id
                }
            };
            rows.push(QuoteRowIn {
                quote,
                speaker_id,
                speaker_name,
                reporter_id,
                reporter_name,
                said_on,
                statement_id,
            });
        }
        for chunk in new_statements.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new("INSERT INTO statements (id, speaker_key, said_on) ");
            qb.push_values(chunk, |mut row, (id, key, said_on)| {
                row.push_bind(*id).push_bind(key.clone()).push_bind(said_on.clone());
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        for chunk in rows.chunks(BATCH_ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO quotes (article_id, statement_id, sentence_idx, start, end, text, speaker_id,
                     speaker_name, speaker_text, reported_by_id, reported_by_name, said_on, sort_date, rule,
                     confidence) ",
            );
            qb.push_values(chunk, |mut row, r| {
                let sort_date = r.said_on.clone().or_else(|| self.published.clone()).unwrap_or_else(|| UNDATED.to_string());
                row.push_bind(self.article_id)
                    .push_bind(r.statement_id)
                    .push_bind(r.quote.sentence as i64)
                    .push_bind(r.quote.span.start as i64)
                    .push_bind(r.quote.span.end as i64)
                    .push_bind(r.quote.text.clone())
                    .push_bind(r.speaker_id)
                    .push_bind(r.speaker_name.clone())
                    .push_bind(r.quote.speaker_text.clone())
                    .push_bind(r.reporter_id)
                    .push_bind(r.reporter_name.clone())
                    .push_bind(r.said_on.clone())
                    .push_bind(sort_date)
                    .push_bind(r.quote.provenance.rule)
                    .push_bind(r.quote.provenance.confidence);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        Ok(())
    }

    /// The actor id (when known) and the display name of a speaker.
    fn speaker(&self, speaker: Option<&Speaker>) -> (Option<i64>, Option<String>) {
        match speaker {
            None => (None, None),
            Some(Speaker::Unnamed(description)) => (None, Some(description.clone())),
            Some(Speaker::Actor(slug)) => match self.ids.actors.get(slug) {
                Some((id, name)) => (Some(*id), Some(name.clone())),
                None => (None, Some(slug.clone())),
            },
        }
    }

    /// The statement another article already carries that this quote is a wording of: the
    /// same speaker, said within a week, in words close enough to be a copy or translation.
    async fn same_statement(
        &mut self,
        speaker_key: &str,
        said_on: Option<&str>,
        text: &str,
    ) -> sqlx::Result<Option<i64>> {
        // Other articles' wordings do not change while this one is written: fetch them once
        // per speaker and day, whatever the number of quotes.
        let key = (speaker_key.to_string(), said_on.map(str::to_string));
        if !self.other_wordings.contains_key(&key) {
            let wordings: Vec<(i64, String)> = sqlx::query_as(
                "SELECT s.id, q.text FROM statements s JOIN quotes q ON q.statement_id = s.id
                 WHERE s.speaker_key = ?1 AND q.article_id <> ?2
                   AND ((?3 IS NULL AND s.said_on IS NULL)
                        OR s.said_on BETWEEN date(?3, '-7 days') AND date(?3, '+7 days'))",
            )
            .bind(speaker_key)
            .bind(self.article_id)
            .bind(said_on)
            .fetch_all(&mut **self.tx)
            .await?;
            self.other_wordings.insert(key.clone(), wordings);
        }
        let threshold = if speaker_key == UNNAMED { 0.6 } else { 0.5 };
        Ok(self
            .other_wordings
            .get(&key)
            .into_iter()
            .flatten()
            .map(|(id, other)| (*id, same_words(text, other)))
            .filter(|(_, score)| *score >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id))
    }

    /// Attaches the event to the same happening already reported elsewhere, or creates it.
    async fn write_event(&mut self, event: &EventFact) -> sqlx::Result<()> {
        let start = event.start.to_string();
        let end = event.end.to_string();
        let principal = event.actors.first().cloned();
        let candidates: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT id, title, principal FROM events
             WHERE date_start = ? AND date_end = ? AND precision = ? ORDER BY id",
        )
        .bind(&start)
        .bind(&end)
        .bind(event.precision.as_str())
        .fetch_all(&mut **self.tx)
        .await?;
        let same = candidates.into_iter().find(|(_, title, other)| {
            same_happening(principal.as_deref(), other.as_deref(), &event.title, title)
        });
        let event_id = match same {
            Some((id, _, _)) => id,
            None => {
                let base = format!("{start}-{}", slugify_words(&event.title, 7));
                let slug = unique_slug(self.tx, "events", base.trim_end_matches('-')).await?;
                sqlx::query_scalar(
                    "INSERT INTO events (slug, date_start, date_end, precision, title, kind, principal)
                     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                )
                .bind(slug)
                .bind(&start)
                .bind(&end)
                .bind(event.precision.as_str())
                .bind(&event.title)
                .bind(&event.kind)
                .bind(&principal)
                .fetch_one(&mut **self.tx)
                .await?
            }
        };
        sqlx::query(
            "INSERT OR IGNORE INTO event_sources (event_id, article_id, sentence_idx, start, end, title, rule, confidence)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(event_id)
        .bind(self.article_id)
        .bind(event.sentence as i64)
        .bind(event.span.start as i64)
        .bind(event.span.end as i64)
        .bind(&event.title)
        .bind(event.provenance.rule)
        .bind(event.provenance.confidence)
        .execute(&mut **self.tx)
        .await?;
        let actors: Vec<i64> = event.actors.iter().filter_map(|slug| self.ids.actors.get(slug).map(|a| a.0)).collect();
        if !actors.is_empty() {
            let mut qb = QueryBuilder::new("INSERT OR IGNORE INTO event_actors (event_id, actor_id, article_id) ");
            qb.push_values(&actors, |mut row, actor_id| {
                row.push_bind(event_id).push_bind(*actor_id).push_bind(self.article_id);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        let topics: Vec<i64> = event.topics.iter().filter_map(|slug| self.ids.topics.get(slug).copied()).collect();
        if !topics.is_empty() {
            let mut qb = QueryBuilder::new("INSERT OR IGNORE INTO event_topics (event_id, topic_id, article_id) ");
            qb.push_values(&topics, |mut row, topic_id| {
                row.push_bind(event_id).push_bind(*topic_id).push_bind(self.article_id);
            });
            qb.build().execute(&mut **self.tx).await?;
        }
        Ok(())
    }
}

/// The statement key shared by all unnamed sources; their wording has to match more closely.
const UNNAMED: &str = "unnamed";

/// How alike two wordings are: the Dice overlap of their words. Fragments of fewer than four
/// words must match exactly, since "backstop" from two speakers is not one statement.
fn same_words(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.len() < 4 || b.len() < 4 {
        return if a == b { 1.0 } else { 0.0 };
    }
    let mut pool = b.clone();
    let mut common = 0;
    for word in &a {
        if let Some(i) = pool.iter().position(|w| w == word) {
            pool.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Two reports on the same dates describe one happening when they are about the same actor,
/// or, when neither names one, when their titles share most of their words.
fn same_happening(principal: Option<&str>, other: Option<&str>, title: &str, other_title: &str) -> bool {
    match (principal, other) {
        (Some(a), Some(b)) => a == b,
        (None, None) => word_overlap(title, other_title) >= 0.5,
        _ => false,
    }
}

fn word_overlap(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The first `n` words of `text` as a slug.
fn slugify_words(text: &str, n: usize) -> String {
    let slug = slugify(text);
    let words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).take(n).collect();
    if words.is_empty() {
        "untitled".to_string()
    } else {
        words.join("-")
    }
}

/// `base`, or `base-2`, `base-3`... whichever is free in `table`.
async fn unique_slug(tx: &mut Transaction<'_, Sqlite>, table: &str, base: &str) -> sqlx::Result<String> {
    let taken = |slug: String| {
        // The table name is one of ours, never input.
        let sql = match table {
            "articles" => "SELECT 1 FROM articles WHERE slug = ?",
            _ => "SELECT 1 FROM events WHERE slug = ?",
        };
        sqlx::query_scalar::<_, i64>(sql).bind(slug)
    };
    let mut n = 1;
    loop {
        let candidate = if n == 1 { base.to_string() } else { format!("{base}-{n}") };
        if taken(candidate.clone()).fetch_optional(&mut **tx).await?.is_none() {
            return Ok(candidate);
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happenings_match_on_principal_or_title_words() {
        assert!(same_happening(Some("emmanuel-macron"), Some("emmanuel-macron"), "a", "b"));
        assert!(!same_happening(Some("emmanuel-macron"), Some("friedrich-merz"), "x y z", "x y z"));
        assert!(same_happening(None, None, "European Council meets on defence", "European Council meeting on defence"));
        assert!(!same_happening(None, None, "European Council meets", "Ministers sign minerals deal"));
    }

    #[test]
    fn translations_of_one_statement_share_most_words() {
        let politico = "I'm not going to make security guarantees beyond very much. We're going to have Europe do that, because ... Europe is their next-door neighbour, but we're going to make sure everything goes well.";
        let unn = "I am not going to give any significant security guarantees. We're going to make Europe do it because... Europe is their closest neighbor, but we're going to make sure it goes well,";
        assert!(same_words(politico, unn) >= 0.5, "{}", same_words(politico, unn));
        assert!(same_words("This was a waste of time.", "It was a waste of time,") >= 0.6);
        assert!(same_words("We will have a backing of some kind.", "There is no objection from President Trump.") < 0.5);
        assert_eq!(same_words("backstop", "Backstop"), 1.0);
        assert_eq!(same_words("within weeks", "not ready yet"), 0.0);
    }

    #[test]
    fn slugs_take_the_first_words() {
        assert_eq!(slugify_words("Macron wins no security guarantees from Trump", 4), "macron-wins-no-security");
        assert_eq!(slugify_words("“”", 4), "untitled");
    }
}
