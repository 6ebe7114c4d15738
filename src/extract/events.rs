//! Events: dated happenings. A sentence makes an event when it holds a resolved date (not in a
//! quote, not a publication note, not a vague "coming days") and a happening word (met, visit,
//! summit, agreed, ...) near it; a mere statement counts only when the date is attached to it
//! ("announced Thursday"). The lede's happening is dated to publication when it has no date.
//! Titles are "subject + verb + object" cut from the sentence; kinds follow PLOVER.

use std::cell::OnceCell;

use chrono::NaiveDate;
use regex::Regex;

use crate::extract::dates::{RULE_OFFSET, RULE_OFFSET_MAIN, RULE_VAGUE};
use crate::extract::quotes::Region;
use crate::extract::words::{Haystack, WordRegex};
use crate::extract::{DateFact, EventFact, Mention, Precision, Provenance, Sentence, Span};

/// Happening words and their PLOVER kind; `None` marks a plain statement.
const TRIGGERS: &[(&str, Option<&str>)] = &[
    (r"agreed|agree|signed|sign|signing|endorsed|reached (?:a|an) (?:deal|agreement)", Some("AGREE")),
    (r"rejected|refused|dismissed|denied|opposed|vetoed", Some("REJECT")),
    (r"accused|blamed|condemned|criticized|criticised|berated|scolded|rebuked|lambasted|clashed|lashed out|shouting match|(?:heated|public|bitter|angry|diplomatic|televised) (?:row|clash|spat)|row (?:between|with|over)", Some("ACCUSE")),
    (r"threatened|warned", Some("THREATEN")),
    (r"imposed|sanctioned", Some("SANCTION")),
    (r"urged|demanded|requested|called for|asked for", Some("REQUEST")),
    (r"pledged|promised|offered|backed|endorsed|welcomed", Some("SUPPORT")),
    (r"delivered|supplied|provided", Some("AID")),
    (r"deployed|deploy|mobilized|mobilised", Some("MOBILIZE")),
    (r"conceded|ceded|withdrew", Some("CONCEDE")),
    (r"coordinating|coordinated|cooperated|cooperate", Some("COOPERATE")),
    (r"met|meet|meets|meeting|talks|visited|visit|visits|travell?ed|travels|arrived|arrives|hosted|hosts|host|received|briefed|briefs|phoned|spoke with|spoke to|speak with|speak to|talk with|phone call|call with|summit|conference|videoconference|trip|discussed|gathered|convened|joined|join|joins|head to|heads to|attended|participated|wrapped up", Some("CONSULT")),
    (r"announced|announces|said|says|stated|declared|insisted|told|noted", None),
];

/// Words that may stand between a subject and its verb in a title ("Starmer will meet").
const AUX: &[&str] = &[
    "will", "is", "are", "was", "were", "set", "to", "scheduled", "expected", "due", "both",
    "also", "has", "have", "had", "would", "recently", "then", "later", "be", "going",
];

/// Where an event title's object stops.
const STOPS: &[&str] = &[
    " where ", " which ", " who ", " to discuss", " to follow", " after ", " following ",
    " without ", " but ", " feeling ", " saying ", " as ", " while ", " amid ", " because ",
    " despite ", " that ", " to report", " to present", " to outline", " in order to",
];

pub(crate) struct EventFinder {
    triggers: Vec<(WordRegex, Option<&'static str>)>,
    publication_note: WordRegex,
    dateline: Regex,
}

/// Everything the event stage reads.
pub(crate) struct Context<'a> {
    pub text: &'a str,
    pub sentences: &'a [Sentence],
    pub dates: &'a [DateFact],
    pub mentions: &'a [Mention],
    pub regions: &'a [Region],
    pub published: Option<NaiveDate>,
    pub is_person: &'a dyn Fn(&str) -> bool,
    pub short_name: &'a dyn Fn(&str) -> String,
    pub topics: &'a dyn Fn(&str) -> Vec<String>,
}

struct Trigger {
    span: Span,
    kind: Option<&'static str>,
}

