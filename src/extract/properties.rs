//! Property tests of `Extractor::extract` on hostile, article-like text: it never panics, and
//! every fact it returns points at real text (spans on char boundaries, inside their sentence)
//! and holds together (dates ordered, quotes non-empty, slugs usable in URLs).
//!
//! The default case count keeps a debug run near ten seconds; set `PROPTEST_CASES` for a
//! longer hunt, e.g. `PROPTEST_CASES=20000 cargo test --release --lib extract::properties`.

use std::path::Path;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;

use crate::extract::{Extractor, Facts, Input, Span};
use crate::reference::Reference;

/// The extractor and the spellings it knows, built once: compiling the matchers costs far
/// more than extracting one short text.
struct Fixture {
    extractor: Extractor,
    /// Names, aliases, surnames, demonyms and role titles from the seed gazetteer.
    names: Vec<String>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let reference = Reference::load(&seeds).expect("seed gazetteer and taxonomy load");
    let mut names: Vec<String> = Vec::new();
    for a in &reference.actors {
        names.push(a.name.clone());
        names.extend(a.aliases.iter().cloned());
        names.extend(a.demonyms.iter().cloned());
        names.extend(a.name.split_whitespace().last().map(str::to_string));
        names.extend(a.roles.iter().map(|r| r.title.clone()));
    }
    names.sort();
    names.dedup();
    Fixture { extractor: Extractor::new(&reference), names }
});

const WORDS: &[&str] = &[
    "the", "a", "of", "and", "in", "on", "to", "with", "talks", "met", "meeting", "summit",
    "visited", "agreed", "signed", "rejected", "warned", "pledged", "troops", "ceasefire",
    "security guarantees", "backstop", "peace talks", "reassurance force", "coalition of the willing",
    "will", "would", "scheduled to", "expected to", "who", "which", "he", "she", "He", "She",
    "They", "The", "U.S.", "E.U.", "Mr.", "No.", "J. D.", "Quote:", "(Reuters) -", "WASHINGTON,",
    "a senior EU official", "two people familiar with the talks", "the official", "officials",
    "Kremlin spokesperson Dmitry Peskov", "Ed Arnold, a former British military planner",
    "Jane Doe of the Institute for Peace", "quoted", "saying", "according to", "reported on",
];

const TITLES: &[&str] = &[
    "French President", "the UK Prime Minister", "the French president", "German Chancellor",
    "the German chancellor", "Ukrainian President", "the US leader", "the prime minister",
    "the president", "Russia's President", "the Chancellor", "Foreign Minister", "the U.S. President",
];

const DATE_PHRASES: &[&str] = &[
    "on Feb. 24", "Thursday", "last week", "2025-02-30", "Sept. 31", "between 1 and 3 March",
    "Feb. 24-26", "Feb. 29, 2023", "31 April", "on Saturday, 1 March", "earlier Thursday",
    "Wednesday morning", "this week", "later this week", "next week", "in the coming days",
    "in the coming weeks", "this month", "last month", "next month", "today", "yesterday",
    "tomorrow", "in February", "June 2025", "May 0000", "December 9999", "nearly three weeks after",
    "two days before", "a week later", "ten months ago", "99 days after", "Feb. 28-29",
    "Dec. 30 - 2", "from 20th to 31st of February", "Feb 10 to 20", "regular Wednesday", "every Friday",
];

const QUOTE_MARKS: &[&str] = &["“", "”", "\"", "«", "»", "„", "‘", "’", "'", "« ", " »", "“…”", "\"\""];

const SPEECH_VERBS: &[&str] = &[
    "said", "told reporters", "stated:", "added,", "wrote on X", "according to", "said,",
    "told Le Figaro", "insisted", "warned", "saying,", "asked", "replied", "announced", ":",
];

const PUNCTUATION: &[&str] = &[
    ".", ",", ";", ":", "!", "?", "...", "…", "—", "–", "-", "(", ")", "[", "]", "'s", "’s", ".\"",
    ".”", "?”", "!\"", ". ", ".\n", "\n", "\n\n", "\r\n", "\t", "  ", "\u{a0}",
];

