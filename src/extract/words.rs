//! Regexes with word boundaries (`\b`), kept fast on real text without changing what they match.
//!
//! The regex crate's fast engine (a lazy DFA) cannot tell a Unicode `\b` next to a non-ASCII
//! character, so a pattern holding one gives up on any text with a curly quote or an accent and
//! runs a backtracker or a PikeVM instead, many times slower. An ASCII `\b` answers the same as
//! the Unicode one except beside a non-ASCII *word* character (a letter such as `á`): curly
//! quotes and dashes are word characters under neither. So each pattern is searched in one of
//! three ways that give exactly the Unicode pattern's matches:
//!
//! - a pattern that cannot tell a letter from `_` (`WordRegex::words`) searches, with ASCII
//!   `\b`, a copy of the text whose letters are masked by `_`, an ASCII word character, of the
//!   same length: every `\b`, every offset and so every match stays as it was;
//! - a pattern whose only `\b` opens it (`WordRegex::opening`) is searched without it, and a
//!   match that does not start on a Unicode word boundary is dropped for the next one;
//! - any other (`WordRegex::clauses`) searches with ASCII `\b` every stretch of text without a
//!   letter, and with Unicode `\b` the stretches with one; stretches are cut at characters no
//!   match can contain, so that no match straddles two.
//!
//! Matches come as spans, not strings: a masked copy would spell them wrong.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Regex};

use crate::extract::Span;

/// Characters a Unicode `\b` counts as word characters and an ASCII one does not. `\w` is the
/// very table the regex crate's Unicode `\b` looks at.
static NON_ASCII_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w&&[^\x00-\x7F]]").expect("static regex"));

/// Clause punctuation: no word, name or title pattern of the extractor matches across it.
pub(crate) const CLAUSE_STOPS: &[char] = &[',', ';', ':', '!', '?', '(', ')', '"', '“', '”', '«', '»'];

/// A text to search, with what the patterns that search it need to know, found once.
pub(crate) struct Haystack<'h> {
    text: &'h str,
    /// Where the non-ASCII word characters are.
    letters: Vec<Range<usize>>,
    /// The text with those masked by `_`, unless one is a digit (`\d` matches any), the Kelvin
    /// sign or the long s (`(?i)k` and `(?i)s` match them), which a `words` pattern may tell
    /// from `_`.
    masked: Option<String>,
}

impl<'h> Haystack<'h> {
    pub(crate) fn new(text: &'h str) -> Self {
        if text.is_ascii() {
            return Haystack { text, letters: Vec::new(), masked: None };
        }
        let letters: Vec<Range<usize>> = NON_ASCII_WORD.find_iter(text).map(|m| m.range()).collect();
        let maskable = |r: &Range<usize>| text[r.clone()].chars().all(|c| !c.is_numeric() && c != 'K' && c != 'ſ');
        let masked = (!letters.is_empty() && letters.iter().all(maskable)).then(|| {
            let mut masked = text.to_string();
            for r in &letters {
                masked.replace_range(r.clone(), &"_".repeat(r.len()));
            }
            masked
        });
        Haystack { text, letters, masked }
    }

    pub(crate) fn text(&self) -> &'h str {
        self.text
    }

    /// The text that a `words` pattern matching `letters` as well searches with ASCII `\b`: as
    /// it is when it has no letters, else masked, unless it holds one of `letters`, which must
    /// then be searched with the Unicode pattern.
    fn ascii_view(&self, letters: &[char]) -> Option<&str> {
        if self.letters.is_empty() {
            return Some(self.text);
        }
        let matchable = |r: &Range<usize>| self.text[r.clone()].chars().any(|c| letters.contains(&c));
        self.masked.as_deref().filter(|_| !self.letters.iter().any(matchable))
    }
}

/// A pattern whose `\b` are Unicode word boundaries, searched the fast way that is the same.
pub(crate) struct WordRegex {
    /// The pattern as written, with Unicode `\b`.
    pattern: String,
    /// `pattern` compiled when a text first needs it: most never do, and compiling every
    /// pattern twice would slow the start of each import.
    unicode: OnceLock<Regex>,
    search: Search,
}

