//! Sanitising store text for the feed: HTML to plain text, limits cut on word boundaries, re-casing.

/// Title limit (characters).
pub const TITLE_MAX: usize = 150;
/// Description limit (characters).
pub const DESCRIPTION_MAX: usize = 5000;

#[cfg(test)]
const DROP_WITH_CONTENT: &[&str] = &["script", "style", "noscript", "template", "head", "iframe", "object", "svg"];
#[cfg(test)]
const BLOCK: &[&str] = &[
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "section", "article",
    "blockquote", "pre", "hr", "dd", "dt", "dl", "header", "footer", "figure", "figcaption", "address", "tbody", "thead",
];

/// Lower-cased ASCII name of a tag (`/P class=x` -> `p`) packed into a `u128` (bytes in order, zero padded),
/// so the name lists above are compared as integers. `None` for names over 16 bytes: no tag we act on.
fn tag_key(tag: &str) -> Option<u128> {
    let mut buf = [0u8; 16];
    let mut n = 0;
    for b in tag.trim_start_matches('/').bytes().take_while(u8::is_ascii_alphanumeric) {
        if n == buf.len() {
            return None;
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    Some(u128::from_le_bytes(buf))
}

const fn key(name: &str) -> u128 {
    let b = name.as_bytes();
    let mut buf = [0u8; 16];
    let mut i = 0;
    while i < b.len() {
        buf[i] = b[i];
        i += 1;
    }
    u128::from_le_bytes(buf)
}

const fn keys<const N: usize>(names: [&str; N]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = key(names[i]);
        i += 1;
    }
    out
}

const DROP_KEYS: [u128; 8] = keys(["script", "style", "noscript", "template", "head", "iframe", "object", "svg"]);
const BLOCK_KEYS: [u128; 28] = keys([
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "section", "article",
    "blockquote", "pre", "hr", "dd", "dt", "dl", "header", "footer", "figure", "figcaption", "address", "tbody", "thead",
]);
const LI: u128 = key("li");
const TD: u128 = key("td");
const TH: u128 = key("th");

/// Convert HTML to plain text: tags removed, `script`/`style` dropped with their content, block elements and
/// `<br>` become line breaks, list items become `- ` lines, entities are decoded, whitespace is collapsed
/// (one space inside a line, no empty lines). Text without markup passes through with whitespace collapsed.
pub fn html_to_text(html: &str) -> String {
    if !html.as_bytes().contains(&b'<') {
        // no markup: only entities and the whitespace rules apply
        return collapse_whitespace(&decode_entities(html));
    }
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    // (byte loops: tags are close together, a plain scan beats memchr's set-up)
    while let Some(lt) = rest.bytes().position(|c| c == b'<') {
        raw.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // comments
        if let Some(c) = after.strip_prefix("!--") {
            rest = match c.find("-->") {
                Some(end) => &c[end + 3..],
                None => "",
            };
            continue;
        }
        let starts_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        if !starts_tag {
            raw.push('<');
            rest = after;
            continue;
        }
        let Some(gt) = after.bytes().position(|c| c == b'>') else {
            // unterminated tag: drop the remainder of the markup
            rest = "";
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name = tag_key(tag);
        if !closing && name.is_some_and(|k| DROP_KEYS.contains(&k)) && !tag.ends_with('/') {
            // skip to the matching close tag (case-insensitive)
            let name = tag.trim_start_matches('/').split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("");
            let needle = format!("</{}", name.to_ascii_lowercase());
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&needle) {
                Some(pos) => match rest[pos..].find('>') {
                    Some(g) => &rest[pos + g + 1..],
                    None => "",
                },
                None => "",
            };
            continue;
        }
        match name {
            Some(LI) if !closing => raw.push_str("\n- "),
            Some(k) if k == LI || BLOCK_KEYS.contains(&k) => raw.push('\n'),
            Some(TD | TH) => raw.push(' '),
            _ => {}
        }
    }
    raw.push_str(rest);
    let decoded = decode_entities(&raw);
    collapse_whitespace(&decoded)
}

/// Whether `html_escape::decode_html_entities` could change `s`: it decodes only `&` + name or `#` number +
/// `;` with no other `&` or `;` between, and every name and number is ASCII alphanumeric (after the `#`).
/// `false` is certain; `true` means "decode it".
fn may_have_entity(s: &str) -> bool {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = s[from..].find('&') {
        let start = from + k + 1;
        let mut j = start;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'#') {
            j += 1;
        }
        if j > start && j < b.len() && b[j] == b';' {
            return true;
        }
        from = start;
    }
    false
}

