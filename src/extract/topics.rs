//! Topics: taxonomy keywords matched case-insensitively on word boundaries, in the body and the
//! title; a topic's ancestors count every hit of their descendants.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::extract::TopicHit;
use crate::extract::actors::whole_word;
use crate::reference::Reference;

pub(crate) struct TopicMatcher {
    keywords: AhoCorasick,
    /// For each keyword pattern, the topics (indices) it marks.
    targets: Vec<Vec<usize>>,
    slugs: Vec<String>,
    /// For each topic, itself and its ancestors.
    lineage: Vec<Vec<usize>>,
}

impl TopicMatcher {
    pub(crate) fn new(reference: &Reference) -> Self {
        let slugs: Vec<String> = reference.topics.iter().map(|t| t.slug.clone()).collect();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<usize>> = Vec::new();
        for (i, topic) in reference.topics.iter().enumerate() {
            for kw in &topic.keywords {
                let key = kw.to_lowercase();
                let at = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    targets.push(Vec::new());
                    targets.len() - 1
                });
                targets[at].push(i);
            }
        }
        let lineage = (0..slugs.len())
            .map(|i| {
                let mut chain = vec![i];
                let mut cur = i;
                while let Some(parent) = reference.topics[cur].parent.as_ref()
                    && let Some(p) = slugs.iter().position(|s| s == parent)
                    && !chain.contains(&p)
                {
                    chain.push(p);
                    cur = p;
                }
                chain
            })
            .collect();
        let keywords = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&patterns)
            .expect("taxonomy keywords build");
        TopicMatcher { keywords, targets, slugs, lineage }
    }

    /// Direct keyword hits per topic index in `text`, ancestors not included.
    pub(crate) fn direct_hits(&self, text: &str) -> HashMap<usize, usize> {
        let mut hits = HashMap::new();
        for m in self.keywords.find_iter(text) {
            if whole_word(text, m.start(), m.end()) {
                for &t in &self.targets[m.pattern().as_usize()] {
                    *hits.entry(t).or_insert(0) += 1;
                }
            }
        }
        hits
    }

    /// Topics of an article, each with its own hits plus those of its descendants.
    pub(crate) fn article_topics(&self, text: &str, title: Option<&str>) -> Vec<TopicHit> {
        let mut totals: HashMap<usize, usize> = HashMap::new();
        for part in std::iter::once(text).chain(title) {
            for (t, n) in self.direct_hits(part) {
                for &a in &self.lineage[t] {
                    *totals.entry(a).or_insert(0) += n;
                }
            }
        }
        let mut out: Vec<TopicHit> = totals
            .into_iter()
            .map(|(t, hits)| TopicHit { topic: self.slugs[t].clone(), hits })
            .collect();
        out.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.topic.cmp(&b.topic)));
        out
    }

    /// Slugs of the topics with a keyword in `text` (a sentence), in taxonomy order.
    pub(crate) fn sentence_topics(&self, text: &str) -> Vec<String> {
        let mut ids: Vec<usize> = self.direct_hits(text).into_keys().collect();
        ids.sort_unstable();
        ids.into_iter().map(|t| self.slugs[t].clone()).collect()
    }
}
