//! End-to-end tests of `Extractor` on short wire-style sentences with a small gazetteer.

use chrono::NaiveDate;

use crate::extract::{Extractor, Facts, Input, Precision, Speaker};
use crate::reference::Reference;

const GAZETTEER: &str = r#"
- {slug: emmanuel-macron, name: Emmanuel Macron, kind: person, country: france, aliases: [Macron],
   roles: [{title: President, of: france, from: 2017-05-14}]}
- {slug: donald-trump, name: Donald Trump, kind: person, country: united-states, aliases: [Trump],
   roles: [{title: President, of: united-states, from: 2025-01-20}]}
- {slug: keir-starmer, name: Keir Starmer, kind: person, country: united-kingdom, aliases: [Starmer],
   roles: [{title: Prime Minister, of: united-kingdom, from: 2024-07-05}]}
- {slug: volodymyr-zelenskyy, name: Volodymyr Zelenskyy, kind: person, country: ukraine, aliases: [Zelenskyy, Zelensky],
   roles: [{title: President, of: ukraine, from: 2019-05-20}]}
- {slug: olaf-scholz, name: Olaf Scholz, kind: person, country: germany, aliases: [Scholz],
   roles: [{title: Chancellor, of: germany, from: 2021-12-08, to: 2025-05-06}]}
- {slug: friedrich-merz, name: Friedrich Merz, kind: person, country: germany, aliases: [Merz],
   roles: [{title: Chancellor, of: germany, from: 2025-05-06}]}
- {slug: francois-heisbourg, name: François Heisbourg, kind: person, country: france}
- {slug: ed-arnold, name: Ed Arnold, kind: person, country: united-kingdom}
- {slug: european-union, name: European Union, kind: organization, aliases: [EU, the EU]}
- {slug: kremlin, name: Kremlin, kind: organization, country: russia}
- {slug: associated-press, name: Associated Press, kind: organization, aliases: [AP, the AP]}
- {slug: new-york-times, name: The New York Times, kind: organization, aliases: [New York Times]}
- {slug: abc-news, name: ABC News, kind: organization}
- {slug: coalition-of-the-willing, name: Coalition of the Willing, kind: group, aliases: [coalition of the willing]}
- {slug: ukraine, name: Ukraine, kind: country, aliases: [Kyiv], demonyms: [Ukrainian]}
- {slug: russia, name: Russia, kind: country, aliases: [Moscow], demonyms: [Russian]}
- {slug: united-states, name: United States, kind: country, aliases: [US, USA, U.S., Washington], demonyms: [American, US, U.S.]}
- {slug: france, name: France, kind: country, aliases: [Paris], demonyms: [French]}
- {slug: united-kingdom, name: United Kingdom, kind: country, aliases: [UK, U.K., Britain, London], demonyms: [British, UK, U.K.]}
- {slug: germany, name: Germany, kind: country, aliases: [Berlin], demonyms: [German]}
"#;

const TOPICS: &str = r#"
- {slug: ukraine-war, name: War, keywords: [the war, invasion of Ukraine]}
- {slug: peace-talks, name: Peace talks, parent: ukraine-war, keywords: [peace talks, ceasefire]}
- {slug: security-guarantees, name: Security guarantees, parent: ukraine-war, keywords: [security guarantees, backstop, reassurance force]}
- {slug: peacekeeping, name: Peacekeeping, parent: security-guarantees, keywords: [peacekeepers, reassurance force]}
"#;

