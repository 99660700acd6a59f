//! Pictures in the article pane: fetched through the shared [`Fetcher`] (its timeout, size
//! cap and redirect rules), kept in a disk cache bounded by `image_cache_size` for offline
//! reading, decoded and encoded for the terminal's graphics protocol off the async workers.
//! The model only sees [`Picture`]s (an encoded image and the cells it covers).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use ratatui::layout::Size;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::sliced::SlicedProtocol;
use sha2::Digest;
use url::Url;

use crate::feed::{FetchError, FetchOutcome, Fetcher, Validators};

/// An image encoded for this terminal at a fixed size in cells, sliced into rows so that a
/// partly scrolled-off picture still draws its visible part.
#[derive(Clone)]
pub struct Picture {
    protocol: Arc<SlicedProtocol>,
    pub cols: u16,
    pub rows: u16,
}

impl Picture {
    pub fn protocol(&self) -> &SlicedProtocol {
        &self.protocol
    }
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}x{} cells)", self.cols, self.rows)
    }
}

/// Two pictures are the same only when they are the same encoding.
impl PartialEq for Picture {
    fn eq(&self, other: &Picture) -> bool {
        Arc::ptr_eq(&self.protocol, &other.protocol)
    }
}

/// Where an article's image stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageState {
    Loading,
    Ready(Picture),
    /// Not shown (unreachable, too large, not an image): its caption stands in.
    Failed,
}

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("only http and https images are fetched, not '{0}'")]
    Scheme(String),
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error("cannot decode the image: {0}")]
    Decode(String),
    #[error("cannot draw the image: {0}")]
    Encode(String),
}

/// Fetched image bytes on disk, one file per URL (named by its SHA-256, so feed data never
/// picks a path), trimmed oldest-used first to stay within `limit` bytes.
#[derive(Debug, Clone)]
pub struct ImageCache {
    dir: PathBuf,
    limit: u64,
}