impl EventFinder {
    pub(crate) fn new() -> Self {
        let triggers = TRIGGERS
            .iter()
            .map(|(words, kind)| (WordRegex::words(&format!(r"\b(?:{words})\b")).expect("static trigger regex"), *kind))
            .collect();
        let publication_note = WordRegex::words(r"(?i)\b(?:reported|wrote|published|reports|writes|said in a report)\s+(?:on\s+)?$")
            .expect("static regex");
        // "WASHINGTON, Feb 28 (Reuters) -" dates the story, not a happening.
        let dateline = Regex::new(r"^\s*\([A-Za-z][\w ]*\)\s*[-–—]").expect("static regex");
        EventFinder { triggers, publication_note, dateline }
    }

    pub(crate) fn find(&self, ctx: &Context<'_>) -> Vec<EventFact> {
        let mut out: Vec<EventFact> = Vec::new();
        for (idx, s) in ctx.sentences.iter().enumerate() {
            // A dozen searches, needed only by a sentence with a date, a follow-up or the lede.
            let found = OnceCell::new();
            let triggers = || found.get_or_init(|| self.triggers_in(ctx, s.span)).as_slice();
            let dates: Vec<&DateFact> = ctx.dates.iter().filter(|d| d.sentence == idx).collect();
            for date in dates.iter().filter(|d| self.eligible(ctx, d)) {
                let Some(trigger) = pick_trigger(triggers(), date, s.span, ctx.text) else { continue };
                let (Some(start), Some(end)) = (date.start, date.end) else { continue };
                push(&mut out, build(ctx, idx, trigger, When { start, end, precision: date.precision, rule: "event.dated", confidence: 0.8 }));
            }
            if dates.is_empty() {
                absorb_follow_up(ctx, idx, triggers, &mut out);
            }
            let lede = Some(idx) == lede_sentence(ctx) && dates.is_empty();
            if lede && let (Some(p), Some(t)) = (ctx.published, triggers().iter().find(|t| t.kind.is_some())) {
                let has_actor = ctx.mentions.iter().any(|m| m.sentence == idx);
                if has_actor {
                    push(&mut out, build(ctx, idx, t, When { start: p, end: p, precision: Precision::Day, rule: "event.lede", confidence: 0.5 }));
                }
            }
        }
        out
    }

    fn triggers_in(&self, ctx: &Context<'_>, span: Span) -> Vec<Trigger> {
        let body = &ctx.text[span.start..span.end];
        let mut out: Vec<Trigger> = Vec::new();
        let hay = Haystack::new(body);
        for (re, kind) in &self.triggers {
            for m in re.find_all(&hay) {
                let t = Span { start: span.start + m.start, end: span.start + m.end };
                let quoted = ctx.regions.iter().any(|r| t.start >= r.outer.start && t.end <= r.outer.end);
                if !quoted && !out.iter().any(|o| o.span.start < t.end && t.start < o.span.end) {
                    out.push(Trigger { span: t, kind: *kind });
                }
            }
        }
        out
    }

    /// A date that can carry an event: resolved, outside quotes, not vague, not "reported on".
    fn eligible(&self, ctx: &Context<'_>, d: &DateFact) -> bool {
        let quoted = ctx.regions.iter().any(|r| d.span.start >= r.outer.start && d.span.end <= r.outer.end);
        let sent_start = ctx.sentences.get(d.sentence).map_or(0, |s| s.span.start);
        let before = &ctx.text[sent_start..d.span.start];
        let after = &ctx.text[d.span.end..];
        d.start.is_some()
            && !quoted
            && d.provenance.rule != RULE_VAGUE
            && !self.publication_note.is_match(&Haystack::new(before))
            && !self.dateline.is_match(after)
    }
}

