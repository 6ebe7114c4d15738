//! Date expressions: finds absolute, partial and relative dates in each sentence and resolves
//! them against the publication date, with a precision. Rule names (in `Provenance::rule`) tell
//! later stages how a date was read, e.g. that a "coming days" date is too vague for an event.

use aho_corasick::AhoCorasick;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::extract::words::{Groups, Haystack, WordRegex};
use crate::extract::{DateFact, Precision, Provenance, Sentence, Span};

const MONTH: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:tember|t\.|t|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";
const WEEKDAY: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const ORD: &str = r"(?:st|nd|rd|th)?";

pub(crate) const RULE_VAGUE: &str = "date.vague";
pub(crate) const RULE_OFFSET: &str = "date.offset";
/// An offset whose "after" clause holds its own date ("came three weeks after talks on Feb. 18"):
/// it dates the main clause, the happening before the phrase.
pub(crate) const RULE_OFFSET_MAIN: &str = "date.offset_main";

/// The compiled date patterns, tried in order; an earlier pattern claims its text first.
pub(crate) struct DateFinder {
    patterns: Vec<(Pattern, WordRegex)>,
    future: WordRegex,
    /// The months' first three letters, as written.
    months: AhoCorasick,
    /// "day", "week", "month" and "tomorrow" in any ASCII case.
    relative: AhoCorasick,
}

#[derive(Clone, Copy)]
enum Pattern {
    RangeMonthDay,
    RangeDayMonth,
    MonthDay,
    DayMonth,
    MonthYear,
    InMonth,
    Offset,
    Vague,
    Weekday,
}

/// Words that every match of a pattern holds: most sentences hold none, and are not searched.
enum Cue {
    /// A month's name or abbreviation.
    Month,
    /// "Monday" to "Sunday".
    Day,
    /// A unit or a relative day, case-insensitively: "day", "week", "month", "tomorrow".
    Relative,
}

impl Pattern {
    fn cue(self) -> Cue {
        match self {
            Pattern::Weekday => Cue::Day,
            Pattern::Offset | Pattern::Vague => Cue::Relative,
            _ => Cue::Month,
        }
    }
}