fn extractor() -> Extractor {
    let reference = Reference::parse(GAZETTEER, "g.yaml", TOPICS, "t.yaml").expect("test reference");
    Extractor::new(&reference)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn run(text: &str, published: Option<NaiveDate>) -> Facts {
    extractor().extract(Input { text, published, title: None })
}

fn actors(facts: &Facts) -> Vec<&str> {
    let mut out: Vec<&str> = facts.mentions.iter().map(|m| m.actor.as_str()).collect();
    out.dedup();
    out
}

fn speaker(facts: &Facts, quote_start: &str) -> Option<Speaker> {
    facts
        .quotes
        .iter()
        .find(|q| q.text.starts_with(quote_start))
        .unwrap_or_else(|| panic!("no quote {quote_start:?} in {:?}", facts.quotes))
        .speaker
        .clone()
}

fn actor(slug: &str) -> Option<Speaker> {
    Some(Speaker::Actor(slug.to_string()))
}

fn unnamed(desc: &str) -> Option<Speaker> {
    Some(Speaker::Unnamed(desc.to_string()))
}

// --- actors -------------------------------------------------------------------------------

#[test]
fn short_aliases_match_whole_words_and_case() {
    let f = run("The USA and Russia spoke, but us diplomats were not told. APEC met. The AP reported it.", None);
    assert_eq!(actors(&f), vec!["united-states", "russia", "associated-press"]);
}

#[test]
fn accents_and_possessives_are_matched() {
    let f = run("Francois Heisbourg said Macron’s plan and Zelenskyy's team were aligned.", None);
    assert_eq!(actors(&f), vec!["francois-heisbourg", "emmanuel-macron", "volodymyr-zelenskyy"]);
}

#[test]
fn surname_counts_only_after_the_full_name() {
    let f = run("Arnold spoke first. Later Ed Arnold joined. Arnold then left.", None);
    let arnold: Vec<_> = f.mentions.iter().filter(|m| m.actor == "ed-arnold").collect();
    assert_eq!(arnold.len(), 2);
    assert!(arnold[0].span.start > 10);
}

#[test]
fn titles_resolve_through_dated_roles() {
    let f = run("The UK Prime Minister met the French leader and the Ukrainian president.", Some(ymd(2025, 3, 2)));
    assert_eq!(actors(&f), vec!["keir-starmer", "emmanuel-macron", "volodymyr-zelenskyy"]);
    let before = run("The German Chancellor flew to Kyiv.", Some(ymd(2025, 2, 20)));
    assert!(before.mentions.iter().any(|m| m.actor == "olaf-scholz"));
    let after = run("The German Chancellor flew to Kyiv.", Some(ymd(2025, 6, 1)));
    assert!(after.mentions.iter().any(|m| m.actor == "friedrich-merz"));
}

#[test]
fn title_followed_by_a_name_is_the_name() {
    let f = run("British Prime Minister Keir Starmer spoke.", Some(ymd(2025, 3, 2)));
    assert_eq!(f.mentions.iter().filter(|m| m.actor == "keir-starmer").count(), 1);
}

#[test]
fn unknown_people_introduced_by_a_title_become_new_actors() {
    let f = run("Kremlin spokesperson Dmitry Peskov told reporters the plan was unacceptable. Peskov added more.", None);
    let peskov = f.new_actors.iter().find(|a| a.slug == "dmitry-peskov").expect("new actor");
    assert_eq!(peskov.roles[0].title, "Kremlin spokesperson");
    assert_eq!(f.mentions.iter().filter(|m| m.actor == "dmitry-peskov").count(), 2);
}

#[test]
fn appositions_and_affiliations_introduce_people() {
    let f = run(
        "Jane Holt, a former British military planner, said troops were needed. Pierre Durand of the Institute for Defence Studies disagreed.",
        None,
    );
    let slugs: Vec<&str> = f.new_actors.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, vec!["jane-holt", "pierre-durand"]);
    assert_eq!(f.new_actors[0].roles[0].title, "Former British military planner");
}

#[test]
fn bylines_and_photographers_never_become_actors() {
    let cleaned = crate::ingest::clean::clean(
        "Leaders meet in Paris\nLeaders at the Elysee. (Ludovic Marin/AFP via Getty Images)\nMacron hosted leaders on Thursday.\nBy John Doe",
    );
    let f = run(&cleaned.text, None);
    assert!(f.new_actors.is_empty(), "{:?}", f.new_actors);
    assert_eq!(actors(&f), vec!["emmanuel-macron"]);
}

// --- quotes -------------------------------------------------------------------------------

#[test]
fn attribution_after_the_quote() {
    let f = run("“We are ready to help,” Macron said.\n“It was a waste of time,” said a senior EU official.", None);
    assert_eq!(speaker(&f, "We are ready"), actor("emmanuel-macron"));
    assert_eq!(speaker(&f, "It was a waste"), unnamed("a senior EU official"));
}

#[test]
fn split_quote_and_pronoun() {
    let f = run("Trump took questions. \"We will have a backing,\" he said. \"Europe will lead.\"", None);
    assert_eq!(speaker(&f, "We will have"), actor("donald-trump"));
    assert_eq!(speaker(&f, "Europe will lead"), actor("donald-trump"));
    assert_eq!(f.quotes[0].speaker_text.as_deref(), Some("he"));
}

