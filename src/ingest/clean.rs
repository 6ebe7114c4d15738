//! Turns a scraped article body into the article's own text.
//!
//! Scrapes carry site chrome around the story: feed headers, repeated headlines, reading-time
//! badges, photo credits, bylines, author bios, newsletter pitches and teasers of other stories.
//! This module drops those lines by their shape (never by a seed's wording), and reads the
//! headline, the publication date and the byline author on the way. Paragraph breaks of what
//! remains are kept, because extracted spans index into `Cleaned::text`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// The article body and what could be read from its chrome.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    pub text: String,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub author: Option<String>,
}

const MONTHS: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";

static LEADING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b\s*").expect("static regex")
});
/// A line that is only a date, possibly bracketed or stamped: "[September 05, 2025]",
/// "Feb. 24, 2025", "Updated 8:14 PM UTC, March 11, 2025".
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:{STAMP})?\[?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?({MONTHS})\s+(\d{{1,2}}),?\s+(\d{{4}})\]?(?:\s*[-–|].*)?$"
    ))
    .expect("static regex")
});
/// "Updated 8:14 PM UTC, " before a date line: sites stamp the time of the last edit.
const STAMP: &str = r"(?:(?:Last )?(?:Updated|Published|Posted)\s*:?\s*)(?:\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[A-Z]{2,4}(?:[+-]\d{1,2})?)?,?\s*)?";
/// A day-first date line, as British and Ukrainian sites print it: "Sun 2 Mar 2025 19.40 GMT".
static DMY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:{STAMP})?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(\d{{1,2}})\s+({MONTHS})\s+(\d{{4}})(?:,?\s+\d{{1,2}}[:.]\d{{2}}(?:\s*[A-Z]{{2,4}})?)?$"
    ))
    .expect("static regex")
});
/// A numeric day-first date line with an optional time: "01.05.2025 09:12".
static NUMERIC_DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{2})\.(\d{2})\.(\d{4})(?:,?\s+\d{1,2}:\d{2})?$").expect("static regex")
});
/// A wire dateline without a year: "WASHINGTON, Feb 28 (Reuters) -". The agency tag is required,
/// because a bare "CITY, Month Day -" is too rare outside datelines to be read without it.
static DATELINE_NO_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[A-Z][A-Z .'-]+(?:,\s+[A-Z][\p{{L}}.]+(?:\s[A-Z][\p{{L}}.]+)?)?,\s+({MONTHS})\s+(\d{{1,2}})\s*\([A-Za-z ]+\)\s*[-–—]"
    ))
    .expect("static regex")
});
/// A full "Month Day, Year" anywhere: lends its year to a dateline that has none.
static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b{MONTHS}\s+\d{{1,2}},?\s+(\d{{4}})\b")).expect("static regex")
});
/// The "date YYYY-MM-DD" marker some scrapers put before the lede, also after a headline line.
static LINE_DATE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^date\s+(\d{4})-(\d{2})-(\d{2})\b\s*").expect("static regex")
});
/// A wire dateline with a year: "KYIV, Feb 27, 2025 (Reuters) -".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[A-Z][A-Z .'-]+,\s+({MONTHS})\s+(\d{{1,2}}),?\s+(\d{{4}})\s*(?:\([A-Za-z ]+\))?\s*[-–—]"
    ))
    .expect("static regex")
});
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by)\s+([A-Z][\p{L}.'-]+(?:\s+[A-Z][\p{L}.'-]+){0,3})(?:\s+(?:and|&)\s+[A-Z][\p{L}.'-]+(?:\s+[A-Z][\p{L}.'-]+){0,3})?(?:\s*[,|].*)?$")
        .expect("static regex")
});
/// A byline without "By", a name followed by a newsroom role: "Jane Doe Diplomatic editor".
static ROLE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+){1,2}?),?\s+(?:[A-Z][a-z]+\s+){0,2}(?i:editor|correspondent|reporter|writer|columnist)(?:\s+in\s+[A-Z][\p{L}]+)?$")
        .expect("static regex")
});
/// "Read more:" and the like announce a teaser of another story: on the same line after the
/// colon, or on the next line when the label stands alone.
static TEASER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:read more|read also|also read|see also|related)\s*:\s*(.*)$").expect("static regex")
});
static READ_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\d+\s*(?:min|mins|minutes?)\s*read$").expect("static regex")
});
/// Photo credits: "(Tasos Katopodis/Getty Images)", "(AP Photo/Evan Vucci)", "Photo: EPA-EFE / X".
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\((?:[^()]*/)?[^()]*(?:getty images|photo|afp|reuters|epa|shutterstock|pool)[^()]*\)\s*$|^(?:photo|image|credit|picture)s?\s*:)")
        .expect("static regex")
});
/// Wire captions end on an unbracketed "REUTERS/Jane Doe" or "AP Photo/Jane Doe" credit.
static WIRE_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:REUTERS|AP Photo|AFP|EPA(?:-EFE)?)\s*/\s*[\p{L}][\p{L} .'-]*$").expect("static regex")
});
/// Agency sign-offs: "S.Vandenberghe--JdB", "– Reuters", "(Reporting by ...)".
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Z][\p{L}.]*--?[A-Za-z/]+|[–—-]\s*(?:Reuters|AP|AFP|Bloomberg)|\(?(?:Reporting|Writing|Editing|Additional reporting) by .*\)?|.*\bcontributed to this report\.?)$")
        .expect("static regex")
});
/// Lines of site chrome that carry no article text.
static CHROME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:news feed|show more|by|in|share|share this article|advertisement|read more|read also|related|related articles?|popular categories|search the website|search|menu|home|tags?:.*|follow us.*|follow .*coverage.*|sign up.*|subscribe.*|leave a comment|comments?|\d+ comments?|avatar|print|email|copy link)$")
        .expect("static regex")
});
/// Lines from which on nothing is the article any more.
static TAIL_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:avatar|popular categories|search the website|read more|related articles?|more from|you may also like|recommended|comments|leave a comment|join the conversation|about the author)$")
        .expect("static regex")
});
/// A newsletter or subscription pitch. Sites also drop single pitches between paragraphs, so a
/// pitch starts the tail only when more chrome follows it (or nothing does).
static PITCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:subscribe|sign up|join us today)\b|newsletter|in your inbox").expect("static regex")
});

