//! The article writer: whole articles with all their facts, committed in groups of half a
//! second's work.
//!
//! Committing every article would write each touched page to the write-ahead log once per
//! article, and make each full-text index write a segment per article and merge them again;
//! grouping the commits does both once per group. An article is never partly stored: a crash,
//! or a database error (which ends the import), loses the group in flight whole, and the next
//! import redoes it.
//!
//! The writer allocates the ids of new rows itself (it holds SQLite's write lock for the whole
//! group), so an article's rows go to the database as one batch of statements: one round trip
//! on the usual path.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};

use super::memory::{EventDays, EventKey, KnownEvent, Slugs, SpeakerWordings, Wording, Wordings, same_words};
use super::{ArticleRecord, Ids, Saved, slugify_words};
use crate::extract::{EventFact, Facts, QuoteFact, Speaker};
use crate::reference::ActorEntry;
use crate::store::read::UNDATED;

/// How long a group of articles stays uncommitted: short enough that readers see an import
/// progress, long enough that commits cost little.
const GROUP_TIME: Duration = Duration::from_millis(500);

/// Rows per multi-row INSERT: well under SQLite's limit on bound parameters.
const BATCH_ROWS: usize = 400;

/// The statement key shared by all unnamed sources; their wording has to match more closely.
const UNNAMED: &str = "unnamed";

/// One open group: its transaction and the next free id of each table the writer fills.
struct Group {
    tx: Transaction<'static, Sqlite>,
    started: Instant,
    next: NextIds,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
struct NextIds {
    article: i64,
    event: i64,
    statement: i64,
    actor: i64,
}

/// Writes articles for one import. Call `finish` at the end, or the last group is lost.
pub struct Writer {
    pool: SqlitePool,
    group: Option<Group>,
    ids: Ids,
    slugs: Slugs,
    events: EventDays,
    wordings: Wordings,
}

impl Writer {
    pub async fn new(pool: &SqlitePool) -> sqlx::Result<Self> {
        Ok(Writer {
            pool: pool.clone(),
            group: None,
            ids: Ids::load(pool).await?,
            slugs: Slugs::default(),
            events: EventDays::default(),
            wordings: Wordings::default(),
        })
    }

    /// Stores `article` and its facts, replacing the stored article of the same path when
    /// `replaces`. On a database error the open group is rolled back and the error returned:
    /// the writer must not be used again.
    pub async fn save(&mut self, article: &ArticleRecord, facts: &Facts, replaces: bool) -> sqlx::Result<Saved> {
        if self.group.is_none() {
            self.group = Some(begin_group(&self.pool).await?);
        }
        let saved = match self.write(article, facts, replaces).await {
            Ok(saved) => saved,
            Err(err) => {
                // Dropping the transaction rolls it back.
                self.group = None;
                return Err(err);
            }
        };
        if self.group.as_ref().is_some_and(|g| g.started.elapsed() >= GROUP_TIME) {
            self.commit().await?;
        }
        Ok(saved)
    }

    /// Commits the articles written so far.
    pub async fn finish(mut self) -> sqlx::Result<()> {
        self.commit().await
    }

    async fn commit(&mut self) -> sqlx::Result<()> {
        match self.group.take() {
            Some(group) => group.tx.commit().await,
            None => Ok(()),
        }
    }