#[test]
fn attribution_before_the_quote() {
    let f = run(
        "Starmer told the BBC: “There must be a backstop.”\nZelenskyy wrote on X: “Thank you, Britain.”\nMacron stated, “Europe must do more.”",
        None,
    );
    assert_eq!(speaker(&f, "There must"), actor("keir-starmer"));
    assert_eq!(speaker(&f, "Thank you"), actor("volodymyr-zelenskyy"));
    assert_eq!(speaker(&f, "Europe must"), actor("emmanuel-macron"));
}

#[test]
fn according_to_names_the_speaker() {
    let f = run("According to one EU diplomat, “nobody in the room believed him at all.”", None);
    assert_eq!(speaker(&f, "nobody"), unnamed("one EU diplomat"));
}

#[test]
fn quoted_saying_gives_speaker_and_relay() {
    let f = run("An EU diplomat quoted Macron saying, “Trump gave no promise on the backstop.”", None);
    let q = &f.quotes[0];
    assert_eq!(q.speaker, actor("emmanuel-macron"));
    assert_eq!(q.reported_by, unnamed("An EU diplomat"));
}

#[test]
fn quote_running_into_the_next_paragraph_keeps_its_speaker() {
    let f = run("“Europeans are ready to engage,” Macron said.\n\n“Now there is a clear American message.”", None);
    assert_eq!(speaker(&f, "Now there"), actor("emmanuel-macron"));
}

#[test]
fn definite_source_points_back_to_the_first_description() {
    let f = run(
        "There is “no definitive agreement” yet, a French official said.\n“There is no objection from Washington,” the official said.",
        None,
    );
    assert_eq!(speaker(&f, "There is no objection"), unnamed("a French official"));
}

#[test]
fn a_publication_can_be_the_speaker() {
    let f = run("The New York Times reported: “The talks broke down after two hours.”", None);
    assert_eq!(speaker(&f, "The talks"), actor("new-york-times"));
}

#[test]
fn a_person_outranks_the_outlet_that_relays_them() {
    let f = run("On Thursday, Macron insisted that troops would amount to “a real reassurance for Kyiv,” ABC News wrote.", Some(ymd(2025, 9, 5)));
    assert_eq!(speaker(&f, "a real reassurance"), actor("emmanuel-macron"));
    assert_eq!(f.quotes[0].date, Some(ymd(2025, 9, 4)));
}

#[test]
fn relative_clause_does_not_steal_the_speaker() {
    let f = run("Starmer, who will meet Trump on Thursday, recently stated, “There must be a backstop.”", Some(ymd(2025, 2, 25)));
    assert_eq!(speaker(&f, "There must"), actor("keir-starmer"));
    assert_eq!(f.quotes[0].date, Some(ymd(2025, 2, 25)));
}

#[test]
fn short_fragments_need_a_speech_verb() {
    let f = run(
        "Trump claimed that a deal could come “within weeks.” Macron spoke of the visit, calling it “a turning point.” The plan envisages a “reassurance force” for Ukraine.",
        None,
    );
    assert_eq!(speaker(&f, "within weeks"), actor("donald-trump"));
    assert_eq!(speaker(&f, "a turning point"), actor("emmanuel-macron"));
    assert!(!f.quotes.iter().any(|q| q.text.contains("reassurance")));
}

#[test]
fn so_called_names_are_not_quotes() {
    let f = run("Macron announced that the so-called “Coalition of the Willing” would deploy. He said a “coalition of the willing” was ready.", None);
    assert!(f.quotes.is_empty(), "{:?}", f.quotes);
}

#[test]
fn guillemets_and_straight_marks() {
    let f = run("« We are ready to act », Macron said.\nZelenskyy said: \"We have not received any signals from Russia.\"", None);
    assert_eq!(f.quotes.len(), 2);
    assert_eq!(speaker(&f, "We have not"), actor("volodymyr-zelenskyy"));
}

#[test]
fn told_the_outlet_keeps_the_person() {
    let f = run("François Heisbourg told the AP there is “no suggestion” troops would deploy, while Ed Arnold, a former planner, noted that “planning is, quite frankly, impossible.”", None);
    assert_eq!(speaker(&f, "no suggestion"), actor("francois-heisbourg"));
    assert_eq!(speaker(&f, "planning is"), actor("ed-arnold"));
}

// --- topics -------------------------------------------------------------------------------

#[test]
fn topics_count_hits_with_ancestors_on_word_boundaries() {
    let f = run("Peacekeepers and a Reassurance Force were discussed; the warfare analysts disagreed.", None);
    let hits = |slug: &str| f.topics.iter().find(|t| t.topic == slug).map(|t| t.hits);
    assert_eq!(hits("peacekeeping"), Some(2));
    assert_eq!(hits("security-guarantees"), Some(3));
    assert_eq!(hits("ukraine-war"), Some(3));
    assert_eq!(hits("peace-talks"), None);
}