/// Cleans one article body (front matter already removed).
pub fn clean(raw: &str) -> Cleaned {
    let mut out = Cleaned::default();
    let mut body = raw.replace("\r\n", "\n");
    if let Some(caps) = LEADING_DATE.captures(&body) {
        out.published = ymd(&caps[1], &caps[2], &caps[3]);
        body = body[caps.get(0).map_or(0, |m| m.end())..].to_string();
    }
    let mut lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    drop_feed_header(&mut lines);
    cut_tail(&mut lines, &mut out);
    drop_teasers(&mut lines);
    drop_labelled_teasers(&mut lines);
    lines.retain(|l| !CHROME_LINE.is_match(l.trim()) && !READ_TIME.is_match(l.trim()));
    out.title = take_title(&mut lines);
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        let line = strip_date_marker(line, &mut out);
        let trimmed = line.trim();
        if let Some(caps) = BYLINE.captures(trimmed).or_else(|| ROLE_BYLINE.captures(trimmed)) {
            out.author.get_or_insert_with(|| caps[1].to_string());
            continue;
        }
        // A line that is only a date is chrome, whether or not it is the first one seen.
        if let Some(date) = standalone_date(trimmed) {
            out.published.get_or_insert(date);
            continue;
        }
        if out.published.is_none() {
            out.published = dateline_date(trimmed, &body);
        }
        let repeated_title = out.title.as_deref().is_some_and(|t| t == trimmed);
        if repeated_title
            || READ_TIME.is_match(trimmed)
            || CAPTION.is_match(trimmed)
            || WIRE_CREDIT.is_match(trimmed)
            || SIGN_OFF.is_match(trimmed)
            || CHROME_LINE.is_match(trimmed)
            || PITCH.is_match(trimmed)
        {
            continue;
        }
        kept.push(line);
    }
    out.text = join_paragraphs(&kept);
    out
}

/// Removes a "date YYYY-MM-DD" marker from the start of a line, keeping its date.
fn strip_date_marker<'a>(line: &'a str, out: &mut Cleaned) -> &'a str {
    let trimmed = line.trim_start();
    let Some(caps) = LINE_DATE_MARKER.captures(trimmed) else {
        return line;
    };
    if out.published.is_none() {
        out.published = ymd(&caps[1], &caps[2], &caps[3]);
    }
    &trimmed[caps.get(0).map_or(0, |m| m.end())..]
}

