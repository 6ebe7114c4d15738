//! Sentence splitting: paragraph breaks always end a sentence; inside a paragraph a `.`, `!` or
//! `?` ends one unless it closes an abbreviation or an initial, or sits inside a quotation.

use crate::extract::{Sentence, Span};

/// Abbreviations that never end a sentence (a title or a month before a number).
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "No", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Prof", "Rev",
    "Capt", "Sgt", "Maj", "Adm", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
    "Oct", "Nov", "Dec", "vs", "approx", "Jr", "Sr", "Pres", "Gens",
];

/// Words that start a new sentence after an abbreviation such as "U.S." closes one.
const OPENERS: &[&str] = &[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "But", "And", "In", "On", "This",
    "That", "These", "Those", "There", "His", "Her", "Its", "Their", "Meanwhile", "However",
    "While", "When", "After", "Asked", "According", "Despite", "Still", "Yet", "So",
];

/// Splits `text` into sentences, as spans with surrounding whitespace trimmed.
pub(crate) fn split(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut para_start = 0;
    for (i, _) in text.match_indices('\n').chain(std::iter::once((text.len(), ""))) {
        split_paragraph(text, para_start, i, &mut out);
        para_start = i + 1;
    }
    out
}

fn split_paragraph(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let para = &text[start..end];
    let mut sent_start = 0;
    let mut in_curly = 0usize;
    let mut in_straight = false;
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '“' | '«' | '„' => in_curly += 1,
            '”' | '»' => in_curly = in_curly.saturating_sub(1),
            '"' => in_straight = !in_straight,
            '.' | '!' | '?' => {
                // Skip closing marks that belong to the sentence.
                let mut j = k + 1;
                while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | '\'' | ')' | '»') {
                    j += 1;
                }
                let closes_quote = j > k + 1;
                let inside = (in_curly > 0 || in_straight) && !closes_quote;
                if inside || j >= chars.len() || !chars[j].1.is_whitespace() {
                    continue;
                }
                let next_word = next_word(para, chars[j].0);
                if c != '.' && closes_quote && attribution_follows(&para[chars[j].0..]) {
                    continue;
                }
                if c == '.' && !ends_sentence(&para[..i], next_word) {
                    continue;
                }
                if !next_word.starts_with(|n: char| {
                    n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '«' | '‘' | '(' | '[' | '–' | '—')
                }) {
                    continue;
                }
                let cut = chars.get(j).map_or(para.len(), |&(b, _)| b);
                push(out, start + sent_start, start + cut, text);
                sent_start = cut;
                in_curly = 0;
                in_straight = false;
            }
            _ => {}
        }
    }
    push(out, start + sent_start, end, text);
}

/// Speech verbs that close an attribution after a quoted question ("..?" Vance asked him.).
const ATTRIBUTION_VERBS: &[&str] = &[
    "said", "says", "asked", "asks", "told", "wrote", "replied", "answered", "added", "shouted",
    "responded", "demanded", "wondered", "tweeted", "posted",
];

/// Whether `rest` (after a quote closed by "?" or "!") is a short attribution ending the
/// sentence: a speaker of at most a few words and a speech verb, then the full stop.
fn attribution_follows(rest: &str) -> bool {
    let clause = rest.split(['.', '!', '?', '"', '“']).next().unwrap_or("");
    let words: Vec<&str> = clause.split_whitespace().map(|w| w.trim_matches(',')).collect();
    words.len() <= 6 && words.iter().take(5).any(|w| ATTRIBUTION_VERBS.contains(w))
}

fn next_word(para: &str, from: usize) -> &str {
    let rest = para[from..].trim_start();
    rest.split(|c: char| c.is_whitespace()).next().unwrap_or("")
}

/// Whether the period at the end of `before` ends a sentence, given the word after it.
fn ends_sentence(before: &str, next: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"')
        .next()
        .unwrap_or("");
    if TITLES.contains(&word) {
        return false;
    }
    // An initial ("J. D. Vance") or a dotted abbreviation ("U.S", "E.U").
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let dotted = word.contains('.') && word.chars().all(|c| c == '.' || c.is_alphabetic());
    if is_initial || dotted {
        let bare = next.trim_start_matches(['"', '“', '‘']);
        return OPENERS.contains(&bare);
    }
    true
}

