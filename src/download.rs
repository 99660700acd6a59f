//! Downloading enclosures to a folder: one file per article and enclosure, named from the
//! feed's data made safe (no path from a feed ever leaves the folder), written to `NAME.part`
//! and renamed when complete, so a download killed midway resumes with a `Range` request from
//! what is on disk. Size-capped; a full disk is said as such and the part kept for later.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use crate::feed::{FetchError, Fetcher};

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("larger than max_download_size ({} MiB)", .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error("the disk is full ({0}); the part downloaded so far is kept and resumes next time")]
    DiskFull(String),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("the server sent part of another file (Content-Range {0})")]
    BadRange(String),
    #[error("the connection broke after {0} bytes; the rest resumes next time")]
    Cut(u64),
}

impl DownloadError {
    /// Whether a later run should try again: a broken connection, a timeout, a server error
    /// or a full disk pass; a file too large, a refused scheme or a 404 do not.
    pub fn resumable(&self) -> bool {
        match self {
            DownloadError::Cut(_) | DownloadError::DiskFull(_) => true,
            DownloadError::Fetch(e) => match e {
                FetchError::Status { status, .. } => *status >= 500 || *status == 429,
                FetchError::Timeout(_) | FetchError::Http(_) => true,
                _ => false,
            },
            _ => false,
        }
    }
}

/// The longest file name made (bytes), well under every file system's 255.
const NAME_MAX: usize = 150;

/// A file name for an enclosure: the article id (so two episodes called `episode.mp3` never
/// meet), then the URL's last path segment, decoded and stripped of anything a file system or
/// a shell could read as structure (separators, `..`, control characters, a leading dot or
/// dash), cut to a sane length on a character boundary, with its extension kept.
pub fn file_name(article: i64, url: &str) -> String {
    let segment = url::Url::parse(url)
        .ok()
        .and_then(|u| crate::media::url_file_name(&u))
        .unwrap_or_default();
    let mut clean: String = segment
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '\0') {
                '_'
            } else {
                c
            }
        })
        .collect();
    while clean.contains("..") {
        clean = clean.replace("..", ".");
    }
    let clean = clean.trim_matches(|c: char| c == '.' || c == '-' || c.is_whitespace());
    let clean = if clean.is_empty() { "enclosure" } else { clean };
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (s, e)
        }
        _ => (clean, ""),
    };
    let budget = NAME_MAX - ext.len() - 24;
    let mut cut = stem.len().min(budget);
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = &stem[..cut];
    if ext.is_empty() {
        format!("{article}-{stem}")
    } else {
        format!("{article}-{stem}.{ext}")
    }
}

