//! What the writer remembers of the database during one import, so that writing an article
//! costs no lookups that grow with the archive: the events on each day, and the wordings of
//! each speaker's statements.
//!
//! Each index is filled lazily, by one query the first time a day or a speaker
//! comes up, and then kept in step with every row the writer inserts. A replaced article drops
//! the entries it touched, and they are read again when next needed. The writer is the only one
//! writing while it holds its transaction, so nothing else can invalidate them.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

/// The dates an event covers and how precisely: events merge only within one such key.
pub(super) type EventKey = (String, String, &'static str);

/// An event already stored, as far as merging needs it.
#[derive(Debug, Clone)]
pub(super) struct KnownEvent {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) principal: Option<String>,
}

/// The events on each key seen, in id order.
#[derive(Debug, Default)]
pub(super) struct EventDays {
    days: HashMap<EventKey, Vec<KnownEvent>>,
}

impl EventDays {
    pub(super) fn get(&self, key: &EventKey) -> Option<&[KnownEvent]> {
        self.days.get(key).map(Vec::as_slice)
    }

    pub(super) fn load(&mut self, key: EventKey, events: Vec<KnownEvent>) {
        self.days.insert(key, events);
    }

    /// A new event, on a key that has been loaded.
    pub(super) fn add(&mut self, key: &EventKey, event: KnownEvent) {
        if let Some(events) = self.days.get_mut(key) {
            events.push(event);
        }
    }

    pub(super) fn forget(&mut self, key: &EventKey) {
        self.days.remove(key);
    }
}

/// A quote's words as numbers: the sequence for fragments (which must match exactly), the
/// sorted multiset for longer quotes (which match on shared words), with its sketch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Words {
    Fragment(Vec<u32>),
    Sorted(Vec<u32>, Option<Sketch>),
}

/// How many of a wording's words fall in each of 32 buckets (by word number), in 4-bit lanes:
/// two sketches bound how many words the wordings can share, far more cheaply than counting
/// them. A wording with more than 7 words in one bucket has none.
///
/// A prolific speaker has hundreds of statements within a week of any quote, and nearly all
/// of them share too few words to match: the bound rules those out without reading their
/// words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sketch([u64; 2]);

/// The high bit of every lane; lane values stay below it.
const LANE_HIGH: u64 = 0x8888_8888_8888_8888;

impl Sketch {
    fn of(sorted: &[u32]) -> Option<Sketch> {
        let mut counts = [0u8; 32];
        for &word in sorted {
            // Word numbers follow first appearance: spread them over the buckets.
            let bucket = (word.wrapping_mul(0x9E37_79B9) >> 27) as usize;
            counts[bucket] += 1;
            if counts[bucket] > 7 {
                return None;
            }
        }
        let mut lanes = [0u64; 2];
        for (i, count) in counts.iter().enumerate() {
            lanes[i / 16] |= u64::from(*count) << (4 * (i % 16));
        }
        Some(Sketch(lanes))
    }

    /// At least as many as the words the two wordings share: in each bucket, the smaller count.
    fn shared_at_most(&self, other: &Sketch) -> u32 {
        self.0.iter().zip(&other.0).map(|(a, b)| lane_sum(lane_min(*a, *b))).sum()
    }
}

/// The smaller of each pair of lanes. With lanes below 8, `(a | 8) - b` borrows from no other
/// lane, and keeps the lane's high bit exactly when `a >= b`.
fn lane_min(a: u64, b: u64) -> u64 {
    let a_at_least_b = ((a | LANE_HIGH) - b) & LANE_HIGH;
    let take_b = (a_at_least_b >> 3) * 0xF;
    (b & take_b) | (a & !take_b)
}

/// The sum of the 16 lanes (at most 16 * 7, so the byte sums cannot overflow).
fn lane_sum(v: u64) -> u32 {
    let bytes = (v & 0x0F0F_0F0F_0F0F_0F0F) + ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F);
    (bytes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32
}

/// Fragments of fewer than this many words must match exactly, since "backstop" from two
/// speakers is not one statement.
const FRAGMENT_WORDS: usize = 4;

/// The words of quotes, each spelling numbered once.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    numbers: HashMap<String, u32>,
}

