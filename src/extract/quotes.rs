//! Direct quotes and their speakers. Finds quoted stretches (curly, straight, guillemets, „“),
//! tells speech from scare quotes by the presence of a speech verb in the sentence, and reads
//! the speaker from the attribution after the quote ("..., the official said"), before it
//! ("X stated: ...", "according to X", "X quoted Y saying"), or from the previous quote when a
//! quote runs on without attribution. Pronouns and "the official" resolve backwards.

use chrono::NaiveDate;
use regex::Regex;

use crate::extract::words::{Haystack, WordRegex};
use crate::extract::{DateFact, Mention, Precision, Provenance, QuoteFact, Sentence, Span, Speaker};

pub(crate) struct QuoteFinder {
    verb: WordRegex,
    unnamed: WordRegex,
    unnamed_plural: WordRegex,
    pronoun: WordRegex,
    quoted_saying: WordRegex,
    scare: Regex,
    aside: WordRegex,
}

/// A quoted stretch: the span inside the marks and the span with them.
#[derive(Clone, Copy)]
pub(crate) struct Region {
    pub inner: Span,
    pub outer: Span,
}

/// Someone who could have said a quote, found at a position of the text.
#[derive(Clone)]
struct Slot {
    span: Span,
    speaker: Speaker,
    /// Persons, unnamed sources and pronouns speak; organisations and countries only by default.
    personal: bool,
}

/// Who said a quote, how the text named them, who relayed it, and by which rule.
struct Attribution {
    speaker: Option<Speaker>,
    text: Option<String>,
    relay: Option<Speaker>,
    rule: &'static str,
}

/// What the quote stage needs to know about the rest of the article.
pub(crate) struct Context<'a> {
    pub text: &'a str,
    pub sentences: &'a [Sentence],
    pub mentions: &'a [Mention],
    pub dates: &'a [DateFact],
    pub published: Option<NaiveDate>,
    /// Whether an actor slug is a person (gazetteer or new).
    pub is_person: &'a dyn Fn(&str) -> bool,
    /// Whether a short quoted phrase is the name of an actor ("Coalition of the Willing").
    pub is_name: &'a dyn Fn(&str) -> bool,
}

impl QuoteFinder {
    pub(crate) fn new() -> Self {
        let re = |s: &str| Regex::new(s).expect("static quote regex");
        // Letters only in `\w`, `.` and `[^,“”"]`, which match `_` as well.
        let words = |s: &str| WordRegex::words(s).expect("static quote regex");
        QuoteFinder {
            verb: words(r"\b(?:said|says|say|told|tells|stated|states|added|adds|noted|notes|wrote|writes|explained|insisted|insists|warned|warns|claimed|claims|announced|announces|argued|argues|emphasi[sz]ed|stressed|declared|asked|replied|answered|posted|tweeted|reported|reports|described|urged|acknowledged|admitted|suggested|remarked|commented|recalled|conceded|vowed|promised|predicted|cautioned|pointed to|pointed out|accused|accusing|called|calling|saying|adding|noting|writing|telling|insisting|arguing|warning|describing|stressing|according to|According to)\b"),
            unnamed: words(r"(?i)\b(?:a|an|one|the|another|two|three|four|five|several|some|other)\s+(?:(?:[\w.’'-]+\s+){0,3}?(?:official|diplomat|source|aide|spokesperson|spokesman|spokeswoman|insider|negotiator)s?|(?:people|persons|sources?)\s+(?:familiar with|briefed on|close to|with knowledge of)\s+(?:the\s+)?[\w-]+)\b"),
            unnamed_plural: words(r"\b(?:[A-Z][\w.-]*\s+)?(?:officials|diplomats|sources)\b"),
            pronoun: words(r"\b(?:[Hh]e|[Ss]he)\b"),
            quoted_saying: words(r"\bquoted\s*$|\bquoted\b.*\b(?:as\s+)?saying\b"),
            scare: re(r"(?i)(?:so-called|so called|dubbed|known as|termed|the term|the phrase|the word|labelled|labeled|branded)\s*$"),
            aside: words(r",\s+(?:who|which|whose|where|a|an|the|head|chief|director|former|deputy|leader|member|spokesman|spokeswoman|spokesperson|minister|secretary|adviser|advisor)\b[^,“”\x22]*,"),
        }
    }