/// Downloads `url` to `dir/name`, resuming `dir/name.part` if it is there. `progress` is told
/// the bytes on disk and the total when known. Returns the finished file's path.
pub async fn download(
    fetcher: &Fetcher,
    url: &url::Url,
    dir: &Path,
    name: &str,
    max_size: u64,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<PathBuf, DownloadError> {
    let target = dir.join(name);
    let part = dir.join(format!("{name}.part"));
    let write_err = |path: &Path, e: std::io::Error| -> DownloadError {
        if e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull {
            DownloadError::DiskFull(e.to_string())
        } else {
            DownloadError::Write {
                path: path.display().to_string(),
                reason: e.to_string(),
            }
        }
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| write_err(dir, e))?;
    let have = tokio::fs::metadata(&part).await.map(|m| m.len()).unwrap_or(0);
    let mut resp = fetcher.open_download(url, have).await?;
    let status = resp.status().as_u16();
    let (mut written, total) = match status {
        // What is on disk is the whole file already.
        416 if have > 0 => {
            tokio::fs::rename(&part, &target)
                .await
                .map_err(|e| write_err(&target, e))?;
            return Ok(target);
        }
        206 => {
            let range = resp
                .headers()
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            // "bytes START-END/TOTAL": it must start where the part ends.
            let spec = range.strip_prefix("bytes ").unwrap_or("");
            let start: Option<u64> = spec.split('-').next().and_then(|s| s.trim().parse().ok());
            if start != Some(have) {
                return Err(DownloadError::BadRange(crate::text::sanitize_line(&range)));
            }
            let total = spec.rsplit('/').next().and_then(|t| t.trim().parse().ok());
            (have, total)
        }
        _ => (0, resp.content_length()),
    };
    if total.is_some_and(|t| t > max_size) {
        return Err(DownloadError::TooLarge(max_size));
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(written > 0)
        .truncate(written == 0)
        .open(&part)
        .await
        .map_err(|e| write_err(&part, e))?;
    progress(written, total);
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => {
                let _ = file.flush().await;
                return Err(DownloadError::Cut(written));
            }
        };
        if written + chunk.len() as u64 > max_size {
            drop(file);
            let _ = tokio::fs::remove_file(&part).await;
            return Err(DownloadError::TooLarge(max_size));
        }
        file.write_all(&chunk).await.map_err(|e| write_err(&part, e))?;
        written += chunk.len() as u64;
        progress(written, total);
    }
    if total.is_some_and(|t| written < t) {
        let _ = file.flush().await;
        return Err(DownloadError::Cut(written));
    }
    // A write that failed in the background (a full disk) is reported here, not by sync.
    file.flush().await.map_err(|e| write_err(&part, e))?;
    file.sync_all().await.map_err(|e| write_err(&part, e))?;
    drop(file);
    tokio::fs::rename(&part, &target)
        .await
        .map_err(|e| write_err(&target, e))?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_hostile_urls_stay_inside_the_folder() {
        for (url, expect) in [
            ("https://x.example/pod/ep%2042.mp3", "7-ep 42.mp3"),
            (
                "https://x.example/..%2F..%2F..%2Fetc%2Fpasswd",
                "7-_._._etc_passwd",
            ),
            ("https://x.example/%2e%2e", "7-enclosure"),
            ("https://x.example/a/.bashrc", "7-bashrc"),
            ("https://x.example/-rf", "7-rf"),
            ("https://x.example/", "7-enclosure"),
            ("https://x.example/a%0Ab%1B[31m.mp3", "7-a_b_[31m.mp3"),
            ("https://x.example/C:%5CWindows%5Cx.exe", "7-C__Windows_x.exe"),
        ] {
            let name = file_name(7, url);
            assert_eq!(name, expect, "{url}");
            let dir = Path::new("/downloads");
            let p = dir.join(&name);
            assert_eq!(p.parent(), Some(dir), "{url} -> {name}");
            assert!(!name.contains('/') && !name.contains('\0'));
        }
        let long = format!("https://x.example/{}.mp3", "é".repeat(400));
        let name = file_name(1, &long);
        assert!(name.len() <= NAME_MAX && name.ends_with(".mp3"), "{name}");
    }
}

/// What a download run reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadEvent {
    Progress {
        name: String,
        written: u64,
        total: Option<u64>,
    },
    Done {
        name: String,
        file: PathBuf,
    },
    Failed {
        name: String,
        url: String,
        error: String,
    },
}

/// Where and how big: the settings a run takes.
#[derive(Debug, Clone)]
pub struct DownloadSettings {
    pub dir: PathBuf,
    pub max_size: u64,
    /// At most this many downloads from one host at a time (the poller's `per_host`).
    pub per_host: usize,
    /// At most this many at all.
    pub concurrency: usize,
    /// Feeds (URL as in the config) whose newest N articles' enclosures are queued before
    /// each run (`auto_download = N`).
    pub auto: Vec<(String, usize)>,
}

/// The folder downloads go to: the setting, else `tidings` in the user's download folder,
/// else `downloads` in the data dir.
pub fn default_dir(setting: Option<&Path>, data_dir: &Path) -> PathBuf {
    if let Some(d) = setting {
        return d.to_path_buf();
    }
    directories::UserDirs::new()
        .and_then(|u| u.download_dir().map(|d| d.join("tidings")))
        .unwrap_or_else(|| data_dir.join("downloads"))
}