impl Vocabulary {
    pub(super) fn words(&mut self, text: &str) -> Words {
        // Most words are known: look them up in a reused buffer, and allocate only new ones.
        let mut lower = String::new();
        let mut words: Vec<u32> = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            let number = match self.numbers.get(lower.as_str()) {
                Some(n) => *n,
                None => {
                    let n = self.numbers.len() as u32;
                    self.numbers.insert(lower.clone(), n);
                    n
                }
            };
            words.push(number);
        }
        if words.len() < FRAGMENT_WORDS {
            Words::Fragment(words)
        } else {
            words.sort_unstable();
            let sketch = Sketch::of(&words);
            Words::Sorted(words, sketch)
        }
    }
}

/// How alike two wordings are: the Dice overlap of their words (0..=1), or 0 when it is
/// certain to be under `floor`.
pub(super) fn same_words(a: &Words, b: &Words, floor: f64) -> f64 {
    match (a, b) {
        (Words::Fragment(a), Words::Fragment(b)) if !a.is_empty() && a == b => 1.0,
        (Words::Sorted(a, a_sketch), Words::Sorted(b, b_sketch)) => {
            let total = (a.len() + b.len()) as f64;
            // Even sharing every word of the shorter, or as many as the sketches allow, they
            // would score too low.
            let mut at_most = a.len().min(b.len());
            if let (Some(x), Some(y)) = (a_sketch, b_sketch) {
                at_most = at_most.min(x.shared_at_most(y) as usize);
            }
            if 2.0 * at_most as f64 / total < floor {
                return 0.0;
            }
            let score = |common: usize| 2.0 * common as f64 / total;
            // The fewest shared words that reach the floor, exactly as `score` rounds.
            let mut needed = (floor * total / 2.0).ceil().max(0.0) as usize;
            while needed > 0 && score(needed - 1) >= floor {
                needed -= 1;
            }
            while needed <= a.len().min(b.len()) && score(needed) < floor {
                needed += 1;
            }
            // Without branches on the comparison, which a processor cannot predict here; and
            // given up once the words left cannot reach the floor.
            let (mut i, mut j, mut common) = (0, 0, 0);
            while i < a.len() && j < b.len() {
                if common + (a.len() - i).min(b.len() - j) < needed {
                    return 0.0;
                }
                let (x, y) = (a[i], b[j]);
                common += usize::from(x == y);
                i += usize::from(x <= y);
                j += usize::from(y <= x);
            }
            if common < needed { 0.0 } else { score(common) }
        }
        _ => 0.0,
    }
}

/// One wording of a statement, in one article.
#[derive(Debug, Clone)]
pub(super) struct Wording {
    pub(super) statement: i64,
    pub(super) article: i64,
    pub(super) words: Words,
}

/// A calendar month (year, month), or `None` for undated statements: the unit in which a
/// speaker's statements are read from the database.
pub(super) type Month = Option<(i32, u32)>;

fn month_of(day: NaiveDate) -> Month {
    Some((day.year(), day.month()))
}

/// The first and last day of a month.
pub(super) fn month_days(month: (i32, u32)) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(month.0, month.1, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next.pred_opt()?))
}

/// The statements of one speaker by the day they were said on (`None`: undated), and the
/// months read so far: a long career is read a month at a time, as quotes need it.
#[derive(Debug, Default)]
pub(super) struct SpeakerWordings {
    dated: BTreeMap<NaiveDate, Vec<Wording>>,
    undated: Vec<Wording>,
    loaded: HashSet<Month>,
    /// Whether every statement is here already: the speaker is new in this import.
    complete: bool,
}

/// How far apart two reports of one statement may date it.
const SAME_STATEMENT_DAYS: u64 = 7;

impl SpeakerWordings {
    /// Adds a wording, unless its statement already has the same words on that day: another
    /// copy would match exactly what the first one matches, and wire copies are many.
    pub(super) fn add(&mut self, said_on: Option<NaiveDate>, wording: Wording) {
        let wordings = match said_on {
            Some(day) => self.dated.entry(day).or_default(),
            None => &mut self.undated,
        };
        if !wordings.iter().any(|w| w.statement == wording.statement && w.words == wording.words) {
            wordings.push(wording);
        }
    }

