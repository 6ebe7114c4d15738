//! `entente generate`: a synthetic corpus of realistic diplomacy articles, deterministic by
//! seed, so that scale can be measured without anyone's copyrighted text.
//!
//! Each article has a headline, a dateline or front matter, and paragraphs that name leaders
//! from the gazetteer (by name, surname or title) and invented officials, quote them with varied
//! attribution, and date happenings absolutely and relatively across 2024-2026. Background
//! paragraphs and scraped boilerplate (bylines, captions, teasers, pitches) are mixed in, and
//! some articles are near-duplicate republications of earlier ones.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Duration, NaiveDate};

use crate::reference::{ActorKind, Reference};

/// Articles per sub-folder, so that no folder holds more than a file system likes.
const PER_FOLDER: usize = 1000;
/// Share of articles (in percent) that republish an earlier one.
const REPUBLISHED_PERCENT: u64 = 5;

/// splitmix64: small, fast, and the same sequence on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A person an article can name: full name, surname, and a title for the article's date.
struct Person {
    name: String,
    surname: String,
    title: Option<String>,
}

const OUTLETS: &[&str] = &[
    "Reuters", "Associated Press", "Politico Europe", "Financial Times", "The Kyiv Independent", "Ukrinform",
    "RFE/RL", "Le Monde", "The Guardian", "Deutsche Welle", "Euronews", "BBC News", "Bloomberg", "Axios",
    "Kyiv Post", "Meduza", "TASS", "Caliber.Az", "UNN", "GlobalPost",
];
const CITIES: &[&str] = &[
    "Kyiv", "Washington", "Paris", "London", "Berlin", "Brussels", "Warsaw", "Rome", "Jeddah", "Riyadh",
    "Istanbul", "Geneva", "Helsinki", "Anchorage", "Moscow", "The Hague",
];
const ORGS: &[&str] = &[
    "Foreign Ministry", "Defence Ministry", "Presidential Office", "European Commission", "NATO",
    "the Kremlin", "the State Department", "the Elysee", "Downing Street", "the Chancellery",
];
const ROLES: &[&str] = &["spokesperson", "spokesman", "spokeswoman", "adviser", "envoy", "deputy minister"];
const FIRST: &[&str] = &[
    "Anna", "Oleksandr", "Marta", "Pierre", "Claire", "Jonas", "Ingrid", "Tomasz", "Elena", "Viktor", "Sofia",
    "Mikko", "Lucia", "Andrei", "Hanna", "Piotr", "Greta", "Luca", "Irina", "Dmytro",
];
const SYLLABLES: &[&str] = &[
    "ko", "ven", "dr", "sky", "ber", "lin", "mar", "ov", "enko", "ski", "ard", "mont", "hal", "ner", "vich", "sen",
];
const TOPIC_PHRASES: &[&str] = &[
    "security guarantees for Ukraine", "a ceasefire", "the reassurance force", "a peace deal", "sanctions on Russia",
    "the minerals deal", "air defence for Kyiv", "a European peacekeeping force", "territorial concessions",
    "a U.S. backstop", "military aid", "the frozen Russian assets", "European defence spending",
];
const HAPPENINGS: &[(&str, &str)] = &[
    ("met", "in"),
    ("held talks with", "in"),
    ("spoke by phone with", "from"),
    ("hosted", "in"),
    ("signed an agreement with", "in"),
    ("visited", "in"),
];
const CLAIMS: &[&str] = &[
    "We are ready to do our part, but Europe cannot do this alone",
    "There will be no peace without guarantees that last",
    "The door to negotiations remains open, on our terms",
    "Nobody should doubt our commitment to Ukraine's sovereignty",
    "This is a turning point for European security",
    "We will not accept a ceasefire that only freezes the war",
    "Any agreement must be backed by real security guarantees",
    "The next weeks will decide whether this process is serious",
    "We have made progress, but there is still a long road ahead",
    "Sanctions will stay until Russia ends its aggression",
    "Our soldiers will not be deployed on the front lines",
    "It was a frank and useful conversation",
];
/// Openings and endings that vary a claim, as speakers vary their lines from day to day.
const OPENERS: &[&str] = &[
    "", "", "Let me be clear: ", "As I said before, ", "Frankly, ", "I want to stress that ", "Today I can say that ",
    "In all honesty, ",
];
const CLOSERS: &[&str] = &[
    "", "", " and everyone at the table knows it", ", whatever Moscow says", " — that is our position",
    ", and we will keep saying so", " for as long as it takes", ", including on {detail}", ", and {city} showed it",
];
/// Background paragraphs, as wire reports carry them between the news.
const BACKGROUND: &[&str] = &[
    "Russia launched its full-scale invasion of Ukraine in February 2022 and occupies about a fifth of the country.",
    "European leaders have sought a role in the talks since Washington opened direct contacts with Moscow.",
    "The so-called coalition of the willing, led by Britain and France, has discussed a force to deter future attacks.",
    "Kyiv has repeatedly said that any ceasefire without firm guarantees would only give Russia time to rearm.",
    "The Kremlin has rejected the idea of troops from NATO countries being stationed in Ukraine.",
    "Officials cautioned that many details, including the size of any force and its rules of engagement, remain open.",
    "Energy infrastructure has been a frequent target of drone and missile strikes through the winter.",
    "Diplomats said a draft text had circulated among the delegations but had not been agreed.",
];
const UNNAMED: &[&str] = &[
    "a senior EU official", "one European diplomat", "a White House official", "two people familiar with the talks",
    "a Ukrainian official", "a NATO diplomat",
];