/// The date of a line that holds nothing but a date (and maybe a time stamp).
fn standalone_date(line: &str) -> Option<NaiveDate> {
    if let Some(caps) = DATE_LINE.captures(line) {
        return month_day_year(&caps[1], &caps[2], &caps[3]);
    }
    if let Some(caps) = DMY_LINE.captures(line) {
        return month_day_year(&caps[2], &caps[1], &caps[3]);
    }
    let caps = NUMERIC_DATE_LINE.captures(line)?;
    ymd(&caps[3], &caps[2], &caps[1])
}

/// The date of a wire dateline opening the lede. Without a year in it, the year comes from the
/// first full date elsewhere in the scrape (a caption, a stamp); with none, it stays unknown.
fn dateline_date(line: &str, body: &str) -> Option<NaiveDate> {
    if let Some(caps) = DATELINE.captures(line) {
        return month_day_year(&caps[1], &caps[2], &caps[3]);
    }
    let caps = DATELINE_NO_YEAR.captures(line)?;
    let year = FULL_DATE.captures(body)?;
    month_day_year(&caps[1], &caps[2], &year[1])
}

/// Drops "Read more: <teaser>" lines, and a bare "Read more:" label with the teaser line after it.
fn drop_labelled_teasers(lines: &mut Vec<&str>) {
    let mut i = 0;
    while i < lines.len() {
        let Some(caps) = TEASER_LABEL.captures(lines[i].trim()) else {
            i += 1;
            continue;
        };
        let end = if caps[1].trim().is_empty() {
            (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty()).unwrap_or(i)
        } else {
            i
        };
        lines.drain(i..=end);
    }
}

/// A feed block ("News Feed ... Show More") before the article belongs to other stories.
fn drop_feed_header(lines: &mut Vec<&str>) {
    let window = lines.len().min(30);
    if let Some(pos) = lines[..window]
        .iter()
        .rposition(|l| l.trim().eq_ignore_ascii_case("show more"))
    {
        lines.drain(..=pos);
    }
}