const UNICODE: &[&str] = &[
    "Привет", "Зеленский", "Київ", "🇺🇦", "👍🏽", "👨‍👩‍👧", "e\u{301}", "Mac\u{301}ron", "\u{200b}",
    "\u{feff}", "ß", "İstanbul", "ǅ", "ﬃ", "K", "Ωμέγα", "ς", "日本", "عربي", "\u{202e}", "François",
    "Zelenskyy’s", "Élysée", "Łódź", "Ñ", "ÖSTERREICH",
];

/// Date phrases built from parts, valid or not: month and day in both orders, ranges, years
/// from 0000 to 9999, offsets.
fn built_date() -> impl Strategy<Value = String> {
    let month = select(&[
        "Jan.", "January", "Feb.", "February", "Mar.", "March", "Apr.", "April", "May", "June",
        "Jun", "July", "Aug.", "Sep.", "Sept.", "Sept", "September", "Oct.", "Nov.", "Dec.", "December",
    ][..]);
    let day = 0u32..=40;
    let year = prop_oneof![Just(None), (0u32..=9999).prop_map(Some), (2020u32..=2030).prop_map(Some)];
    let year_text = |y: Option<u32>| y.map_or_else(String::new, |y| format!(", {y:04}"));
    prop_oneof![
        (month.clone(), day.clone(), year.clone()).prop_map(move |(m, d, y)| format!("on {m} {d}{}", year_text(y))),
        (day.clone(), month.clone(), year.clone()).prop_map(move |(d, m, y)| format!("{d} {m}{}", year_text(y))),
        (month.clone(), day.clone(), day.clone(), year).prop_map(move |(m, a, b, y)| format!("{m} {a}-{b}{}", year_text(y))),
        (day.clone(), day, month.clone()).prop_map(|(a, b, m)| format!("between {a} and {b} {m}")),
        (month, 0u32..=9999).prop_map(|(m, y)| format!("{m} {y:04}")),
        (0u32..=99, select(&["day", "days", "week", "weeks", "month", "months"][..]), select(&["after", "before", "later", "earlier", "ago"][..]))
            .prop_map(|(n, u, d)| format!("{n} {u} {d}")),
        (0u32..=10000, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
    ]
}

/// Very long words, ASCII or multi-byte, to cross the sentence splitter's length limit.
fn long_word() -> impl Strategy<Value = String> {
    (select(&["a", "é", "ж", "🇺🇦", "Macron,", "x.", "“"][..]), 100usize..2_500).prop_map(|(unit, n)| unit.repeat(n / unit.len().max(1) + 1))
}

fn fragment() -> impl Strategy<Value = String> {
    let names = FIXTURE.names.clone();
    prop_oneof![
        6 => select(WORDS).prop_map(str::to_string),
        2 => "[a-zA-Z]{1,12}",
        4 => select(names),
        2 => select(TITLES).prop_map(str::to_string),
        3 => select(DATE_PHRASES).prop_map(str::to_string),
        2 => built_date(),
        4 => select(QUOTE_MARKS).prop_map(str::to_string),
        2 => select(SPEECH_VERBS).prop_map(str::to_string),
        4 => select(PUNCTUATION).prop_map(str::to_string),
        2 => select(UNICODE).prop_map(str::to_string),
        1 => "\\PC{0,16}",
        1 => any::<String>(),
        1 => long_word(),
    ]
}

/// Fragments glued by spaces, nothing, or line breaks; so names, dates and quote marks meet
/// each other and paragraph ends in every order.
fn article() -> impl Strategy<Value = String> {
    let separator = prop_oneof![8 => Just(" "), 2 => Just(""), 1 => Just("\n"), 1 => Just("\n\n"), 1 => Just(" \n ")];
    prop::collection::vec((fragment(), separator), 0..120)
        .prop_map(|parts| parts.into_iter().map(|(f, s)| f + s).collect())
}

/// Publication dates: none, the extremes of four-digit years, any day between, or a recent day.
fn published() -> impl Strategy<Value = Option<NaiveDate>> {
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let ce_days = |lo: NaiveDate, hi: NaiveDate| {
        (lo.num_days_from_ce()..=hi.num_days_from_ce()).prop_map(NaiveDate::from_num_days_from_ce_opt)
    };
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(day(1, 1, 1))),
        1 => Just(Some(day(9999, 12, 31))),
        2 => ce_days(day(1, 1, 1), day(9999, 12, 31)),
        4 => ce_days(day(2024, 1, 1), day(2026, 12, 31)),
    ]
}