    async fn write(&mut self, article: &ArticleRecord, facts: &Facts, replaces: bool) -> sqlx::Result<Saved> {
        let Writer {
            group,
            ids,
            slugs,
            events,
            wordings,
            ..
        } = self;
        let Some(group) = group.as_mut() else {
            return Err(sqlx::Error::PoolClosed);
        };
        let old: Option<(i64, String)> = if replaces {
            sqlx::query_as("SELECT id, slug FROM articles WHERE path = ?")
                .bind(&article.path)
                .fetch_optional(&mut *group.tx)
                .await?
        } else {
            None
        };
        let saved = if old.is_some() { Saved::Updated } else { Saved::New };
        let mut orphans = Orphans::default();
        if let Some((old_id, _)) = &old {
            orphans = orphans_of(&mut group.tx, *old_id).await?;
            sqlx::query("DELETE FROM articles WHERE id = ?")
                .bind(old_id)
                .execute(&mut *group.tx)
                .await?;
            // What the old version said is gone: read those speakers and days afresh.
            wordings.forget(&orphans.speakers);
            for key in &orphans.event_keys {
                events.forget(key);
            }
        }
        let slug = match old {
            Some((_, slug)) => slug,
            None => unique_slug(&mut group.tx, slugs, "articles", &slugify_words(&article.title, 8)).await?,
        };
        let article_id = group.next.article;
        group.next.article += 1;

        let mut plan = Plan::new(article_id);
        plan.new_actors(ids, &mut group.next, facts);
        plan.quotes(&mut group.tx, ids, wordings, &mut group.next, facts).await?;
        plan.events(&mut group.tx, ids, slugs, events, &mut group.next, facts).await?;

        let mut batch = QueryBuilder::<Sqlite>::new("");
        plan.push_actors(&mut batch, facts);
        push_article(&mut batch, article_id, &slug, article);
        push_facts(&mut batch, article_id, ids, facts, &article.body);
        plan.push_quotes(&mut batch, facts, article.published.as_deref());
        plan.push_events(&mut batch, facts);
        batch.build().persistent(false).execute(&mut *group.tx).await?;

        if saved == Saved::Updated {
            let pruned = prune(&mut group.tx, &orphans).await?;
            ids.forget_actors(&pruned);
            for key in &orphans.event_keys {
                events.forget(key);
            }
        }
        Ok(saved)
    }
}

async fn begin_group(pool: &SqlitePool) -> sqlx::Result<Group> {
    // IMMEDIATE: the write lock is taken now, so the ids read next stay free for this group.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let next: NextIds = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM articles) AS article,
                (SELECT COALESCE(MAX(id), 0) + 1 FROM events) AS event,
                (SELECT COALESCE(MAX(id), 0) + 1 FROM statements) AS statement,
                (SELECT COALESCE(MAX(id), 0) + 1 FROM actors) AS actor",
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Group {
        tx,
        started: Instant::now(),
        next,
    })
}

/// `base`, or `base-2`, `base-3`...: whichever is free in `table`.
async fn unique_slug(
    tx: &mut Transaction<'static, Sqlite>,
    slugs: &mut Slugs,
    table: &'static str,
    base: &str,
) -> sqlx::Result<String> {
    if !slugs.knows(table, base) {
        // '.' sorts right after '-': the range holds every slug that starts with "base-".
        let sql = match table {
            "articles" => "SELECT slug FROM articles WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')",
            _ => "SELECT slug FROM events WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')",
        };
        let taken: Vec<String> = sqlx::query_scalar(sql).bind(base).fetch_all(&mut **tx).await?;
        slugs.load(table, base, &taken);
    }
    Ok(slugs.take(table, base))
}

/// What an article's old version referred to that may be left without support once it is gone.
#[derive(Default)]
struct Orphans {
    events: Vec<i64>,
    event_keys: Vec<EventKey>,
    statements: Vec<i64>,
    speakers: HashSet<String>,
    actors: Vec<i64>,
}

/// The events, statements and extracted actors an article refers to, read before it is deleted.
async fn orphans_of(tx: &mut Transaction<'static, Sqlite>, article_id: i64) -> sqlx::Result<Orphans> {
    let events: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT e.id, e.date_start, e.date_end, e.precision FROM event_sources s
         JOIN events e ON e.id = s.event_id WHERE s.article_id = ?",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    let statements: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT s.id, s.speaker_key FROM quotes q JOIN statements s ON s.id = q.statement_id
         WHERE q.article_id = ?",
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
        events: events.iter().map(|e| e.0).collect(),
        event_keys: events
            .into_iter()
            .filter_map(|(_, start, end, precision)| Some((start, end, precision_str(&precision)?)))
            .collect(),
        statements: statements.iter().map(|s| s.0).collect(),
        speakers: statements.into_iter().map(|s| s.1).collect(),
        actors,
    })
}

/// The precision names the schema allows, as the static strings event keys use.
fn precision_str(name: &str) -> Option<&'static str> {
    ["day", "week", "month", "year"].into_iter().find(|p| *p == name)
}