    pub(crate) fn find(&self, ctx: &Context<'_>) -> Vec<QuoteFact> {
        let regions = regions(ctx.text);
        let slots = self.slots(ctx, &regions);
        let mut out: Vec<QuoteFact> = Vec::new();
        for (k, r) in regions.iter().enumerate() {
            // The sentence holding the opening mark: the windows before and after the quote are
            // measured from the marks. (A stray mark ending a sentence, `left."`, opens a quote
            // whose words all lie in the next one.)
            let Some(sentence) = ctx.sentences.iter().position(|s| r.outer.start < s.span.end) else { continue };
            let sent = ctx.sentences[sentence].span;
            let inner = &ctx.text[r.inner.start..r.inner.end];
            let before = &ctx.text[sent.start..r.outer.start];
            if inner.trim().is_empty() || self.scare.is_match(before) {
                continue;
            }
            let words = inner.split_whitespace().count();
            let short = words < 5 && !inner.trim_end().ends_with(['.', '!', '?']);
            if short && (ctx.is_name)(inner.trim_end_matches([',', '.'])) {
                continue;
            }
            let prev_end = regions[..k].iter().rev().find(|p| p.outer.end > sent.start).map(|p| p.outer.end);
            let pre = Span { start: prev_end.unwrap_or(sent.start).max(sent.start), end: r.outer.start };
            let next_start = regions.get(k + 1).map_or(sent.end, |n| n.outer.start.min(sent.end));
            let post = Span { start: r.outer.end.min(sent.end), end: next_start.max(r.outer.end.min(sent.end)) };
            let found = self.attribute(ctx, &slots, &regions, pre, post, sent);
            let opens = ctx.text[pre.start..pre.end].trim().is_empty();
            let speech = self.verb.is_match(&Haystack::new(&ctx.text[sent.start..sent.end]));
            let attribution = match found {
                Some(a) => a,
                None => {
                    // A quote opening its sentence with no attribution continues the previous one.
                    let prev = out.last().filter(|q| q.sentence + 2 >= sentence && opens && !short);
                    match prev {
                        Some(p) => Attribution {
                            speaker: p.speaker.clone(),
                            text: p.speaker_text.clone(),
                            relay: None,
                            rule: "quote.continued",
                        },
                        None if short && !speech => continue,
                        None => Attribution { speaker: None, text: None, relay: None, rule: "quote.unattributed" },
                    }
                }
            };
            let attribution = keep_speaker_for_pronoun(attribution, out.last(), sentence);
            let Attribution { speaker, text: speaker_text, relay: reported_by, rule } = attribution;
            let date = self.quote_date(ctx, &regions, sentence).or(ctx.published);
            out.push(QuoteFact {
                text: inner.to_string(),
                span: r.inner,
                sentence,
                speaker,
                speaker_text,
                reported_by,
                date,
                provenance: Provenance { rule, confidence: if rule == "quote.unattributed" { 0.5 } else { 0.85 } },
            });
        }
        out
    }

    /// Mentions, unnamed sources and pronouns outside quotes, sorted, with pronouns and
    /// "the official" already resolved to what they point back to.
    fn slots(&self, ctx: &Context<'_>, regions: &[Region]) -> Vec<Slot> {
        let outside = |s: Span| !regions.iter().any(|r| s.start >= r.outer.start && s.end <= r.outer.end);
        let mut slots: Vec<Slot> = ctx
            .mentions
            .iter()
            .filter(|m| outside(m.span))
            .map(|m| Slot { span: m.span, speaker: Speaker::Actor(m.actor.clone()), personal: (ctx.is_person)(&m.actor) })
            .collect();
        let mut unnamed: Vec<(Span, String)> = Vec::new();
        let hay = Haystack::new(ctx.text);
        for span in self.unnamed.find_all(&hay).into_iter().chain(self.unnamed_plural.find_all(&hay)) {
            let desc = &ctx.text[span.start..span.end];
            let overlaps = unnamed.iter().any(|(s, _)| s.start < span.end && span.start < s.end);
            if outside(span) && !overlaps && !desc.contains('\n') {
                unnamed.push((span, desc.to_string()));
            }
        }
        unnamed.sort_by_key(|u| u.0.start);
        for (i, (span, desc)) in unnamed.iter().enumerate() {
            let resolved = resolve_definite(desc, &unnamed[..i]);
            slots.retain(|s| !(s.span.start < span.end && span.start < s.span.end && !s.personal));
            slots.push(Slot { span: *span, speaker: Speaker::Unnamed(resolved), personal: true });
        }
        for span in self.pronoun.find_all(&hay) {
            if !outside(span) {
                continue;
            }
            let antecedent = slots
                .iter()
                .filter(|s| s.span.end <= span.start && matches!(&s.speaker, Speaker::Actor(a) if (ctx.is_person)(a)))
                .max_by_key(|s| s.span.start)
                .map(|s| s.speaker.clone());
            if let Some(speaker) = antecedent {
                slots.push(Slot { span, speaker, personal: true });
            }
        }
        slots.sort_by_key(|s| s.span.start);
        slots
    }

