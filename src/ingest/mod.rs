//! Ingest: finds article files, reads and decodes them, splits off front matter and cleans the
//! scraped text. Its output, a [`Document`], is what extraction reads.

pub mod clean;
pub mod front_matter;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use front_matter::FrontMatter;

/// File endings that `import` reads.
const ARTICLE_EXTENSIONS: [&str; 2] = ["txt", "md"];
/// Larger files are not articles (a dump, a log, a mistake); they are refused before reading.
pub const MAX_ARTICLE_BYTES: u64 = 8 * 1024 * 1024;

/// One article, read and cleaned, ready for extraction.
#[derive(Debug, Clone)]
pub struct Document {
    /// Canonical path: the article's identity across imports.
    pub path: PathBuf,
    pub file: String,
    /// sha256 of the raw bytes, hex.
    pub raw_hash: String,
    pub front: FrontMatter,
    pub cleaned: clean::Cleaned,
    /// Things the reader should know but that did not stop the import.
    pub warnings: Vec<String>,
}

impl Document {
    pub fn title(&self) -> Option<&str> {
        self.front.title.as_deref().or(self.cleaned.title.as_deref())
    }

    pub fn published(&self) -> Option<NaiveDate> {
        self.front.published.or(self.cleaned.published)
    }

    pub fn author(&self) -> Option<&str> {
        self.front.author.as_deref().or(self.cleaned.author.as_deref())
    }
}

/// Why a file could not be read as an article.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("empty file")]
    Empty,
    #[error("not a regular file (a folder, pipe or device named like an article)")]
    NotAFile,
    #[error("{:.1} MB; articles larger than {} MB are refused", *.0 as f64 / 1e6, MAX_ARTICLE_BYTES / (1024 * 1024))]
    TooLarge(u64),
    #[error("binary file (a NUL byte at offset {0}), not text")]
    Binary(usize),
    #[error("{0}")]
    FrontMatter(#[from] front_matter::FrontMatterError),
    #[error("no article text after front matter and boilerplate are removed")]
    NoText,
}

/// A path given to `import` that could not be walked.
#[derive(Debug)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub message: String,
}

/// Expands files and folders into the article files below them, sorted, each once.
/// Folders are walked recursively; links are followed, but a folder is never entered twice,
/// so a symlink loop ends.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut seen_dirs, &mut files, &mut problems),
            Ok(_) => files.push(path.clone()),
            Err(err) => problems.push(WalkProblem {
                path: path.clone(),
                message: format!("cannot open: {err}"),
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

fn walk(
    dir: &Path,
    seen_dirs: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<WalkProblem>,
) {
    let canonical = match dir.canonicalize() {
        Ok(c) => c,
        Err(err) => {
            problems.push(WalkProblem {
                path: dir.to_path_buf(),
                message: format!("cannot open folder: {err}"),
            });
            return;
        }
    };
    if !seen_dirs.insert(canonical) {
        return; // already walked: a link back up the tree
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(WalkProblem {
                path: dir.to_path_buf(),
                message: format!("cannot list folder: {err}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, seen_dirs, files, problems),
            Ok(_) if is_article_file(&path) => files.push(path),
            Ok(_) => {}
            Err(err) if is_article_file(&path) || entry.file_type().is_ok_and(|t| t.is_symlink()) => {
                problems.push(WalkProblem {
                    path,
                    message: format!("cannot open: {err}"),
                })
            }
            Err(_) => {}
        }
    }
}

fn is_article_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads one article file.
pub fn read(path: &Path) -> Result<Document, IngestError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        // Reading a pipe would block the import for ever.
        return Err(IngestError::NotAFile);
    }
    if meta.len() > MAX_ARTICLE_BYTES {
        return Err(IngestError::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path)?;
    let canonical = path.canonicalize()?;
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw_hash = hex(&Sha256::digest(&bytes));
    let (front, cleaned, warnings) = parse(&bytes)?;
    Ok(Document {
        path: canonical,
        file,
        raw_hash,
        front,
        cleaned,
        warnings,
    })
}

/// Decodes, splits and cleans the bytes of an article file.
pub fn parse(
    bytes: &[u8],
) -> Result<(FrontMatter, clean::Cleaned, Vec<String>), IngestError> {
    let mut warnings = Vec::new();
    let text = decode(bytes, &mut warnings)?;
    let (front, body) = front_matter::split(&text)?;
    let cleaned = clean::clean(body);
    if cleaned.text.trim().is_empty() {
        return Err(IngestError::NoText);
    }
    Ok((front, cleaned, warnings))
}

/// UTF-8 (with or without a BOM) is read as is; anything else that is text is taken as
/// Windows-1252/Latin-1, the usual encoding of older scrapes, with a warning. Line ends become `\n`.
fn decode(bytes: &[u8], warnings: &mut Vec<String>) -> Result<String, IngestError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary(at));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(err) => {
            warnings.push(format!(
                "not valid UTF-8 (byte {}): read as Latin-1",
                err.valid_up_to()
            ));
            bytes.iter().map(|&b| char::from(b)).collect()
        }
    };
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        let (front, cleaned, warnings) =
            parse(b"\xEF\xBB\xBF---\r\noutlet: UNN\r\n---\r\nMacron said it.\r\nTrump agreed.\r\n")
                .expect("parses");
        assert_eq!(front.outlet.as_deref(), Some("UNN"));
        assert!(!cleaned.text.contains('\r'));
        assert!(warnings.is_empty());
    }

    #[test]
    fn latin1_is_decoded_with_a_warning() {
        let (_, cleaned, warnings) = parse(b"Fran\xe7ois Heisbourg spoke in Paris today.\n").expect("parses");
        assert!(cleaned.text.contains("François"), "{}", cleaned.text);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert!(matches!(parse(b"  \n"), Err(IngestError::Empty)));
        assert!(matches!(parse(b"\x89PNG\r\n\x1a\n\0\0"), Err(IngestError::Binary(8))));
    }
}