    /// The months that matching a quote said on `said_on` needs and that are not read yet.
    pub(super) fn unread(&self, said_on: Option<NaiveDate>) -> Vec<Month> {
        if self.complete {
            return Vec::new();
        }
        let days = chrono::Days::new(SAME_STATEMENT_DAYS);
        let mut months: Vec<Month> = match said_on {
            None => vec![None],
            Some(day) => [day.checked_sub_days(days), Some(day), day.checked_add_days(days)]
                .into_iter()
                .flatten()
                .map(month_of)
                .collect(),
        };
        months.dedup();
        months.retain(|m| !self.loaded.contains(m));
        months
    }

    pub(super) fn mark_read(&mut self, month: Month) {
        self.loaded.insert(month);
    }

    /// For a speaker this import introduces: the database has nothing to read.
    pub(super) fn mark_complete(&mut self) {
        self.complete = true;
    }

    /// The wordings of other articles said within a week of `said_on` (or, undated, undated).
    pub(super) fn near(&self, said_on: Option<NaiveDate>, article: i64) -> impl Iterator<Item = (&Wording, Option<NaiveDate>)> {
        let days = chrono::Days::new(SAME_STATEMENT_DAYS);
        let dated = said_on
            .and_then(|day| Some((day.checked_sub_days(days)?, day.checked_add_days(days)?)))
            .into_iter()
            .flat_map(move |(from, to)| self.dated.range(from..=to))
            .flat_map(|(day, wordings)| wordings.iter().map(move |w| (w, Some(*day))));
        let undated = said_on
            .is_none()
            .then_some(self.undated.iter().map(|w| (w, None)))
            .into_iter()
            .flatten();
        dated.chain(undated).filter(move |(w, _)| w.article != article)
    }
}

/// Every loaded speaker's statements, and the vocabulary their words are numbered in.
#[derive(Debug, Default)]
pub(super) struct Wordings {
    pub(super) vocabulary: Vocabulary,
    speakers: HashMap<String, SpeakerWordings>,
}

impl Wordings {
    pub(super) fn speaker(&self, key: &str) -> Option<&SpeakerWordings> {
        self.speakers.get(key)
    }

    pub(super) fn speaker_mut(&mut self, key: &str) -> &mut SpeakerWordings {
        self.speakers.entry(key.to_string()).or_default()
    }