/// `html_escape::decode_html_entities`, skipped when it certainly changes nothing.
fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if may_have_entity(s) { html_escape::decode_html_entities(s) } else { std::borrow::Cow::Borrowed(s) }
}

/// Byte classes for [`collapse_whitespace`]: ASCII word byte, ASCII separator (whitespace or control),
/// line break, non-ASCII (decoded as a char).
const WORD: u8 = 0;
const SEP: u8 = 1;
const NL: u8 = 2;
const WIDE: u8 = 3;
const CLASS: [u8; 256] = {
    let mut t = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c == b'\n' || c == b'\r' {
            NL
        } else if c.is_ascii_whitespace() || c == 0x0b || c.is_ascii_control() {
            SEP
        } else {
            WORD
        };
        b += 1;
    }
    t
};

/// Collapse runs of whitespace (including no-break spaces) to one space per line, trim lines, drop empty lines.
/// Control characters (other than the line breaks) are separators too: they are invalid in XML and invisible
/// everywhere else.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_whitespace_into(s, &mut out);
    out
}

/// [`collapse_whitespace`] appending to `out` (which must be empty: the first word starts no line break).
fn collapse_whitespace_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let n = bytes.len();
    // true at the start of every line (after '\n' or '\r'), until its first word
    let mut line_fresh = true;
    // words not yet appended: `s[span_start..span_end]` (empty before the first word)
    let (mut span_start, mut span_end) = (0, 0);
    let mut i = 0;
    while i < n {
        // separators and line breaks before the next word
        let mut width = 0;
        while i < n {
            match CLASS[bytes[i] as usize] {
                WORD => break,
                SEP => i += 1,
                NL => {
                    line_fresh = true;
                    i += 1;
                }
                _ => {
                    let c = s[i..].chars().next().unwrap_or(' ');
                    if c.is_whitespace() || c == '\u{a0}' || c.is_control() {
                        i += c.len_utf8();
                    } else {
                        width = c.len_utf8();
                        break;
                    }
                }
            }
        }
        if i >= n {
            break;
        }
        // a word: up to the next separator or line break
        let start = i;
        i += width.max(1);
        while i < n {
            match CLASS[bytes[i] as usize] {
                WORD => i += 1,
                WIDE => {
                    let c = s[i..].chars().next().unwrap_or(' ');
                    if c.is_whitespace() || c == '\u{a0}' || c.is_control() {
                        break;
                    }
                    i += c.len_utf8();
                }
                _ => break,
            }
        }
        // a word that follows the previous one after exactly one ASCII space on the same line extends the
        // pending span of input copied as it is
        if !line_fresh && span_end + 1 == start && bytes[span_end] == b' ' {
            span_end = i;
            continue;
        }
        out.push_str(&s[span_start..span_end]);
        if line_fresh {
            if !out.is_empty() {
                out.push('\n');
            }
            line_fresh = false;
        } else {
            out.push(' ');
        }
        span_start = start;
        span_end = i;
    }
    out.push_str(&s[span_start..span_end]);
}

/// Cut `s` to at most `max` characters, on a word boundary when one lies in the last third, never inside
/// a UTF-8 character. Trailing whitespace and dangling punctuation are removed.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.len() <= max {
        // at most `max` bytes, so at most `max` characters
        return s.to_string();
    }
    let byte_end = match s.char_indices().nth(max) {
        None => return s.to_string(),
        Some((i, _)) => i,
    };
    let head = &s[..byte_end];
    // if the cut falls between two words, keep the whole head
    let next_is_space = s[byte_end..].starts_with(char::is_whitespace);
    let cut = if next_is_space {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(ws) if head[..ws].chars().count() >= max * 2 / 3 => &head[..ws],
            _ => head,
        }
    };
    cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '(')).to_string()
}