/// Writes `articles` article files under `out`, in sub-folders of a thousand; returns bytes written.
pub fn generate(reference: &Reference, articles: usize, seed: u64, out: &Path) -> std::io::Result<u64> {
    let mut rng = Rng(seed);
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let days = 365 * 3;
    let mut written = 0u64;
    // The text of recent articles, for republications: (text, outlet).
    let mut recent: Vec<(String, String)> = Vec::new();
    for i in 0..articles {
        let folder = out.join(format!("{:03}", i / PER_FOLDER));
        if i % PER_FOLDER == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let published = start + Duration::days(rng.below(days) as i64);
        let text = if rng.percent(REPUBLISHED_PERCENT) && !recent.is_empty() {
            let (original, outlet) = rng.pick(&recent).clone();
            republish(&mut rng, &original, &outlet)
        } else {
            let text = article(&mut rng, reference, published);
            let outlet = rng.pick(OUTLETS).to_string();
            if recent.len() < 64 {
                recent.push((text.clone(), outlet));
            } else {
                let slot = rng.below(recent.len());
                recent[slot] = (text.clone(), outlet);
            }
            text
        };
        written += text.len() as u64;
        std::fs::write(folder.join(format!("{i:06}.txt")), text)?;
    }
    Ok(written)
}

/// Leaders who held an office on `day`, with their title then.
fn people_on(reference: &Reference, day: NaiveDate) -> Vec<Person> {
    reference
        .actors
        .iter()
        .filter(|a| a.kind == ActorKind::Person)
        .map(|a| {
            let title = a.roles.iter().find(|r| r.held_on(day)).map(|r| {
                let country = r
                    .of
                    .as_deref()
                    .and_then(|c| reference.actor(c))
                    .and_then(|c| c.demonyms.first())
                    .map(|d| format!("{d} "))
                    .unwrap_or_default();
                format!("{country}{}", r.title)
            });
            Person {
                surname: a.name.rsplit(' ').next().unwrap_or(&a.name).to_string(),
                name: a.name.clone(),
                title,
            }
        })
        .collect()
}

fn invented_name(rng: &mut Rng) -> String {
    let mut surname = String::new();
    for _ in 0..2 + rng.below(2) {
        let syllable: &&str = rng.pick(SYLLABLES);
        surname.push_str(syllable);
    }
    let mut chars = surname.chars();
    let surname = chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect());
    format!("{} {surname}", rng.pick(FIRST))
}

