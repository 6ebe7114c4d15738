//! Lays an article's body out for its source page: paragraphs, sentences anchored as `s-{idx}`,
//! and inside them the pieces of text that are quotes, actor mentions or dates.

use crate::store::read::{ArticleMarks, QuoteRow, slice};

/// A run of text with the same marks.
pub struct Piece {
    pub text: String,
    /// The quote this text is part of, by id.
    pub quote: Option<i64>,
    /// Set on the first piece of a quote, so the anchor `q-{id}` appears once.
    pub quote_anchor: bool,
    pub quote_title: String,
    /// The actor this text mentions: (slug, name).
    pub actor: Option<(String, String)>,
    /// The date this text means: (ISO date, label).
    pub date: Option<(String, String)>,
}

pub struct SentenceLayout {
    pub idx: usize,
    pub pieces: Vec<Piece>,
}

pub struct Paragraph {
    pub sentences: Vec<SentenceLayout>,
}

/// Splits the body into paragraphs (one per non-empty line) of marked sentences.
pub fn layout(body: &str, marks: &ArticleMarks, quotes: &[QuoteRow]) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut last_line_start = None;
    for (idx, &(start, end)) in marks.sentences.iter().enumerate() {
        let line_start = slice(body, 0, start).rfind('\n').map_or(0, |i| i + 1);
        if last_line_start != Some(line_start) || paragraphs.is_empty() {
            paragraphs.push(Paragraph { sentences: Vec::new() });
            last_line_start = Some(line_start);
        }
        let pieces = sentence_pieces(body, start, end, marks, quotes);
        if let Some(p) = paragraphs.last_mut() {
            p.sentences.push(SentenceLayout { idx, pieces });
        }
    }
    paragraphs
}

fn sentence_pieces(body: &str, start: i64, end: i64, marks: &ArticleMarks, quotes: &[QuoteRow]) -> Vec<Piece> {
    let inside = |s: i64, e: i64| s >= start && e <= end && s < e;
    let mut cuts = vec![start, end];
    for q in quotes.iter().filter(|q| q.end > start && q.start < end) {
        cuts.push(q.start.clamp(start, end));
        cuts.push(q.end.clamp(start, end));
    }
    for m in marks.mentions.iter().filter(|m| inside(m.start, m.end)) {
        cuts.extend([m.start, m.end]);
    }
    for d in marks.dates.iter().filter(|d| inside(d.start, d.end)) {
        cuts.extend([d.start, d.end]);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut pieces = Vec::new();
    for pair in cuts.windows(2) {
        let (s, e) = (pair[0], pair[1]);
        let text = slice(body, s, e);
        if text.is_empty() {
            continue;
        }
        let quote = quotes.iter().find(|q| q.start <= s && e <= q.end);
        let actor = marks
            .mentions
            .iter()
            .find(|m| m.start <= s && e <= m.end)
            .map(|m| (m.slug.clone(), m.name.clone()));
        let date = marks
            .dates
            .iter()
            .find(|d| d.start <= s && e <= d.end)
            .and_then(|d| {
                let iso = d.date_start.clone()?;
                let end = d.date_end.as_deref().unwrap_or(&iso);
                let label = super::format::date_label(&iso, end, &d.precision);
                Some((iso, label))
            });
        pieces.push(Piece {
            text: text.to_string(),
            quote: quote.map(|q| q.id),
            quote_anchor: quote.is_some_and(|q| q.start == s),
            quote_title: quote
                .map(|q| format!("quote: {}", q.speaker_name.as_deref().unwrap_or("speaker unknown")))
                .unwrap_or_default(),
            actor,
            date,
        });
    }
    pieces
}