impl DateFinder {
    pub(crate) fn new() -> Self {
        let src = [
            (Pattern::RangeMonthDay, format!(r"\b({MONTH})\s+(\d{{1,2}}){ORD}\s*(?:[-–]|to|and)\s*(\d{{1,2}}){ORD}\b(?:,?\s+(\d{{4}})\b)?")),
            (Pattern::RangeDayMonth, format!(r"\b(?:between\s+|from\s+)?(\d{{1,2}}){ORD}\s*(?:[-–]|to|and)\s*(\d{{1,2}}){ORD}\s+(?:of\s+)?({MONTH})(?:,?\s+(\d{{4}})\b)?")),
            (Pattern::MonthDay, format!(r"\b(?:{WEEKDAY},?\s+)?({MONTH})\s+(\d{{1,2}}){ORD}\b(?:,?\s+(\d{{4}})\b)?")),
            (Pattern::DayMonth, format!(r"\b(?:{WEEKDAY},?\s+)?(\d{{1,2}}){ORD}\s+(?:of\s+)?({MONTH})(?:,?\s+(\d{{4}})\b)?")),
            (Pattern::MonthYear, format!(r"\b({MONTH})\s+(\d{{4}})\b")),
            (Pattern::InMonth, r"\b(?:in|since|by|until|early|late|mid-|during)\s+(January|February|March|April|June|July|August|September|October|November|December)\b".to_string()),
            (Pattern::Offset, r"(?i)\b(?:(nearly|almost|about|around|some|roughly|more than|less than|just over|over)\s+)?(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(day|week|month)s?\s+(after|before|later|earlier|ago)\b".to_string()),
            (Pattern::Vague, r"(?i)\b(later this week|earlier this week|this week|last week|next week|this weekend|last weekend|this month|last month|next month|in the coming days|in the coming weeks|in coming days|today|yesterday|tomorrow)\b".to_string()),
            (Pattern::Weekday, format!(r"\b(?:(earlier|later|on|last|next|this|since|by|until|from|regular|every)\s+)?({WEEKDAY})(?:\s+(morning|afternoon|evening|night))?\b")),
        ];
        // All of ASCII words, digits, spaces, `.`, `,` and dashes.
        let patterns = src
            .into_iter()
            .map(|(p, s)| (p, WordRegex::words(&s).expect("static date regex")))
            .collect();
        let future = WordRegex::words(
            r"(?i)\b(?:will|would|shall|scheduled|set to|due to|plans? to|planned|expected to|is to|are to|going to|upcoming|next)\b",
        )
        .expect("static regex");
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let months = AhoCorasick::new(months).expect("static months");
        let relative = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["day", "week", "month", "tomorrow"])
            .expect("static words");
        DateFinder { patterns, future, months, relative }
    }

    /// Finds and resolves the dates of every sentence.
    pub(crate) fn find(&self, text: &str, sentences: &[Sentence], published: Option<NaiveDate>) -> Vec<DateFact> {
        let mut out = Vec::new();
        for (idx, s) in sentences.iter().enumerate() {
            let body = &text[s.span.start..s.span.end];
            let month = self.months.is_match(body);
            let day = body.contains("day");
            // `(?i)k` matches the Kelvin sign too.
            let relative = self.relative.is_match(body) || body.contains('\u{212A}');
            if !(month || day || relative) {
                continue;
            }
            let hay = Haystack::new(body);
            let mut claimed: Vec<(usize, usize)> = Vec::new();
            let mut found: Vec<DateFact> = Vec::new();
            for (pattern, re) in &self.patterns {
                let cued = match pattern.cue() {
                    Cue::Month => month,
                    Cue::Day => day,
                    Cue::Relative => relative,
                };
                if !cued {
                    continue;
                }
                for caps in re.captures_all(&hay) {
                    let Some(m) = caps.get(0) else { continue };
                    if claimed.iter().any(|&(a, b)| m.start < b && a < m.end) {
                        continue;
                    }
                    claimed.push((m.start, m.end));
                    let ctx = Ctx { body, at: m.start, published, finder: self };
                    let Some(r) = resolve(*pattern, &caps, &ctx) else { continue };
                    found.push(DateFact {
                        span: Span { start: s.span.start + m.start, end: s.span.start + m.end },
                        sentence: idx,
                        start: r.start,
                        end: r.end,
                        precision: r.precision,
                        provenance: Provenance { rule: r.rule, confidence: r.confidence },
                    });
                }
            }
            found.sort_by_key(|d| d.span.start);
            resolve_offsets(text, &mut found, published);
            out.extend(found);
        }
        out
    }
}

struct Ctx<'a> {
    body: &'a str,
    at: usize,
    published: Option<NaiveDate>,
    finder: &'a DateFinder,
}

impl Ctx<'_> {
    /// Whether the clause before the date speaks of the future ("will meet on Thursday").
    fn future(&self) -> bool {
        let from = self.body[..self.at].rfind([',', ';', '.']).map_or(0, |i| i + 1);
        self.finder.future.is_match(&Haystack::new(&self.body[from..self.at]))
    }
}

struct Resolved {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    precision: Precision,
    rule: &'static str,
    confidence: f32,
}

fn day(d: Option<NaiveDate>, rule: &'static str, confidence: f32) -> Resolved {
    Resolved { start: d, end: d, precision: Precision::Day, rule, confidence }
}

