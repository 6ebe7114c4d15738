//! Actor mentions: gazetteer names and aliases (longest match, case-sensitive, accent-folded,
//! whole words), a person's surname once the full name has appeared, titles resolved through
//! dated roles ("the French president"), and unknown people introduced by a title or an
//! apposition, who become new actors.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use chrono::NaiveDate;

use crate::extract::words::{CLAUSE_STOPS, Haystack, WordRegex};
use crate::extract::{Mention, Provenance, Sentence, Span};
use crate::reference::{ActorEntry, ActorKind, Reference, Role, slugify};

/// Words that head a leader's title without naming the office ("the French leader").
const LEADER_OFFICES: &[&str] = &["President", "Prime Minister", "Chancellor"];

/// Capitalised words that start titles or sentences, never a person's name.
const NOT_NAME: &[&str] = &[
    "The", "A", "An", "President", "Prime", "Minister", "Secretary", "Chancellor", "Foreign",
    "Defence", "Defense", "General", "State", "Kremlin", "White", "House", "Ministry", "European",
    "Union", "Council", "Commission", "National", "Security", "Deputy", "Vice", "Special", "Envoy",
    "On", "In", "At", "But", "And", "He", "She", "They", "It", "This", "That", "Office", "Press",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Russian", "Ukrainian", "American", "British", "French", "German",
    "Bank", "Institute", "Ministry", "Department", "Party", "Committee", "Court", "Agency", "Army",
    "Forces", "Alliance", "Group", "Foundation", "Center", "Centre", "University", "College",
    "Parliament", "Assembly", "Republic", "Federation", "Coalition", "Central", "Royal",
];

struct Target {
    actor: usize,
    /// A bare surname, which only counts after the full name has appeared.
    surname_only: bool,
}

pub(crate) struct ActorMatcher {
    actors: Vec<ActorEntry>,
    names: AhoCorasick,
    targets: Vec<Target>,
    /// Lowercased name/alias → actor, to tell whether an introduced person is already known.
    known: HashMap<String, usize>,
    titles: Option<WordRegex>,
    qualifiers: HashMap<String, usize>,
    intro_title: WordRegex,
    intro_apposition: WordRegex,
    intro_of: WordRegex,
    /// "the prime minister": an office named without a country.
    bare_title: Option<WordRegex>,
}

/// What a sentence-level pass found: mentions and people the gazetteer lacks.
pub(crate) struct Found {
    pub mentions: Vec<Mention>,
    pub new_actors: Vec<ActorEntry>,
}

