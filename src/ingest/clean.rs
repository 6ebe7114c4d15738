//! Placeholder until the cleaning rules land.
use chrono::NaiveDate;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    pub text: String,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub author: Option<String>,
}

pub fn clean(raw: &str) -> Cleaned {
    Cleaned { text: raw.trim().to_string(), ..Default::default() }
}
