//! The optional YAML front matter at the top of an article file, between two `---` lines.

use chrono::NaiveDate;
use serde::Deserialize;

/// The keys an article's front matter may set; anything it leaves out is inferred from the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub outlet: Option<String>,
    /// The outlet this article reports or republishes ("Politico" for a Caliber.Az rewrite).
    pub via: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub author: Option<String>,
    pub language: Option<String>,
}

/// Why a front-matter block could not be read; `line` counts from 1 in the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrontMatterError {
    #[error("line 1: front matter opened with `---` is never closed by another `---` line")]
    Unclosed,
    #[error("line {line}: front matter: {message}")]
    Invalid { line: usize, message: String },
}

/// Splits `text` into its front matter (if it opens with a `---` line) and the body after it.
pub fn split(text: &str) -> Result<(FrontMatter, &str), FrontMatterError> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok((FrontMatter::default(), text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((parse(yaml)?, body));
        }
        offset += line.len();
    }
    Err(FrontMatterError::Unclosed)
}

fn parse(yaml: &str) -> Result<FrontMatter, FrontMatterError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_norway::from_str(yaml).map_err(|err| FrontMatterError::Invalid {
        // The block starts on the file's second line.
        line: err.location().map_or(2, |l| l.line() + 1),
        message: strip_location(&err.to_string()),
    })
}

/// serde_norway appends "at line L column C" to its messages; we report the file's line instead.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_returns_the_body() {
        let (fm, body) = split("---\ntitle: A headline\npublished: 2025-02-27\nvia: Politico\n---\nBody.\n")
            .expect("valid");
        assert_eq!(fm.title.as_deref(), Some("A headline"));
        assert_eq!(fm.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(fm.via.as_deref(), Some("Politico"));
        assert_eq!(body, "Body.\n");
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let (fm, body) = split("Headline\n---\ntext").expect("valid");
        assert_eq!(fm, FrontMatter::default());
        assert_eq!(body, "Headline\n---\ntext");
    }

    #[test]
    fn crlf_front_matter_is_read() {
        let (fm, body) = split("---\r\noutlet: UNN\r\n---\r\nBody").expect("valid");
        assert_eq!(fm.outlet.as_deref(), Some("UNN"));
        assert_eq!(body, "Body");
    }

    #[test]
    fn an_impossible_date_names_its_line() {
        let err = split("---\ntitle: x\npublished: 2025-02-30\n---\n").expect_err("invalid date");
        match err {
            FrontMatterError::Invalid { line, .. } => assert_eq!(line, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_keys_and_unclosed_blocks_are_errors() {
        assert!(split("---\npublisher: x\n---\n").is_err());
        assert_eq!(split("---\ntitle: x\n"), Err(FrontMatterError::Unclosed));
    }
}