fn resolve(pattern: Pattern, caps: &Groups, ctx: &Ctx<'_>) -> Option<Resolved> {
    let g = |i: usize| caps.get(i).map(|m| &ctx.body[m.start..m.end]);
    let num = |i: usize| g(i).and_then(|s| s.parse::<u32>().ok());
    match pattern {
        Pattern::RangeMonthDay | Pattern::RangeDayMonth => {
            let (m, a, b) = match pattern {
                Pattern::RangeMonthDay => (month_number(g(1)?)?, num(2)?, num(3)?),
                _ => (month_number(g(3)?)?, num(1)?, num(2)?),
            };
            if a >= b {
                return None;
            }
            // Both ends in one year in which both exist: guessed apart, "Feb. 10-20" published
            // in August put its 10th next year and its 20th this year, and "Feb. 28-29" its 29th
            // in the last leap year.
            let both = |y: i32| Some((NaiveDate::from_ymd_opt(y, m, a)?, NaiveDate::from_ymd_opt(y, m, b)?));
            let days = match (num(4), ctx.published) {
                (Some(y), _) => Some(both(y as i32)?),
                (None, Some(p)) => Some(
                    (p.year() - 1..=p.year() + 1)
                        .filter_map(both)
                        .min_by_key(|(start, _)| (*start - p).num_days().abs())?,
                ),
                (None, None) => None,
            };
            Some(Resolved {
                start: days.map(|d| d.0),
                end: days.map(|d| d.1),
                precision: Precision::Day,
                rule: "date.range",
                confidence: 0.9,
            })
        }
        Pattern::MonthDay | Pattern::DayMonth => {
            let (m, d) = match pattern {
                Pattern::MonthDay => (month_number(g(1)?)?, num(2)?),
                _ => (month_number(g(2)?)?, num(1)?),
            };
            let year = num(3).map(|y| y as i32);
            if year.is_none() && ctx.published.is_none() {
                return Some(day(None, "date.month_day", 0.5));
            }
            let rule = if year.is_some() { "date.absolute" } else { "date.month_day" };
            Some(day(Some(month_day(year, m, d, ctx.published)?), rule, 0.95))
        }
        Pattern::MonthYear => {
            let start = NaiveDate::from_ymd_opt(num(2)? as i32, month_number(g(1)?)?, 1)?;
            Some(month_range(start, "date.month_year"))
        }
        Pattern::InMonth => {
            let m = month_number(g(1)?)?;
            let start = ctx.published.and_then(|p| month_in_tense(m, p, ctx.future()));
            Some(match start {
                Some(s) => month_range(s, "date.month"),
                None => Resolved { start: None, end: None, precision: Precision::Month, rule: "date.month", confidence: 0.5 },
            })
        }
        Pattern::Offset => Some(Resolved {
            start: None,
            end: None,
            precision: Precision::Day,
            rule: RULE_OFFSET,
            confidence: 0.6,
        }),
        Pattern::Vague => Some(vague(&g(1)?.to_lowercase(), ctx.published)),
        Pattern::Weekday => {
            let prefix = g(1).unwrap_or("");
            if matches!(prefix, "regular" | "every") {
                return None;
            }
            let wd = weekday(g(2)?)?;
            let future = matches!(prefix, "next") || (prefix != "last" && prefix != "earlier" && ctx.future());
            let d = ctx.published.map(|p| if future { next_on_or_after(p, wd) } else { last_on_or_before(p, wd) });
            Some(day(d, "date.weekday", 0.8))
        }
    }
}

/// Resolves "nearly three weeks after" against another day-precision date of the sentence, or
/// the publication date. A "N after X" phrase dates X at anchor - N when the anchor is the
/// sentence's own time, and at anchor + N when the anchor sits inside the "after" clause.
fn resolve_offsets(text: &str, found: &mut [DateFact], published: Option<NaiveDate>) {
    let anchors: Vec<(usize, NaiveDate)> = found
        .iter()
        .filter(|d| d.provenance.rule != RULE_OFFSET && d.precision == Precision::Day)
        .filter_map(|d| Some((d.span.start, d.start?)))
        .collect();
    // The main clause's time, once an earlier phrase of the sentence has given it.
    let mut main_time: Option<NaiveDate> = None;
    for fact in found.iter_mut().filter(|d| d.provenance.rule == RULE_OFFSET) {
        let phrase = text[fact.span.start..fact.span.end].to_lowercase();
        let words: Vec<&str> = phrase.split_whitespace().collect();
        let [.., count, unit, direction] = words.as_slice() else { continue };
        let Some(n) = number_word(count) else { continue };
        let days = match unit.trim_end_matches('s') {
            "week" => 7 * n,
            "month" => 30 * n,
            _ => n,
        };
        let hedged = words.len() > 3;
        let inside_clause = anchors.iter().find(|(at, _)| *at > fact.span.end).map(|a| a.1);
        let before_phrase = anchors.iter().rev().find(|(at, _)| *at < fact.span.start).map(|a| a.1);
        let own_time = main_time.or(before_phrase).or(published);
        let target = match (*direction, inside_clause) {
            ("after", Some(a)) | ("later", Some(a)) => a.checked_add_days(Days::new(days)),
            ("before", Some(a)) | ("earlier", Some(a)) => a.checked_sub_days(Days::new(days)),
            ("after", None) | ("earlier", None) | ("ago", _) => own_time.and_then(|a| a.checked_sub_days(Days::new(days))),
            _ => own_time.and_then(|a| a.checked_add_days(Days::new(days))),
        };
        let Some(target) = target else { continue };
        if inside_clause.is_some() && matches!(*direction, "after" | "later" | "before" | "earlier") {
            fact.provenance.rule = RULE_OFFSET_MAIN;
            main_time = Some(target);
        }
        // A hedged or week-long offset is only known to about half a week either way.
        if hedged || days >= 7 {
            fact.precision = Precision::Week;
            fact.start = target.checked_sub_days(Days::new(3));
            fact.end = target.checked_add_days(Days::new(3));
        } else {
            fact.start = Some(target);
            fact.end = Some(target);
        }
    }
}

