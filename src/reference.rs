//! Reference data that users edit: the actor gazetteer and the topic taxonomy.
//!
//! Both live as YAML files in `seeds/`. This module owns their types, parses them with
//! errors that name the file and the entry, and checks that slugs and cross-references hold.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What sort of actor an entry is; the export and the pages use these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    Organization,
    Country,
    Group,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::Country => "country",
            ActorKind::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(ActorKind::Person),
            "organization" => Some(ActorKind::Organization),
            "country" => Some(ActorKind::Country),
            "group" => Some(ActorKind::Group),
            _ => None,
        }
    }
}

/// An office held for a period: "President" of "france" from 2017-05-14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub title: String,
    /// Slug of the country or organisation the office belongs to.
    #[serde(default)]
    pub of: Option<String>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

impl Role {
    /// Whether the office was held on `date` (an open end counts as held).
    pub fn held_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date < to)
    }
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorEntry {
    pub slug: String,
    pub name: String,
    pub kind: ActorKind,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// For countries: adjectives such as "French" that qualify titles.
    #[serde(default)]
    pub demonyms: Vec<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// One taxonomy entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicEntry {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// The gazetteer and the taxonomy together: everything `extract` knows beyond the text.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub actors: Vec<ActorEntry>,
    pub topics: Vec<TopicEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("{path}: cannot read: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: {cause}")]
    Parse { path: String, cause: serde_norway::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

pub const GAZETTEER_FILE: &str = "gazetteer.yaml";
pub const TOPICS_FILE: &str = "topics.yaml";

impl Reference {
    /// Loads `gazetteer.yaml` and `topics.yaml` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, ReferenceError> {
        let gazetteer = dir.join(GAZETTEER_FILE);
        let topics = dir.join(TOPICS_FILE);
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|cause| ReferenceError::Read {
                path: path.display().to_string(),
                cause,
            })
        };
        Self::parse(
            &read(&gazetteer)?,
            &gazetteer.display().to_string(),
            &read(&topics)?,
            &topics.display().to_string(),
        )
    }

    /// Parses both files' contents; the names are only used in error messages.
    pub fn parse(
        gazetteer: &str,
        gazetteer_name: &str,
        topics: &str,
        topics_name: &str,
    ) -> Result<Self, ReferenceError> {
        let actors: Vec<ActorEntry> =
            serde_norway::from_str(gazetteer).map_err(|cause| ReferenceError::Parse {
                path: gazetteer_name.to_string(),
                cause,
            })?;
        let topics: Vec<TopicEntry> =
            serde_norway::from_str(topics).map_err(|cause| ReferenceError::Parse {
                path: topics_name.to_string(),
                cause,
            })?;
        let invalid = |path: &str, message: String| ReferenceError::Invalid {
            path: path.to_string(),
            message,
        };

        let mut actor_slugs = HashSet::new();
        for actor in &actors {
            check_slug(&actor.slug).map_err(|m| invalid(gazetteer_name, m))?;
            if !actor_slugs.insert(actor.slug.as_str()) {
                return Err(invalid(
                    gazetteer_name,
                    format!("actor slug `{}` appears twice", actor.slug),
                ));
            }
        }
        for actor in &actors {
            let refs = actor
                .country
                .iter()
                .chain(actor.roles.iter().filter_map(|r| r.of.as_ref()));
            for target in refs {
                if !actor_slugs.contains(target.as_str()) {
                    return Err(invalid(
                        gazetteer_name,
                        format!("actor `{}` refers to unknown actor `{target}`", actor.slug),
                    ));
                }
            }
        }

        let mut topic_slugs = HashSet::new();
        for topic in &topics {
            check_slug(&topic.slug).map_err(|m| invalid(topics_name, m))?;
            if !topic_slugs.insert(topic.slug.as_str()) {
                return Err(invalid(
                    topics_name,
                    format!("topic slug `{}` appears twice", topic.slug),
                ));
            }
        }
        for topic in &topics {
            if let Some(parent) = &topic.parent
                && !topic_slugs.contains(parent.as_str())
            {
                return Err(invalid(
                    topics_name,
                    format!("topic `{}` has unknown parent `{parent}`", topic.slug),
                ));
            }
        }
        Ok(Reference { actors, topics })
    }

    /// The gazetteer and taxonomy this build was made with (the repository's `seeds/`), for
    /// running outside a checkout.
    pub fn builtin() -> Result<Self, ReferenceError> {
        Self::parse(
            include_str!("../seeds/gazetteer.yaml"),
            "built-in gazetteer.yaml",
            include_str!("../seeds/topics.yaml"),
            "built-in topics.yaml",
        )
    }

    pub fn actor(&self, slug: &str) -> Option<&ActorEntry> {
        self.actors.iter().find(|a| a.slug == slug)
    }
}

fn check_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "slug `{slug}` must be lowercase letters, digits and hyphens"
        ))
    }
}

/// Makes a URL slug from free text: lowercase ASCII words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_char(c) {
            Some(ascii) => folded.push_str(ascii),
            None => folded.push(c),
        }
    }
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// The ASCII spelling of a Latin letter with an accent (case kept), or `None` for any other
/// character: "François" slugs as "francois", and "Zelenskyy" in a text matches "Zelenskyy" in
/// the gazetteer however either writes its accents.
pub(crate) fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ö' | 'Ø' | 'Ó' => "O",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ü' | 'Ú' => "U",
        'ý' | 'ÿ' => "y",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ł' => "l",
        'Ł' => "L",
        'ğ' => "g",
        'ř' => "r",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        '’' | '‘' => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_reference_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let reference = Reference::load(&dir).expect("seeds load");
        assert!(reference.actor("friedrich-merz").is_some());
        assert!(reference.topics.iter().any(|t| t.slug == "security-guarantees"));
    }

    #[test]
    fn the_builtin_reference_is_the_seeds() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let seeds = Reference::load(&dir).expect("seeds load");
        let builtin = Reference::builtin().expect("builtin parses");
        assert_eq!(builtin.actors, seeds.actors);
        assert_eq!(builtin.topics, seeds.topics);
    }

    #[test]
    fn merz_is_chancellor_only_from_may_2025() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let reference = Reference::load(&dir).expect("seeds load");
        let merz = reference.actor("friedrich-merz").expect("merz");
        let chancellor = merz
            .roles
            .iter()
            .find(|r| r.title == "Chancellor")
            .expect("role");
        assert!(!chancellor.held_on(NaiveDate::from_ymd_opt(2025, 2, 26).expect("date")));
        assert!(chancellor.held_on(NaiveDate::from_ymd_opt(2025, 5, 6).expect("date")));
    }

    #[test]
    fn errors_name_the_file_and_the_entry() {
        let err = Reference::parse(
            "- {slug: a, name: A, kind: person, country: nowhere}",
            "g.yaml",
            "[]",
            "t.yaml",
        )
        .expect_err("unknown country");
        assert_eq!(err.to_string(), "g.yaml: actor `a` refers to unknown actor `nowhere`");
        let err = Reference::parse("- {slug: a, name: A, kind: robot}", "g.yaml", "[]", "t.yaml")
            .expect_err("bad kind");
        assert!(err.to_string().starts_with("g.yaml: "), "{err}");
    }

    #[test]
    fn slugify_folds_accents_and_punctuation() {
        assert_eq!(slugify("François Heisbourg"), "francois-heisbourg");
        assert_eq!(slugify("  Caliber.Az -- news "), "caliber-az-news");
    }
}
