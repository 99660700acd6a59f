//! Edits to the config file that keep the user's comments and layout (`toml_edit`).
//!
//! Only the `[[feed]]` array is touched. Writes are atomic: a temporary file in the same
//! directory, synced, then renamed over the original, so a crash leaves the old or the new file.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use super::{Config, Error};

/// A feed to append to the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeed {
    pub url: String,
    pub name: Option<String>,
    pub tags: Vec<String>,
}

/// An open config document ready for edits.
pub struct ConfigDoc {
    doc: DocumentMut,
    /// Normalised URLs and lowercased names of the feeds, built at the first `add_feed`, so an
    /// import of n feeds does n lookups instead of n² URL parses.
    known: Option<Known>,
}

#[derive(Default)]
struct Known {
    urls: std::collections::HashSet<String>,
    names: std::collections::HashSet<String>,
}

impl ConfigDoc {
    pub fn parse(text: &str, path: &Path) -> Result<ConfigDoc, Error> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let (line, col) = e.span().map_or((0, 0), |s| super::line_col(text, s.start));
            Error::Invalid {
                path: path.to_path_buf(),
                line,
                col,
                key: String::new(),
                message: e.message().to_string(),
            }
        })?;
        Ok(ConfigDoc { doc, known: None })
    }

    /// Appends a `[[feed]]` table after the last one (or at the end). Returns false when a feed
    /// with that URL is already present.
    pub fn add_feed(&mut self, feed: &NewFeed) -> bool {
        let known = self.known.get_or_insert_with(|| known_feeds(&self.doc));
        if !known.urls.insert(norm_url(&feed.url)) {
            return false;
        }
        let mut table = Table::new();
        table.insert("url", value(feed.url.as_str()));
        if let Some(name) = feed
            .name
            .as_deref()
            .map(|n| free_name(&known.names, n, &feed.url))
        {
            known.names.insert(name.trim().to_lowercase());
            table.insert("name", value(name.as_str()));
        }
        if !feed.tags.is_empty() {
            let mut tags = Array::new();
            for t in &feed.tags {
                tags.push(t.as_str());
            }
            table.insert("tags", value(tags));
        }
        match self.doc.get_mut("feed") {
            Some(Item::ArrayOfTables(arr)) => arr.push(table),
            _ => {
                let mut arr = ArrayOfTables::new();
                arr.push(table);
                self.doc.insert("feed", Item::ArrayOfTables(arr));
            }
        }
        true
    }

    /// Removes the feed whose URL or name matches; returns the removed URL.
    pub fn remove_feed(&mut self, needle: &str) -> Option<String> {
        self.known = None;
        let Some(Item::ArrayOfTables(arr)) = self.doc.get_mut("feed") else {
            return None;
        };
        let index = arr.iter().position(|t| {
            let url = t.get("url").and_then(Item::as_str).unwrap_or("");
            let name = t.get("name").and_then(Item::as_str).unwrap_or("");
            same_url(url, needle) || (!name.is_empty() && name.eq_ignore_ascii_case(needle))
        })?;
        let url = arr
            .get(index)
            .and_then(|t| t.get("url"))
            .and_then(Item::as_str)
            .map(str::to_string);
        arr.remove(index);
        url
    }

    /// Replaces a feed's URL (e.g. applying a permanent redirect). Returns whether it changed.
    pub fn set_feed_url(&mut self, old: &str, new: &str) -> bool {
        self.known = None;
        let Some(Item::ArrayOfTables(arr)) = self.doc.get_mut("feed") else {
            return false;
        };
        for t in arr.iter_mut() {
            if t.get("url")
                .and_then(Item::as_str)
                .is_some_and(|u| same_url(u, old))
            {
                t.insert("url", value(new));
                return true;
            }
        }
        false
    }

    pub fn to_text(&self) -> String {
        self.doc.to_string()
    }
}

fn same_url(a: &str, b: &str) -> bool {
    norm_url(a) == norm_url(b)
}

fn norm_url(s: &str) -> String {
    url::Url::parse(s.trim())
        .map(|u| u.to_string())
        .unwrap_or_else(|_| s.trim().to_string())
}

fn known_feeds(doc: &DocumentMut) -> Known {
    let mut known = Known::default();
    if let Some(Item::ArrayOfTables(arr)) = doc.get("feed") {
        for t in arr.iter() {
            if let Some(u) = t.get("url").and_then(Item::as_str) {
                known.urls.insert(norm_url(u));
            }
            if let Some(n) = t.get("name").and_then(Item::as_str) {
                known.names.insert(n.trim().to_lowercase());
            }
        }
    }
    known
}