    /// Who the sentence says spoke, from the attribution around the quote.
    fn attribute(
        &self,
        ctx: &Context<'_>,
        slots: &[Slot],
        regions: &[Region],
        pre: Span,
        post: Span,
        sent: Span,
    ) -> Option<Attribution> {
        let text = ctx.text;
        let pre_text = &text[pre.start..pre.end];
        // "An EU diplomat quoted Macron saying, ...": the quoted one speaks, the other relays.
        if let Some(m) = self.quoted_saying.find(&Haystack::new(pre_text)) {
            let at = pre.start + m.start;
            let relay = slots.iter().rev().find(|s| s.span.end <= at && s.span.start >= pre.start && s.personal);
            let said = slots.iter().find(|s| s.span.start >= at && s.span.end <= pre.end && s.personal);
            if let Some(said) = said {
                return Some(Attribution {
                    speaker: Some(said.speaker.clone()),
                    text: Some(slot_text(text, said)),
                    relay: relay.map(|r| r.speaker.clone()),
                    rule: "quote.quoted_saying",
                });
            }
        }
        // A "Quote:" label hands the words to the subject of the previous sentence.
        if pre_text.trim_end().ends_with("Quote:") {
            let prev = ctx.sentences.iter().rev().find(|s| s.span.end <= sent.start)?;
            let subject = slots.iter().find(|s| s.personal && s.span.start >= prev.span.start && s.span.end <= prev.span.end)?;
            return Some(Attribution { speaker: Some(subject.speaker.clone()), text: Some(slot_text(text, subject)), relay: None, rule: "quote.label" });
        }
        let candidates = [
            self.after_quote(text, slots, post),
            self.before_quote(text, slots, pre),
            self.sentence_tail(text, slots, regions, sent),
        ];
        let pick = candidates
            .iter()
            .flatten()
            .find(|(s, _)| s.personal)
            .or_else(|| candidates.iter().flatten().next())?;
        Some(Attribution { speaker: Some(pick.0.speaker.clone()), text: Some(slot_text(text, &pick.0)), relay: None, rule: pick.1 })
    }

    /// "..., the EU diplomat said." / "..., said a senior EU official" right after the marks.
    fn after_quote(&self, text: &str, slots: &[Slot], post: Span) -> Option<(Slot, &'static str)> {
        let rest = &text[post.start..post.end];
        let skip = rest.len() - rest.trim_start_matches([',', '.', ' ', '\n']).len();
        let at = post.start + skip;
        if let Some(v) = self.verb.find(&Haystack::new(&text[at..post.end])).filter(|v| v.start == 0) {
            let after = at + v.end;
            return slots
                .iter()
                .find(|s| s.span.start >= after && s.span.start <= after + 1 && s.span.start < post.end)
                .map(|s| (s.clone(), "quote.said_x"));
        }
        let slot = slots.iter().find(|s| s.span.start >= at && s.span.start < post.end && titled_gap(&text[at..s.span.start]))?;
        self.verb_follows(text, slot.span.end, post.end).then(|| (slot.clone(), "quote.x_said"))
    }

