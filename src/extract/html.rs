//! A small, tolerant HTML reader: enough structure to find a page's title, date, metadata and
//! body paragraphs, while dropping scripts, styles and site furniture.

use crate::extract::read::{EMPHASIS_CLOSE, EMPHASIS_OPEN};
use std::collections::HashMap;

/// Elements whose whole content is furniture, not article text.
const SKIPPED: [&str; 10] = [
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "figure",
];
/// Elements the press sets titles in: their text is marked as emphasis (see
/// `read::take_emphasis`).
const ITALIC: [&str; 3] = ["em", "i", "cite"];
/// Elements whose text is a body paragraph.
const BLOCKS: [&str; 9] = ["p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "dd"];

#[derive(Debug, Clone)]
struct Element {
    name: String,
    attrs: HashMap<String, String>,
    text: String,
    /// Set when the element lies inside a skipped element.
    skipped: bool,
}

/// A parsed page: its elements in document order, each with its text content.
#[derive(Debug, Default)]
pub struct Document {
    elements: Vec<Element>,
}

impl Document {
    pub fn parse(html: &str) -> Document {
        let mut elements: Vec<Element> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |i| &after[i + 3..]);
                continue;
            }
            if rest.starts_with('<') {
                let Some(end) = rest.find('>') else { break };
                let tag = &rest[1..end];
                rest = &rest[end + 1..];
                if tag.starts_with('!') || tag.starts_with('?') {
                    continue;
                }
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    if let Some(pos) = open.iter().rposition(|&i| elements[i].name == name) {
                        open.truncate(pos);
                        if ITALIC.contains(&name.as_str()) {
                            push_to_open(&mut elements, &open, EMPHASIS_CLOSE);
                        }
                    }
                    continue;
                }
                let self_closing = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name: String = tag
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let attrs = parse_attrs(&tag[name.len().min(tag.len())..]);
                let skipped =
                    SKIPPED.contains(&name.as_str()) || open.iter().any(|&i| elements[i].skipped);
                elements.push(Element {
                    name: name.clone(),
                    attrs,
                    text: String::new(),
                    skipped,
                });
                let void = matches!(
                    name.as_str(),
                    "meta" | "link" | "br" | "img" | "hr" | "input" | "source" | "wbr"
                );
                if name == "br" {
                    push_to_open(&mut elements, &open, ' ');
                }
                if !void && !self_closing {
                    if ITALIC.contains(&name.as_str()) {
                        push_to_open(&mut elements, &open, EMPHASIS_OPEN);
                    }
                    open.push(elements.len() - 1);
                }
                // Raw-text elements: jump to their end tag.
                if name == "script" || name == "style" {
                    let close = format!("</{name}");
                    let idx = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                    rest = &rest[idx..];
                }
                continue;
            }
            let next = rest.find('<').unwrap_or(rest.len());
            let text = decode_entities(&rest[..next]);
            for &i in &open {
                elements[i].text.push_str(&text);
            }
            rest = &rest[next..];
        }
        Document { elements }
    }

    /// `<meta property=NAME content=…>` or `<meta name=NAME content=…>`.
    pub fn meta(&self, name: &str) -> Option<String> {
        self.elements
            .iter()
            .filter(|e| e.name == "meta")
            .find(|e| {
                e.attrs.get("property").map(|s| s.to_ascii_lowercase()) == Some(name.to_string())
                    || e.attrs.get("name").map(|s| s.to_ascii_lowercase()) == Some(name.to_string())
            })
            .and_then(|e| e.attrs.get("content").map(|c| c.trim().to_string()))
            .filter(|c| !c.is_empty())
    }

    pub fn first_text(&self, name: &str) -> Option<String> {
        self.elements
            .iter()
            .filter(|e| e.name == name)
            .map(|e| clean(&e.text.replace([EMPHASIS_OPEN, EMPHASIS_CLOSE], "")))
            .find(|t| !t.is_empty())
    }

    pub fn attr_of(&self, name: &str, attr: &str) -> Option<String> {
        self.elements
            .iter()
            .filter(|e| e.name == name)
            .find_map(|e| e.attrs.get(attr).cloned())
    }

    pub fn link_canonical(&self) -> Option<String> {
        self.elements
            .iter()
            .find(|e| {
                e.name == "link" && e.attrs.get("rel").map(String::as_str) == Some("canonical")
            })
            .and_then(|e| e.attrs.get("href").cloned())
    }

    /// Body paragraphs: the text of block elements outside furniture, nested blocks once.
    pub fn paragraphs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.elements {
            if e.skipped || !BLOCKS.contains(&e.name.as_str()) {
                continue;
            }
            let t = clean(&e.text);
            if t.is_empty() {
                continue;
            }
            // A <p> inside a <blockquote> or <li> was already counted with its parent.
            if out.last().is_some_and(|prev| prev.contains(&t)) {
                continue;
            }
            out.push(t);
        }
        out
    }
}

/// Appends `c` to the text of every open element (a line break, an italic mark).
fn push_to_open(elements: &mut [Element], open: &[usize], c: char) {
    for &i in open {
        elements[i].text.push(c);
    }
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_attrs(s: &str) -> HashMap<String, String> {
    let mut attrs = HashMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_entities(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = decode_entities(&after[..end]);
                rest = &after[end..];
            }
        }
        if !name.is_empty() {
            attrs.insert(name, value);
        }
        rest = rest.trim_start();
    }
    attrs
}

/// Decodes the character references found in article pages.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|j| j + 1).filter(|&j| j <= 10);
        let decoded = end.and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "rdquo" => Some('”'),
                "ldquo" => Some('“'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                _ => name.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_page() {
        let html = r#"<html><head><title>Site | Page</title>
<meta property="og:title" content="Director&#8217;s debut">
<link rel="canonical" href="https://example.org/a"></head>
<body><nav><p>Home</p></nav><script>var x = "<p>no</p>";</script>
<article><h1>Director’s debut</h1><time datetime="2021-02-24">24 Feb</time>
<p>First &amp; <em>only</em> paragraph.</p><blockquote><p>A quote.</p></blockquote></article>
<footer><p>Copyright</p></footer></body></html>"#;
        let d = Document::parse(html);
        assert_eq!(d.meta("og:title").as_deref(), Some("Director’s debut"));
        assert_eq!(d.attr_of("time", "datetime").as_deref(), Some("2021-02-24"));
        assert_eq!(d.link_canonical().as_deref(), Some("https://example.org/a"));
        assert_eq!(
            d.paragraphs(),
            vec!["First & \u{E010}only\u{E011} paragraph.", "A quote."]
        );
        let a = crate::extract::read::read_html(html, "page", "page.html");
        assert_eq!(a.body, "First & only paragraph.\n\nA quote.");
        assert_eq!(a.title, "Director’s debut");
        let only: Vec<&str> = a.emphasis.iter().map(|s| &a.body[s.start..s.end]).collect();
        assert_eq!(only, vec!["only"]);
    }
}