impl ActorMatcher {
    pub(crate) fn new(reference: &Reference) -> Self {
        let actors = reference.actors.clone();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        let mut seen = HashSet::new();
        let mut known = HashMap::new();
        for (i, a) in actors.iter().enumerate() {
            for name in std::iter::once(&a.name).chain(&a.aliases) {
                let folded = fold(name).0;
                known.insert(folded.to_lowercase(), i);
                if seen.insert(folded.clone()) {
                    patterns.push(folded);
                    targets.push(Target { actor: i, surname_only: false });
                }
            }
        }
        for (i, a) in actors.iter().enumerate().filter(|(_, a)| a.kind == ActorKind::Person) {
            if let Some(surname) = a.name.split_whitespace().last().map(|s| fold(s).0)
                && seen.insert(surname.clone())
            {
                patterns.push(surname);
                targets.push(Target { actor: i, surname_only: true });
            }
        }
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("gazetteer patterns build");
        let (titles, qualifiers) = title_regex(&actors);
        let bare_title = bare_title_regex(&actors);
        // Arabic and Dutch/German names carry lowercase particles ("Faisal bin Farhan").
        let name = r"[A-Z][\p{L}'’-]+(?:\s+(?:(?:bin|bint|ibn|al|van|von|der|de|da|di)\s+)?[A-Z][\p{L}'’-]+){1,2}";
        let nouns = r"spokesperson|spokeswoman|spokesman|minister|secretary|adviser|advisor|envoy|ambassador|aide|commander|analyst|director|researcher|fellow|professor|expert|lawmaker|senator|mayor|governor|chairman|chairwoman|negotiator|economist|general|historian|scholar|strategist|planner|officer|official|diplomat|head|chief|leader|politician";
        // Lowercase words that may qualify a title ("White House press secretary").
        let modifiers = "press|foreign|deputy|senior|chief|former|top|national|security|defen[cs]e|policy|military|special|presidential|prime|first|economy|finance|interior";
        // `\b(...)`, as is `intro_of`.
        let intro_title = WordRegex::opening(&format!(
            r"((?:(?:[A-Z][\p{{L}}.'’-]*|{modifiers})\s+){{0,4}}?(?i:{nouns}))\s+(?:(?:Prince|Princess|Sheikh|Sir|Dame)\s+)?({name})"
        ))
        .expect("static regex");
        // A name, a comma and a title: letters, spaces and `.'’-`, no other clause punctuation.
        let no_comma: Vec<char> = CLAUSE_STOPS.iter().copied().filter(|&c| c != ',').collect();
        let intro_apposition = WordRegex::clauses(
            &format!(r"\b({name}),\s+(?:a|an|the)\s+((?:[\p{{L}}.-]+\s+){{0,5}}?(?:{nouns}))\b"),
            &no_comma,
        )
        .expect("static regex");
        let intro_of = WordRegex::opening(&format!(
            r"({name})\s+of\s+the\s+((?:[A-Z][\p{{L}}'’-]*)(?:\s+(?:for|of|and|on|[A-Z][\p{{L}}'’-]*))*)"
        ))
        .expect("static regex");
        ActorMatcher {
            actors,
            names,
            targets,
            known,
            titles,
            qualifiers,
            intro_title,
            intro_apposition,
            intro_of,
            bare_title,
        }
    }

    /// Whether `phrase` is exactly a known actor's name or alias, in any case.
    pub(crate) fn is_name(&self, phrase: &str) -> bool {
        self.known.contains_key(&fold(phrase.trim()).0.to_lowercase())
    }

    pub(crate) fn actor(&self, slug: &str) -> Option<&ActorEntry> {
        self.actors.iter().find(|a| a.slug == slug)
    }

    /// Finds every actor mention of `text`, sorted by position.
    pub(crate) fn find(&self, text: &str, sentences: &[Sentence], published: Option<NaiveDate>) -> Found {
        // A mention lies within one sentence: words broken by a paragraph break ("the French\n
        // President") or by the cut of a runaway sentence name nobody.
        let sentence_of = |span: Span| {
            let i = sentences.iter().position(|s| span.start < s.span.end)?;
            let s = sentences[i].span;
            (s.start <= span.start && span.end <= s.end).then_some(i)
        };
        let mut mentions = self.gazetteer_mentions(text, &sentence_of);
        let hay = Haystack::new(text);
        self.title_mentions(&hay, published, &sentence_of, &mut mentions);
        mentions.sort_by_key(|m| m.span.start);
        self.bare_title_mentions(&hay, published, &sentence_of, &mut mentions);
        let new_actors = self.introduced(&hay, &mentions, &sentence_of);
        for actor in &new_actors {
            new_actor_mentions(text, actor, &sentence_of, &mut mentions);
        }
        mentions.sort_by_key(|m| m.span.start);
        Found { mentions, new_actors }
    }

    fn gazetteer_mentions(&self, text: &str, sentence_of: &dyn Fn(Span) -> Option<usize>) -> Vec<Mention> {
        let (folded, map) = fold(text);
        let mut seen: HashSet<usize> = HashSet::new();
        let mut out = Vec::new();
        for m in self.names.find_iter(&folded) {
            if !whole_word(&folded, m.start(), m.end()) {
                continue;
            }
            let target = &self.targets[m.pattern().as_usize()];
            if target.surname_only && !seen.contains(&target.actor) {
                continue;
            }
            seen.insert(target.actor);
            let span = Span { start: map[m.start()], end: map[m.end()] };
            let Some(sentence) = sentence_of(span) else { continue };
            let rule = if target.surname_only { "actor.surname" } else { "actor.name" };
            out.push(Mention {
                actor: self.actors[target.actor].slug.clone(),
                span,
                sentence,
                provenance: Provenance { rule, confidence: if target.surname_only { 0.85 } else { 0.95 } },
            });
        }
        out
    }