    /// The speech verb nearest before the quote and its subject.
    fn before_quote(&self, text: &str, slots: &[Slot], pre: Span) -> Option<(Slot, &'static str)> {
        let masked = self.mask_asides(&text[pre.start..pre.end]);
        let masked_hay = Haystack::new(&masked);
        let Some(verb) = self.verb.find_all(&masked_hay).pop() else {
            return colon_subject(text, slots, pre);
        };
        let v_start = pre.start + verb.start;
        let v_end = pre.start + verb.end;
        let visible = |s: &&Slot| {
            s.span.start >= pre.start && s.span.end <= pre.end && masked.as_bytes()[s.span.start - pre.start] != b'_'
        };
        // "..., another diplomat said, while the second diplomat was cautious: ...": the colon's
        // own clause, after the verb's, holds the speaker.
        let colon_clause = masked.trim_end().ends_with(':').then(|| masked.rfind([',', ';'])).flatten();
        if let Some(c) = colon_clause.filter(|&c| c >= verb.end) {
            let clause = Span { start: pre.start + c + 1, end: pre.end };
            if let Some(found) = colon_subject(text, slots, clause) {
                return Some(found);
            }
        }
        let word = &masked[verb.start..verb.end];
        if word.eq_ignore_ascii_case("according to") {
            return slots.iter().find(|s| s.span.start >= v_end && s.span.start <= v_end + 1).map(|s| (s.clone(), "quote.according_to"));
        }
        let before: Vec<&Slot> = slots.iter().filter(visible).filter(|s| s.span.end <= v_start).collect();
        // "Putin turned to Trump and said: ...": a coordinated verb shares the clause's subject.
        let coordinated = masked[..verb.start].trim_end().ends_with(" and");
        let subject = if word.ends_with("ing") || coordinated {
            // "..., calling it ...": the subject of the main clause, its first actor.
            before.iter().find(|s| s.personal).or_else(|| before.first())
        } else {
            before.iter().rev().find(|s| s.personal).or_else(|| before.last())
        };
        match subject {
            Some(s) => Some(((*s).clone(), "quote.x_said_before")),
            // "said Macron: ..." with the speaker after the verb.
            None => slots
                .iter()
                .find(|s| s.span.start >= v_end && s.span.start <= v_end + 1)
                .map(|s| (s.clone(), "quote.said_x_before")),
        }
    }

    /// An attribution closing the sentence: "..., a French official said." or "according to X".
    fn sentence_tail(&self, text: &str, slots: &[Slot], regions: &[Region], sent: Span) -> Option<(Slot, &'static str)> {
        let body = &text[sent.start..sent.end];
        let comma = body.rfind(", ")? + 2;
        let at = sent.start + comma;
        if regions.iter().any(|r| at < r.outer.end && r.outer.start < sent.end && r.outer.start >= at) {
            return None;
        }
        let tail = &text[at..sent.end];
        if let Some(v) = self.verb.find(&Haystack::new(tail)).filter(|v| v.start == 0) {
            let after = at + v.end;
            return slots.iter().find(|s| s.span.start >= after && s.span.start <= after + 1).map(|s| (s.clone(), "quote.tail_said_x"));
        }
        let slot = slots.iter().find(|s| s.span.start >= at && s.span.start < sent.end && titled_gap(&text[at..s.span.start]))?;
        self.verb_follows(text, slot.span.end, sent.end).then(|| (slot.clone(), "quote.tail_x_said"))
    }

    /// Whether a speech verb (after at most one adverb) comes right after `at`.
    fn verb_follows(&self, text: &str, at: usize, end: usize) -> bool {
        let rest = &text[at..end.max(at)];
        let rest = rest.trim_start();
        let rest = match rest.split_once(' ') {
            Some((w, r)) if w.ends_with("ly") || matches!(w, "also" | "later" | "then" | "has" | "had" | "have") => r,
            _ => rest,
        };
        self.verb.find(&Haystack::new(rest)).is_some_and(|v| v.start == 0)
    }

    /// The day of the speech, when the sentence dates it outside its quotes and not in the
    /// future. A date in an aside (", who met Trump on Feb. 24,") dates something else.
    fn quote_date(&self, ctx: &Context<'_>, regions: &[Region], sentence: usize) -> Option<NaiveDate> {
        let sent = ctx.sentences.get(sentence)?.span;
        let asides: Vec<Span> = self
            .aside
            .find_all(&Haystack::new(&ctx.text[sent.start..sent.end]))
            .into_iter()
            .map(|m| Span { start: sent.start + m.start, end: sent.start + m.end })
            .collect();
        let within = |d: &DateFact, s: &Span| d.span.start >= s.start && d.span.end <= s.end;
        ctx.dates
            .iter()
            .filter(|d| d.sentence == sentence && d.precision == Precision::Day)
            .filter(|d| !regions.iter().any(|r| within(d, &r.outer)) && !asides.iter().any(|a| within(d, a)))
            .filter_map(|d| d.start)
            .find(|d| ctx.published.is_none_or(|p| *d <= p))
    }