enum Search {
    /// With ASCII `\b`, on the masked text, unless it holds one of the `letters` the pattern
    /// matches.
    Masked { ascii: Regex, letters: Vec<char> },
    /// Without its opening `\b`, checked at each match.
    Opening(Regex),
    /// With ASCII `\b`, and the Unicode pattern, stretch by stretch.
    Clauses { ascii: Regex, stops: Vec<char> },
}

/// One search: a pattern, the text cut where the search ends, where it starts, and whether a
/// match must start on a word boundary.
struct Part<'a> {
    re: &'a Regex,
    text: &'a str,
    start: usize,
    opening: bool,
}

impl WordRegex {
    /// A pattern that matches a non-ASCII letter wherever it matches `_`: it matches neither
    /// (ASCII words, spaces, punctuation) or both (`\w`, `.`, a class such as `[^,]`). Digits,
    /// the Kelvin sign and the long s are told apart (by `\d`, `(?i)k`, `(?i)s`), and never
    /// masked.
    pub(crate) fn words(pattern: &str) -> Result<Self, regex::Error> {
        WordRegex::words_and(pattern, &[])
    }

    /// A pattern as for `words` but that also matches `letters`, and not `_`, in words it
    /// spells out.
    pub(crate) fn words_and(pattern: &str, letters: &[char]) -> Result<Self, regex::Error> {
        let search = Search::Masked { ascii: Regex::new(&ascii_boundaries(pattern))?, letters: letters.to_vec() };
        Ok(WordRegex::with(pattern, search))
    }

    /// A pattern `\b(?:rest)` with no other `\b`.
    pub(crate) fn opening(rest: &str) -> Result<Self, regex::Error> {
        let search = Search::Opening(Regex::new(rest)?);
        Ok(WordRegex::with(&format!(r"\b(?:{rest})"), search))
    }

    /// Any pattern that matches no text holding one of `stops` (non-word characters; none at
    /// all when the pattern could match anything, or anchors to an end with `^` or `$`, which
    /// a stretch's own ends would fake).
    pub(crate) fn clauses(pattern: &str, stops: &[char]) -> Result<Self, regex::Error> {
        let search = Search::Clauses { ascii: Regex::new(&ascii_boundaries(pattern))?, stops: stops.to_vec() };
        Ok(WordRegex::with(pattern, search))
    }

    fn with(pattern: &str, search: Search) -> Self {
        WordRegex { pattern: pattern.to_string(), unicode: OnceLock::new(), search }
    }

    fn unicode(&self) -> &Regex {
        // A Unicode `\b` compiles to as much as an ASCII one, so the pattern compiles as its
        // search did (an opening `\b` adds one state to its search's).
        self.unicode.get_or_init(|| Regex::new(&self.pattern).expect("compiles as its search did"))
    }