    /// "the UK Prime Minister", "German Chancellor": the holder of the office on `published`.
    fn title_mentions(
        &self,
        hay: &Haystack<'_>,
        published: Option<NaiveDate>,
        sentence_of: &dyn Fn(Span) -> Option<usize>,
        mentions: &mut Vec<Mention>,
    ) {
        let Some(re) = &self.titles else { return };
        let text = hay.text();
        for caps in re.captures_all(hay) {
            let (Some(whole), Some(qual), Some(title)) = (caps.get(0), caps.get(1), caps.get(2)) else {
                continue;
            };
            // "French President Emmanuel Macron": the name that follows is the mention.
            let rest = text[whole.end..].trim_start_matches(' ');
            if rest.starts_with(|c: char| c.is_uppercase()) {
                continue;
            }
            let span = whole;
            let Some(sentence) = sentence_of(span) else { continue };
            let Some(&q) = self.qualifiers.get(&text[qual.start..qual.end]) else { continue };
            let Some(holder) = self.office_holder(q, &text[title.start..title.end], published) else { continue };
            mentions.retain(|m| !(m.span.start >= whole.start && m.span.end <= whole.end));
            mentions.push(Mention {
                actor: self.actors[holder].slug.clone(),
                span,
                sentence,
                provenance: Provenance { rule: "actor.title", confidence: 0.8 },
            });
        }
    }

    /// "the prime minister" with no country: wire copy uses it for a holder of that office the
    /// story has already named, so it points back to the nearest such person (`mentions` sorted).
    fn bare_title_mentions(
        &self,
        hay: &Haystack<'_>,
        published: Option<NaiveDate>,
        sentence_of: &dyn Fn(Span) -> Option<usize>,
        mentions: &mut Vec<Mention>,
    ) {
        let Some(re) = &self.bare_title else { return };
        let text = hay.text();
        let mut found = Vec::new();
        for caps in re.captures_all(hay) {
            let (Some(whole), Some(title)) = (caps.get(0), caps.get(1)) else { continue };
            let rest = text[whole.end..].trim_start_matches(' ');
            let covered = mentions.iter().any(|m| m.span.start < whole.end && whole.start < m.span.end);
            let span = whole;
            let Some(sentence) = sentence_of(span) else { continue };
            if covered || rest.starts_with(|c: char| c.is_uppercase()) {
                continue;
            }
            let holds = |slug: &str| {
                self.actor(slug).is_some_and(|a| {
                    a.roles.iter().any(|r| {
                        r.title.eq_ignore_ascii_case(&text[title.start..title.end]) && published.is_none_or(|d| r.held_on(d))
                    })
                })
            };
            let Some(antecedent) = mentions.iter().rev().find(|m| m.span.end <= whole.start && holds(&m.actor)) else {
                continue;
            };
            found.push(Mention {
                actor: antecedent.actor.clone(),
                span,
                sentence,
                provenance: Provenance { rule: "actor.bare_title", confidence: 0.7 },
            });
        }
        mentions.extend(found);
    }

    fn office_holder(&self, qualifier: usize, title: &str, published: Option<NaiveDate>) -> Option<usize> {
        let q = &self.actors[qualifier];
        let fits = |role: &Role| {
            let of_ok = role.of.as_deref().is_some_and(|of| of == q.slug || Some(of) == q.country.as_deref());
            let when_ok = published.map_or(role.to.is_none(), |d| role.held_on(d));
            of_ok && when_ok
        };
        let offices: Vec<&str> = if title.eq_ignore_ascii_case("leader") {
            LEADER_OFFICES.to_vec()
        } else {
            vec![title]
        };
        offices.iter().find_map(|office| {
            self.actors.iter().position(|a| {
                a.kind == ActorKind::Person
                    && a.roles.iter().any(|r| r.title.eq_ignore_ascii_case(office) && fits(r))
            })
        })
    }

