//! Pure checks of an uploaded file: its type from its first bytes (never from its name or the
//! browser's Content-Type), and the name shown to people.

/// The types a person may attach, decided from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
        }
    }
}

/// The type the bytes are, by their signature: PDF (`%PDF-` within the first 1024 bytes, as
/// readers accept), JPEG (`FF D8 FF`), PNG (the 8-byte PNG signature). Anything else is `None`.
pub fn detect(bytes: &[u8]) -> Option<Kind> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) {
        return Some(Kind::Png);
    }
    if bytes.len() > 3 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Kind::Pdf);
    }
    None
}

/// The longest name shown, in characters (the extension included).
pub const MAX_NAME_CHARS: usize = 100;

/// The name shown to people and offered on download: the last path segment only (both `/` and
/// `\`), no control or bidirectional-override characters, no leading dots, at most
/// [`MAX_NAME_CHARS`] characters, ending in the extension of the detected type. An empty
/// result becomes `vedlegg.<ext>`.
pub fn display_name(sent: &str, kind: Kind) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| match c {
            '"' | '<' | '>' | ':' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    // The stem without any extension the sender gave: the type decides the extension.
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 5 => stem,
        _ => cleaned,
    };
    let ext = kind.extension();
    let room = MAX_NAME_CHARS - ext.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim();
    if stem.is_empty() {
        format!("vedlegg.{ext}")
    } else {
        format!("{stem}.{ext}")
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(detect(b"\xEF\xBB\xBF%PDF-1.4"), Some(Kind::Pdf));
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some(Kind::Jpeg));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Kind::Png));
        // A Windows program named .pdf, a text file, a zip, an empty file.
        assert_eq!(detect(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(detect(b"hello, this is text"), None);
        assert_eq!(detect(b"PK\x03\x04"), None);
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"\xFF\xD8\xFF"), None);
    }

    #[test]
    fn names_are_made_safe() {
        for (sent, kind, want) in [
            ("pass.pdf", Kind::Pdf, "pass.pdf"),
            ("../../etc/passwd", Kind::Pdf, "passwd.pdf"),
            ("C:\\Users\\me\\skann 1.JPG", Kind::Jpeg, "skann 1.jpg"),
            ("virus.exe", Kind::Png, "virus.png"),
            ("bad\u{202E}fdp.exe", Kind::Pdf, "badfdp.pdf"),
            ("line\nbreak\t.pdf", Kind::Pdf, "linebreak.pdf"),
            ("..", Kind::Pdf, "vedlegg.pdf"),
            ("", Kind::Png, "vedlegg.png"),
            (".hidden.pdf", Kind::Pdf, "hidden.pdf"),
            ("a\"b<c>.pdf", Kind::Pdf, "a_b_c_.pdf"),
            ("وثيقة.pdf", Kind::Pdf, "وثيقة.pdf"),
        ] {
            assert_eq!(display_name(sent, kind), want, "{sent:?}");
        }
        let long = "x".repeat(500);
        let name = display_name(&long, Kind::Pdf);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with(".pdf"));
    }
}