/// Downloads everything queued, each at most once per run, recording each outcome in the
/// store; returns (done, failed).
pub async fn run_queue(
    fetcher: &Fetcher,
    store: &crate::store::StoreHandle,
    settings: &DownloadSettings,
    events: &tokio::sync::mpsc::UnboundedSender<DownloadEvent>,
) -> Result<(usize, usize), crate::store::Error> {
    use std::collections::HashMap;
    use std::sync::Arc;
    use tokio::sync::Semaphore;
    let all = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    // Rounds: what was queued while this run went on is taken too, each job once per run.
    let mut tried: std::collections::HashSet<(i64, String)> = Default::default();
    let (mut done, mut failed) = (0, 0);
    loop {
        let jobs: Vec<_> = store
            .read(|s| s.downloads())
            .await??
            .into_iter()
            .filter(|j| j.state == "queued" && tried.insert((j.article.0, j.url.clone())))
            .collect();
        if jobs.is_empty() && tasks.is_empty() {
            break;
        }
        for job in jobs {
            let host = url::Url::parse(&job.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            let per_host = hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(settings.per_host.max(1))))
                .clone();
            let (all, fetcher, store, settings, events) = (
                all.clone(),
                fetcher.clone(),
                store.clone(),
                settings.clone(),
                events.clone(),
            );
            tasks.spawn(async move {
                let _h = per_host.acquire_owned().await;
                let _a = all.acquire_owned().await;
                let name = file_name(job.article.0, &job.url);
                // (the error, and whether the next run should try again from the part on disk)
                let result: Result<PathBuf, (String, bool)> = match url::Url::parse(&job.url) {
                    Err(_) => Err((
                        format!("'{}' is not a URL", crate::text::sanitize_line(&job.url)),
                        false,
                    )),
                    Ok(url) => {
                        let tell = events.clone();
                        let shown = name.clone();
                        download(
                            &fetcher,
                            &url,
                            &settings.dir,
                            &name,
                            settings.max_size,
                            move |written, total| {
                                let _ = tell.send(DownloadEvent::Progress {
                                    name: shown.clone(),
                                    written,
                                    total,
                                });
                            },
                        )
                        .await
                        .map_err(|e| (e.to_string(), e.resumable()))
                    }
                };
                let outcome = result.clone();
                let (id, url) = (job.article, job.url.clone());
                let _ = store
                    .write(move |s| match &outcome {
                        Ok(p) => s.finish_download(id, &url, Ok(&p.display().to_string())),
                        Err((e, true)) => s.retry_download(id, &url, e),
                        Err((e, false)) => s.finish_download(id, &url, Err(e)),
                    })
                    .await;
                let _ = events.send(match &result {
                    Ok(file) => DownloadEvent::Done {
                        name,
                        file: file.clone(),
                    },
                    Err((error, _)) => DownloadEvent::Failed {
                        name,
                        url: job.url,
                        error: error.clone(),
                    },
                });
                result.is_ok()
            });
        }
        // Wait for one to finish, then look for newly queued ones.
        if let Some(r) = tasks.join_next().await {
            if r.unwrap_or(false) {
                done += 1;
            } else {
                failed += 1;
            }
        }
    }
    Ok((done, failed))
}

/// The UI's downloader: runs the queue at start (finishing what an earlier session left) and
/// whenever it is nudged, reporting to `events` with progress at most every 200 ms per file.
/// Ends when the nudging side goes away.
pub async fn worker(
    fetcher: Fetcher,
    store: crate::store::StoreHandle,
    settings: DownloadSettings,
    mut nudges: tokio::sync::mpsc::Receiver<()>,
    events: tokio::sync::mpsc::Sender<DownloadEvent>,
) {
    loop {
        let (auto, now) = (settings.auto.clone(), chrono::Utc::now());
        if !auto.is_empty()
            && let Ok(Err(e)) = store.write(move |s| s.queue_auto(&auto, now)).await
        {
            tracing::warn!(error = %e, "auto_download");
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (f, st, se) = (&fetcher, &store, &settings);
        // The run owns the sender: when it ends, the forwarding below ends too.
        let run = async move { run_queue(f, st, se, &tx).await };
        let forward = async {
            let mut last: std::collections::HashMap<String, std::time::Instant> = Default::default();
            while let Some(ev) = rx.recv().await {
                if let DownloadEvent::Progress { name, .. } = &ev {
                    let now = std::time::Instant::now();
                    if last
                        .get(name)
                        .is_some_and(|t| now.duration_since(*t) < std::time::Duration::from_millis(200))
                    {
                        continue;
                    }
                    last.insert(name.clone(), now);
                }
                if events.send(ev).await.is_err() {
                    break;
                }
            }
        };
        let (result, ()) = tokio::join!(run, forward);
        if let Err(e) = result {
            tracing::warn!(error = %e, "download queue");
        }
        if nudges.recv().await.is_none() {
            return;
        }
        while nudges.try_recv().is_ok() {}
    }
}