fn number_word(w: &str) -> Option<u64> {
    let words = ["a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    match words.iter().position(|x| *x == w) {
        Some(0) => Some(1),
        Some(i) => Some(i as u64),
        None if w == "an" => Some(1),
        None => w.parse().ok(),
    }
}

fn vague(phrase: &str, published: Option<NaiveDate>) -> Resolved {
    let (precision, range) = match phrase {
        "today" => (Precision::Day, published.map(|p| (p, p))),
        "yesterday" => (Precision::Day, published.and_then(|p| p.pred_opt()).map(|d| (d, d))),
        "tomorrow" => (Precision::Day, published.and_then(|p| p.succ_opt()).map(|d| (d, d))),
        "this week" | "this weekend" => (Precision::Week, published.map(|p| week_of(p, 0))),
        "earlier this week" => (Precision::Week, published.map(|p| (week_of(p, 0).0, p))),
        "later this week" => (Precision::Week, published.map(|p| (p, week_of(p, 0).1))),
        "last week" | "last weekend" => (Precision::Week, published.map(|p| week_of(p, -1))),
        "next week" => (Precision::Week, published.map(|p| week_of(p, 1))),
        "in the coming days" | "in coming days" => {
            (Precision::Week, published.map(|p| (p + Days::new(1), p + Days::new(7))))
        }
        "in the coming weeks" => (Precision::Month, published.map(|p| (p + Days::new(1), p + Days::new(30)))),
        "last month" => (Precision::Month, published.and_then(|p| p.checked_sub_months(Months::new(1))).map(month_of)),
        "next month" => (Precision::Month, published.and_then(|p| p.checked_add_months(Months::new(1))).map(month_of)),
        _ => (Precision::Month, published.map(month_of)),
    };
    let rule = if phrase.starts_with("in ") { RULE_VAGUE } else { "date.relative" };
    Resolved { start: range.map(|r| r.0), end: range.map(|r| r.1), precision, rule, confidence: 0.7 }
}

fn month_range(start: NaiveDate, rule: &'static str) -> Resolved {
    let (s, e) = month_of(start);
    Resolved { start: Some(s), end: Some(e), precision: Precision::Month, rule, confidence: 0.8 }
}

fn month_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(first);
    (first, last)
}

/// Monday..Sunday of the week `offset` weeks from the one holding `d`.
fn week_of(d: NaiveDate, offset: i64) -> (NaiveDate, NaiveDate) {
    let monday = d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    let monday = if offset >= 0 {
        monday + Days::new(7 * offset.unsigned_abs())
    } else {
        monday - Days::new(7 * offset.unsigned_abs())
    };
    (monday, monday + Days::new(6))
}