/// `span` lies in `text`, on char boundaries, its start not after its end.
fn check_span(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{what}: span {span:?} outside 0..{}", text.len());
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on char boundaries"
    );
    Ok(())
}

/// `span` lies within sentence `index` of `facts`.
fn check_in_sentence(facts: &Facts, index: usize, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(index < facts.sentences.len(), "{what}: sentence {index} of {}", facts.sentences.len());
    let s = facts.sentences[index].span;
    prop_assert!(s.start <= span.start && span.end <= s.end, "{what}: span {span:?} outside its sentence {s:?}");
    Ok(())
}

fn check(text: &str, facts: &Facts) -> Result<(), TestCaseError> {
    for s in &facts.sentences {
        check_span(text, s.span, "sentence")?;
        prop_assert!(s.span.start < s.span.end, "empty sentence {:?}", s.span);
    }
    for d in &facts.dates {
        check_span(text, d.span, "date")?;
        check_in_sentence(facts, d.sentence, d.span, "date")?;
        // A resolved date covers days from its start to its end: both ends or neither.
        prop_assert_eq!(d.start.is_some(), d.end.is_some(), "date {:?} resolved at one end only", d);
        if let (Some(start), Some(end)) = (d.start, d.end) {
            prop_assert!(start <= end, "date {:?} ends before it starts: {:?}", &text[d.span.start..d.span.end], d);
        }
    }
    for m in &facts.mentions {
        check_span(text, m.span, "mention")?;
        check_in_sentence(facts, m.sentence, m.span, "mention")?;
        prop_assert!(m.span.start < m.span.end, "empty mention {:?}", m);
    }
    for q in &facts.quotes {
        check_span(text, q.span, "quote")?;
        prop_assert!(!q.text.trim().is_empty() && q.span.start < q.span.end, "empty quote {:?}", q);
        prop_assert_eq!(&q.text, &text[q.span.start..q.span.end], "quote text is not its span");
        // A quote left open runs to the end of its paragraph ("quotes that run on"), across
        // the sentence ends inside it; so it starts in its sentence and stays in its paragraph.
        prop_assert!(q.sentence < facts.sentences.len(), "quote sentence {} of {}", q.sentence, facts.sentences.len());
        let s = facts.sentences[q.sentence].span;
        prop_assert!(s.start <= q.span.start && q.span.start <= s.end, "quote {:?} starts outside its sentence {s:?}", q);
        prop_assert!(!q.text.contains('\n'), "quote {:?} crosses a paragraph", q);
    }
    for e in &facts.events {
        check_span(text, e.span, "event")?;
        check_in_sentence(facts, e.sentence, e.span, "event")?;
        prop_assert!(e.start <= e.end, "event ends before it starts: {:?}", e);
    }
    for a in &facts.new_actors {
        let url_safe = a.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        prop_assert!(!a.slug.is_empty() && url_safe, "new actor slug {:?} from {:?}", a.slug, a.name);
    }
    Ok(())
}

/// `PROPTEST_CASES` when set (for long hunts), else a count that keeps debug runs short.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

proptest! {
    // Failures are kept as unit tests of their minimal input (in this module's siblings), not as
    // seed files, which mean nothing once the generator changes.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases()) })]

    #[test]
    fn extraction_holds_together_on_hostile_text(
        text in article(),
        title in proptest::option::of("\\PC{0,80}"),
        published in published(),
    ) {
        let facts = FIXTURE.extractor.extract(Input { text: &text, published, title: title.as_deref() });
        check(&text, &facts)?;
    }
}