impl ImageCache {
    pub fn new(dir: impl Into<PathBuf>, limit: u64) -> ImageCache {
        ImageCache {
            dir: dir.into(),
            limit,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, url: &str) -> PathBuf {
        let digest = sha2::Sha256::digest(url.as_bytes());
        let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(name)
    }

    /// The cached bytes for `url`, marked as just used.
    pub fn get(&self, url: &str) -> Option<Vec<u8>> {
        let path = self.path(url);
        let bytes = std::fs::read(&path).ok()?;
        if let Ok(f) = std::fs::File::options().write(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(bytes)
    }

    /// Stores `bytes` for `url` (whole or not at all: written aside, then renamed), then
    /// trims the cache. An image larger than the whole cache is not kept.
    pub fn put(&self, url: &str, bytes: &[u8]) -> std::io::Result<()> {
        if bytes.len() as u64 > self.limit {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(url);
        let part = path.with_extension(format!("part{}", std::process::id()));
        std::fs::write(&part, bytes)?;
        std::fs::rename(&part, &path)?;
        self.trim()
    }

    /// Removes the least recently used files until the rest fit within the limit.
    pub fn trim(&self) -> std::io::Result<()> {
        let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_file() {
                let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.push((used, meta.len(), entry.path()));
            }
        }
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= self.limit {
                break;
            }
            // Another task may have removed it first; either way it no longer counts.
            let _ = std::fs::remove_file(&path);
            total -= len;
        }
        Ok(())
    }

    /// Bytes the cache holds now.
    #[cfg(test)]
    fn size(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// The image at `url`: from the cache, else fetched (http and https only: an article must
/// not make tidings read local files) and cached.
pub async fn load(fetcher: &Fetcher, cache: &ImageCache, url: &str) -> Result<Vec<u8>, ImageError> {
    let parsed = Url::parse(url).map_err(|_| ImageError::BadUrl(crate::text::sanitize_line(url)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ImageError::Scheme(parsed.scheme().to_string()));
    }
    let (cache2, key) = (cache.clone(), url.to_string());
    if let Ok(Some(bytes)) = tokio::task::spawn_blocking(move || cache2.get(&key)).await {
        return Ok(bytes);
    }
    let bytes = match fetcher.fetch(&parsed, &Validators::default()).await? {
        FetchOutcome::Fetched(f) => f.bytes,
        // No validators were sent, so a 304 is the server's mistake.
        FetchOutcome::NotModified { .. } => {
            return Err(FetchError::Status {
                status: 304,
                retry_after: None,
            }
            .into());
        }
    };
    let (cache2, key, kept) = (cache.clone(), url.to_string(), bytes.clone());
    let _ = tokio::task::spawn_blocking(move || {
        if let Err(e) = cache2.put(&key, &kept) {
            tracing::warn!(error = %e, "could not cache an image");
        }
    })
    .await;
    Ok(bytes)
}

/// Decodes PNG, JPEG, GIF (its first frame) or WebP, refusing images whose pixels would
/// take more than 256 MiB (a small file can declare a huge canvas).
pub fn decode(bytes: &[u8]) -> Result<image::DynamicImage, ImageError> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Decode(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(256 * 1024 * 1024);
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    reader.limits(limits);
    reader.decode().map_err(|e| ImageError::Decode(e.to_string()))
}

/// Encodes `img` for the picker's protocol within `cols` × `max_rows` cells: shrunk, never
/// enlarged, where the terminal draws real pixels; scaled to the column with halfblocks,
/// whose two dots a cell make a small picture unreadable.
pub fn encode(
    picker: &Picker,
    img: image::DynamicImage,
    cols: u16,
    max_rows: u16,
) -> Result<Picture, ImageError> {
    let resize = match picker.protocol_type() {
        ProtocolType::Halfblocks => ratatui_image::Resize::Scale(None),
        _ => ratatui_image::Resize::Fit(None),
    };
    let protocol =
        SlicedProtocol::new_with_resize(picker, img, Size::new(cols.max(1), max_rows.max(1)), resize)
            .map_err(|e| ImageError::Encode(e.to_string()))?;
    let size = protocol.size();
    Ok(Picture {
        protocol: Arc::new(protocol),
        cols: size.width,
        rows: size.height,
    })
}

/// Fetches (or reads from the cache), decodes and encodes one image: the whole path from an
/// article's `src` to something the pane can draw. The CPU-heavy part runs on a blocking
/// thread so key presses are never kept waiting.
pub async fn picture(
    fetcher: &Fetcher,
    cache: &ImageCache,
    picker: &Picker,
    url: &str,
    cols: u16,
    max_rows: u16,
) -> Result<Picture, ImageError> {
    let bytes = load(fetcher, cache, url).await?;
    let picker = picker.clone();
    tokio::task::spawn_blocking(move || encode(&picker, decode(&bytes)?, cols, max_rows))
        .await
        .map_err(|e| ImageError::Encode(e.to_string()))?
}

/// What the UI draws pictures with: the terminal's protocol, the disk cache, and a bound
/// on images fetched at once (an article with fifty must not open fifty connections).
#[derive(Clone)]
pub struct Pictures {
    pub picker: Picker,
    pub cache: ImageCache,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Pictures {
    /// Images fetched and encoded at once.
    pub const AT_ONCE: usize = 4;

    pub fn new(picker: Picker, cache: ImageCache) -> Pictures {
        Pictures {
            picker,
            cache,
            slots: Arc::new(tokio::sync::Semaphore::new(Pictures::AT_ONCE)),
        }
    }

    /// [`picture`], waiting for a free slot first.
    pub async fn draw(
        &self,
        fetcher: &Fetcher,
        url: &str,
        cols: u16,
        max_rows: u16,
    ) -> Result<Picture, ImageError> {
        let _slot = self.slots.acquire().await;
        picture(fetcher, &self.cache, &self.picker, url, cols, max_rows).await
    }
}

/// Rows to keep free for an image not yet loaded: from its declared pixel size when the
/// article gives one (so the text does not jump when it arrives), else one for its caption.
pub fn reserved_rows(declared: Option<(u32, u32)>, cols: u16, cell: (u16, u16), max_rows: u16) -> usize {
    let Some((w, h)) = declared.filter(|&(w, h)| w > 0 && h > 0) else {
        return 1;
    };
    let (cw, ch) = (u32::from(cell.0.max(1)), u32::from(cell.1.max(1)));
    let width_px = w.min(u32::from(cols) * cw);
    let height_px = u64::from(h) * u64::from(width_px) / u64::from(w);
    (height_px.div_ceil(u64::from(ch)) as usize).clamp(1, usize::from(max_rows.max(1)))
}

/// The picker for `images = "auto"`: asks the terminal (Kitty, Sixel, iTerm2, cell size) and
/// falls back to halfblocks when it cannot tell. Call after entering the alternate screen
/// and before reading input: the answers arrive on standard input.
pub fn detect() -> Picker {
    match Picker::from_query_stdio() {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(error = %e, "terminal graphics query failed; using halfblocks");
            Picker::halfblocks()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 20) as u8, (y * 20) as u8, 128]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode");
        out
    }

    #[test]
    fn the_cache_stays_within_its_size_dropping_the_least_recently_used() {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = ImageCache::new(dir.path().join("img"), 100_000);
        let blob = vec![7u8; 30_000];
        for i in 0..3 {
            cache
                .put(&format!("https://a.example/{i}.png"), &blob)
                .expect("put");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Using the oldest makes the second the least recently used.
        assert!(cache.get("https://a.example/0.png").is_some());
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put("https://a.example/3.png", &blob).expect("put");
        assert!(cache.size() <= 100_000, "{}", cache.size());
        assert!(cache.get("https://a.example/1.png").is_none());
        for kept in [0, 2, 3] {
            assert!(
                cache.get(&format!("https://a.example/{kept}.png")).is_some(),
                "{kept}"
            );
        }
        // Larger than the whole cache: not kept, and nothing else is evicted for it.
        cache
            .put("https://a.example/huge.png", &vec![0u8; 200_000])
            .expect("put");
        assert!(cache.get("https://a.example/huge.png").is_none());
        assert_eq!(cache.size(), 90_000);
    }

    #[test]
    fn cache_files_are_named_by_hash_whatever_the_url_says() {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = ImageCache::new(dir.path().join("img"), 1 << 20);
        cache
            .put("https://a.example/../../../etc/passwd", b"x")
            .expect("put");
        let names: Vec<String> = std::fs::read_dir(cache.dir())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(
            names[0].len() == 64 && names[0].bytes().all(|b| b.is_ascii_hexdigit()),
            "{names:?}"
        );
    }

    #[test]
    fn pictures_fit_the_column_and_real_pixels_are_never_enlarged() {
        let mut picker = Picker::halfblocks();
        picker.set_protocol_type(ProtocolType::Sixel);
        // 400 × 200 px into 20 columns of 10 px: 200 px wide, so 100 px (5 rows of 20) high.
        let p = encode(&picker, decode(&png(400, 200)).expect("decode"), 20, 30).expect("encode");
        assert_eq!((p.cols, p.rows), (20, 5));
        // Small images keep their size: 30 × 40 px is 3 × 2 cells.
        let p = encode(&picker, decode(&png(30, 40)).expect("decode"), 20, 30).expect("encode");
        assert_eq!((p.cols, p.rows), (3, 2));
        // Tall ones are held to the row limit.
        let p = encode(&picker, decode(&png(100, 2000)).expect("decode"), 20, 10).expect("encode");
        assert!(p.rows <= 10, "{p:?}");
        // Halfblocks fill the column, whatever the image's own size.
        let p = encode(
            &Picker::halfblocks(),
            decode(&png(30, 30)).expect("decode"),
            20,
            30,
        )
        .expect("encode");
        assert_eq!(p.cols, 20, "{p:?}");
    }

    #[test]
    fn what_is_not_an_image_is_an_error_not_a_panic() {
        assert!(matches!(
            decode(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(ImageError::Decode(_))
        ));
        assert!(matches!(decode(&png(10, 10)[..40]), Err(ImageError::Decode(_))));
    }

    #[test]
    fn reserved_rows_follow_the_declared_size() {
        assert_eq!(reserved_rows(None, 80, (10, 20), 30), 1);
        assert_eq!(reserved_rows(Some((800, 400)), 80, (10, 20), 30), 20);
        // Narrower than the column: its own height.
        assert_eq!(reserved_rows(Some((100, 100)), 80, (10, 20), 30), 5);
        assert_eq!(reserved_rows(Some((100, 100_000)), 80, (10, 20), 30), 30);
        assert_eq!(reserved_rows(Some((0, 100)), 80, (10, 20), 30), 1);
    }

    #[tokio::test]
    async fn only_http_images_are_loaded() {
        let fetcher = Fetcher::direct(
            "t",
            crate::feed::FetchLimits {
                timeout: std::time::Duration::from_secs(1),
                max_size: 1 << 20,
                max_redirects: 3,
            },
        )
        .expect("fetcher");
        let dir = tempfile::tempdir().expect("tmp");
        let cache = ImageCache::new(dir.path(), 1 << 20);
        for url in [
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
        ] {
            assert!(
                matches!(load(&fetcher, &cache, url).await, Err(ImageError::Scheme(_))),
                "{url}"
            );
        }
    }
}
