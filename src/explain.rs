//! `entente explain FILE`: each sentence of an article with what was extracted from it and
//! which rule produced it, so that any fact on a page can be traced to its reason.

use std::fmt::Write as _;
use std::path::Path;

use crate::extract::{Extractor, Facts, Input, Provenance, Span, Speaker};
use crate::ingest;
use crate::reference::Reference;

/// The explanation of one file, as text.
pub fn explain(path: &Path, reference: &Reference) -> anyhow::Result<String> {
    let doc = ingest::read(path).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
    let facts = Extractor::new(reference).extract(Input {
        text: &doc.cleaned.text,
        published: doc.published(),
        title: doc.title(),
    });
    let mut out = String::new();
    let _ = writeln!(out, "file: {}", path.display());
    let _ = writeln!(out, "title: {}", doc.title().unwrap_or("(none)"));
    let _ = writeln!(
        out,
        "published: {}",
        doc.published().map_or("unknown".to_string(), |d| d.to_string())
    );
    for warning in &doc.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    let topics: Vec<String> = facts.topics.iter().map(|t| format!("{} ({})", t.topic, t.hits)).collect();
    let _ = writeln!(out, "topics: {}", topics.join(", "));
    for (idx, sentence) in facts.sentences.iter().enumerate() {
        let _ = writeln!(out, "\n[{idx}] {}", text_of(&doc.cleaned.text, sentence.span).trim());
        explain_sentence(&mut out, &doc.cleaned.text, &facts, idx);
    }
    Ok(out)
}

fn explain_sentence(out: &mut String, text: &str, facts: &Facts, idx: usize) {
    for m in facts.mentions.iter().filter(|m| m.sentence == idx) {
        line(out, "actor", &format!("{:?} -> {}", text_of(text, m.span), m.actor), &m.provenance);
    }
    for d in facts.dates.iter().filter(|d| d.sentence == idx) {
        let resolved = match (d.start, d.end) {
            (Some(s), Some(e)) if s == e => s.to_string(),
            (Some(s), Some(e)) => format!("{s}..{e}"),
            _ => "unresolved".to_string(),
        };
        let what = format!("{:?} -> {resolved} ({})", text_of(text, d.span), d.precision.as_str());
        line(out, "date", &what, &d.provenance);
    }
    for q in facts.quotes.iter().filter(|q| q.sentence == idx) {
        let mut what = format!("{:?} by {}", q.text, speaker(q.speaker.as_ref()));
        if let Some(said) = &q.speaker_text {
            let _ = write!(what, " (named as {said:?})");
        }
        if let Some(by) = &q.reported_by {
            let _ = write!(what, ", reported by {}", speaker(Some(by)));
        }
        line(out, "quote", &what, &q.provenance);
    }
    for e in facts.events.iter().filter(|e| e.sentence == idx) {
        let what = format!(
            "{} {}..{} ({}) {:?} [{}] actors: {}; topics: {}",
            e.kind.as_deref().unwrap_or("-"),
            e.start,
            e.end,
            e.precision.as_str(),
            e.title,
            e.provenance.rule,
            e.actors.join(", "),
            e.topics.join(", ")
        );
        line(out, "event", &what, &e.provenance);
    }
}

fn line(out: &mut String, label: &str, what: &str, why: &Provenance) {
    let _ = writeln!(out, "    {label:<6} {what}  <- {} ({:.2})", why.rule, why.confidence);
}

fn speaker(speaker: Option<&Speaker>) -> String {
    match speaker {
        Some(Speaker::Actor(slug)) => slug.clone(),
        Some(Speaker::Unnamed(description)) => format!("{description:?} (unnamed)"),
        None => "nobody found".to_string(),
    }
}

fn text_of(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}