#[test]
fn title_alone_can_carry_a_topic() {
    let f = extractor().extract(Input { text: "Leaders met.", published: None, title: Some("Ceasefire in sight") });
    assert!(f.topics.iter().any(|t| t.topic == "peace-talks"));
}

// --- events -------------------------------------------------------------------------------

#[test]
fn dated_meeting_makes_an_event() {
    let f = run("Macron visited Trump in Washington on Feb. 24 to discuss peace talks.", Some(ymd(2025, 2, 25)));
    let e = &f.events[0];
    assert_eq!(e.start, ymd(2025, 2, 24));
    assert_eq!(e.kind.as_deref(), Some("CONSULT"));
    assert_eq!(e.title, "Macron visited Trump in Washington");
    assert!(e.actors.contains(&"donald-trump".to_string()));
    assert_eq!(e.topics, vec!["peace-talks".to_string()]);
}

#[test]
fn publication_notes_and_vague_futures_make_no_event() {
    let f = run(
        "Macron got no guarantees, the FT reported on Feb. 25.\nHe said US support will be finalized in the coming days.",
        Some(ymd(2025, 2, 26)),
    );
    assert!(f.events.is_empty(), "{:?}", f.events);
}

#[test]
fn scheduled_meetings_are_events_at_their_date() {
    let f = run("A meeting is scheduled for March 2 in London, where Starmer will host EU leaders.", Some(ymd(2025, 2, 27)));
    assert_eq!(f.events.len(), 1);
    assert_eq!(f.events[0].start, ymd(2025, 3, 2));
    assert!(f.events[0].actors.contains(&"keir-starmer".to_string()));
}

#[test]
fn statement_counts_when_the_date_is_attached() {
    let f = run("Twenty-six nations agreed to provide guarantees, Macron announced Thursday.", Some(ymd(2025, 9, 5)));
    assert_eq!(f.events[0].start, ymd(2025, 9, 4));
    assert_eq!(f.events[0].kind.as_deref(), Some("AGREE"));
    let f = run("Zelenskyy said the talks had been hard, adding he had slept on Monday.", Some(ymd(2025, 9, 5)));
    assert!(f.events.is_empty(), "{:?}", f.events);
}

#[test]
fn kinds_follow_the_main_verb() {
    let f = run("On Tuesday, Moscow rejected the proposal for Western troops.", Some(ymd(2025, 3, 12)));
    assert_eq!(f.events[0].kind.as_deref(), Some("REJECT"));
    assert_eq!(f.events[0].title, "Moscow rejected the proposal for Western troops");
}

#[test]
fn dates_inside_quotes_make_no_event() {
    let f = run("“We met on Monday and it went well,” Zelenskyy said.", Some(ymd(2025, 3, 12)));
    assert!(f.events.is_empty(), "{:?}", f.events);
}

#[test]
fn pronoun_subject_brings_its_person() {
    let f = run("Starmer landed in Kyiv. He met soldiers on Friday.", Some(ymd(2025, 3, 15)));
    let e = f.events.iter().find(|e| e.title.starts_with("He met")).expect("event");
    assert!(e.actors.contains(&"keir-starmer".to_string()));
}

#[test]
fn offset_dates_the_clause_after_it() {
    let f = run("The Paris talks came nearly three weeks after Trump met Putin in Alaska.", Some(ymd(2025, 9, 5)));
    let e = &f.events[0];
    assert_eq!((e.start, e.precision), (ymd(2025, 8, 12), Precision::Week));
    assert!(e.title.starts_with("Trump met"));
}

#[test]
fn undated_lede_is_dated_to_publication() {
    let f = run("European leaders wrapped up a trip to the White House with Trump.\nMore talks followed.", Some(ymd(2025, 8, 19)));
    assert_eq!(f.events.len(), 1);
    assert_eq!(f.events[0].start, ymd(2025, 8, 19));
}

#[test]
fn titles_are_short_and_unpunctuated() {
    let f = run(
        "On Monday, leaders from around thirty European and allied nations met with Zelenskyy in the French capital city of Paris again and again and again.",
        Some(ymd(2025, 3, 12)),
    );
    let t = &f.events[0].title;
    assert!(t.len() <= 90 && !t.ends_with(['.', ',']), "{t}");
}