    /// People the gazetteer lacks, introduced as "Kremlin spokesperson Dmitry Peskov",
    /// "Ed Arnold, a former British military planner" or "X of the Foundation for ...".
    fn introduced(
        &self,
        hay: &Haystack<'_>,
        mentions: &[Mention],
        sentence_of: &dyn Fn(Span) -> Option<usize>,
    ) -> Vec<ActorEntry> {
        let mut out: Vec<ActorEntry> = Vec::new();
        let mut add = |name: &str, name_at: usize, title: &str| {
            let name = name.trim();
            let overlaps = mentions.iter().any(|m| m.span.start < name_at + name.len() && name_at < m.span.end);
            let split = sentence_of(Span { start: name_at, end: name_at + name.len() }).is_none();
            if overlaps || split || !plausible_name(name) || self.known.contains_key(&fold(name).0.to_lowercase()) {
                return;
            }
            let slug = slugify(name);
            if out.iter().any(|a| a.slug == slug) {
                return;
            }
            out.push(ActorEntry {
                slug,
                name: name.to_string(),
                kind: ActorKind::Person,
                country: None,
                aliases: Vec::new(),
                demonyms: Vec::new(),
                roles: vec![Role { title: tidy_title(title), of: None, from: None, to: None }],
            });
        };
        let text = hay.text();
        let at = |s: Span| &text[s.start..s.end];
        for caps in self.intro_title.captures_all(hay) {
            if let (Some(t), Some(n)) = (caps.get(1), caps.get(2)) {
                add(at(n), n.start, at(t));
            }
        }
        for caps in self.intro_apposition.captures_all(hay) {
            if let (Some(n), Some(t)) = (caps.get(1), caps.get(2)) {
                add(at(n), n.start, at(t));
            }
        }
        for caps in self.intro_of.captures_all(hay) {
            if let (Some(n), Some(org)) = (caps.get(1), caps.get(2)) {
                add(at(n), n.start, &format!("of the {}", at(org).trim()));
            }
        }
        out
    }
}

/// Builds "(the) QUALIFIER('s) TITLE" over demonyms and names of countries and organisations,
/// and the role titles of the gazetteer's people.
fn title_regex(actors: &[ActorEntry]) -> (Option<WordRegex>, HashMap<String, usize>) {
    let mut qualifiers = HashMap::new();
    for (i, a) in actors.iter().enumerate().filter(|(_, a)| a.kind != ActorKind::Person) {
        for q in std::iter::once(&a.name).chain(&a.aliases).chain(&a.demonyms) {
            if !q.starts_with("the ") {
                qualifiers.entry(q.clone()).or_insert(i);
            }
        }
    }
    let mut titles: Vec<String> = actors
        .iter()
        .flat_map(|a| a.roles.iter().map(|r| r.title.clone()))
        .chain(std::iter::once("leader".to_string()))
        .collect();
    titles.sort_by_key(|t| std::cmp::Reverse(t.len()));
    titles.dedup();
    let mut quals: Vec<&String> = qualifiers.keys().collect();
    quals.sort_by_key(|q| std::cmp::Reverse(q.len()));
    if quals.is_empty() {
        return (None, qualifiers);
    }
    let alt = |items: &[&String]| items.iter().map(|s| regex::escape(s)).collect::<Vec<_>>().join("|");
    let title_refs: Vec<&String> = titles.iter().collect();
    let src = format!(
        r"\b(?:[Tt]he\s+)?({})(?:'s|’s)?\s+(?i:({}))\b",
        alt(&quals),
        alt(&title_refs)
    );
    let names: Vec<&str> = quals.iter().map(|q| q.as_str()).collect();
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    (gazetteer_regex(&src, &names, &titles), qualifiers)
}

