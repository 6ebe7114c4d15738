//! How dates read on the pages: with their precision, so "week of 24 Feb 2025" never
//! passes for a day.

use chrono::{Datelike, NaiveDate, Weekday};

fn parse(date: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// "26 Feb 2025", "24–26 Feb 2025", "week of 24 Feb 2025", "February 2025", "2025".
pub fn date_label(start: &str, end: &str, precision: &str) -> String {
    let (Some(s), e) = (parse(start), parse(end)) else {
        return start.to_string();
    };
    match precision {
        // A calendar week reads as one; "later this week" (Wednesday to Sunday) as its range.
        "week" => match e {
            Some(e) if s.weekday() != Weekday::Mon || (e - s).num_days() != 6 => {
                format!("{} – {}", s.format("%-d %b"), e.format("%-d %b %Y"))
            }
            _ => format!("week of {}", s.format("%-d %b %Y")),
        },
        "month" => s.format("%B %Y").to_string(),
        "year" => s.format("%Y").to_string(),
        _ => match e {
            Some(e) if e != s && e.format("%Y-%m").to_string() == s.format("%Y-%m").to_string() => {
                format!("{}–{}", s.format("%-d"), e.format("%-d %b %Y"))
            }
            Some(e) if e != s => format!("{} – {}", s.format("%-d %b %Y"), e.format("%-d %b %Y")),
            _ => s.format("%-d %b %Y").to_string(),
        },
    }
}

/// "February 2025" for grouping.
pub fn month_label(date: &str) -> String {
    parse(date).map_or_else(|| date.to_string(), |d| d.format("%B %Y").to_string())
}

/// "Wed 26 Feb" style heading for a day, or the precision label for coarser dates.
pub fn day_label(start: &str, end: &str, precision: &str) -> String {
    match (precision, parse(start)) {
        ("day", Some(s)) if start == end => s.format("%A %-d %B").to_string(),
        _ => date_label(start, end, precision),
    }
}

/// How many distinct outlets a set of reports comes from; an article without an outlet counts
/// as its own (given as `(outlet, article slug)`).
pub fn distinct_outlets<'a>(reports: impl Iterator<Item = (Option<&'a str>, &'a str)>) -> usize {
    let mut outlets: Vec<&str> = reports.map(|(outlet, slug)| outlet.unwrap_or(slug)).collect();
    outlets.sort_unstable();
    outlets.dedup();
    outlets.len()
}

/// "26 Feb 2025" for a single optional date, or "undated".
pub fn short_date(date: Option<&str>) -> String {
    date.and_then(parse)
        .map_or_else(|| "undated".to_string(), |d| d.format("%-d %b %Y").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_show_precision() {
        assert_eq!(date_label("2025-02-26", "2025-02-26", "day"), "26 Feb 2025");
        assert_eq!(date_label("2025-02-24", "2025-02-26", "day"), "24–26 Feb 2025");
        assert_eq!(date_label("2025-02-24", "2025-03-02", "week"), "week of 24 Feb 2025");
        assert_eq!(date_label("2025-02-26", "2025-03-02", "week"), "26 Feb – 2 Mar 2025");
        assert_eq!(date_label("2025-02-01", "2025-02-28", "month"), "February 2025");
        assert_eq!(day_label("2025-02-26", "2025-02-26", "day"), "Wednesday 26 February");
        assert_eq!(short_date(None), "undated");
    }
}