/// An undated sentence right after an event that tells the same kind of happening ("They
/// signed a deal on Wednesday. The document was signed by X and Y.") names who took part in it.
fn absorb_follow_up<'t>(ctx: &Context<'_>, idx: usize, triggers: impl FnOnce() -> &'t [Trigger], out: &mut [EventFact]) {
    let Some(prev) = out.last_mut().filter(|e| e.sentence + 1 == idx) else { return };
    if prev.kind.is_none() || !triggers().iter().any(|t| t.kind.is_some() && t.kind.map(str::to_string) == prev.kind) {
        return;
    }
    for m in ctx.mentions.iter().filter(|m| m.sentence == idx && (ctx.is_person)(&m.actor)) {
        if !prev.actors.contains(&m.actor) {
            prev.actors.push(m.actor.clone());
        }
    }
    prev.actors.sort_by_key(|a| !(ctx.is_person)(a));
}

/// The lede: the first sentence that ends like one (subheads and kickers do not).
fn lede_sentence(ctx: &Context<'_>) -> Option<usize> {
    ctx.sentences
        .iter()
        .take(3)
        .position(|s| ctx.text[s.span.start..s.span.end].ends_with(['.', '”', '"']))
}

/// The happening a date belongs to: a real happening nearest the date (after an offset phrase,
/// the happening it dates); else a statement verb the date is attached to.
fn pick_trigger<'t>(triggers: &'t [Trigger], date: &DateFact, sent: Span, text: &str) -> Option<&'t Trigger> {
    let opens_sentence = text[sent.start..date.span.start].trim().len() <= 3;
    // Nouns ("meeting") only when no verb happens; a comma between costs a clause, except the
    // one closing a fronted date ("On Wednesday morning, Macron held a video conference").
    let distance = |t: &Trigger| {
        let (a, b) = if t.span.start >= date.span.end { (date.span.end, t.span.start) } else { (t.span.end, date.span.start.max(t.span.end)) };
        let noun = is_noun(&text[t.span.start..t.span.end]);
        let between = &text[a..b];
        let between = if opens_sentence && a == date.span.end {
            between.trim_start().strip_prefix(',').unwrap_or(between)
        } else {
            between
        };
        let comma = between.contains(',');
        // English dates mostly follow their verb ("met ... on Friday"), so earlier verbs win.
        let later = t.span.start >= date.span.end;
        (comma, noun, later, b - a)
    };
    let offset = date.provenance.rule == RULE_OFFSET;
    let offset_main = date.provenance.rule == RULE_OFFSET_MAIN;
    // A noun ("talks") across a clause break is about something else.
    let happening = triggers
        .iter()
        .filter(|t| t.kind.is_some() && (!offset || t.span.start >= date.span.end))
        .filter(|t| !offset_main || t.span.end <= date.span.start)
        .filter(|t| !matches!(distance(t), (true, true, _, _)))
        .min_by_key(|t| distance(t));
    if happening.is_some() {
        return happening;
    }
    triggers
        .iter()
        .filter(|t| t.kind.is_none())
        .find(|t| opens_sentence || (t.span.end <= date.span.start && date.span.start - t.span.end <= 4))
}

/// When an event happened and why it is believed.
struct When {
    start: NaiveDate,
    end: NaiveDate,
    precision: Precision,
    rule: &'static str,
    confidence: f32,
}

fn build(ctx: &Context<'_>, sentence: usize, trigger: &Trigger, when: When) -> EventFact {
    let When { start, end, precision, rule, confidence } = when;
    let span = ctx.sentences[sentence].span;
    let mut actors: Vec<String> = Vec::new();
    for m in ctx.mentions.iter().filter(|m| m.sentence == sentence) {
        if !actors.contains(&m.actor) {
            actors.push(m.actor.clone());
        }
    }
    let (title, pronoun_subject) = title(ctx, span, trigger);
    if pronoun_subject
        && let Some(m) = ctx.mentions.iter().rev().find(|m| m.span.end <= span.start && (ctx.is_person)(&m.actor))
        && !actors.contains(&m.actor)
    {
        actors.insert(0, m.actor.clone());
    }
    // People first, in text order: the first is who the event is mainly about, which is what
    // reports of the same happening from other outlets are matched on.
    actors.sort_by_key(|a| !(ctx.is_person)(a));
    EventFact {
        start,
        end,
        precision,
        title,
        kind: trigger.kind.map(str::to_string),
        actors,
        topics: (ctx.topics)(&ctx.text[span.start..span.end]),
        sentence,
        span,
        provenance: Provenance { rule, confidence },
    }
}