#[test]
fn mentions_and_quotes_carry_spans_into_the_text() {
    let text = "“Peace is near,” Trump said on Monday.";
    let f = run(text, Some(ymd(2025, 3, 12)));
    let q = &f.quotes[0];
    assert_eq!(&text[q.span.start..q.span.end], "Peace is near,");
    let m = &f.mentions[0];
    assert_eq!(&text[m.span.start..m.span.end], "Trump");
}


#[test]
fn quote_label_and_colon_after_that_clause() {
    let f = run(
        "Zelenskyy said he would travel to Washington on Monday. Quote: “We count on America.”\nThe Ukrainian president said that the next step was clear: “Only a trilateral meeting can end this war.”",
        Some(ymd(2025, 8, 16)),
    );
    assert_eq!(speaker(&f, "We count"), actor("volodymyr-zelenskyy"));
    assert_eq!(speaker(&f, "Only a trilateral"), actor("volodymyr-zelenskyy"));
}

#[test]
fn titled_name_after_the_quote() {
    let f = run("“You are not alone,” French President Emmanuel Macron wrote on X.", Some(ymd(2025, 3, 1)));
    assert_eq!(speaker(&f, "You are not"), actor("emmanuel-macron"));
}

#[test]
fn dateline_dates_make_no_event() {
    let f = run("WASHINGTON, Feb 28 (Reuters) - Trump said the talks went well.", Some(ymd(2025, 2, 28)));
    assert!(f.events.iter().all(|e| e.provenance.rule == "event.lede"), "{:?}", f.events);
}

#[test]
fn date_follows_its_verb() {
    let f = run("Trump and Putin met for three hours in Anchorage on Friday but failed to agree on a ceasefire.", Some(ymd(2025, 8, 16)));
    assert_eq!(f.events[0].kind.as_deref(), Some("CONSULT"));
    assert_eq!(f.events[0].start, ymd(2025, 8, 15));
}

// --- constructions met in wire copy beyond the seeds -----------------------------------------

#[test]
fn bare_title_points_back_to_the_named_office_holder() {
    let f = run("Keir Starmer hosted a summit. Later the prime minister said more.", Some(ymd(2025, 3, 2)));
    let bare = f.mentions.iter().find(|m| m.span.start > 30).expect("bare title mention");
    assert_eq!(bare.actor, "keir-starmer");
    let alone = run("Later the prime minister said more.", Some(ymd(2025, 3, 2)));
    assert!(alone.mentions.is_empty(), "{:?}", alone.mentions);
}

#[test]
fn attribution_after_a_quoted_question_stays_in_the_sentence() {
    let f = run("Macron spoke first.\n“Are you ready to sign today?” Trump asked him.", Some(ymd(2025, 3, 2)));
    assert_eq!(speaker(&f, "Are you ready"), actor("donald-trump"));
}

#[test]
fn accused_introduces_a_fragment() {
    let f = run("Trump accused Zelenskyy of being “ungrateful” on Friday.", Some(ymd(2025, 3, 2)));
    assert_eq!(speaker(&f, "ungrateful"), actor("donald-trump"));
}

#[test]
fn colon_gives_the_quote_to_the_clause_subject_without_a_verb() {
    let f = run("The French president repeated his message from Monday: “Europe will not abandon Kyiv.”", Some(ymd(2025, 3, 2)));
    assert_eq!(speaker(&f, "Europe will not"), actor("emmanuel-macron"));
}

#[test]
fn coordinated_speech_verb_keeps_the_first_subject() {
    let f = run("Zelenskyy turned to Macron and said: “We will see you in Kyiv.”", Some(ymd(2025, 3, 2)));
    assert_eq!(speaker(&f, "We will see"), actor("volodymyr-zelenskyy"));
}

#[test]
fn pronoun_right_after_a_quote_continues_its_speaker() {
    let f = run(
        "Later Trump posted online that Zelenskyy was “not serious about a deal”. “Come back when you are ready,” he wrote.",
        Some(ymd(2025, 3, 2)),
    );
    assert_eq!(speaker(&f, "Come back"), actor("donald-trump"));
}

#[test]
fn people_familiar_with_talks_are_an_unnamed_source() {
    let f = run("The envoys “mostly listened”, according to three people familiar with the discussions.", Some(ymd(2025, 3, 2)));
    assert_eq!(speaker(&f, "mostly listened"), unnamed("three people familiar with the discussions"));
}