/// Removes what the replaced article alone supported. Only its own references are checked, so
/// the cost does not grow with the archive. Returns the slugs of the actors removed.
async fn prune(tx: &mut Transaction<'static, Sqlite>, orphans: &Orphans) -> sqlx::Result<Vec<String>> {
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

fn push_article(batch: &mut QueryBuilder<Sqlite>, id: i64, slug: &str, article: &ArticleRecord) {
    batch.push(
        "INSERT INTO articles (id, slug, path, file, raw_hash, content_hash, title, outlet, outlet_slug, via,
             url, published, author, language, body, imported_at) ",
    );
    batch.push_values([article], |mut row, a| {
        row.push_bind(id)
            .push_bind(slug.to_string())
            .push_bind(&a.path)
            .push_bind(&a.file)
            .push_bind(&a.raw_hash)
            .push_bind(&a.content_hash)
            .push_bind(&a.title)
            .push_bind(&a.outlet)
            .push_bind(&a.outlet_slug)
            .push_bind(&a.via)
            .push_bind(&a.url)
            .push_bind(&a.published)
            .push_bind(&a.author)
            .push_bind(&a.language)
            .push_bind(&a.body)
            .push_unseparated(", strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
    });
    batch.push(";");
}

/// The sentences, mentions, dates and topics: rows that need nothing but the article's id.
fn push_facts(batch: &mut QueryBuilder<Sqlite>, article_id: i64, ids: &Ids, facts: &Facts, body: &str) {
    let sentences: Vec<_> = facts.sentences.iter().enumerate().collect();
    for chunk in sentences.chunks(BATCH_ROWS) {
        batch.push("INSERT INTO sentences (article_id, idx, start, end, text) ");
        batch.push_values(chunk, |mut row, (idx, sentence)| {
            let text = body.get(sentence.span.start..sentence.span.end).unwrap_or("").trim();
            row.push_bind(article_id)
                .push_bind(*idx as i64)
                .push_bind(sentence.span.start as i64)
                .push_bind(sentence.span.end as i64)
                .push_bind(text);
        });
        batch.push(";");
    }
    let mentions: Vec<_> = facts
        .mentions
        .iter()
        .filter_map(|m| Some((ids.actor(&m.actor)?.0, m)))
        .collect();
    for chunk in mentions.chunks(BATCH_ROWS) {
        batch.push("INSERT INTO mentions (article_id, actor_id, sentence_idx, start, end, rule, confidence) ");
        batch.push_values(chunk, |mut row, (actor_id, m)| {
            row.push_bind(article_id)
                .push_bind(*actor_id)
                .push_bind(m.sentence as i64)
                .push_bind(m.span.start as i64)
                .push_bind(m.span.end as i64)
                .push_bind(m.provenance.rule)
                .push_bind(m.provenance.confidence);
        });
        batch.push(";");
    }
    for chunk in facts.dates.chunks(BATCH_ROWS) {
        batch.push(
            "INSERT INTO date_mentions (article_id, sentence_idx, start, end, date_start, date_end,
                 precision, rule, confidence) ",
        );
        batch.push_values(chunk, |mut row, d| {
            row.push_bind(article_id)
                .push_bind(d.sentence as i64)
                .push_bind(d.span.start as i64)
                .push_bind(d.span.end as i64)
                .push_bind(d.start.map(|x| x.to_string()))
                .push_bind(d.end.map(|x| x.to_string()))
                .push_bind(d.precision.as_str())
                .push_bind(d.provenance.rule)
                .push_bind(d.provenance.confidence);
        });
        batch.push(";");
    }
    let topics: Vec<(i64, i64)> = facts
        .topics
        .iter()
        .filter_map(|hit| Some((ids.topic(&hit.topic)?, hit.hits as i64)))
        .collect();
    for chunk in topics.chunks(BATCH_ROWS) {
        batch.push("INSERT OR REPLACE INTO article_topics (article_id, topic_id, hits) ");
        batch.push_values(chunk, |mut row, (topic_id, hits)| {
            row.push_bind(article_id).push_bind(*topic_id).push_bind(*hits);
        });
        batch.push(";");
    }
}

/// A quote with its speaker resolved and its statement decided.
struct QuoteRow {
    speaker_id: Option<i64>,
    speaker_name: Option<String>,
    reporter_id: Option<i64>,
    reporter_name: Option<String>,
    said_on: Option<String>,
    statement_id: i64,
}

/// An event report with the event it belongs to decided.
struct EventRow {
    event_id: i64,
    actors: Vec<i64>,
    topics: Vec<i64>,
}