/// A date phrase for `day` as seen from `published`, and whether it is in the future.
fn date_phrase(rng: &mut Rng, day: NaiveDate, published: NaiveDate) -> String {
    let delta = (published - day).num_days();
    match rng.below(5) {
        0 if (0..7).contains(&delta) => format!("on {}", day.format("%A")),
        1 => format!("on {}", day.format("%B %-d")),
        2 => format!("on {}", day.format("%-d %B %Y")),
        3 if (0..7).contains(&delta) => "earlier this week".to_string(),
        _ => format!("on {}", day.format("%b. %-d, %Y")),
    }
}

fn article(rng: &mut Rng, reference: &Reference, published: NaiveDate) -> String {
    let people = people_on(reference, published);
    let leaders: Vec<&Person> = people.iter().filter(|p| p.title.is_some()).collect();
    let cast: Vec<&Person> = (0..3).map(|_| *rng.pick(&leaders)).collect();
    let city = *rng.pick(CITIES);
    let topic = *rng.pick(TOPIC_PHRASES);
    let outlet = *rng.pick(OUTLETS);
    let headline = format!("{} and {} discuss {topic} in {city}", cast[0].surname, cast[1].surname);
    let mut text = String::new();
    if rng.percent(70) {
        let _ = write!(text, "---\ntitle: \"{headline}\"\noutlet: {outlet}\npublished: {published}\n---\n");
    } else {
        let _ = writeln!(text, "{headline}\n");
        if rng.percent(50) {
            let _ = writeln!(text, "[{}]\n", published.format("%B %d, %Y"));
        } else {
            let _ = write!(text, "{}, {} (Reuters) - ", city.to_uppercase(), published.format("%b %-d"));
        }
    }
    let event_day = published - Duration::days(rng.below(6) as i64);
    let (verb, prep) = *rng.pick(HAPPENINGS);
    let lead = cast[0];
    let _ = writeln!(
        text,
        "{} {} {} {verb} {} {} {prep} {city} {} to discuss {topic}, officials said.\n",
        capitalise(&date_phrase(rng, event_day, published)),
        lead.title.as_deref().unwrap_or(""),
        lead.name,
        cast[1].title.as_deref().unwrap_or(""),
        cast[1].name,
        if rng.percent(50) { "" } else { "as talks intensified" },
    );
    if rng.percent(30) {
        let _ = writeln!(text, "{} (AP Photo/{})\n", headline, invented_name(rng));
    }
    for paragraph in 0..4 + rng.below(8) {
        let speaker = cast[paragraph % cast.len()];
        let detail = *rng.pick(TOPIC_PHRASES);
        let claim = varied_claim(rng, detail);
        match rng.below(9) {
            0 => {
                let _ = writeln!(text, "“{claim},” {} said. “We discussed {detail} in detail.”\n", speaker.surname);
            }
            1 => {
                let _ = writeln!(text, "{} told reporters: “{claim}.”\n", speaker.name);
            }
            2 => {
                let _ = writeln!(
                    text,
                    "“{claim},” said {} {}.\n",
                    speaker.title.as_deref().unwrap_or(""),
                    speaker.name
                );
            }
            3 => {
                let _ = writeln!(text, "According to {}, “{claim} on {detail}.”\n", rng.pick(UNNAMED));
            }
            4 => {
                let official = invented_name(rng);
                let _ = writeln!(
                    text,
                    "{} {} {official} said the talks on {detail} were “{}”.\n",
                    rng.pick(ORGS),
                    rng.pick(ROLES),
                    if rng.percent(50) { "constructive" } else { "premature" }
                );
            }
            5 => {
                let future = published + Duration::days(1 + rng.below(20) as i64);
                let _ = writeln!(
                    text,
                    "{} is scheduled to meet {} in {} on {} to follow up on {detail}.\n",
                    speaker.name,
                    cast[(paragraph + 1) % cast.len()].surname,
                    rng.pick(CITIES),
                    future.format("%B %-d")
                );
            }
            6 => {
                let _ = writeln!(
                    text,
                    "The talks come {} weeks after a summit in {} that ended without agreement on {detail}.\n",
                    ["two", "three", "nearly three", "four"][rng.below(4)],
                    rng.pick(CITIES)
                );
            }
            7 => {
                let _ = writeln!(text, "{} {}\n", rng.pick(BACKGROUND), rng.pick(BACKGROUND));
            }
            _ => {
                let _ = writeln!(
                    text,
                    "{} wrote on X that {} “{}”.\n",
                    speaker.surname,
                    detail,
                    claim.to_lowercase()
                );
            }
        }
    }
    if rng.percent(40) {
        let _ = writeln!(text, "Read more: {} warns of {}\n", rng.pick(&people).surname, rng.pick(TOPIC_PHRASES));
    }
    if rng.percent(30) {
        text.push_str("Subscribe to our newsletter for the latest on the war in Ukraine, in your inbox every morning.\n\n");
    }
    if rng.percent(50) {
        let _ = writeln!(text, "By {}", invented_name(rng));
    }
    text
}