#[test]
fn a_heated_row_is_a_happening() {
    let f = run("Nobody forgot Feb. 28, when Zelenskyy left Washington after a heated row.", Some(ymd(2025, 8, 19)));
    assert_eq!(f.events.len(), 1, "{:?}", f.events);
    assert_eq!(f.events[0].start, ymd(2025, 2, 28));
}

#[test]
fn offset_with_a_dated_after_clause_dates_the_main_happening() {
    let f = run("The meeting came three weeks after Macron met Trump on Feb. 24.", Some(ymd(2025, 3, 17)));
    let main = f.events.iter().find(|e| e.precision == Precision::Week).expect("main clause event");
    assert_eq!(main.start, ymd(2025, 3, 14));
    assert!(main.title.contains("meeting"), "{}", main.title);
}

#[test]
fn undated_follow_up_of_the_same_happening_adds_its_people() {
    let f = run("Kyiv and Washington signed a deal on Wednesday. It was signed by Zelenskyy and Trump.\nMacron met no one.", Some(ymd(2025, 5, 1)));
    assert_eq!(f.events.len(), 1, "{:?}", f.events);
    assert!(f.events[0].actors.contains(&"donald-trump".to_string()), "{:?}", f.events[0].actors);
}

#[test]
fn colon_clause_after_another_attribution_has_its_own_speaker() {
    let f = run(
        "“It went well,” one diplomat said, while the second diplomat was more careful: “Nothing is signed.”",
        Some(ymd(2025, 8, 19)),
    );
    assert_eq!(speaker(&f, "Nothing is signed"), unnamed("the second diplomat"), "{:?}", f.quotes);
}

#[test]
fn a_date_in_an_aside_does_not_date_the_quote() {
    let f = run("Macron, who met Trump on Feb. 24, told reporters the truce must cover “air and sea”.", Some(ymd(2025, 3, 2)));
    let q = f.quotes.iter().find(|q| q.text.starts_with("air")).expect("quote");
    assert_eq!(q.date, Some(ymd(2025, 3, 2)));
}

#[test]
fn honorifics_and_name_particles_in_introduced_people() {
    let f = run("The talks were hosted by Saudi Foreign Minister Prince Faisal bin Farhan.", Some(ymd(2025, 3, 11)));
    assert!(f.new_actors.iter().any(|a| a.name == "Faisal bin Farhan"), "{:?}", f.new_actors);
}

#[test]
fn received_on_a_weekday_is_a_happening() {
    let f = run("The crown prince received Zelenskyy in Jeddah on Monday.", Some(ymd(2025, 3, 11)));
    assert_eq!(f.events.len(), 1, "{:?}", f.events);
    assert_eq!(f.events[0].start, ymd(2025, 3, 10));
}

#[test]
fn a_stray_mark_ending_a_sentence_opens_a_quote_without_panicking() {
    // Found by the extractor's properties: the quote was placed in the sentence of its first
    // word, after its opening mark, and the text before the mark was sliced backwards.
    let f = run(".\" A a senior EU official ", None);
    assert!(f.quotes.iter().all(|q| q.sentence == 0), "{:?}", f.quotes);
    let f = run("Macron left the room.\" A senior EU official said the talks were over.", Some(ymd(2025, 3, 2)));
    let q = f.quotes.iter().find(|q| q.text.contains("talks were over")).expect("quote");
    assert_eq!(q.sentence, 0, "{:?}", f.sentences);
}

#[test]
fn a_name_or_title_broken_by_a_paragraph_break_is_no_mention() {
    // Found by the extractor's properties: mentions took the sentence of their first word and
    // ran on into the next.
    let f = run("Talks ended with the French\nPresident away.", Some(ymd(2025, 3, 2)));
    assert!(f.mentions.is_empty(), "{:?}", f.mentions);
    let f = run("Kremlin spokesperson Dmitry\nPeskov spoke.", Some(ymd(2025, 3, 2)));
    assert!(f.new_actors.is_empty(), "{:?}", f.new_actors);
}

#[test]
fn a_dash_before_a_happening_does_not_split_a_character() {
    // Found by the extractor's properties, and a panic on ordinary wire copy: the clause after
    // a dash was taken to start one byte after it, inside the three bytes of "—".
    for text in ["Talks ended — the summit was on Feb. 24.", "Talks ended – the summit was on Feb. 24."] {
        let f = run(text, Some(ymd(2025, 3, 2)));
        assert_eq!(f.events.len(), 1, "{text}: {:?}", f.events);
        assert!(f.events[0].title.starts_with("Summit"), "{text}: {:?}", f.events[0].title);
    }
}