    /// Blanks out relative clauses and appositions (", who ...,") so a verb's subject is found
    /// across them; keeps byte offsets.
    fn mask_asides(&self, text: &str) -> String {
        let mut masked = text.to_string();
        for m in self.aside.find_all(&Haystack::new(text)) {
            let fill = "_".repeat(m.end - m.start);
            masked.replace_range(m.start..m.end, &fill);
        }
        masked
    }
}

/// "..., he wrote." right after a sentence quoting someone: the pronoun continues that
/// speaker, who is the topic of the exchange, rather than whoever was named last (often the
/// person being talked about).
fn keep_speaker_for_pronoun(a: Attribution, prev: Option<&QuoteFact>, sentence: usize) -> Attribution {
    let pronoun = a.text.as_deref().is_some_and(|t| matches!(t, "he" | "He" | "she" | "She"));
    match prev.filter(|p| pronoun && p.sentence + 1 == sentence && p.speaker.is_some()) {
        Some(p) => Attribution { speaker: p.speaker.clone(), text: p.speaker_text.clone(), rule: "quote.pronoun_continued", ..a },
        None => a,
    }
}

/// "The French president repeated his line: ...": a colon introduces speech even without a
/// speech verb, and the speaker is the clause's subject, its first person.
fn colon_subject(text: &str, slots: &[Slot], pre: Span) -> Option<(Slot, &'static str)> {
    if !text[pre.start..pre.end].trim_end().ends_with(':') {
        return None;
    }
    slots
        .iter()
        .find(|s| s.personal && s.span.start >= pre.start && s.span.end <= pre.end)
        .map(|s| (s.clone(), "quote.colon"))
}

/// Whether what stands before a name is nothing or only a title ("French President").
fn titled_gap(gap: &str) -> bool {
    let words: Vec<&str> = gap.split_whitespace().collect();
    words.len() <= 4 && words.iter().all(|w| w.starts_with(char::is_uppercase) || matches!(*w, "the" | "of"))
}

/// "the official" points back to the last unnamed source with that noun ("a French official").
fn resolve_definite(desc: &str, earlier: &[(Span, String)]) -> String {
    let lower = desc.to_lowercase();
    let Some(noun) = lower.strip_prefix("the ") else { return desc.to_string() };
    if noun.contains(' ') {
        return desc.to_string();
    }
    earlier
        .iter()
        .rev()
        .find(|(_, d)| d.to_lowercase().ends_with(noun) && !d.to_lowercase().starts_with("the "))
        .map_or_else(|| desc.to_string(), |(_, d)| d.clone())
}

fn slot_text(text: &str, slot: &Slot) -> String {
    text[slot.span.start..slot.span.end].to_string()
}


/// Quoted stretches, paragraph by paragraph. A quote left open at a paragraph's end runs to it.
pub(crate) fn regions(text: &str) -> Vec<Region> {
    let mut out = Vec::new();
    let mut para_start = 0;
    for (end, _) in text.match_indices('\n').chain(std::iter::once((text.len(), ""))) {
        paragraph_regions(text, para_start, end, &mut out);
        para_start = end + 1;
    }
    out
}

fn paragraph_regions(text: &str, start: usize, end: usize, out: &mut Vec<Region>) {
    let para = &text[start..end];
    let mut open: Option<(usize, char)> = None;
    for (i, c) in para.char_indices() {
        match (open, c) {
            (None, '“' | '«' | '„' | '"') => open = Some((i, c)),
            (Some((o, oc)), '”' | '»' | '“' | '"') if closes(oc, c) => {
                let inner_start = start + o + oc.len_utf8();
                out.push(Region {
                    inner: Span { start: inner_start, end: start + i },
                    outer: Span { start: start + o, end: start + i + c.len_utf8() },
                });
                open = None;
            }
            _ => {}
        }
    }
    if let Some((o, oc)) = open {
        let inner = para[o + oc.len_utf8()..].trim_end();
        if inner.split_whitespace().count() >= 4 {
            let inner_start = start + o + oc.len_utf8();
            out.push(Region {
                inner: Span { start: inner_start, end: inner_start + inner.len() },
                outer: Span { start: start + o, end: inner_start + inner.len() },
            });
        }
    }
}

fn closes(open: char, close: char) -> bool {
    matches!((open, close), ('“', '”') | ('«', '»') | ('„', '“') | ('„', '”') | ('"', '"'))
}