/// One of the stock claims, varied at its start and end.
fn varied_claim(rng: &mut Rng, detail: &str) -> String {
    let opener = *rng.pick(OPENERS);
    let core = *rng.pick(CLAIMS);
    let core = if opener.is_empty() { core.to_string() } else { lower_first(core) };
    let city = *rng.pick(CITIES);
    let closer = rng.pick(CLOSERS).replace("{detail}", detail).replace("{city}", city);
    format!("{opener}{core}{closer}")
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}

/// A republication: another outlet's copy of `original`, with its own headline prefix and a
/// few words changed, citing the original outlet.
fn republish(rng: &mut Rng, original: &str, outlet: &str) -> String {
    let body = match original.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")) {
        Some((_, body)) => body.to_string(),
        None => original.to_string(),
    };
    let swaps = [("said", "stated"), ("talks", "negotiations"), ("discuss", "address")];
    let (from, to) = swaps[rng.below(swaps.len())];
    let body = body.replacen(from, to, 2);
    let republisher = rng.pick(OUTLETS);
    format!("---\noutlet: {republisher}\nvia: {outlet}\n---\n{body}\nThis article was first published by {outlet}.\n")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_corpus() {
        let reference = Reference::builtin().expect("reference");
        let (a, b, c) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let size_a = generate(&reference, 30, 7, a.path()).expect("generate");
        let size_b = generate(&reference, 30, 7, b.path()).expect("generate");
        generate(&reference, 30, 8, c.path()).expect("generate");
        assert_eq!(size_a, size_b);
        let read = |dir: &Path, i: usize| std::fs::read_to_string(dir.join("000").join(format!("{i:06}.txt"))).expect("read");
        for i in 0..30 {
            assert_eq!(read(a.path(), i), read(b.path(), i));
        }
        assert!((0..30).any(|i| read(a.path(), i) != read(c.path(), i)));
    }

    #[test]
    fn articles_carry_leaders_quotes_dates_and_boilerplate() {
        let reference = Reference::builtin().expect("reference");
        let dir = tempfile::tempdir().expect("dir");
        generate(&reference, 200, 1, dir.path()).expect("generate");
        let all: String = (0..200)
            .map(|i| std::fs::read_to_string(dir.path().join("000").join(format!("{i:06}.txt"))).expect("read"))
            .collect();
        for needle in ["“", "said", "---\n", "(Reuters) -", "By ", "Read more:", "via: ", "According to", "AP Photo/"] {
            assert!(all.contains(needle), "{needle}");
        }
        let years: Vec<bool> = ["2024", "2025", "2026"].iter().map(|y| all.contains(&format!("published: {y}"))).collect();
        assert_eq!(years, [true, true, true]);
    }
}
