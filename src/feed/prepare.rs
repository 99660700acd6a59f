//! Feed bytes to text: every input is transcoded to UTF-8 (BOM, a UTF-16 prologue, the XML
//! declaration, the HTTP charset, else a guess from the bytes as browsers make it for
//! legacy pages).

use std::borrow::Cow;

use encoding_rs::Encoding;

/// Decodes feed bytes to UTF-8 text (borrowed when they are UTF-8 already, as most are).
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom_len..]).0;
    }
    // UTF-16 without a BOM: every other byte of the ASCII prologue is zero.
    if bytes.len() >= 4 && bytes[0] == b'<' && bytes[1] == 0 {
        return encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0;
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == b'<' {
        return encoding_rs::UTF_16BE.decode_without_bom_handling(bytes).0;
    }
    let declared = declared_encoding(bytes)
        .or_else(|| content_type.and_then(charset_of))
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        // UTF-16 declared in an 8-bit stream is a lie; the bytes decide.
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    match declared {
        Some(enc) if enc != encoding_rs::UTF_8 => enc.decode_without_bom_handling(bytes).0,
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            // Undeclared and not UTF-8: guessed from the bytes, as browsers guess for legacy
            // pages (windows-1252 when nothing else fits).
            Err(_) if declared.is_none() => {
                let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
                detector.feed(bytes, true);
                detector
                    .guess(None, chardetng::Utf8Detection::Deny)
                    .decode_without_bom_handling(bytes)
                    .0
            }
            Err(_) => String::from_utf8_lossy(bytes),
        },
    }
}

/// The `charset` parameter of a Content-Type header.
pub(crate) fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The `encoding="..."` of an XML declaration at the start of the bytes.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// The first bytes of a gzip stream (RFC 1952: ID1, ID2, and CM 8 for deflate).
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Layers of gzip unpacked at most: a file compressed and then served compressed again.
const GZIP_LAYERS: usize = 2;

/// The document inside a body that is still gzip after HTTP's own decoding: a `.xml.gz`
/// served as a file (no `Content-Encoding`), or a body compressed twice (an application's
/// gzip behind a server that compresses again). No text format begins with these bytes, so
/// unpacking them is never a guess. `None` when the body is not gzip. At most `limit` bytes
/// are unpacked, as for a fetched body.
pub fn gunzip_nested(bytes: &[u8], limit: u64) -> Result<Option<Vec<u8>>, super::ParseError> {
    use std::io::Read as _;
    let mut unpacked: Option<Vec<u8>> = None;
    for _ in 0..GZIP_LAYERS {
        let packed: &[u8] = unpacked.as_deref().unwrap_or(bytes);
        if !packed.starts_with(&GZIP_MAGIC) {
            break;
        }
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(packed)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| super::ParseError::Gzip(e.to_string()))?;
        if out.len() as u64 > limit {
            return Err(super::ParseError::TooLarge { limit });
        }
        unpacked = Some(out);
    }
    Ok(unpacked)
}

/// Whether decoded text is binary data rather than a document: its first kilobyte holds
/// many control characters (other than whitespace) or undecodable bytes. Random and
/// compressed bytes give about one in ten; a text feed with a stray control byte, a few.
pub fn looks_binary(text: &str) -> bool {
    let (mut seen, mut odd) = (0usize, 0usize);
    for c in text.chars().take(1024) {
        seen += 1;
        if c == '\u{fffd}' || (c.is_control() && !c.is_whitespace()) {
            odd += 1;
        }
    }
    odd >= 16 && odd * 20 >= seen
}

/// Whether the text (after whitespace) starts like JSON.
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_declared_and_undeclared_encodings() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><t>caf\xe9</t></rss>";
        assert!(decode(latin1, None).contains("café"));
        let undeclared = b"<rss><t>caf\xe9</t></rss>";
        assert!(decode(undeclared, None).contains("café"));
        let by_header = b"<rss><t>\xe9</t></rss>";
        assert!(decode(by_header, Some("text/xml; charset=iso-8859-1")).contains('é'));
        let mut utf16 = vec![0xff, 0xfe];
        for u in "<rss>é</rss>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None), "<rss>é</rss>");
    }
}