/// "Subject verb object": the actor before the trigger (or the clause's opening words), what
/// stands between them when short, the trigger and the words after it up to a clause break.
fn title(ctx: &Context<'_>, sent: Span, trigger: &Trigger) -> (String, bool) {
    let text = ctx.text;
    // After the mark, by its length: the dashes are three bytes each.
    let clause_start = text[sent.start..trigger.span.start]
        .char_indices()
        .rfind(|&(_, c)| matches!(c, ',' | ';' | '–' | '—'))
        .map_or(sent.start, |(i, c)| sent.start + i + c.len_utf8());
    let before: Vec<&Mention> = ctx
        .mentions
        .iter()
        .filter(|m| m.span.start >= sent.start && m.span.end <= trigger.span.start)
        .collect();
    let in_clause = before
        .iter()
        .filter(|m| m.span.start >= clause_start)
        .max_by_key(|m| ((ctx.is_person)(&m.actor), m.span.start));
    let object = object_words(ctx, sent, trigger);
    let noun = is_noun(&text[trigger.span.start..trigger.span.end]);
    let between = |m: &Mention| text[m.span.end..trigger.span.start].split_whitespace().count();
    let mut pronoun = false;
    let head = match in_clause {
        Some(m) if between(m) <= 8 => {
            let mid = &text[m.span.end..trigger.span.start];
            format!("{} {}", subject_name(ctx, &before, m), mid.trim())
        }
        _ if noun => {
            let nearest = before.iter().rev().find(|m| (ctx.is_person)(&m.actor));
            let persons = nearest.map_or_else(|| sentence_persons(ctx, sent), |m| subject_name(ctx, &before, m));
            format!("{} {}", persons, modifiers(&text[clause_start..trigger.span.start]))
        }
        _ => {
            let outside = before.iter().rev().find(|m| (ctx.is_person)(&m.actor));
            match outside {
                Some(m) => {
                    let aux: Vec<&str> = text[m.span.end..trigger.span.start]
                        .split_whitespace()
                        .rev()
                        .take_while(|w| AUX.contains(&w.to_lowercase().as_str()))
                        .collect();
                    let aux: Vec<&str> = aux.into_iter().rev().collect();
                    format!("{} {}", subject_name(ctx, &before, m), aux.join(" "))
                }
                None => {
                    let lead: Vec<&str> = text[clause_start..trigger.span.start].split_whitespace().collect();
                    pronoun = matches!(lead.first(), Some(&("He" | "She" | "he" | "she")));
                    lead.iter().rev().take(6).rev().copied().collect::<Vec<_>>().join(" ")
                }
            }
        }
    };
    let title = capitalise(&format!("{} {object}", head.trim()).split_whitespace().collect::<Vec<_>>().join(" "));
    (trim_title(&title), pronoun)
}

fn is_noun(trigger: &str) -> bool {
    matches!(trigger, "meeting" | "talks" | "summit" | "conference" | "videoconference" | "trip" | "visit")
}

/// A subject's short name, with a partner joined by "and" ("Starmer and Zelenskyy").
fn subject_name(ctx: &Context<'_>, before: &[&Mention], m: &Mention) -> String {
    // Persons by surname; places and bodies as the text names them ("Moscow").
    let short = |m: &Mention| {
        if (ctx.is_person)(&m.actor) {
            (ctx.short_name)(&m.actor)
        } else {
            ctx.text[m.span.start..m.span.end].to_string()
        }
    };
    let name = short(m);
    let partner = before.iter().rev().find(|p| p.span.end <= m.span.start);
    if let Some(p) = partner {
        let gap = ctx.text[p.span.end..m.span.start].trim();
        let joined = gap
            .strip_prefix("and")
            .is_some_and(|rest| rest.split_whitespace().all(|w| w.starts_with(char::is_uppercase)));
        if joined && p.actor != m.actor {
            return format!("{} and {name}", short(p));
        }
    }
    name
}

