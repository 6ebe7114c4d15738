//! Extraction: pure functions from an article's cleaned text and the reference data to facts.
//!
//! No I/O happens here. Every fact carries the byte span (`start..end`, on char boundaries) of
//! the text it came from, the index of its sentence, the rule that produced it and a confidence,
//! so that pages can anchor it and `entente explain` can say why it exists.

mod actors;
pub(crate) mod dates;
mod events;
mod quotes;
mod sentences;
mod topics;
mod words;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

use crate::reference::{ActorEntry, ActorKind, Reference};

/// What `extract` reads: the cleaned body of one article.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub text: &'a str,
    /// Publication date; relative dates stay unresolved without it.
    pub published: Option<NaiveDate>,
    pub title: Option<&'a str>,
}

/// A byte range of `Input::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Week,
    Month,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// Why a fact exists: the rule's name and how sure it is (0..=1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub rule: &'static str,
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub span: Span,
}

/// A date expression and, when it could be resolved, the days it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateFact {
    pub span: Span,
    pub sentence: usize,
    /// `None` when the expression is relative and the article is undated, or unresolvable.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub precision: Precision,
    pub provenance: Provenance,
}

/// A mention of an actor: a gazetteer slug, or the slug of a `NewActor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub actor: String,
    pub span: Span,
    pub sentence: usize,
    pub provenance: Provenance,
}

/// Who said a quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Speaker {
    /// A known actor, by slug.
    Actor(String),
    /// An unnamed source, kept as its description ("a senior EU official").
    Unnamed(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteFact {
    /// The quoted words, without the quote marks.
    pub text: String,
    /// Span of the quoted words (inside the marks). A split quote has its first part here.
    pub span: Span,
    pub sentence: usize,
    pub speaker: Option<Speaker>,
    /// How the text named the speaker ("the EU diplomat", "he"), when it did.
    pub speaker_text: Option<String>,
    /// For a nested report ("a diplomat quoted Macron saying"), the one who relayed it.
    pub reported_by: Option<Speaker>,
    /// The day the words were said, when the text gives it; else the publication date.
    pub date: Option<NaiveDate>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicHit {
    pub topic: String,
    /// How many keyword matches support it.
    pub hits: usize,
}

/// A dated happening reported by the article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventFact {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub precision: Precision,
    /// One line, e.g. "Macron briefs EU leaders by video conference".
    pub title: String,
    /// PLOVER event type (CONSULT, AGREE, ...), when known.
    pub kind: Option<String>,
    /// People first, in text order; the first actor is the one the event is mainly about.
    pub actors: Vec<String>,
    pub topics: Vec<String>,
    pub sentence: usize,
    pub span: Span,
    pub provenance: Provenance,
}

/// Everything extracted from one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    pub sentences: Vec<Sentence>,
    pub dates: Vec<DateFact>,
    pub mentions: Vec<Mention>,
    pub quotes: Vec<QuoteFact>,
    pub topics: Vec<TopicHit>,
    pub events: Vec<EventFact>,
    /// Actors the gazetteer lacks, introduced by a title in the text.
    pub new_actors: Vec<ActorEntry>,
}

/// The stages one at a time, for the benchmarks in `benches/extract.rs`: each stage is given
/// what the earlier ones found, so that its own cost is measured, and returns how many facts
/// it found so that the work is not optimised away.
#[doc(hidden)]
pub struct StageBench<'a> {
    extractor: &'a Extractor,
    text: &'a str,
    published: Option<NaiveDate>,
    sentences: Vec<Sentence>,
    dates: Vec<DateFact>,
    mentions: Vec<Mention>,
}

impl<'a> StageBench<'a> {
    pub fn new(extractor: &'a Extractor, text: &'a str, published: Option<NaiveDate>) -> Self {
        let sentences = sentences::split(text);
        let dates = extractor.dates.find(text, &sentences, published);
        let mentions = extractor.actors.find(text, &sentences, published).mentions;
        StageBench { extractor, text, published, sentences, dates, mentions }
    }

    pub fn sentences(&self) -> usize {
        sentences::split(self.text).len()
    }

    pub fn dates(&self) -> usize {
        self.extractor.dates.find(self.text, &self.sentences, self.published).len()
    }

    pub fn actors(&self) -> usize {
        self.extractor.actors.find(self.text, &self.sentences, self.published).mentions.len()
    }

    pub fn quotes(&self) -> usize {
        let is_person = |slug: &str| self.extractor.actors.actor(slug).is_some_and(|a| a.kind == ActorKind::Person);
        let is_name = |phrase: &str| self.extractor.actors.is_name(phrase);
        self.extractor
            .quotes
            .find(&quotes::Context {
                text: self.text,
                sentences: &self.sentences,
                mentions: &self.mentions,
                dates: &self.dates,
                published: self.published,
                is_person: &is_person,
                is_name: &is_name,
            })
            .len()
    }
}

/// The compiled reference data (matchers built once), reused for every article of an import.
pub struct Extractor {
    dates: dates::DateFinder,
    actors: actors::ActorMatcher,
    quotes: quotes::QuoteFinder,
    topics: topics::TopicMatcher,
    events: events::EventFinder,
}

impl Extractor {
    pub fn new(reference: &Reference) -> Self {
        Extractor {
            dates: dates::DateFinder::new(),
            actors: actors::ActorMatcher::new(reference),
            quotes: quotes::QuoteFinder::new(),
            topics: topics::TopicMatcher::new(reference),
            events: events::EventFinder::new(),
        }
    }

    /// Extracts all facts from one article.
    pub fn extract(&self, input: Input<'_>) -> Facts {
        let text = input.text;
        let sentences = sentences::split(text);
        let dates = self.dates.find(text, &sentences, input.published);
        let found = self.actors.find(text, &sentences, input.published);
        let new_actors = found.new_actors;
        let mentions = found.mentions;
        let is_person = |slug: &str| {
            new_actors.iter().any(|a| a.slug == slug)
                || self.actors.actor(slug).is_some_and(|a| a.kind == ActorKind::Person)
        };
        let is_name = |phrase: &str| self.actors.is_name(phrase);
        let quotes = self.quotes.find(&quotes::Context {
            text,
            sentences: &sentences,
            mentions: &mentions,
            dates: &dates,
            published: input.published,
            is_person: &is_person,
            is_name: &is_name,
        });
        let short_name = |slug: &str| {
            let entry = new_actors.iter().find(|a| a.slug == slug).or_else(|| self.actors.actor(slug));
            match entry {
                Some(a) if a.kind == ActorKind::Person => {
                    a.name.split_whitespace().last().unwrap_or(&a.name).to_string()
                }
                Some(a) => a.name.clone(),
                None => slug.to_string(),
            }
        };
        let sentence_topics = |s: &str| self.topics.sentence_topics(s);
        let regions = quotes::regions(text);
        let events = self.events.find(&events::Context {
            text,
            sentences: &sentences,
            dates: &dates,
            mentions: &mentions,
            regions: &regions,
            published: input.published,
            is_person: &is_person,
            short_name: &short_name,
            topics: &sentence_topics,
        });
        let topics = self.topics.article_topics(text, input.title);
        Facts { sentences, dates, mentions, quotes, topics, events, new_actors }
    }
}