/// The rows of one article that need ids decided before they can be written.
struct Plan {
    article_id: i64,
    /// Index into `Facts::new_actors` and the id given.
    actors: Vec<(usize, i64)>,
    statements: Vec<(i64, String, Option<String>)>,
    quotes: Vec<QuoteRow>,
    /// New events: id, slug and the report that created it.
    new_events: Vec<(i64, String, usize)>,
    events: Vec<EventRow>,
}

impl Plan {
    fn new(article_id: i64) -> Self {
        Plan {
            article_id,
            actors: Vec::new(),
            statements: Vec::new(),
            quotes: Vec::new(),
            new_events: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Actors the article introduces. A gazetteer entry (or an actor another article
    /// introduced) always wins, so only unknown slugs are added.
    fn new_actors(&mut self, ids: &mut Ids, next: &mut NextIds, facts: &Facts) {
        for (i, actor) in facts.new_actors.iter().enumerate() {
            if ids.actor(&actor.slug).is_none() {
                let id = next.actor;
                next.actor += 1;
                ids.add_actor(&actor.slug, id, &actor.name);
                self.actors.push((i, id));
            }
        }
    }

    fn push_actors(&self, batch: &mut QueryBuilder<Sqlite>, facts: &Facts) {
        let actors: Vec<(i64, &ActorEntry)> = self.actors.iter().map(|(i, id)| (*id, &facts.new_actors[*i])).collect();
        for chunk in actors.chunks(BATCH_ROWS) {
            batch.push("INSERT INTO actors (id, slug, name, kind, country, origin) ");
            batch.push_values(chunk, |mut row, (id, actor)| {
                row.push_bind(*id)
                    .push_bind(&actor.slug)
                    .push_bind(&actor.name)
                    .push_bind(actor.kind.as_str())
                    .push_bind(&actor.country)
                    .push_bind("extracted");
            });
            batch.push(";");
        }
        let aliases: Vec<(i64, &String)> = actors
            .iter()
            .flat_map(|(id, actor)| actor.aliases.iter().map(move |alias| (*id, alias)))
            .collect();
        for chunk in aliases.chunks(BATCH_ROWS) {
            batch.push("INSERT OR IGNORE INTO actor_aliases (actor_id, alias) ");
            batch.push_values(chunk, |mut row, (id, alias)| {
                row.push_bind(*id).push_bind(*alias);
            });
            batch.push(";");
        }
        let roles: Vec<_> = actors
            .iter()
            .flat_map(|(id, actor)| actor.roles.iter().map(move |role| (*id, role)))
            .collect();
        for chunk in roles.chunks(BATCH_ROWS) {
            batch.push("INSERT INTO actor_roles (actor_id, title, of_slug, date_from, date_to) ");
            batch.push_values(chunk, |mut row, (id, role)| {
                row.push_bind(*id)
                    .push_bind(&role.title)
                    .push_bind(&role.of)
                    .push_bind(role.from.map(|d| d.to_string()))
                    .push_bind(role.to.map(|d| d.to_string()));
            });
            batch.push(";");
        }
    }

    /// Decides each quote's statement: the one another outlet already carries for the same
    /// speaker within a week in close enough words (a copy or a translation), or a new one.
    async fn quotes(
        &mut self,
        tx: &mut Transaction<'static, Sqlite>,
        ids: &Ids,
        wordings: &mut Wordings,
        next: &mut NextIds,
        facts: &Facts,
    ) -> sqlx::Result<()> {
        for quote in &facts.quotes {
            let (speaker_id, speaker_name) = ids.speaker(quote.speaker.as_ref());
            let (reporter_id, reporter_name) = ids.speaker(quote.reported_by.as_ref());
            let speaker_key = match &quote.speaker {
                Some(Speaker::Actor(slug)) => slug.as_str(),
                _ => UNNAMED,
            };
            if !wordings.is_loaded(speaker_key) {
                load_speaker(tx, wordings, speaker_key).await?;
            }
            let words = wordings.vocabulary.words(&quote.text);
            let (statement_id, said_on) = match same_statement(wordings.speaker(speaker_key), speaker_key, quote, &words, self.article_id) {
                Some(found) => found,
                None => {
                    let id = next.statement;
                    next.statement += 1;
                    self.statements.push((id, speaker_key.to_string(), quote.date.map(|d| d.to_string())));
                    (id, quote.date)
                }
            };
            wordings.speaker_mut(speaker_key).add(
                said_on,
                Wording {
                    statement: statement_id,
                    article: self.article_id,
                    words,
                },
            );
            self.quotes.push(QuoteRow {
                speaker_id,
                speaker_name,
                reporter_id,
                reporter_name,
                said_on: quote.date.map(|d| d.to_string()),
                statement_id,
            });
        }
        Ok(())
    }

    fn push_quotes(&self, batch: &mut QueryBuilder<Sqlite>, facts: &Facts, published: Option<&str>) {
        for chunk in self.statements.chunks(BATCH_ROWS) {
            batch.push("INSERT INTO statements (id, speaker_key, said_on) ");
            batch.push_values(chunk, |mut row, (id, key, said_on)| {
                row.push_bind(*id).push_bind(key).push_bind(said_on);
            });
            batch.push(";");
        }
        let rows: Vec<(&QuoteRow, &QuoteFact)> = self.quotes.iter().zip(&facts.quotes).collect();
        for chunk in rows.chunks(BATCH_ROWS) {
            batch.push(
                "INSERT INTO quotes (article_id, statement_id, sentence_idx, start, end, text, speaker_id,
                     speaker_name, speaker_text, reported_by_id, reported_by_name, said_on, sort_date, rule,
                     confidence) ",
            );
            batch.push_values(chunk, |mut row, (r, quote)| {
                let sort_date = r.said_on.as_deref().or(published).unwrap_or(UNDATED);
                row.push_bind(self.article_id)
                    .push_bind(r.statement_id)
                    .push_bind(quote.sentence as i64)
                    .push_bind(quote.span.start as i64)
                    .push_bind(quote.span.end as i64)
                    .push_bind(&quote.text)
                    .push_bind(r.speaker_id)
                    .push_bind(&r.speaker_name)
                    .push_bind(&quote.speaker_text)
                    .push_bind(r.reporter_id)
                    .push_bind(&r.reporter_name)
                    .push_bind(&r.said_on)
                    .push_bind(sort_date)
                    .push_bind(quote.provenance.rule)
                    .push_bind(quote.provenance.confidence);
            });
            batch.push(";");
        }
    }

    /// Attaches each event report to the same happening already reported elsewhere (the same
    /// dates and lead actor), or creates the event.
    async fn events(
        &mut self,
        tx: &mut Transaction<'static, Sqlite>,
        ids: &Ids,
        slugs: &mut Slugs,
        days: &mut EventDays,
        next: &mut NextIds,
        facts: &Facts,
    ) -> sqlx::Result<()> {
        for (i, event) in facts.events.iter().enumerate() {
            let key: EventKey = (event.start.to_string(), event.end.to_string(), event.precision.as_str());
            if days.get(&key).is_none() {
                let known: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, title, principal FROM events
                     WHERE date_start = ? AND date_end = ? AND precision = ? ORDER BY id",
                )
                .bind(&key.0)
                .bind(&key.1)
                .bind(key.2)
                .fetch_all(&mut **tx)
                .await?;
                let known = known
                    .into_iter()
                    .map(|(id, title, principal)| KnownEvent { id, title, principal })
                    .collect();
                days.load(key.clone(), known);
            }
            let principal = event.actors.first();
            let same = days.get(&key).into_iter().flatten().find(|other| {
                same_happening(principal.map(String::as_str), other.principal.as_deref(), &event.title, &other.title)
            });
            let event_id = match same {
                Some(other) => other.id,
                None => {
                    let id = next.event;
                    next.event += 1;
                    let base = format!("{}-{}", key.0, slugify_words(&event.title, 7));
                    let slug = unique_slug(tx, slugs, "events", base.trim_end_matches('-')).await?;
                    self.new_events.push((id, slug, i));
                    days.add(
                        &key,
                        KnownEvent {
                            id,
                            title: event.title.clone(),
                            principal: principal.cloned(),
                        },
                    );
                    id
                }
            };
            self.events.push(EventRow {
                event_id,
                actors: event.actors.iter().filter_map(|slug| Some(ids.actor(slug)?.0)).collect(),
                topics: event.topics.iter().filter_map(|slug| ids.topic(slug)).collect(),
            });
        }
        Ok(())
    }

    fn push_events(&self, batch: &mut QueryBuilder<Sqlite>, facts: &Facts) {
        for chunk in self.new_events.chunks(BATCH_ROWS) {
            batch.push("INSERT INTO events (id, slug, date_start, date_end, precision, title, kind, principal) ");
            batch.push_values(chunk, |mut row, (id, slug, i)| {
                let event: &EventFact = &facts.events[*i];
                row.push_bind(*id)
                    .push_bind(slug)
                    .push_bind(event.start.to_string())
                    .push_bind(event.end.to_string())
                    .push_bind(event.precision.as_str())
                    .push_bind(&event.title)
                    .push_bind(&event.kind)
                    .push_bind(event.actors.first());
            });
            batch.push(";");
        }
        let sources: Vec<(&EventRow, &EventFact)> = self.events.iter().zip(&facts.events).collect();
        for chunk in sources.chunks(BATCH_ROWS) {
            batch.push(
                "INSERT OR IGNORE INTO event_sources (event_id, article_id, sentence_idx, start, end, title, rule, confidence) ",
            );
            batch.push_values(chunk, |mut row, (planned, event)| {
                row.push_bind(planned.event_id)
                    .push_bind(self.article_id)
                    .push_bind(event.sentence as i64)
                    .push_bind(event.span.start as i64)
                    .push_bind(event.span.end as i64)
                    .push_bind(&event.title)
                    .push_bind(event.provenance.rule)
                    .push_bind(event.provenance.confidence);
            });
            batch.push(";");
        }
        let actors: Vec<(i64, i64)> = self
            .events
            .iter()
            .flat_map(|e| e.actors.iter().map(move |a| (e.event_id, *a)))
            .collect();
        for chunk in actors.chunks(BATCH_ROWS) {
            batch.push("INSERT OR IGNORE INTO event_actors (event_id, actor_id, article_id) ");
            batch.push_values(chunk, |mut row, (event_id, actor_id)| {
                row.push_bind(*event_id).push_bind(*actor_id).push_bind(self.article_id);
            });
            batch.push(";");
        }
        let topics: Vec<(i64, i64)> = self
            .events
            .iter()
            .flat_map(|e| e.topics.iter().map(move |t| (e.event_id, *t)))
            .collect();
        for chunk in topics.chunks(BATCH_ROWS) {
            batch.push("INSERT OR IGNORE INTO event_topics (event_id, topic_id, article_id) ");
            batch.push_values(chunk, |mut row, (event_id, topic_id)| {
                row.push_bind(*event_id).push_bind(*topic_id).push_bind(self.article_id);
            });
            batch.push(";");
        }
    }
}

/// Reads every wording a speaker's statements have, once per import.
async fn load_speaker(tx: &mut Transaction<'static, Sqlite>, wordings: &mut Wordings, key: &str) -> sqlx::Result<()> {
    let rows: Vec<(i64, Option<NaiveDate>, i64, String)> = sqlx::query_as(
        "SELECT s.id, s.said_on, q.article_id, q.text FROM statements s JOIN quotes q ON q.statement_id = s.id
         WHERE s.speaker_key = ? ORDER BY q.id",
    )
    .bind(key)
    .fetch_all(&mut **tx)
    .await?;
    let mut speaker = SpeakerWordings::default();
    for (statement, said_on, article, text) in rows {
        let words = wordings.vocabulary.words(&text);
        speaker.add(said_on, Wording { statement, article, words });
    }
    *wordings.speaker_mut(key) = speaker;
    Ok(())
}

/// The statement (and the day it is dated) another article carries that `quote` is a wording
/// of: the closest match above the threshold, the earliest statement on a tie.
fn same_statement(
    speaker: Option<&SpeakerWordings>,
    speaker_key: &str,
    quote: &QuoteFact,
    words: &super::memory::Words,
    article_id: i64,
) -> Option<(i64, Option<NaiveDate>)> {
    let threshold = if speaker_key == UNNAMED { 0.6 } else { 0.5 };
    let mut best: Option<(f64, i64, Option<NaiveDate>)> = None;
    for (wording, said_on) in speaker?.near(quote.date, article_id) {
        let score = same_words(words, &wording.words, threshold);
        if score < threshold {
            continue;
        }
        let better = match best {
            None => true,
            Some((s, id, _)) => score > s || (score == s && wording.statement < id),
        };
        if better {
            best = Some((score, wording.statement, said_on));
        }
    }
    best.map(|(_, id, said_on)| (id, said_on))
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
}
