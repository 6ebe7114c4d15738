//! Query strings: parsing and validating the timeline's filters, and writing them back in one
//! canonical order so that every view has exactly one URL.

use chrono::NaiveDate;

use super::error::AppError;
use crate::store::timeline::{Cursor, PageAt, TimelineFilter};

/// Longest slug we accept; anything longer names nothing.
const MAX_SLUG: usize = 100;
/// How many values one repeatable filter may take.
const MAX_VALUES: usize = 20;
/// Longest search text.
const MAX_Q: usize = 200;

/// The timeline's state: what to show and which page of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineQuery {
    pub filter: TimelineFilter,
    pub at: PageAt,
}

/// Parses the timeline's parameters. Empty values (an empty form field) are absent; unknown
/// keys are ignored so that tracking parameters added by chat tools do no harm.
pub fn parse_timeline(query: Option<&str>) -> Result<TimelineQuery, AppError> {
    let mut out = TimelineQuery::default();
    let f = &mut out.filter;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "from" => f.from = Some(parse_date("from", value, f.from)?),
            "to" => f.to = Some(parse_date("to", value, f.to)?),
            "actor" => push_checked(&mut f.actors, "actor", value, check_slug)?,
            "topic" => push_checked(&mut f.topics, "topic", value, check_slug)?,
            "outlet" => push_checked(&mut f.outlets, "outlet", value, check_slug)?,
            "kind" => push_checked(&mut f.kinds, "kind", value, check_kind)?,
            "month" => push_checked(&mut f.months, "month", value, check_month)?,
            "q" => f.q = Some(parse_q(value, f.q.is_some())?),
            "after" => out.at = parse_cursor("after", value, &out.at)?.map_or(PageAt::First, PageAt::After),
            "before" => out.at = parse_cursor("before", value, &out.at)?.map_or(PageAt::First, PageAt::Before),
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (out.filter.from, out.filter.to)
        && to < from
    {
        return Err(AppError::bad_param(
            "to",
            format!("{to} is before from ({from}); the range would be empty"),
        ));
    }
    Ok(out)
}

fn parse_date(param: &str, value: &str, previous: Option<NaiveDate>) -> Result<NaiveDate, AppError> {
    if previous.is_some() {
        return Err(AppError::bad_param(param, "given twice; give one date"));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|d| value.len() == 10 && (1000..=9999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| {
            AppError::bad_param(
                param,
                format!("`{}` is not a date in the form YYYY-MM-DD", shorten(value)),
            )
        })
}

fn parse_q(value: &str, given: bool) -> Result<String, AppError> {
    if given {
        return Err(AppError::bad_param("q", "given twice; give one search"));
    }
    if value.chars().count() > MAX_Q {
        return Err(AppError::bad_param("q", format!("longer than {MAX_Q} characters")));
    }
    Ok(value.to_string())
}

/// Just the page position (`after` or `before`) of a list page that has no filters.
pub fn parse_page(query: Option<&str>) -> Result<PageAt, AppError> {
    let mut at = PageAt::First;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        match key.as_ref() {
            "after" if !value.is_empty() => at = parse_cursor("after", value, &at)?.map_or(PageAt::First, PageAt::After),
            "before" if !value.is_empty() => at = parse_cursor("before", value, &at)?.map_or(PageAt::First, PageAt::Before),
            _ => {}
        }
    }
    Ok(at)
}

/// A cursor is `YYYY-MM-DD.ID`: the date and id of the event the page starts after or before.
fn parse_cursor(param: &str, value: &str, at: &PageAt) -> Result<Option<Cursor>, AppError> {
    if *at != PageAt::First {
        return Err(AppError::bad_param(param, "give one of after and before, once"));
    }
    let bad = || {
        AppError::bad_param(
            param,
            format!("`{}` is not a position such as 2025-02-26.12", shorten(value)),
        )
    };
    let (date, id) = value.split_once('.').ok_or_else(bad)?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    if id < 0 {
        return Err(bad());
    }
    Ok(Some(Cursor {
        date: date.to_string(),
        id,
    }))
}

pub fn cursor_param(cursor: &Cursor) -> String {
    format!("{}.{}", cursor.date, cursor.id)
}

fn push_checked(
    list: &mut Vec<String>,
    param: &str,
    value: &str,
    check: fn(&str, &str) -> Result<(), AppError>,
) -> Result<(), AppError> {
    check(param, value)?;
    if list.len() >= MAX_VALUES {
        return Err(AppError::bad_param(param, format!("more than {MAX_VALUES} values")));
    }
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
    Ok(())
}

