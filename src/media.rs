//! Enclosures as things to play: which program opens one (the `[players]` entry for its MIME
//! type, else the browser), as an argument vector with the URL last. Only http and https
//! URLs are handed to a player; nothing from a feed is ever read by a shell.

use crate::config::players::Player;
use crate::model::Enclosure;
use crate::opener::OpenError;

/// The MIME type a URL's file name suggests, for enclosures whose feed gives none (common in
/// Media RSS). Only the types podcasts and video feeds use.
pub fn guess_mime(url: &url::Url) -> Option<&'static str> {
    let name = url.path_segments()?.next_back()?;
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "mp3" => "audio/mpeg",
        "m4a" | "m4b" => "audio/mp4",
        "aac" => "audio/aac",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "flac" => "audio/flac",
        "wav" => "audio/wav",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "mov" => "video/quicktime",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

/// The file name a URL ends in: its last non-empty path segment, percent-decoded (raw, for
/// callers to sanitise for the screen or make safe for the disk).
pub fn url_file_name(url: &url::Url) -> Option<String> {
    let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// The enclosure's MIME type: the feed's, else the file name's guess.
pub fn mime_of(e: &Enclosure, url: &url::Url) -> Option<String> {
    e.mime
        .as_deref()
        .map(|m| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase())
        .filter(|m| m.contains('/'))
        .or_else(|| guess_mime(url).map(str::to_string))
}

/// The command that plays `e`: the most specific `[players]` match (`audio/mpeg`, then
/// `audio/*`, then `*`), else the browser, with the URL as the last argument.
pub fn player_argv(
    players: &[Player],
    browser: Option<&[String]>,
    e: &Enclosure,
) -> Result<Vec<String>, OpenError> {
    let url =
        url::Url::parse(e.url.trim()).map_err(|_| OpenError::Invalid(crate::text::sanitize_line(&e.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OpenError::Scheme(crate::text::sanitize_line(&e.url)));
    }
    let mime = mime_of(e, &url);
    let family = mime
        .as_deref()
        .and_then(|m| m.split_once('/'))
        .map(|(t, _)| format!("{t}/*"));
    let chosen = mime
        .as_deref()
        .and_then(|m| players.iter().find(|p| p.pattern == m))
        .or_else(|| {
            family
                .as_deref()
                .and_then(|f| players.iter().find(|p| p.pattern == f))
        })
        .or_else(|| players.iter().find(|p| p.pattern == "*"));
    Ok(match chosen {
        Some(p) => {
            let mut argv = p.argv.clone();
            argv.push(url.as_str().to_string());
            argv
        }
        None => crate::opener::command_for(browser, &url),
    })
}

/// `1:02:05` or `28:59`.
pub fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn players() -> Vec<Player> {
        vec![
            Player {
                pattern: "audio/*".into(),
                argv: vec!["mpv".into(), "--no-video".into()],
            },
            Player {
                pattern: "video/mp4".into(),
                argv: vec!["vlc".into()],
            },
        ]
    }

    fn enc(url: &str, mime: Option<&str>) -> Enclosure {
        Enclosure {
            url: url.into(),
            mime: mime.map(str::to_string),
            ..Enclosure::default()
        }
    }

    #[test]
    fn the_most_specific_player_gets_the_url_as_its_last_argument() {
        let p = players();
        let argv =
            player_argv(&p, None, &enc("https://cdn.example/ep.mp3", Some("audio/mpeg"))).expect("argv");
        assert_eq!(argv, ["mpv", "--no-video", "https://cdn.example/ep.mp3"]);
        let argv = player_argv(
            &p,
            None,
            &enc("https://cdn.example/v.mp4", Some("Video/MP4; codecs=x")),
        )
        .expect("argv");
        assert_eq!(argv, ["vlc", "https://cdn.example/v.mp4"]);
        // No type in the feed: the file name says audio.
        let argv = player_argv(&p, None, &enc("https://cdn.example/a/show.OGG?x=1", None)).expect("argv");
        assert_eq!(argv[0], "mpv");
        // Nothing matches: the browser.
        let b = vec!["firefox".to_string()];
        let argv = player_argv(&p, Some(&b), &enc("https://cdn.example/doc.pdf", None)).expect("argv");
        assert_eq!(argv, ["firefox", "https://cdn.example/doc.pdf"]);
    }

    #[test]
    fn hostile_urls_stay_one_argument_and_other_schemes_are_refused() {
        let p = players();
        for hostile in [
            "https://evil.example/$(rm -rf ~).mp3",
            "https://evil.example/a.mp3;reboot",
            "https://evil.example/a.mp3 --script=/tmp/x.lua",
            "https://evil.example/`id`.mp3|sh",
        ] {
            let argv = player_argv(&p, None, &enc(hostile, Some("audio/mpeg"))).expect("argv");
            assert_eq!(argv.len(), 3, "{argv:?}");
            assert_eq!(&argv[..2], ["mpv", "--no-video"]);
            assert!(argv[2].starts_with("https://evil.example/"), "{argv:?}");
            assert!(
                !argv[2].contains(' '),
                "a space is escaped, not a new argument: {argv:?}"
            );
        }
        for refused in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://x.example/a.mp3",
            "mailto:a@b.example",
            "--help",
            "/tmp/a.mp3",
        ] {
            assert!(
                player_argv(&p, None, &enc(refused, Some("audio/mpeg"))).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn clocks() {
        assert_eq!(clock(3725), "1:02:05");
        assert_eq!(clock(1739), "28:59");
        assert_eq!(clock(59), "0:59");
    }
}