/// Drops everything from the first end-of-article marker in the second half of the text.
fn cut_tail(lines: &mut Vec<&str>, out: &mut Cleaned) {
    let half = lines.len() / 2;
    let Some(pos) = (half..lines.len()).find(|&i| starts_tail(lines, i)) else {
        return;
    };
    // An author box names the author on its first non-empty line.
    if lines[pos].trim().eq_ignore_ascii_case("avatar") {
        out.author = lines[pos + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .map(str::to_string);
    }
    lines.truncate(pos);
}

/// Whether line `i` starts the footer: a structural marker, or a pitch followed by more chrome
/// (another pitch or marker) or by nothing at all.
fn starts_tail(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if TAIL_START.is_match(line) {
        return true;
    }
    if !PITCH.is_match(line) {
        return false;
    }
    lines[i + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .is_none_or(|next| PITCH.is_match(next) || TAIL_START.is_match(next))
}

/// A teaser of another story: a headline line followed by a paragraph cut off with "…".
fn drop_teasers(lines: &mut Vec<&str>) {
    let mut i = lines.len();
    while i > 1 {
        i -= 1;
        let line = lines[i].trim();
        if line.ends_with('…') || line.ends_with("...") {
            let prev = lines[i - 1].trim();
            let start = if looks_like_headline(prev) { i - 1 } else { i };
            lines.drain(start..=i);
            i = start;
        }
    }
}

/// Takes the headline from the top: a short line without final punctuation, then removes its
/// repetitions anywhere in the text.
fn take_title(lines: &mut Vec<&str>) -> Option<String> {
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let candidate = lines[first].trim();
    if !looks_like_headline(candidate) || lines.len() <= first + 1 {
        return None;
    }
    let title = candidate.to_string();
    lines.retain(|l| l.trim() != title);
    Some(title)
}

fn looks_like_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (3..=25).contains(&words)
        && !line.ends_with(['.', '!', ':', ',', ';', '…', '"', '”'])
        && line.chars().next().is_some_and(char::is_uppercase)
}

/// Rejoins lines, collapsing runs of blank lines left by removed chrome to one.
fn join_paragraphs(lines: &[&str]) -> String {
    let mut text = String::new();
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            blank = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        text.push_str(line.trim());
    }
    text
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn month_day_year(month: &str, day: &str, year: &str) -> Option<NaiveDate> {
    let m = crate::extract::dates::month_number(month)?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, m, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_date_marker_sets_published() {
        let c = clean(" date 2025-03-03 Leaders met in London on Sunday.\n\nThey agreed a plan.");
        assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 3, 3));
        assert!(c.text.starts_with("Leaders met"));
    }

    #[test]
    fn feed_header_readtime_and_caption_are_dropped() {
        let raw = "News Feed\n\nSomething else happened in May.\n\nShow More\nNews Feed\n\nStarmer hosts leaders in London\n\n3 min read\nStarmer hosts leaders in London\nLeaders at Lancaster House on March 2, 2025. (Justin Tallis/AFP via Getty Images)\n\nBritish Prime Minister Keir Starmer hosted 18 leaders on Sunday.";
        let c = clean(raw);
        assert_eq!(c.title.as_deref(), Some("Starmer hosts leaders in London"));
        assert_eq!(c.text, "British Prime Minister Keir Starmer hosted 18 leaders on Sunday.");
    }

    #[test]
    fn bylines_bios_and_pitches_are_dropped() {
        let raw = "Allies meet in Paris\nby\n\nin\n\nLeaders met in Paris on Thursday.\nThey agreed to keep talking.\nBy Jane Doe\n\nAvatar\nJane Doe\n\nSenior Editor\nJane writes about Europe.\nRead more";
        let c = clean(raw);
        assert_eq!(c.author.as_deref(), Some("Jane Doe"));
        assert_eq!(c.text, "Leaders met in Paris on Thursday.\nThey agreed to keep talking.");
    }

    #[test]
    fn teaser_and_agency_sign_off_are_dropped() {
        let raw = "Ministers met in Brussels on Monday.\nThey said more talks would follow.\nP.Smith--AB\nKremlin rejects troop plan as talks stall\nMoscow said on Tuesday it would never accept “foreign…\n\nSubscribe today for our newsletter";
        let c = clean(raw);
        assert_eq!(c.text, "Ministers met in Brussels on Monday.\nThey said more talks would follow.");
    }

    #[test]
    fn dateline_and_date_line_give_published() {
        let c = clean("[September 05, 2025]\nLeaders met in Paris.\nThey agreed.");
        assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 9, 5));
        let c = clean("KYIV, Feb 27, 2025 (Reuters) - Ukraine said on Thursday it was ready.");
        assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert!(c.text.starts_with("KYIV"));
    }

    #[test]
    fn dateline_without_year_borrows_the_year_of_a_full_date() {
        let raw = "LONDON, Mar 3 (Reuters) - Leaders met on Monday.\n\nLeaders at a summit in London, March 2, 2025. REUTERS/Jane Roe";
        let c = clean(raw);
        assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 3, 3));
        assert_eq!(c.text, "LONDON, Mar 3 (Reuters) - Leaders met on Monday.");
    }

    #[test]
    fn stamped_and_day_first_date_lines_are_dropped_and_read() {
        for (line, day) in [("Updated 6:02 AM GMT, April 4, 2025", 4), ("Fri 4 Apr 2025 10.15 BST", 4), ("04.04.2025 10:15", 4)] {
            let c = clean(&format!("Ministers meet in Paris\n{line}\nMinisters met in Paris on Friday."));
            assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 4, day), "{line}");
            assert_eq!(c.text, "Ministers met in Paris on Friday.");
        }
    }

    #[test]
    fn date_marker_after_the_headline_sets_published() {
        let c = clean("Leaders meet in Rome\n\n date 2025-06-02 Leaders met in Rome on Sunday.\n\nThey talked.");
        assert_eq!(c.published, NaiveDate::from_ymd_opt(2025, 6, 2));
        assert!(c.text.starts_with("Leaders met in Rome on Sunday."));
    }

    #[test]
    fn a_pitch_between_paragraphs_drops_only_its_line() {
        let raw = "Ministers met in Paris on Friday.\nThey agreed a plan.\nSign up for our morning newsletter\nThe plan goes to Kyiv next.";
        assert_eq!(clean(raw).text, "Ministers met in Paris on Friday.\nThey agreed a plan.\nThe plan goes to Kyiv next.");
    }

    #[test]
    fn labelled_teasers_role_bylines_and_credits_are_dropped() {
        let raw = "Ministers meet in Paris\nJane Roe Europe correspondent\nBy JOHN DOE and MARY ROE\nMinisters met in Paris on Friday.\nRead more:\nFarmers protest in Rome - \"We are angry,\" a leader said on May 2\nRead also: Metro hours extended on 9 May\nThey agreed a plan.\nAP writers Ann Lee in Kyiv contributed to this report.";
        let c = clean(raw);
        assert_eq!(c.author.as_deref(), Some("Jane Roe"));
        assert_eq!(c.text, "Ministers met in Paris on Friday.\nThey agreed a plan.");
    }
}