/// Re-case a title written all in capitals ("MEN'S TRAIL SHOES" -> "Men's Trail Shoes"). Words with digits
/// (model numbers like "X100", "4K") are kept as they are. Titles with any lower-case letter are unchanged.
pub fn recase_all_caps(title: &str) -> String {
    if !crate::validate::is_all_caps(title) {
        return title.to_string();
    }
    title
        .split(' ')
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit()) {
                return w.to_string();
            }
            let mut out = String::with_capacity(w.len());
            let mut start = true;
            for c in w.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                    start = false;
                } else {
                    out.extend(c.to_lowercase());
                }
                if c == '-' || c == '/' {
                    start = true;
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Title pipeline: HTML to text on one line, re-cased when all caps, cut to 150 characters.
pub fn clean_title(s: &str) -> String {
    let mut t = html_to_text(s);
    if t.contains('\n') {
        t = t.replace('\n', " ");
    }
    if t.len() <= TITLE_MAX && !crate::validate::is_all_caps(&t) {
        // nothing to re-case or cut
        return t;
    }
    truncate_words(&recase_all_caps(&t), TITLE_MAX)
}

/// [`clean_description`] of text that [`html_to_text`] produced (so already collapsed): the second HTML pass
/// is skipped when it would change nothing (no `<`, no entity left), which is the common case.
pub fn clean_description_of_text(t: &str) -> String {
    let unchanged = !t.as_bytes().contains(&b'<') && matches!(decode_entities(t), std::borrow::Cow::Borrowed(_));
    if unchanged { truncate_words(t, DESCRIPTION_MAX) } else { clean_description(t) }
}

/// [`clean_description_of_text`] taking the text by value (returned as it is when nothing changes).
pub fn clean_description_of_text_owned(t: String) -> String {
    let unchanged = !t.as_bytes().contains(&b'<') && matches!(decode_entities(&t), std::borrow::Cow::Borrowed(_));
    if unchanged && t.len() <= DESCRIPTION_MAX {
        return t;
    }
    clean_description_of_text(&t)
}

/// Description pipeline: HTML to text, cut to 5000 characters.
pub fn clean_description(s: &str) -> String {
    truncate_words(&html_to_text(s), DESCRIPTION_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn html_becomes_text() {
        let h = "<p>Soft &amp; warm &#8211; 100% cotton.</p>\n<ul><li>Machine wash</li><li>Tumble&nbsp;dry</li></ul><script>alert(1)</script><style>p{}</style>Done";
        assert_eq!(html_to_text(h), "Soft & warm \u{2013} 100% cotton.\n- Machine wash\n- Tumble dry\nDone");
        assert_eq!(html_to_text("a<br/>b<BR>c"), "a\nb\nc");
        assert_eq!(html_to_text("x < y and <b>bold</b>"), "x < y and bold");
        assert_eq!(html_to_text("<!-- c -->  lots   of   space "), "lots of space");
        assert_eq!(html_to_text("<SCRIPT type=x>bad()</SCRIPT>ok"), "ok");
        assert_eq!(html_to_text("<td>a</td><td>b</td>"), "a b");
        assert_eq!(html_to_text("broken <a href"), "broken");
        assert_eq!(html_to_text("bell\u{7}and\u{0}nul"), "bell and nul");
    }

    #[test]
    fn truncation_on_word_boundary() {
        assert_eq!(truncate_words("hello world", 20), "hello world");
        assert_eq!(truncate_words("hello wonderful world", 17), "hello wonderful");
        // no boundary in the last third: a hard cut beats losing most of the text
        assert_eq!(truncate_words("hello wonderful world", 14), "hello wonderfu");
        assert_eq!(truncate_words("hello world again", 11), "hello world");
        assert_eq!(truncate_words("abcdefghij", 4), "abcd");
        assert_eq!(truncate_words("ééééé ééééé", 7), "ééééé");
    }

    #[test]
    fn recasing() {
        assert_eq!(recase_all_caps("MEN'S TRAIL-RUNNING SHOES X100"), "Men's Trail-Running Shoes X100");
        assert_eq!(recase_all_caps("iPhone CASE"), "iPhone CASE");
        assert_eq!(recase_all_caps("USB"), "USB");
        assert_eq!(clean_title("<b>HOODIE WITH LOGO</b>"), "Hoodie With Logo");
    }

    proptest! {
        #[test]
        fn truncate_never_exceeds_or_splits(s in "\\PC{0,400}", max in 1usize..200) {
            let t = truncate_words(&s, max);
            prop_assert!(t.chars().count() <= max);
            prop_assert!(s.starts_with(&t));
        }

        #[test]
        fn description_within_limit(s in "(<p>|</p>|<li>|&amp;|\\PC){0,6000}") {
            let d = clean_description(&s);
            prop_assert!(d.chars().count() <= DESCRIPTION_MAX);
            let t = clean_title(&s);
            prop_assert!(t.chars().count() <= TITLE_MAX);
            prop_assert!(!t.contains('\n'));
        }
    }

    /// The implementation before the speed work (kept to prove the fast one gives the same text).
    mod reference {
        use super::super::{BLOCK, DROP_WITH_CONTENT};
        fn tag_name(tag: &str) -> String {
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
        }

        /// Convert HTML to plain text: tags removed, `script`/`style` dropped with their content, block elements and
        /// `<br>` become line breaks, list items become `- ` lines, entities are decoded, whitespace is collapsed
        /// (one space inside a line, no empty lines). Text without markup passes through with whitespace collapsed.
        pub fn html_to_text(html: &str) -> String {
            let mut raw = String::with_capacity(html.len());
            let mut rest = html;
            while let Some(lt) = rest.find('<') {
                raw.push_str(&rest[..lt]);
                let after = &rest[lt + 1..];
                // comments
                if let Some(c) = after.strip_prefix("!--") {
                    rest = match c.find("-->") {
                        Some(end) => &c[end + 3..],
                        None => "",
                    };
                    continue;
                }
                let starts_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
                if !starts_tag {
                    raw.push('<');
                    rest = after;
                    continue;
                }
                let Some(gt) = after.find('>') else {
                    // unterminated tag: drop the remainder of the markup
                    rest = "";
                    break;
                };
                let tag = &after[..gt];
                rest = &after[gt + 1..];
                let closing = tag.starts_with('/');
                let name = tag_name(tag);
                if !closing && DROP_WITH_CONTENT.contains(&name.as_str()) && !tag.ends_with('/') {
                    // skip to the matching close tag (case-insensitive)
                    let needle = format!("</{name}");
                    let lower = rest.to_ascii_lowercase();
                    rest = match lower.find(&needle) {
                        Some(pos) => match rest[pos..].find('>') {
                            Some(g) => &rest[pos + g + 1..],
                            None => "",
                        },
                        None => "",
                    };
                    continue;
                }
                if name == "li" && !closing {
                    raw.push_str("\n- ");
                } else if BLOCK.contains(&name.as_str()) || name == "li" {
                    raw.push('\n');
                } else if matches!(name.as_str(), "td" | "th") {
                    raw.push(' ');
                }
            }
            raw.push_str(rest);
            let decoded = html_escape::decode_html_entities(&raw);
            collapse_whitespace(&decoded)
        }

        /// Collapse runs of whitespace (including no-break spaces) to one space per line, trim lines, drop empty lines.
        pub fn collapse_whitespace(s: &str) -> String {
            let mut out = String::with_capacity(s.len());
            for line in s.split(['\n', '\r']) {
                let mut first = true;
                // control characters (other than the line breaks split on above) are separators too: they are
                // invalid in XML and invisible everywhere else
                for word in line.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c.is_control()).filter(|w| !w.is_empty()) {
                    if first {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        first = false;
                    } else {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
            out
        }


    }

    proptest! {
        #[test]
        fn entity_precheck_is_conservative(s in "(&|;|#|x|X|&amp;|&deg;|&#65;|&#x41;|&#;|&x;|&nbsp|amp|lt|[a-z0-9]|&&|\\PC){0,40}") {
            if !may_have_entity(&s) {
                prop_assert!(matches!(html_escape::decode_html_entities(&s), std::borrow::Cow::Borrowed(_)), "{:?}", s);
            }
        }

        #[test]
        fn fast_sanitising_matches_reference(s in "(<p>|</p>|<li>|<br/>|<script>x</script>|<ScRiPt>|</SCRIPT >|<b|<figcaptionfigcaptionxx>|</STYLE>|<style>|&amp;|&nbsp;|&#8211;|&lt;i&gt;|<!--|-->|\\u{a0}|\\u{85}|\\u{2028}|[ \\t\\r\\n\\x0b\\x0c\\x00\\x7f]|\\PC){0,80}") {
            prop_assert_eq!(collapse_whitespace(&s), reference::collapse_whitespace(&s));
            prop_assert_eq!(html_to_text(&s), reference::html_to_text(&s));
            let once = html_to_text(&s);
            prop_assert_eq!(html_to_text(&once), reference::html_to_text(&once));
            prop_assert_eq!(clean_description_of_text(&once), clean_description(&once));
            if !may_have_entity(&s) {
                prop_assert!(matches!(html_escape::decode_html_entities(&s), std::borrow::Cow::Borrowed(_)));
            }
            prop_assert_eq!(clean_description_of_text_owned(once.clone()), clean_description(&once));
            prop_assert_eq!(clean_title(&s), truncate_words(&recase_all_caps(&html_to_text(&s).replace('\n', " ")), TITLE_MAX));
        }
    }

}