/// `name`, or, when another feed has it (names are unique without case), the name with the
/// feed's host, then a number.
fn free_name(taken: &std::collections::HashSet<String>, name: &str, url: &str) -> String {
    let free = |n: &str| !taken.contains(&n.trim().to_lowercase());
    if free(name) {
        return name.to_string();
    }
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    let with_host = format!("{name} ({})", host.unwrap_or_default());
    (1..)
        .map(|i| {
            if i == 1 {
                with_host.clone()
            } else {
                format!("{with_host} {i}")
            }
        })
        .find(|n| free(n))
        .unwrap_or(with_host)
}

/// Reads the config, applies `edit`, validates the result and writes it atomically, all under
/// an exclusive lock, so edits made at once (twenty `tidings import`s, the UI's `a` and a CLI
/// `add`) each see the others' results and none is lost.
///
/// The edited text must still be a valid config; otherwise nothing is written.
pub fn edit_file<T>(path: &Path, edit: impl FnOnce(&mut ConfigDoc) -> T) -> Result<(T, Config), Error> {
    let _lock = lock(path)?;
    let text = super::read_text(path)?;
    Config::parse(&text, path)?;
    let mut doc = ConfigDoc::parse(&text, path)?;
    let out = edit(&mut doc);
    let new_text = doc.to_text();
    let config = Config::parse(&new_text, path)?;
    if new_text != text {
        write_atomic(path, new_text.as_bytes())?;
    }
    Ok((out, config))
}

/// An exclusive advisory lock on a file beside the config (the config itself is replaced by
/// each write, so it cannot hold the lock); released when dropped.
fn lock(path: &Path) -> Result<std::fs::File, Error> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = target.with_file_name(format!(".{}", name.to_string_lossy()));
    let err = |cause| Error::Write {
        path: lock_path.clone(),
        cause,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(err)?;
    file.lock().map_err(err)?;
    Ok(file)
}

/// Writes through a synced temporary file in the same directory and a rename. A config that
/// is a symlink (stow, chezmoi, home-manager) stays one: the file it points to is replaced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = target.as_path();
    let err = |cause| Error::Write {
        path: path.to_path_buf(),
        cause,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# my feeds\n[settings]\nconcurrency = 4 # fast\n\n[[feed]]\n# the blog\nurl = \"https://a.example/feed\"\nname = \"A\"\n\n# trailing comment\n";

    #[test]
    fn add_keeps_comments_and_layout() {
        let mut doc = ConfigDoc::parse(TEXT, Path::new("c.toml")).expect("parse");
        assert!(doc.add_feed(&NewFeed {
            url: "https://b.example/rss".into(),
            name: Some("B".into()),
            tags: vec!["x".into()],
        }));
        let out = doc.to_text();
        assert!(
            out.starts_with(&TEXT[..TEXT.find("# trailing").expect("marker")]),
            "{out}"
        );
        assert!(out.contains("# trailing comment"));
        assert!(out.contains("url = \"https://b.example/rss\""));
        assert!(!doc.add_feed(&NewFeed {
            url: "https://a.example/feed".into(),
            name: None,
            tags: vec![],
        }));
        Config::parse(&out, Path::new("c.toml")).expect("still valid");
    }

    #[test]
    fn one_import_dedupes_urls_and_names_against_itself() {
        let mut doc = ConfigDoc::parse(
            "[[feed]]\nurl = \"https://a.example/rss\"\nname = \"Blog\"\n",
            Path::new("c.toml"),
        )
        .expect("parse");
        let feed = |url: &str, name: &str| NewFeed {
            url: url.into(),
            name: Some(name.into()),
            tags: vec![],
        };
        assert!(
            !doc.add_feed(&feed("https://A.example/rss", "x")),
            "same URL, host case aside"
        );
        assert!(doc.add_feed(&feed("https://b.example/rss", "blog")));
        assert!(doc.add_feed(&feed("https://c.example/rss", "Blog")));
        assert!(
            !doc.add_feed(&feed("https://c.example/rss", "Blog")),
            "added twice in one edit"
        );
        let text = doc.to_text();
        assert!(text.contains("name = \"blog (b.example)\""), "{text}");
        assert!(text.contains("name = \"Blog (c.example)\""), "{text}");
        Config::parse(&text, Path::new("c.toml")).expect("still a valid config");
    }

    #[test]
    fn remove_by_name_and_by_url() {
        let mut doc = ConfigDoc::parse(TEXT, Path::new("c.toml")).expect("parse");
        assert_eq!(doc.remove_feed("a"), Some("https://a.example/feed".into()));
        assert_eq!(doc.remove_feed("https://a.example/feed"), None);
        assert!(doc.to_text().contains("concurrency = 4 # fast"));
    }
}