    pub(super) fn forget(&mut self, keys: &HashSet<String>) {
        self.speakers.retain(|key, _| !keys.contains(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(a: &str, b: &str) -> f64 {
        let mut vocabulary = Vocabulary::default();
        let (a, b) = (vocabulary.words(a), vocabulary.words(b));
        same_words(&a, &b, 0.0)
    }

    #[test]
    fn translations_of_one_statement_share_most_words() {
        let politico = "I'm not going to make security guarantees beyond very much. We're going to have Europe do that, because ... Europe is their next-door neighbour, but we're going to make sure everything goes well.";
        let unn = "I am not going to give any significant security guarantees. We're going to make Europe do it because... Europe is their closest neighbor, but we're going to make sure it goes well,";
        assert!(score(politico, unn) >= 0.5, "{}", score(politico, unn));
        assert!(score("This was a waste of time.", "It was a waste of time,") >= 0.6);
        assert!(score("We will have a backing of some kind.", "There is no objection from President Trump.") < 0.5);
        assert_eq!(score("backstop", "Backstop"), 1.0);
        assert_eq!(score("within weeks", "not ready yet"), 0.0);
        assert_eq!(score("", ""), 0.0);
    }

    #[test]
    fn wordings_too_different_in_length_are_not_compared() {
        let mut vocabulary = Vocabulary::default();
        let short = vocabulary.words("one two three four");
        let long = vocabulary.words("one two three four five six seven eight nine ten eleven twelve thirteen");
        assert_eq!(same_words(&short, &long, 0.5), 0.0);
        assert!(same_words(&short, &long, 0.0) > 0.0);
    }

    #[test]
    fn sketches_bound_the_words_shared() {
        let mut vocabulary = Vocabulary::default();
        let texts = [
            "we will not accept any ceasefire that leaves Ukraine without guarantees",
            "we will accept a ceasefire only with guarantees for Ukraine and Europe",
            "the the the the the the the the the the the the the the the the the the",
            "talks in Paris ended without an agreement on the coalition of the willing",
            "Ukraine Ukraine guarantees guarantees ceasefire ceasefire we we will will",
        ];
        let words: Vec<Words> = texts.iter().map(|t| vocabulary.words(t)).collect();
        for a in &words {
            for b in &words {
                let (Words::Sorted(x, Some(xs)), Words::Sorted(y, Some(ys))) = (a, b) else { continue };
                let exact = same_words(a, b, 0.0) * (x.len() + y.len()) as f64 / 2.0;
                assert!(f64::from(xs.shared_at_most(ys)) >= exact.round(), "{x:?} {y:?}");
            }
        }
        // Eighteen of one word overflow a bucket: no sketch, so no bound is claimed.
        assert!(matches!(words[2], Words::Sorted(_, None)));
        assert_eq!(lane_min(0x0000_0000_0000_7350, 0x0000_0000_0000_2561), 0x0000_0000_0000_2350);
        assert_eq!(lane_sum(0x7777_7777_7777_7777), 16 * 7);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        /// Word numbers from a small range, so that wordings share many words and buckets fill.
        #[test]
        fn a_sketch_never_understates_the_words_shared(
            mut a in proptest::collection::vec(0u32..60, 4..60),
            mut b in proptest::collection::vec(0u32..60, 4..60),
        ) {
            a.sort_unstable();
            b.sort_unstable();
            let exact = same_words(&Words::Sorted(a.clone(), None), &Words::Sorted(b.clone(), None), 0.0);
            let common = (exact * (a.len() + b.len()) as f64 / 2.0).round() as u32;
            if let (Some(x), Some(y)) = (Sketch::of(&a), Sketch::of(&b)) {
                proptest::prop_assert!(x.shared_at_most(&y) >= common);
            }
        }
    }

    #[test]
    fn copies_of_a_wording_are_kept_once() {
        let mut vocabulary = Vocabulary::default();
        let mut speaker = SpeakerWordings::default();
        let day = NaiveDate::from_ymd_opt(2025, 3, 1);
        for article in [1, 2, 3] {
            let words = vocabulary.words("the same words again");
            speaker.add(day, Wording { statement: 7, article, words });
        }
        assert_eq!(speaker.near(day, 99).count(), 1);
    }

    #[test]
    fn months_are_read_once_and_as_far_as_a_week_reaches() {
        let mut speaker = SpeakerWordings::default();
        let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2025, m, d);
        assert_eq!(speaker.unread(day(3, 15)), vec![Some((2025, 3))]);
        assert_eq!(speaker.unread(day(3, 28)), vec![Some((2025, 3)), Some((2025, 4))]);
        speaker.mark_read(Some((2025, 3)));
        assert_eq!(speaker.unread(day(3, 28)), vec![Some((2025, 4))]);
        assert_eq!(speaker.unread(None), vec![None]);
        speaker.mark_complete();
        assert_eq!(speaker.unread(day(3, 28)), vec![]);
        assert_eq!(month_days((2024, 2)), Some((NaiveDate::from_ymd_opt(2024, 2, 1).expect("date"), NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"))));
    }

    #[test]
    fn wordings_are_found_within_a_week_and_not_in_their_own_article() {
        let mut vocabulary = Vocabulary::default();
        let mut speaker = SpeakerWordings::default();
        let day = |d: u32| NaiveDate::from_ymd_opt(2025, 3, d);
        for (statement, article, said_on) in [(1, 10, day(1)), (2, 11, day(9)), (3, 12, day(20)), (4, 13, None)] {
            let words = vocabulary.words("words of a statement");
            speaker.add(said_on, Wording { statement, article, words });
        }
        let near: Vec<i64> = speaker.near(day(8), 99).map(|(w, _)| w.statement).collect();
        assert_eq!(near, vec![1, 2]);
        let near: Vec<i64> = speaker.near(day(8), 10).map(|(w, _)| w.statement).collect();
        assert_eq!(near, vec![2]);
        let near: Vec<i64> = speaker.near(None, 99).map(|(w, _)| w.statement).collect();
        assert_eq!(near, vec![4]);
    }
}