/// No real sentence is this long (in bytes); longer runs without an end (a scrape with its
/// punctuation lost, a table flattened to one line) are cut at a space, so that every later
/// stage works on bounded pieces.
const MAX_SENTENCE: usize = 2_000;

fn push(out: &mut Vec<Sentence>, start: usize, end: usize, text: &str) {
    let mut start = start;
    while end - start > MAX_SENTENCE {
        let mut limit = start + MAX_SENTENCE;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        // At a space, else after punctuation ("Macron,Macron,..."), so that words stay whole;
        // only a single word longer than the limit is cut inside.
        let piece = &text[start..limit];
        let after = |i: usize, c: char| start + i + c.len_utf8();
        let cut = piece
            .char_indices()
            .rfind(|&(_, c)| c.is_whitespace())
            .or_else(|| piece.char_indices().rfind(|&(_, c)| !c.is_alphanumeric()))
            .map_or(limit, |(i, c)| after(i, c));
        push_trimmed(out, start, cut, text);
        start = cut;
    }
    push_trimmed(out, start, end, text);
}

fn push_trimmed(out: &mut Vec<Sentence>, start: usize, end: usize, text: &str) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail < slice.len() {
        out.push(Sentence {
            span: Span { start: start + lead, end: end - trail },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runaway_sentences_are_cut_at_spaces_into_bounded_pieces() {
        let text = "word ".repeat(1_000) + "ünïcödé ".repeat(500).as_str();
        let sentences = split(&text);
        assert!(sentences.len() >= 4, "{}", sentences.len());
        for s in &sentences {
            assert!(s.span.end - s.span.start <= MAX_SENTENCE);
            assert!(!text[s.span.start..s.span.end].starts_with(' '));
        }
        let covered: usize = sentences.iter().map(|s| text[s.span.start..s.span.end].split_whitespace().count()).sum();
        assert_eq!(covered, 1_500);
    }

    #[test]
    fn runaway_sentences_without_spaces_are_cut_between_words() {
        // Found by the extractor's properties: a cut inside "Macron" left a name across two
        // sentences.
        let text = "Macron,".repeat(400);
        for s in split(&text) {
            let piece = &text[s.span.start..s.span.end];
            assert!(piece.starts_with('M') && piece.ends_with(','), "{piece:?}");
        }
    }

    #[test]
    fn runaway_sentences_cut_at_multi_byte_spaces_stay_on_char_boundaries() {
        // A no-break space is two bytes; cutting one byte after it split it.
        let text = "word\u{a0}".repeat(1_000);
        let sentences = split(&text);
        assert!(sentences.len() >= 3);
        assert!(sentences.iter().all(|s| s.span.end - s.span.start <= MAX_SENTENCE));
    }

    fn texts(text: &str) -> Vec<&str> {
        split(text).iter().map(|s| &text[s.span.start..s.span.end]).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        let t = "U.S. Secretary of State Marco Rubio met Mr. Sybiha on Feb. 12 at No. 10. J. D. Vance was there too.";
        assert_eq!(
            texts(t),
            vec![
                "U.S. Secretary of State Marco Rubio met Mr. Sybiha on Feb. 12 at No. 10.",
                "J. D. Vance was there too."
            ]
        );
    }

    #[test]
    fn dotted_abbreviation_can_end_a_sentence() {
        let t = "The force would be backed by the U.S. The plan includes 30,000 troops.";
        assert_eq!(texts(t).len(), 2);
    }

    #[test]
    fn quotes_keep_their_inner_sentence_ends() {
        let t = "He said: “We are ready. We will act.” Then he left. “It works,” she said. “Really.”";
        assert_eq!(
            texts(t),
            vec!["He said: “We are ready. We will act.”", "Then he left.", "“It works,” she said.", "“Really.”"]
        );
    }

    #[test]
    fn paragraph_breaks_always_end_a_sentence() {
        let t = "Talks resumed in Riyadh\nThe delegations met for nine hours";
        assert_eq!(texts(t), vec!["Talks resumed in Riyadh", "The delegations met for nine hours"]);
    }
}