fn last_on_or_before(p: NaiveDate, wd: Weekday) -> NaiveDate {
    let back = (7 + p.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    p - Days::new(u64::from(back))
}

fn next_on_or_after(p: NaiveDate, wd: Weekday) -> NaiveDate {
    let ahead = (7 + wd.num_days_from_monday() - p.weekday().num_days_from_monday()) % 7;
    p + Days::new(u64::from(ahead))
}

/// A month and day in `year`, or without a year in the year that puts it nearest `published`.
fn month_day(year: Option<i32>, m: u32, d: u32, published: Option<NaiveDate>) -> Option<NaiveDate> {
    match year {
        Some(y) => NaiveDate::from_ymd_opt(y, m, d),
        None => nearest_year(m, d, published?),
    }
}

/// The first day of month `m` last seen before `published` (this month counts), or with a
/// future clause the next one: a bare "in February" has no day to measure nearness by, and
/// news reports mostly look back.
fn month_in_tense(m: u32, published: NaiveDate, future: bool) -> Option<NaiveDate> {
    let year = match (future, m.cmp(&published.month())) {
        (false, std::cmp::Ordering::Greater) => published.year() - 1,
        (true, std::cmp::Ordering::Less) => published.year() + 1,
        _ => published.year(),
    };
    NaiveDate::from_ymd_opt(year, m, 1)
}

fn nearest_year(m: u32, d: u32, published: NaiveDate) -> Option<NaiveDate> {
    (published.year() - 1..=published.year() + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
        .min_by_key(|c| (*c - published).num_days().abs())
}

/// The month number of an English month name or abbreviation ("Sept.", "February").
pub(crate) fn month_number(name: &str) -> Option<u32> {
    let key: String = name.trim_end_matches('.').chars().take(3).collect::<String>().to_lowercase();
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn weekday(name: &str) -> Option<Weekday> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sentences;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// (matched text, start, end, precision) for every date of `text`.
    fn dates(text: &str, published: Option<NaiveDate>) -> Vec<(String, Option<NaiveDate>, Option<NaiveDate>, Precision)> {
        let finder = DateFinder::new();
        finder
            .find(text, &sentences::split(text), published)
            .into_iter()
            .map(|d| (text[d.span.start..d.span.end].to_string(), d.start, d.end, d.precision))
            .collect()
    }

    fn one(text: &str, published: Option<NaiveDate>) -> (Option<NaiveDate>, Option<NaiveDate>, Precision) {
        let found = dates(text, published);
        assert_eq!(found.len(), 1, "{found:?}");
        (found[0].1, found[0].2, found[0].3)
    }

    #[test]
    fn absolute_dates_with_year() {
        assert_eq!(one("The leaders met on Feb. 24, 2025 in Washington.", None).0, ymd(2025, 2, 24));
        assert_eq!(one("Ministers gathered in London on 2 March 2025.", None).0, ymd(2025, 3, 2));
    }

    #[test]
    fn month_day_takes_the_year_nearest_publication() {
        let p = ymd(2025, 1, 3);
        assert_eq!(one("The envoy arrived on Dec. 30 for talks.", p).0, ymd(2024, 12, 30));
        assert_eq!(one("Talks are due to resume on 24 February.", p).0, ymd(2025, 2, 24));
        assert_eq!(one("The allies met in Paris on Sept. 4.", ymd(2025, 9, 5)).0, ymd(2025, 9, 4));
        assert_eq!(one("He said on March 2 that the plan was ready.", ymd(2025, 2, 27)).0, ymd(2025, 3, 2));
    }

    #[test]
    fn weekday_defaults_to_the_past() {
        // 2025-02-27 is a Thursday.
        let p = ymd(2025, 2, 27);
        assert_eq!(one("Macron briefed EU leaders on Wednesday.", p).0, ymd(2025, 2, 26));
        assert_eq!(one("Wednesday morning, the envoy left Riyadh.", p).0, ymd(2025, 2, 26));
        assert_eq!(one("Earlier Thursday, Kyiv said it was ready.", p).0, ymd(2025, 2, 27));
    }

    #[test]
    fn weekday_in_a_future_clause_points_ahead() {
        let p = ymd(2025, 2, 25);
        assert_eq!(one("Starmer will meet Trump on Thursday.", p).0, ymd(2025, 2, 27));
        assert_eq!(one("The envoy is scheduled to land in Moscow on Monday.", p).0, ymd(2025, 3, 3));
    }

    #[test]
    fn weekday_with_a_date_is_one_fact() {
        assert_eq!(one("Leaders met on Saturday, 1 March in London.", ymd(2025, 3, 3)).0, ymd(2025, 3, 1));
    }

    #[test]
    fn week_phrases_have_week_precision() {
        let p = ymd(2025, 2, 26); // a Wednesday
        assert_eq!(one("Zelensky travels to Washington this week.", p), (ymd(2025, 2, 24), ymd(2025, 3, 2), Precision::Week));
        assert_eq!(one("Starmer will see Trump later this week.", p), (ymd(2025, 2, 26), ymd(2025, 3, 2), Precision::Week));
        assert_eq!(one("Envoys met in Riyadh last week.", p), (ymd(2025, 2, 17), ymd(2025, 2, 23), Precision::Week));
        assert_eq!(one("A decision is expected in the coming days.", p), (ymd(2025, 2, 27), ymd(2025, 3, 5), Precision::Week));
    }

    #[test]
    fn month_phrases_have_month_precision() {
        let p = ymd(2025, 3, 12);
        assert_eq!(one("Exports fell this month.", p), (ymd(2025, 3, 1), ymd(2025, 3, 31), Precision::Month));
        assert_eq!(one("The deal collapsed last month.", p), (ymd(2025, 2, 1), ymd(2025, 2, 28), Precision::Month));
    }

    #[test]
    fn bare_month_looks_back_unless_the_clause_is_future() {
        let p = ymd(2025, 8, 19);
        assert_eq!(one("Talks were frostier in February.", p).0, ymd(2025, 2, 1));
        assert_eq!(one("Leaders will meet again in February.", p).0, ymd(2026, 2, 1));
        assert_eq!(one("Prices rose in August.", p).0, ymd(2025, 8, 1));
    }

    #[test]
    fn offset_with_a_dated_after_clause_dates_the_main_clause() {
        let found = dates("The meeting came three weeks after envoys met on Feb. 18, and less than two weeks after a public clash.", ymd(2025, 3, 11));
        let main = found.iter().find(|d| d.0.starts_with("three")).expect("main offset");
        assert_eq!(main.1, ymd(2025, 3, 8));
        let second = found.iter().find(|d| d.0.starts_with("less")).expect("second offset");
        assert_eq!((second.1, second.2), (ymd(2025, 2, 22), ymd(2025, 2, 28)));
    }

    #[test]
    fn offsets_resolve_against_the_sentence_or_publication() {
        let p = ymd(2025, 3, 10);
        let found = dates("Zelensky flew to London two days after the Feb. 28 clash.", p);
        let offset = found.iter().find(|d| d.0.starts_with("two")).expect("offset");
        assert_eq!(offset.1, ymd(2025, 3, 2));
        let (start, end, precision) = one("The summit came nearly three weeks after the envoys met.", ymd(2025, 9, 5));
        assert_eq!((start, end, precision), (ymd(2025, 8, 12), ymd(2025, 8, 18), Precision::Week));
    }

    #[test]
    fn ranges_are_ranges() {
        let p = ymd(2025, 2, 20);
        assert_eq!(one("Talks ran Feb. 24-26 in Riyadh.", p), (ymd(2025, 2, 24), ymd(2025, 2, 26), Precision::Day));
        assert_eq!(one("Drills were held between 1 and 3 March.", p), (ymd(2025, 3, 1), ymd(2025, 3, 3), Precision::Day));
    }

    #[test]
    fn a_range_takes_one_year_for_both_ends() {
        // Found by the extractor's properties: each end took the year nearest publication on
        // its own, so the range ended a year before it started.
        let p = ymd(2025, 8, 15);
        assert_eq!(one("Talks ran Feb. 10-20.", p), (ymd(2026, 2, 10), ymd(2026, 2, 20), Precision::Day));
        assert_eq!(one("Talks ran Feb. 28-29.", p), (ymd(2024, 2, 28), ymd(2024, 2, 29), Precision::Day));
        assert_eq!(one("Feb. 28-29 ", ymd(316, 8, 30)), (ymd(316, 2, 28), ymd(316, 2, 29), Precision::Day));
    }

    #[test]
    fn an_impossible_range_is_not_a_date() {
        assert!(dates("Talks ran Feb. 24-30.", ymd(2025, 2, 20)).is_empty());
        assert!(dates("Talks ran Feb. 28-29, 2025.", None).is_empty());
        assert_eq!(one("Talks ran Feb. 24-26.", None), (None, None, Precision::Day));
    }

    #[test]
    fn ages_anniversaries_and_routines_are_not_dates() {
        let p = ymd(2025, 2, 24);
        assert!(dates("The three-year-old conflict marked its third anniversary.", p).is_empty());
        assert!(dates("At the regular Wednesday meetings, envoys spoke.", p).is_empty());
        assert!(dates("A 30-minute call with 27 EU leaders followed.", p).is_empty());
    }

    #[test]
    fn undated_article_keeps_relative_dates_unresolved() {
        assert_eq!(one("Trump spoke on Tuesday.", None).0, None);
        assert_eq!(one("Trump spoke this week.", None).0, None);
        assert_eq!(one("Trump spoke on March 4, 2025.", None).0, ymd(2025, 3, 4));
    }
}