/// "the TITLE" over the role titles of the gazetteer's people.
fn bare_title_regex(actors: &[ActorEntry]) -> Option<WordRegex> {
    let mut titles: Vec<String> = actors.iter().flat_map(|a| a.roles.iter().map(|r| regex::escape(&r.title))).collect();
    titles.sort_by_key(|t| std::cmp::Reverse(t.len()));
    titles.dedup();
    if titles.is_empty() {
        return None;
    }
    let src = format!(r"\b[Tt]he\s+(?i:({}))\b", titles.join("|"));
    let titles: Vec<&str> = actors.iter().flat_map(|a| a.roles.iter().map(|r| r.title.as_str())).collect();
    gazetteer_regex(&src, &[], &titles)
}

/// A pattern of ASCII words, gazetteer `names` as written and role `titles` in any case. The
/// names' letters are known; the case variants of a title's are not, so such titles make it a
/// pattern that cannot match across the clause punctuation none of them holds.
fn gazetteer_regex(pattern: &str, names: &[&str], titles: &[&str]) -> Option<WordRegex> {
    let no_mask = |w: &&str| !w.contains('_');
    if titles.iter().all(|t| t.is_ascii()) && titles.iter().chain(names).all(no_mask) {
        let letters: Vec<char> = names.iter().flat_map(|n| n.chars()).filter(|c| !c.is_ascii()).collect();
        return WordRegex::words_and(pattern, &letters).ok();
    }
    let words = || titles.iter().chain(names);
    let stops: Vec<char> = CLAUSE_STOPS.iter().copied().filter(|&c| !words().any(|w| w.contains(c))).collect();
    WordRegex::clauses(pattern, &stops).ok()
}

fn plausible_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words.iter().all(|w| !NOT_NAME.contains(&w.trim_end_matches(['\'', '’', 's'])) && !NOT_NAME.contains(w))
        && words.iter().all(|w| w.chars().skip(1).any(char::is_lowercase))
}

/// "Kremlin spokesperson" → "Kremlin spokesperson"; "a former British military planner" →
/// "Former British military planner".
fn tidy_title(title: &str) -> String {
    let t = title.trim();
    let mut chars = t.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Mentions of a new actor: the full name everywhere, the surname after the first full name.
fn new_actor_mentions(text: &str, actor: &ActorEntry, sentence_of: &dyn Fn(Span) -> Option<usize>, out: &mut Vec<Mention>) {
    let Some(first) = find_word(text, &actor.name, 0) else { return };
    let surname = actor.name.split_whitespace().last().unwrap_or(&actor.name);
    let mut push = |start: usize, len: usize, rule: &'static str| {
        let span = Span { start, end: start + len };
        let Some(sentence) = sentence_of(span) else { return };
        if out.iter().any(|m| m.span.start < span.end && start < m.span.end) {
            return;
        }
        out.push(Mention {
            actor: actor.slug.clone(),
            span,
            sentence,
            provenance: Provenance { rule, confidence: 0.75 },
        });
    };
    push(first, actor.name.len(), "actor.introduced");
    let mut at = first + actor.name.len();
    while let Some(pos) = find_word(text, surname, at) {
        push(pos, surname.len(), "actor.surname");
        at = pos + surname.len();
    }
}

fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(rel) = text.get(at..)?.find(word) {
        let pos = at + rel;
        if whole_word(text, pos, pos + word.len()) {
            return Some(pos);
        }
        at = pos + word.len();
    }
    None
}

/// Whether `text[start..end]` is not glued to letters or digits on either side.
pub(crate) fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Folds accents and the typographic apostrophe, returning the folded text and, for each of its
/// byte offsets (plus the end), the offset in `text`.
pub(crate) fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let before = out.len();
        match crate::reference::fold_char(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
        map.extend(std::iter::repeat_n(i, out.len() - before));
    }
    map.push(text.len());
    (out, map)
}