/// Up to two persons of the sentence ("Macron and Trump"), for a title built on a noun.
fn sentence_persons(ctx: &Context<'_>, sent: Span) -> String {
    let mut names: Vec<String> = Vec::new();
    for m in ctx.mentions.iter().filter(|m| m.span.start >= sent.start && m.span.end <= sent.end) {
        let name = (ctx.short_name)(&m.actor);
        if (ctx.is_person)(&m.actor) && !names.contains(&name) && names.len() < 2 {
            names.push(name);
        }
    }
    names.join(" and ")
}

/// The words that qualify a noun trigger ("cabinet" in "his cabinet meeting").
fn modifiers(lead: &str) -> String {
    let words: Vec<&str> = lead
        .split_whitespace()
        .rev()
        .take_while(|w| !FUNCTION_WORDS.contains(&w.to_lowercase().as_str()) && !w.ends_with(','))
        .take(3)
        .collect();
    words.into_iter().rev().collect::<Vec<_>>().join(" ")
}

/// Words that neither start nor end a title well.
const FUNCTION_WORDS: &[&str] = &[
    "on", "in", "at", "for", "to", "of", "from", "by", "the", "a", "an", "and", "with", "during",
    "his", "her", "their", "its", "after", "before", "following", "both", "that", "would", "will",
];

fn object_words(ctx: &Context<'_>, sent: Span, trigger: &Trigger) -> String {
    let next_date = ctx
        .dates
        .iter()
        .filter(|d| d.span.start >= trigger.span.end && d.span.start < sent.end)
        .map(|d| d.span.start)
        .min()
        .unwrap_or(sent.end);
    // A statement's date right after its verb ("said Tuesday") is skipped, as is "that".
    let statement = trigger.kind.is_none();
    let attached = ctx
        .dates
        .iter()
        .find(|d| statement && d.span.start >= trigger.span.end && d.span.start <= trigger.span.end + 4);
    let next_date = match attached {
        Some(d) => ctx
            .dates
            .iter()
            .filter(|n| n.span.start > d.span.start && n.span.start < sent.end)
            .map(|n| n.span.start)
            .min()
            .unwrap_or(sent.end),
        None => next_date,
    };
    let verb = &ctx.text[trigger.span.start..trigger.span.end];
    let body_start = attached.map_or(trigger.span.end, |d| d.span.end);
    let body = ctx.text[body_start..next_date.max(body_start)].trim_start();
    let body = if statement { body.strip_prefix("that ").unwrap_or(body) } else { body };
    let joined = format!("{verb} {body}");
    let mut rest = joined.as_str();
    // Periods inside a sentence belong to abbreviations ("U.S."), so they do not cut.
    for cut in [",", ";", ":", "—", " –", "“", "\"", "("] {
        if let Some(i) = rest.find(cut) {
            rest = &rest[..i];
        }
    }
    for stop in STOPS.iter().filter(|s| !(statement && **s == " that ")) {
        if let Some(i) = rest.find(stop).filter(|&i| i > 0) {
            rest = &rest[..i];
        }
    }
    let words: Vec<&str> = rest.split_whitespace().take(12).collect();
    words.join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// At most 90 characters, cut at a word, without trailing punctuation.
fn trim_title(title: &str) -> String {
    let mut out = String::new();
    for word in title.split_whitespace() {
        if out.len() + word.len() + 1 > 90 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let mut words: Vec<&str> = out.split_whitespace().collect();
    while words.last().is_some_and(|w| FUNCTION_WORDS.contains(&w.to_lowercase().as_str())) {
        words.pop();
    }
    words.join(" ").trim_end_matches(|c: char| c.is_ascii_punctuation() || c == '”').to_string()
}

fn push(out: &mut Vec<EventFact>, event: EventFact) {
    if !out.iter().any(|e| e.start == event.start && e.title == event.title) {
        out.push(event);
    }
}
