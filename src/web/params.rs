//! Query strings: parsing and validating the timeline's filters, and writing them back in one
//! canonical order so that every view has exactly one URL.

use chrono::NaiveDate;

use super::error::AppError;
use crate::store::read::TimelineFilter;

/// Longest slug we accept; anything longer names nothing.
const MAX_SLUG: usize = 100;
/// How many values one repeatable filter may take.
const MAX_VALUES: usize = 20;

/// Parses `from`, `to`, `actor` and `topic`. Empty values (an empty form field) are absent;
/// unknown keys are ignored so that tracking parameters added by chat tools do no harm.
pub fn parse_timeline(query: Option<&str>) -> Result<TimelineFilter, AppError> {
    let mut filter = TimelineFilter::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "from" => filter.from = Some(parse_date("from", value, filter.from)?),
            "to" => filter.to = Some(parse_date("to", value, filter.to)?),
            "actor" => push_slug(&mut filter.actors, "actor", value)?,
            "topic" => push_slug(&mut filter.topics, "topic", value)?,
            "kind" => push_kind(&mut filter.kinds, value)?,
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(AppError::bad_param(
            "to",
            format!("{to} is before from ({from}); the range would be empty"),
        ));
    }
    Ok(filter)
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

fn push_slug(list: &mut Vec<String>, param: &str, value: &str) -> Result<(), AppError> {
    check_slug(param, value)?;
    if list.len() >= MAX_VALUES {
        return Err(AppError::bad_param(param, format!("more than {MAX_VALUES} values")));
    }
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
    Ok(())
}

/// Event kinds are PLOVER names: capital letters (and underscores).
fn push_kind(list: &mut Vec<String>, value: &str) -> Result<(), AppError> {
    let ok = value.len() <= 20 && value.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if !ok {
        return Err(AppError::bad_param(
            "kind",
            format!("`{}` is not an event kind such as CONSULT or AGREE", shorten(value)),
        ));
    }
    if list.len() >= MAX_VALUES {
        return Err(AppError::bad_param("kind", format!("more than {MAX_VALUES} values")));
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

/// Keeps error messages short when someone sends a 10 KB value.
fn shorten(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

/// The filter as a query string, in canonical order: from, to, actors, topics, kinds.
pub fn to_query(filter: &TimelineFilter) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    if let Some(from) = filter.from {
        out.append_pair("from", &from.to_string());
    }
    if let Some(to) = filter.to {
        out.append_pair("to", &to.to_string());
    }
    for actor in &filter.actors {
        out.append_pair("actor", actor);
    }
    for topic in &filter.topics {
        out.append_pair("topic", topic);
    }
    for kind in &filter.kinds {
        out.append_pair("kind", kind);
    }
    out.finish()
}

/// `path` with the filter's query string, if any.
pub fn href(path: &str, filter: &TimelineFilter) -> String {
    let query = to_query(filter);
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
        let f = parse_timeline(Some("from=2025-02-01&to=&actor=emmanuel-macron&actor=donald-trump&topic=security-guarantees&utm_source=x"))
            .expect("valid");
        assert_eq!(f.from, NaiveDate::from_ymd_opt(2025, 2, 1));
        assert_eq!(f.to, None);
        assert_eq!(f.actors, ["emmanuel-macron", "donald-trump"]);
        assert_eq!(f.topics, ["security-guarantees"]);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (query, param) in [
            ("from=2025-02-30", "from"),
            ("to=yesterday", "to"),
            ("actor=Emmanuel%20Macron", "actor"),
            ("from=2025-03-01&to=2025-02-01", "to"),
            ("from=2025-03-01&from=2025-03-02", "from"),
            ("kind=consult", "kind"),
        ] {
            match parse_timeline(Some(query)) {
                Err(AppError::BadParam { param: p, .. }) => assert_eq!(p, param, "{query}"),
                other => panic!("{query}: {other:?}"),
            }
        }
    }

    #[test]
    fn writes_parameters_in_canonical_order() {
        let f = parse_timeline(Some("kind=AGREE&topic=b&actor=a&to=2025-03-01&from=2025-02-01")).expect("valid");
        assert_eq!(to_query(&f), "from=2025-02-01&to=2025-03-01&actor=a&topic=b&kind=AGREE");
        assert_eq!(href("/", &TimelineFilter::default()), "/");
    }
}