/// A slug is lowercase letters, digits and hyphens.
pub fn check_slug(param: &str, value: &str) -> Result<(), AppError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_SLUG
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_param(
            param,
            format!("`{}` is not a slug (lowercase letters, digits and hyphens)", shorten(value)),
        ))
    }
}

/// Event kinds are PLOVER names: capital letters (and underscores).
fn check_kind(param: &str, value: &str) -> Result<(), AppError> {
    if value.len() <= 20 && value.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        Ok(())
    } else {
        Err(AppError::bad_param(
            param,
            format!("`{}` is not an event kind such as CONSULT or AGREE", shorten(value)),
        ))
    }
}

fn check_month(param: &str, value: &str) -> Result<(), AppError> {
    if value.len() == 7 && NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok() {
        Ok(())
    } else {
        Err(AppError::bad_param(
            param,
            format!("`{}` is not a month in the form YYYY-MM", shorten(value)),
        ))
    }
}

/// Keeps error messages short when someone sends a 10 KB value.
fn shorten(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

/// The filter as a query string, in canonical order: q, from, to, then the lists.
pub fn to_query(filter: &TimelineFilter) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    if let Some(q) = &filter.q {
        out.append_pair("q", q);
    }
    if let Some(from) = filter.from {
        out.append_pair("from", &from.to_string());
    }
    if let Some(to) = filter.to {
        out.append_pair("to", &to.to_string());
    }
    for (key, values) in filter.lists() {
        for value in values {
            out.append_pair(key, value);
        }
    }
    out.finish()
}

/// `path` with the filter's query string, if any.
pub fn href(path: &str, filter: &TimelineFilter) -> String {
    with_query(path, to_query(filter))
}

/// `path` with the filter and a page position.
pub fn page_href(path: &str, filter: &TimelineFilter, at: &PageAt) -> String {
    let mut query = to_query(filter);
    let position = match at {
        PageAt::First => None,
        PageAt::After(c) => Some(("after", cursor_param(c))),
        PageAt::Before(c) => Some(("before", cursor_param(c))),
    };
    if let Some((key, value)) = position {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("{key}={value}"));
    }
    with_query(path, query)
}

fn with_query(path: &str, query: String) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_filters_and_skips_empty_fields() {
        let q = parse_timeline(Some(
            "from=2025-02-01&to=&actor=emmanuel-macron&actor=donald-trump&topic=security-guarantees&month=2025-02&utm_source=x",
        ))
        .expect("valid");
        let f = q.filter;
        assert_eq!(f.from, NaiveDate::from_ymd_opt(2025, 2, 1));
        assert_eq!(f.to, None);
        assert_eq!(f.actors, ["emmanuel-macron", "donald-trump"]);
        assert_eq!(f.topics, ["security-guarantees"]);
        assert_eq!(f.months, ["2025-02"]);
        assert_eq!(q.at, PageAt::First);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let long_q = format!("q={}", "a".repeat(300));
        for (query, param) in [
            ("from=2025-02-30", "from"),
            ("to=yesterday", "to"),
            ("actor=Emmanuel%20Macron", "actor"),
            ("from=2025-03-01&to=2025-02-01", "to"),
            ("from=2025-03-01&from=2025-03-02", "from"),
            ("kind=consult", "kind"),
            ("month=2025-13", "month"),
            ("outlet=Kyiv+Independent", "outlet"),
            ("after=2025-02-26", "after"),
            ("after=2025-02-26.1&before=2025-02-26.2", "before"),
            (long_q.as_str(), "q"),
        ] {
            match parse_timeline(Some(query)) {
                Err(AppError::BadParam { param: p, .. }) => assert_eq!(p, param, "{query}"),
                other => panic!("{query}: {other:?}"),
            }
        }
    }

    #[test]
    fn writes_parameters_in_canonical_order() {
        let q = parse_timeline(Some(
            "after=2025-02-26.7&month=2025-02&kind=AGREE&topic=b&actor=a&to=2025-03-01&from=2025-02-01&q=a+b",
        ))
        .expect("valid");
        assert_eq!(
            to_query(&q.filter),
            "q=a+b&from=2025-02-01&to=2025-03-01&actor=a&topic=b&kind=AGREE&month=2025-02"
        );
        assert_eq!(
            page_href("/", &q.filter, &q.at),
            "/?q=a+b&from=2025-02-01&to=2025-03-01&actor=a&topic=b&kind=AGREE&month=2025-02&after=2025-02-26.7"
        );
        assert_eq!(href("/", &TimelineFilter::default()), "/");
    }
}