    /// The searches that together find the Unicode pattern's matches in `hay`, in order.
    fn parts<'a>(&'a self, hay: &'a Haystack<'_>) -> Vec<Part<'a>> {
        let text = hay.text;
        let whole = |re: &'a Regex, text: &'a str| vec![Part { re, text, start: 0, opening: false }];
        let (ascii, stops) = match &self.search {
            Search::Masked { ascii, letters } => {
                return match hay.ascii_view(letters) {
                    Some(view) => whole(ascii, view),
                    None => whole(self.unicode(), text),
                };
            }
            Search::Opening(re) => return vec![Part { re, text, start: 0, opening: true }],
            Search::Clauses { ascii, stops } => (ascii, stops),
        };
        if hay.letters.is_empty() {
            return whole(ascii, text);
        }
        let mut parts = Vec::new();
        // The end of the stretch last pushed.
        let mut done = 0;
        for letter in &hay.letters {
            if letter.start < done {
                continue;
            }
            // From just after the stop before the letter to the stop after it.
            let start = text[..letter.start]
                .char_indices()
                .rfind(|(_, c)| stops.contains(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let end = text[letter.end..].find(stops.as_slice()).map_or(text.len(), |i| letter.end + i);
            if start > done {
                parts.push(Part { re: ascii, text: &text[..start], start: done, opening: false });
            }
            // Cut after the stretch: a match cannot run past the stop that ends it, and the
            // end of the text looks like a non-word character to `\b`, as the stop does.
            parts.push(Part { re: self.unicode(), text: &text[..end], start, opening: false });
            done = end;
        }
        if done < text.len() {
            parts.push(Part { re: ascii, text, start: done, opening: false });
        }
        parts
    }

    /// Up to `limit` matches, in order, or `None` on an empty match: the crate steps over those
    /// by rules of its own, so the caller then searches with the Unicode pattern. (The
    /// extractor's patterns all match at least a word.)
    fn run<T>(&self, hay: &Haystack<'_>, limit: usize, search: impl Fn(&Regex, &str, usize) -> Option<(Span, T)>) -> Option<Vec<T>> {
        let mut out = Vec::new();
        for part in self.parts(hay) {
            let mut at = part.start;
            while out.len() < limit
                && let Some((span, found)) = search(part.re, part.text, at)
            {
                if span.start == span.end {
                    return None;
                }
                if part.opening && !word_boundary(part.text, span.start) {
                    at = span.start + part.text[span.start..].chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                at = span.end;
                out.push(found);
            }
        }
        Some(out)
    }

    /// Every match with its groups, in order, as `Regex::captures_iter` would find them.
    pub(crate) fn captures_all(&self, hay: &Haystack<'_>) -> Vec<Groups> {
        let groups = |caps: &Captures<'_>| Groups(caps.iter().map(|m| m.map(|m| span(&m))).collect());
        let search = |re: &Regex, text: &str, at| re.captures_at(text, at).and_then(|c| Some((span(&c.get(0)?), groups(&c))));
        self.run(hay, usize::MAX, search)
            .unwrap_or_else(|| self.unicode().captures_iter(hay.text).map(|c| groups(&c)).collect())
    }

    /// Every match, in order, as `Regex::find_iter` would find them.
    pub(crate) fn find_all(&self, hay: &Haystack<'_>) -> Vec<Span> {
        let search = |re: &Regex, text: &str, at| re.find_at(text, at).map(|m| (span(&m), span(&m)));
        self.run(hay, usize::MAX, search).unwrap_or_else(|| self.unicode().find_iter(hay.text).map(|m| span(&m)).collect())
    }

    /// The first match, as `Regex::find` would find it.
    pub(crate) fn find(&self, hay: &Haystack<'_>) -> Option<Span> {
        let search = |re: &Regex, text: &str, at| re.find_at(text, at).map(|m| (span(&m), span(&m)));
        match self.run(hay, 1, search) {
            Some(found) => found.into_iter().next(),
            None => self.unicode().find(hay.text).map(|m| span(&m)),
        }
    }

    pub(crate) fn is_match(&self, hay: &Haystack<'_>) -> bool {
        self.find(hay).is_some()
    }
}

/// A match of a pattern: the spans of the whole match and of its groups, in the searched text.
pub(crate) struct Groups(Vec<Option<Span>>);

impl Groups {
    /// The span of group `i`, the whole match for 0, if it took part in the match.
    pub(crate) fn get(&self, i: usize) -> Option<Span> {
        self.0.get(i).copied().flatten()
    }
}

fn span(m: &regex::Match<'_>) -> Span {
    Span { start: m.start(), end: m.end() }
}

/// Whether a Unicode `\b` holds at `at`.
fn word_boundary(text: &str, at: usize) -> bool {
    let is_word = |c: char| {
        if c.is_ascii() { c.is_ascii_alphanumeric() || c == '_' } else { NON_ASCII_WORD.is_match(c.encode_utf8(&mut [0; 4])) }
    };
    text[..at].chars().next_back().is_some_and(is_word) != text[at..].chars().next().is_some_and(is_word)
}

/// `pattern` with each `\b` made ASCII-only (`(?-u:\b)`); escaped backslashes are kept.
fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: &[&str] = &[
        "Foreign Minister Sybiha met Orbán, “the Hungarian leader”, on Monday. Orbán said so.",
        "Erdoğan said Støre and Sánchez will meet; François Noël, a senior aide, agreed.",
        "éthe president said: “Ωminister Jane Doe” (ministerΩ John Smith) Ñ the official ß",
        "plain ascii text with the minister Jane Doe and no accents",
        "ǅthe minister Jane Doeé, sources said — he ſaid K week 12 May",
        "Talks on ١٢ May and 3 June; the weeK (Kelvin) before, she said",
        "",
        "é",
    ];

    fn same(plain: &str, words: WordRegex) {
        let plain = Regex::new(plain).expect("pattern");
        for text in TEXTS {
            let hay = Haystack::new(text);
            let found: Vec<Vec<Option<Span>>> = words.captures_all(&hay).into_iter().map(|g| g.0).collect();
            let expected: Vec<Vec<Option<Span>>> =
                plain.captures_iter(text).map(|c| c.iter().map(|m| m.map(|m| span(&m))).collect()).collect();
            assert_eq!(found, expected, "{plain} on {text:?}");
            let expected: Vec<Span> = plain.find_iter(text).map(|m| span(&m)).collect();
            assert_eq!(words.find_all(&hay), expected, "{plain} on {text:?}");
            assert_eq!(words.find(&hay), plain.find(text).map(|m| span(&m)));
            assert_eq!(words.is_match(&hay), plain.is_match(text));
        }
    }

    #[test]
    fn matches_are_those_of_the_unicode_pattern() {
        let words = |p: &str| WordRegex::words(p).expect("pattern");
        same(r"\b(?:[Hh]e|[Ss]he)\b", words(r"\b(?:[Hh]e|[Ss]he)\b"));
        same(r"(?i)\b(?:the|a)\s+(minister|official|aide|said|week)\b", words(r"(?i)\b(?:the|a)\s+(minister|official|aide|said|week)\b"));
        same(r"\b(\d{1,2})\s+(?:May|June)\b$", words(r"\b(\d{1,2})\s+(?:May|June)\b$"));
        same(r"(?i)\b(?:the|a)\s+([\w.-]+\s+){0,2}?(minister|aide)s?\b", words(r"(?i)\b(?:the|a)\s+([\w.-]+\s+){0,2}?(minister|aide)s?\b"));
        same(r",\s+(?:the|a)\b[^,“”]*,", words(r",\s+(?:the|a)\b[^,“”]*,"));
        same(r"\bsaid\b.*\b(aide|week)\b", words(r"\bsaid\b.*\b(aide|week)\b"));
        let names = WordRegex::words_and(r"\b(Orbán|Doeé|Jane)\s+(?i:minister|said)\b", &['á', 'é']).expect("pattern");
        same(r"\b(Orbán|Doeé|Jane)\s+(?i:minister|said)\b", names);
        let opening = |p: &str| WordRegex::opening(p).expect("pattern");
        same(r"\b(?:(?i:minister)\s+([A-Z]\w+(?:\s+[A-Z]\w+)?))", opening(r"(?i:minister)\s+([A-Z]\w+(?:\s+[A-Z]\w+)?)"));
        same(r"\b(?:[A-Z][\p{L}'’-]+)", opening(r"[A-Z][\p{L}'’-]+"));
        let clauses = |p: &str, stops: &[char]| WordRegex::clauses(p, stops).expect("pattern");
        same(r"(?i)\b(?:the|a)\s+(\w+\s+)?(minister|official|aide|said)\b", clauses(r"(?i)\b(?:the|a)\s+(\w+\s+)?(minister|official|aide|said)\b", CLAUSE_STOPS));
        same(r"\b([A-Z][\p{L}'’-]+)\s+(?:and|said)\b", clauses(r"\b([A-Z][\p{L}'’-]+)\s+(?:and|said)\b", &[]));
        same(r"\w+\b", clauses(r"\w+\b", &[]));
    }

    #[test]
    fn clause_stops_are_not_word_characters() {
        let word = Regex::new(r"\w").expect("pattern");
        assert!(CLAUSE_STOPS.iter().all(|c| !word.is_match(&c.to_string())));
    }

    #[test]
    fn only_real_word_boundaries_become_ascii() {
        assert_eq!(ascii_boundaries(r"\ba\\b\s\b"), r"(?-u:\b)a\\b\s(?-u:\b)");
    }
}
