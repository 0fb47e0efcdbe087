//! Readers: files and directories → [`Article`]s.
//!
//! Formats, chosen by extension and content: plain text (site line, title, date line, body),
//! text or Markdown with YAML front matter, HTML pages and JSON Lines (one article a line).
//! A directory is read recursively in path order; inside a directory a file that is not text or
//! is empty is skipped with a warning, while naming such a file directly is an error.

use crate::error::{Error, Result};
use crate::model::{Article, Span};
use std::path::{Path, PathBuf};

/// What reading some paths gave: the articles, and the files skipped with the reason.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub articles: Vec<Article>,
    pub warnings: Vec<Error>,
}

/// Reads every path: files directly, directories recursively. Holds every article in memory:
/// for large inputs use [`input_files`] and [`for_each_article`], which stream.
pub fn read_paths(paths: &[PathBuf]) -> Result<ReadOutcome> {
    let mut out = ReadOutcome::default();
    let mut ids = IdCheck::default();
    let files = input_files(paths)?;
    let mut articles = Vec::new();
    for_each_article(&files, &mut |w| out.warnings.push(w), &mut |a| {
        ids.check(&a)?;
        articles.push(a);
        Ok(())
    })?;
    out.articles = articles;
    Ok(out)
}

/// One input file, and whether it was named directly (a bad one is an error) or found in a
/// directory (a bad one is skipped with a warning).
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub in_dir: bool,
    pub bytes: u64,
}

/// The files the paths name, in order: each file itself, directories walked recursively.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            for file in walk(path)? {
                let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                out.push(InputFile {
                    path: file,
                    in_dir: true,
                    bytes,
                });
            }
        } else {
            out.push(InputFile {
                path: path.clone(),
                in_dir: false,
                bytes: meta.len(),
            });
        }
    }
    Ok(out)
}

/// Streams the articles of `files` in order into `f`, one at a time: a JSON Lines file is read
/// line by line, so memory does not grow with the input. A file found in a directory that is
/// not text or is empty goes to `warn`; any other error stops the stream.
pub fn for_each_article(
    files: &[InputFile],
    warn: &mut dyn FnMut(Error),
    f: &mut dyn FnMut(Article) -> Result<()>,
) -> Result<()> {
    for file in files {
        let result = if is_jsonl(&file.path) {
            stream_jsonl(&file.path, f)
        } else {
            read_file(&file.path).and_then(|articles| articles.into_iter().try_for_each(&mut *f))
        };
        match result {
            Err(e @ (Error::NotText { .. } | Error::Empty { .. })) if file.in_dir => warn(e),
            other => other?,
        }
    }
    Ok(())
}

/// Refuses a second article with an id already seen (ids name the article graphs).
#[derive(Debug, Default)]
pub struct IdCheck {
    seen: std::collections::HashMap<String, String>,
}

impl IdCheck {
    pub fn check(&mut self, a: &Article) -> Result<()> {
        if let Some(prev) = self.seen.insert(a.id.clone(), a.source.clone()) {
            return Err(Error::Other(format!(
                "{}: article id `{}` is also the id of {prev}; give one of them another id",
                a.source, a.id
            )));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

fn is_jsonl(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// JSON Lines, streamed: each line is checked (text, UTF-8) and parsed on its own.
fn stream_jsonl(path: &Path, f: &mut dyn FnMut(Article) -> Result<()>) -> Result<()> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::new();
    let (mut offset, mut line_no, mut count) = (0usize, 0usize, 0usize);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if let Some(at) = buf.iter().position(|&b| b == 0) {
            return Err(Error::NotText {
                path: path.to_path_buf(),
                offset: offset + at,
            });
        }
        let line = std::str::from_utf8(&buf).map_err(|e| Error::NotText {
            path: path.to_path_buf(),
            offset: offset + e.valid_up_to(),
        })?;
        let line = if line_no == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        offset += n;
        if let Some(a) = jsonl_article(path, line_no, line)? {
            count += 1;
            f(a)?;
        }
    }
    if count == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// All regular files below `dir`, sorted, skipping hidden files and directories.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let p = entry.path();
            // Hidden files, and gold files (`NAME.gold.tsv`, docs/gold-format.md), which sit
            // beside the articles they score and are not articles themselves.
            if p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n.ends_with(".gold.tsv"))
            {
                continue;
            }
            let ft = entry.file_type().map_err(|e| Error::io(&p, e))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one file into one article (or many, for JSON Lines).
pub fn read_file(path: &Path) -> Result<Vec<Article>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode(path, &bytes)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("article");
    let source = path.display().to_string();
    let article = match ext.as_str() {
        "jsonl" | "ndjson" => return read_jsonl(path, &text),
        "html" | "htm" | "xhtml" => read_html(&text, stem, &source),
        _ if text.trim_start_matches('\u{feff}').starts_with("---") => {
            read_front_matter(path, &text, stem)?
        }
        _ => read_plain(&text, stem, &source),
    };
    // A page of pure furniture (no paragraph survives) is as good as empty.
    if article.body.trim().is_empty() && article.title.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(vec![article])
}

/// Checks the bytes are non-empty UTF-8 text.
fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            offset,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.trim_start_matches('\u{feff}').replace("\r\n", "\n")),
        Err(e) => Err(Error::NotText {
            path: path.to_path_buf(),
            offset: e.valid_up_to(),
        }),
    }
}

/// A readable, stable id: lower-case ASCII, words joined by `-`.
pub fn slug(s: &str) -> String {
    let folded = deunicode::deunicode(s).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Lines no longer than this, in a block of two or more, are a list (a cast list, credits), not
/// soft-wrapped prose.
const LIST_LINE: usize = 60;

/// A credits or data line: a capitalised label of at most four words, a colon, a value
/// ("Screenplay: Nodira Karimova, Jasur Ismoilov, from the short story by …", "Dir/scr: X").
fn is_field_line(line: &str) -> bool {
    let Some((label, value)) = line.split_once(": ") else {
        return false;
    };
    label.starts_with(|c: char| c.is_uppercase())
        && label.split_whitespace().count() <= 4
        && label
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '/' | '.' | ',' | '-' | '&'))
        && !value.trim().is_empty()
}

/// A list item: "- ", "* ", "• " or "– " opening the line (a Markdown filmography).
fn is_bullet(line: &str) -> bool {
    ["- ", "* ", "• ", "– "].iter().any(|b| line.starts_with(b))
}

/// Splits a text into paragraphs: runs of non-blank lines, joined (soft-wrapped prose), except a
/// block of short lines, credits lines or list items ("Aizada Zhumabaeva as Gulzat" / "Erkin
/// Ryskulov as Sultan", "Director: X" / "Screenplay: Y, from the short story by Z", "- *Apricot
/// Snow* (2013) — his debut feature, …"), whose lines stay apart.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let fields = lines.iter().filter(|l| is_field_line(l)).count();
        // A credits block keeps its lines even under a long title line ("THE GLASSBLOWER'S
        // DAUGHTER (original title, transliteration)" / "Dir: …" / "Scr: …").
        let credits = fields >= 3 && fields * 2 >= lines.len();
        if lines.len() >= 2
            && (credits
                || lines
                    .iter()
                    .all(|l| l.chars().count() <= LIST_LINE || is_field_line(l) || is_bullet(l)))
        {
            out.extend(lines.iter().map(|l| {
                if is_bullet(l) {
                    l[l.find(' ').map_or(0, |i| i + 1)..].to_string()
                } else {
                    l.to_string()
                }
            }));
        } else if !lines.is_empty() {
            out.push(drop_qa_label(&lines.join(" ")));
        }
    }
    out
}

/// "Q: Where does the story come from?" / "A: From a short story …": the interview labels are no
/// part of the text (they would read as a name, "A: It").
fn drop_qa_label(p: &str) -> String {
    for label in ["Q:", "A:", "Q.:", "A.:"] {
        if let Some(rest) = p.strip_prefix(label) {
            if rest.starts_with(char::is_whitespace) {
                return rest.trim_start().to_string();
            }
        }
    }
    p.to_string()
}

/// Drops site furniture from body paragraphs: "Read more …" links, and everything after a bare
/// "Read more" heading (the related-articles list that closes a page).
fn drop_boilerplate(paras: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for p in paras {
        let lower = p.to_lowercase();
        if lower == "read more" || lower == "related articles" || lower == "more from this author" {
            break;
        }
        if lower.starts_with("read more ")
            || lower.starts_with("read more:")
            || lower.starts_with("share this")
            || lower.starts_with("subscribe to")
        {
            continue;
        }
        out.push(p);
    }
    out
}

fn looks_like_heading(p: &str) -> bool {
    p.chars().count() <= 200 && !p.ends_with('.') && !p.contains('\n')
}

/// Plain text: an optional site line, a title, an optional date line, then the body.
pub fn read_plain(text: &str, stem: &str, source: &str) -> Article {
    let mut paras = paragraphs(text);
    let head: Vec<&String> = paras.iter().take(4).collect();
    let date_at = head.iter().position(|p| parse_date(p).is_some());
    // Site line, title, standfirst, date: the standfirst is text (its facts count), so it moves
    // after the date line and opens the body.
    if date_at == Some(3) && looks_like_heading(head[0]) && looks_like_heading(head[1]) {
        paras.swap(2, 3);
        let head: Vec<&String> = paras.iter().take(3).collect();
        return plain_article(
            stem,
            source,
            Some(head[0].clone()),
            head[1].clone(),
            parse_date(head[2]),
            &paras[3..],
        );
    }
    let (publication, title, body_from, date) = match date_at {
        Some(2) if looks_like_heading(head[0]) && looks_like_heading(head[1]) => (
            Some(head[0].clone()),
            head[1].clone(),
            3,
            parse_date(head[2]),
        ),
        Some(1) if looks_like_heading(head[0]) => (None, head[0].clone(), 2, parse_date(head[1])),
        Some(0) => (None, String::new(), 1, parse_date(head[0])),
        _ => {
            if head.len() > 2
                && looks_like_heading(head[0])
                && looks_like_heading(head[1])
                && head[0].chars().count() <= 60
            {
                (Some(head[0].clone()), head[1].clone(), 2, None)
            } else if head.len() > 1 && looks_like_heading(head[0]) {
                (None, head[0].clone(), 1, None)
            } else {
                (None, String::new(), 0, None)
            }
        }
    };
    plain_article(
        stem,
        source,
        publication,
        title,
        date,
        &paras[body_from.min(paras.len())..],
    )
}

fn plain_article(
    stem: &str,
    source: &str,
    publication: Option<String>,
    title: String,
    date: Option<String>,
    body: &[String],
) -> Article {
    Article {
        id: slug(stem),
        title,
        date,
        url: None,
        author: None,
        publication,
        body: drop_boilerplate(body.to_vec()).join("\n\n"),
        source: source.to_string(),
        emphasis: Vec::new(),
    }
}

/// Text or Markdown with YAML front matter between `---` lines.
pub fn read_front_matter(path: &Path, text: &str, stem: &str) -> Result<Article> {
    if !text
        .lines()
        .skip(1)
        .any(|l| matches!(l.trim(), "---" | "..."))
    {
        return Err(Error::Input {
            path: path.to_path_buf(),
            line: 1,
            message: "front matter opened with `---` is never closed".into(),
        });
    }
    let mut lines = text.lines().enumerate();
    lines.next(); // the opening ---
    let mut article = Article {
        id: slug(stem),
        source: path.display().to_string(),
        ..Article::default()
    };
    let mut closed_at = None;
    for (i, line) in lines.by_ref() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed == "---" || trimmed == "..." {
            closed_at = Some(line_no);
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err(Error::Input {
                path: path.to_path_buf(),
                line: line_no,
                message: format!("front matter: expected `key: value`, found `{trimmed}`"),
            });
        };
        let value = unquote(value.trim());
        match key.trim() {
            "title" => article.title = value,
            "date" => {
                article.date = Some(parse_date(&value).ok_or_else(|| Error::Input {
                    path: path.to_path_buf(),
                    line: line_no,
                    message: format!("front matter: cannot read the date `{value}`"),
                })?)
            }
            "url" => article.url = Some(value),
            "author" => article.author = Some(value),
            "publication" | "site" => article.publication = Some(value),
            "id" => article.id = slug(&value),
            _ => {}
        }
    }
    let Some(end) = closed_at else {
        return Err(Error::Input {
            path: path.to_path_buf(),
            line: 1,
            message: "front matter opened with `---` is never closed".into(),
        });
    };
    let rest: Vec<&str> = text.lines().skip(end).collect();
    let rest = rest.join("\n");
    // Markdown: drop heading marks and emphasis so the text reads as prose; italics are kept
    // aside as ranges (titles of works).
    let cleaned: Vec<String> = paragraphs(&rest)
        .into_iter()
        .map(|p| drop_qa_label(&markdown_emphasis(p.trim_start_matches('#').trim())))
        .collect();
    (article.body, article.emphasis) = take_emphasis(&drop_boilerplate(cleaned).join("\n\n"));
    if article.body.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(article)
}

/// Opens and closes an italic run in text on its way from a reader to [`take_emphasis`]
/// (private-use characters, never left in an article).
pub const EMPHASIS_OPEN: char = '\u{E010}';
pub const EMPHASIS_CLOSE: char = '\u{E011}';

/// Markdown emphasis of one paragraph: `*x*` and `_x_` (italics) become [`EMPHASIS_OPEN`] x
/// [`EMPHASIS_CLOSE`]; `**x**` / `__x__` (bold: speaker labels, headings) and stray marks are
/// dropped. An underscore inside a word (`snake_case`) is no mark.
pub fn markdown_emphasis(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len());
    let mut italic = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '*' && c != '_' {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let before = i.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(i + run).copied();
        let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
        if c == '_' && alnum(before) && alnum(after) {
            i += run;
            continue;
        }
        if run % 2 == 1 {
            let opens = !italic && after.is_some_and(|a| !a.is_whitespace());
            let closes = italic && before.is_some_and(|b| !b.is_whitespace());
            if opens {
                out.push(EMPHASIS_OPEN);
                italic = true;
            } else if closes {
                out.push(EMPHASIS_CLOSE);
                italic = false;
            }
        }
        i += run;
    }
    out
}

/// Removes the emphasis marks from `text`, returning the plain text and the italic ranges in it
/// (trimmed of spaces; an unclosed or empty run gives none; a nested opening is ignored).
pub fn take_emphasis(text: &str) -> (String, Vec<Span>) {
    if !text.contains(EMPHASIS_OPEN) && !text.contains(EMPHASIS_CLOSE) {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for c in text.chars() {
        match c {
            EMPHASIS_OPEN => {
                open = open.or(Some(out.len()));
            }
            EMPHASIS_CLOSE => {
                if let Some(start) = open.take() {
                    let inner = &out[start..];
                    let lead = inner.len() - inner.trim_start().len();
                    let end = start + inner.trim_end().len();
                    if start + lead < end {
                        spans.push(Span::new(start + lead, end));
                    }
                }
            }
            _ => out.push(c),
        }
    }
    (out, spans)
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

#[derive(serde::Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    author: Option<String>,
    publication: Option<String>,
    text: Option<String>,
    body: Option<String>,
}

/// JSON Lines: one object a line with `id, title, date, url, text` (and optionally `author`,
/// `publication`; `body` is accepted for `text`).
pub fn read_jsonl(path: &Path, text: &str) -> Result<Vec<Article>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        out.extend(jsonl_article(path, i + 1, line)?);
    }
    if out.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}

/// One JSON Lines line: `None` when it is blank.
fn jsonl_article(path: &Path, line_no: usize, line: &str) -> Result<Option<Article>> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let err = |message: String| Error::Input {
        path: path.to_path_buf(),
        line: line_no,
        message,
    };
    let ja: JsonArticle =
        serde_json::from_str(line).map_err(|e| err(format!("malformed JSON: {e}")))?;
    let body = ja
        .text
        .or(ja.body)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| err("the article has no `text`".into()))?;
    let title = ja.title.unwrap_or_default();
    let id = match ja.id {
        Some(serde_json::Value::String(s)) => slug(&s),
        Some(serde_json::Value::Number(n)) => slug(&n.to_string()),
        _ if !title.is_empty() => slug(&title),
        _ => format!(
            "{}-{line_no}",
            slug(path.file_stem().and_then(|s| s.to_str()).unwrap_or("line"))
        ),
    };
    let date = match ja.date {
        Some(d) => Some(parse_date(&d).ok_or_else(|| err(format!("cannot read the date `{d}`")))?),
        None => None,
    };
    let paras = drop_boilerplate(paragraphs(&body.replace("\r\n", "\n")));
    Ok(Some(Article {
        id,
        title,
        date,
        url: ja.url,
        author: ja.author,
        publication: ja.publication,
        body: paras.join("\n\n"),
        source: format!("{}:{line_no}", path.display()),
        emphasis: Vec::new(),
    }))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() == m.len() || w.len() == 3 || w == "sept"))
        .map(|i| i as u32 + 1)
}

/// The year a relative phrase names, seen from an article dated `date` (ISO `YYYY-MM-DD`): "last
/// year", "a year ago" → the year before; "this year", "this summer" → the same; "last November" →
/// the latest November before the article's month; "last summer", "last autumn" likewise. `None`
/// for anything else, and for "last winter" (which year is unclear).
pub fn relative_year(phrase: &str, date: &str) -> Option<i32> {
    let year: i32 = date.get(..4)?.parse().ok()?;
    let month: u32 = date.get(5..7)?.parse().ok()?;
    let words: Vec<String> = phrase
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["last", "year"]
        | ["a", "year", "ago"]
        | ["the", "previous", "year"]
        | ["the", "year", "before"] => Some(year - 1),
        ["this", "year"] | ["earlier", "this", "year"] => Some(year),
        ["this", w] if month_or_season_end(w).is_some() => Some(year),
        ["last", "month"] => Some(if month == 1 { year - 1 } else { year }),
        ["last", w] => {
            let end = month_or_season_end(w)?;
            Some(if end < month { year } else { year - 1 })
        }
        _ => None,
    }
}

/// A month's number, or the last month of a season (spring ends in May, summer in August,
/// autumn in November).
fn month_or_season_end(w: &str) -> Option<u32> {
    month(w).or(match w {
        "spring" => Some(5),
        "summer" => Some(8),
        "autumn" | "fall" => Some(11),
        _ => None,
    })
}

fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1000..=2999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days[m as usize - 1] {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Reads a date written as a whole line: `24 February 2021`, `February 24, 2021`, `2021-02-24`,
/// `24.02.2021`, `2021-02-24T10:00:00Z`. Returns ISO `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = strip_date_label(s.trim());
    if s.len() > 40 {
        return None;
    }
    // ISO date, possibly with a time.
    let head = s.split(['T', ' ']).next().unwrap_or("");
    let parts: Vec<&str> = head.split('-').collect();
    if parts.len() == 3 && parts[0].len() == 4 {
        if let (Ok(y), Ok(m), Ok(d)) = (parts[0].parse(), parts[1].parse(), parts[2].parse()) {
            return iso(y, m, d);
        }
    }
    let parts: Vec<&str> = s.split(['.', '/']).collect();
    if parts.len() == 3 && parts[2].len() == 4 {
        if let (Ok(d), Ok(m), Ok(y)) = (parts[0].parse(), parts[1].parse(), parts[2].parse()) {
            return iso(y, m, d);
        }
    }
    // A time after the date ends it: "28 Sep 2024, 23:40", "11 August 2024 | 10:15 CET".
    let s = s.split('|').next().unwrap_or(s);
    let mut words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(t) = words.iter().position(|w| w.contains(':')) {
        words.truncate(t);
        if words.last() == Some(&"at") {
            words.pop();
        }
    }
    if words.len() == 3 {
        let num = |w: &str| {
            w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<u32>()
                .ok()
        };
        // 24 February 2021
        if let (Some(d), Some(m), Ok(y)) = (num(words[0]), month(words[1]), words[2].parse()) {
            return iso(y, m, d);
        }
        // February 24, 2021
        if let (Some(m), Some(d), Ok(y)) = (month(words[0]), num(words[1]), words[2].parse()) {
            return iso(y, m, d);
        }
    }
    None
}

/// HTML: title from `og:title`/`<h1>`/`<title>`, date from `<time datetime>` or meta tags, the
/// body from `<p>`, `<li>` and `<blockquote>` text; scripts, styles, navigation, headers, footers,
/// asides and forms are dropped.
pub fn read_html(html: &str, stem: &str, source: &str) -> Article {
    let doc = crate::extract::html::Document::parse(html);
    let title = doc
        .meta("og:title")
        .or_else(|| doc.first_text("h1"))
        .or_else(|| doc.first_text("title"))
        .unwrap_or_default();
    let date = doc
        .attr_of("time", "datetime")
        .or_else(|| doc.meta("article:published_time"))
        .or_else(|| doc.meta("date"))
        .or_else(|| doc.meta("dc.date"))
        .or_else(|| doc.first_text("time"))
        .and_then(|d| parse_date(&d));
    let url = doc
        .link_canonical()
        .or_else(|| doc.meta("og:url"))
        .filter(|u| !u.is_empty());
    let (body, emphasis) = take_emphasis(&drop_boilerplate(doc.paragraphs()).join("\n\n"));
    Article {
        id: slug(stem),
        title,
        date,
        url,
        author: doc.meta("author"),
        publication: doc.meta("og:site_name"),
        body,
        source: source.to_string(),
        emphasis,
    }
}

/// Drops what a date line says before the date: a label ("Published", "Last edited on",
/// "Updated:") and a weekday ("Monday, October 16, 2023").
fn strip_date_label(s: &str) -> &str {
    const LABELS: [&str; 11] = [
        "published",
        "posted",
        "updated",
        "last updated",
        "last edited",
        "edited",
        "date",
        "first published",
        "last modified",
        "revised",
        "last revised",
    ];
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let mut s = s;
    // "This page was last edited on 11 June 2024", "The article was published on …".
    for lead in [
        "this page was ",
        "this article was ",
        "the article was ",
        "the page was ",
    ] {
        if s.to_lowercase().starts_with(lead) {
            s = &s[lead.len()..];
            break;
        }
    }
    let lower = s.to_lowercase();
    if let Some(l) = LABELS
        .iter()
        .filter(|l| lower.starts_with(*l))
        .max_by_key(|l| l.len())
    {
        s = s[l.len()..].trim_start_matches([':', ' ']);
        if s.to_lowercase().starts_with("on ") {
            s = &s[3..];
        }
    }
    let lower = s.to_lowercase();
    for d in DAYS {
        for form in [d, &d[..3]] {
            if lower.starts_with(form) && lower[form.len()..].starts_with([',', ' ']) {
                return s[form.len()..].trim_start_matches([',', ' ']);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_line_blocks_stay_lines_and_prose_is_joined() {
        let p = paragraphs(
            "Cast\n\nAizada Zhumabaeva as Gulzat\nErkin Ryskulov as Sultan\n\nThe film, written and directed by Temir Asanbekov, is a drama about a\nteacher who moves to a village.",
        );
        assert_eq!(
            p,
            [
                "Cast",
                "Aizada Zhumabaeva as Gulzat",
                "Erkin Ryskulov as Sultan",
                "The film, written and directed by Temir Asanbekov, is a drama about a teacher who moves to a village."
            ]
        );
    }

    #[test]
    fn markdown_italics_are_kept_as_ranges_and_bold_is_dropped() {
        let (text, spans) = take_emphasis(&markdown_emphasis(
            "**Q:** Was *The Merchant's Son* (*Savdogar o'g'li*) a snake_case * star?",
        ));
        assert_eq!(
            text,
            "Q: Was The Merchant's Son (Savdogar o'g'li) a snakecase  star?"
        );
        let italic: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(italic, vec!["The Merchant's Son", "Savdogar o'g'li"]);
        // An unclosed run marks nothing; `_x_` is italic too.
        let (text, spans) = take_emphasis(&markdown_emphasis("_Ayka_ and *Tulpan"));
        assert_eq!(text, "Ayka and Tulpan");
        assert_eq!(spans, vec![Span::new(0, 4)]);
    }

    #[test]
    fn a_credits_block_keeps_its_lines_under_a_long_title_line() {
        let text = "THE GLASSBLOWER'S DAUGHTER (a long original title, and its transliteration)\n\
                    Armenia-France, 2024, 97 min.\nDir: Tatevik Harutyunyan\n\
                    Scr: Tatevik Harutyunyan, Arsen Hakobyan\nCast: Ani Hovsepyan";
        assert_eq!(paragraphs(text).len(), 5);
        let prose = "A long sentence of prose that runs well past the list-line limit, and on.\n\
                     Dir: is not a field here because one line does not make a block";
        assert_eq!(paragraphs(prose).len(), 1);
    }

    #[test]
    fn interview_labels_are_dropped() {
        let a = read_plain(
            "Site\n\nTitle\n\n12 March 2024\n\nQ: Where does it come from?\n\nA: It comes from a story.\n\nA:B stays.",
            "qa",
            "qa.txt",
        );
        assert_eq!(
            a.body,
            "Where does it come from?\n\nIt comes from a story.\n\nA:B stays."
        );
    }

    #[test]
    fn front_matter_italics_point_into_the_body() {
        let md = "---\ntitle: A title\n---\n\n*A standfirst in italics.*\n\nShe made *Kupala Night* in 2019.\n";
        let a = read_front_matter(Path::new("x.md"), md, "x").unwrap();
        let text = a.text();
        let italic: Vec<&str> = a
            .emphasis_in_text()
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(italic, vec!["A standfirst in italics.", "Kupala Night"]);
    }

    #[test]
    fn dates_in_several_forms() {
        assert_eq!(
            parse_date("24 February 2021").as_deref(),
            Some("2021-02-24")
        );
        assert_eq!(
            parse_date("February 24, 2021").as_deref(),
            Some("2021-02-24")
        );
        assert_eq!(parse_date("Feb 24, 2021").as_deref(), Some("2021-02-24"));
        assert_eq!(parse_date("2021-02-24").as_deref(), Some("2021-02-24"));
        assert_eq!(
            parse_date("2021-02-24T10:00:00Z").as_deref(),
            Some("2021-02-24")
        );
        assert_eq!(parse_date("24.02.2021").as_deref(), Some("2021-02-24"));
        assert_eq!(parse_date("31 February 2021"), None);
        assert_eq!(
            parse_date("Monday, October 16, 2023").as_deref(),
            Some("2023-10-16")
        );
        assert_eq!(
            parse_date("Published 3 March 2024").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(
            parse_date("Last edited 2021-05-30").as_deref(),
            Some("2021-05-30")
        );
        assert_eq!(
            parse_date("This page was last edited on 11 June 2024").as_deref(),
            Some("2024-06-11")
        );
        assert_eq!(
            parse_date("28 Sep 2024, 23:40").as_deref(),
            Some("2024-09-28")
        );
        assert_eq!(
            parse_date("11 August 2024 | 10:15 CET").as_deref(),
            Some("2024-08-11")
        );
        assert_eq!(parse_date("Sep 2024, 23:40"), None);
        assert_eq!(
            parse_date("Updated: Tue 5 March 2024").as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(parse_date("Published by the editors"), None);
        assert_eq!(parse_date("Welcome to the USA"), None);
    }

    #[test]
    fn plain_text_header_is_detected() {
        let text = "New East Digital Archive\n\nA title: here\n\n24 February 2021\n\nFirst paragraph.\n\nRead more Something else\n\nSecond.\n\nRead more\n\nRelated title";
        let a = read_plain(text, "x", "x.txt");
        assert_eq!(a.publication.as_deref(), Some("New East Digital Archive"));
        assert_eq!(a.title, "A title: here");
        assert_eq!(a.date.as_deref(), Some("2021-02-24"));
        assert_eq!(a.body, "First paragraph.\n\nSecond.");
    }

    #[test]
    fn relative_years_from_the_article_date() {
        assert_eq!(relative_year("last year", "2024-03-05"), Some(2023));
        assert_eq!(relative_year("last November", "2024-03-05"), Some(2023));
        assert_eq!(relative_year("last November", "2024-12-05"), Some(2024));
        assert_eq!(relative_year("last summer", "2024-10-01"), Some(2024));
        assert_eq!(relative_year("last summer", "2024-05-01"), Some(2023));
        assert_eq!(relative_year("this autumn", "2024-05-01"), Some(2024));
        assert_eq!(relative_year("last month", "2024-01-20"), Some(2023));
        assert_eq!(relative_year("last winter", "2024-01-20"), None);
        assert_eq!(relative_year("last time", "2024-01-20"), None);
        assert_eq!(relative_year("last year", "unknown"), None);
    }

    #[test]
    fn a_standfirst_before_the_date_opens_the_body() {
        let text = "Site Name\n\nA headline about a film\n\nThe standfirst names the director, Ann Lee.\n\n8 April 2024\n\nFirst paragraph.";
        let a = read_plain(text, "x", "x.txt");
        assert_eq!(a.publication.as_deref(), Some("Site Name"));
        assert_eq!(a.title, "A headline about a film");
        assert_eq!(a.date.as_deref(), Some("2024-04-08"));
        assert_eq!(
            a.body,
            "The standfirst names the director, Ann Lee.\n\nFirst paragraph."
        );
        assert_eq!(
            parse_date("Revised 2022-11-03").as_deref(),
            Some("2022-11-03")
        );
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Welcome to the USA"), "welcome-to-the-usa");
        assert_eq!(slug("San Sebastián"), "san-sebastian");
        assert_eq!(slug("Асель Аушакимова"), "asel-aushakimova");
    }

    #[test]
    fn front_matter_errors_name_the_line() {
        let p = Path::new("a.md");
        let e = read_front_matter(p, "---\ntitle: X\nnot a pair\n---\nBody.", "a").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:3: front matter: expected `key: value`, found `not a pair`"
        );
        let e = read_front_matter(p, "---\ntitle: X\nBody.", "a").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
        let a = read_front_matter(
            p,
            "---\ntitle: \"X\"\ndate: 2020-01-02\n---\n# Head\n\nBody *text*.",
            "a",
        )
        .unwrap();
        assert_eq!(a.title, "X");
        assert_eq!(a.date.as_deref(), Some("2020-01-02"));
        assert_eq!(a.body, "Head\n\nBody text.");
    }

    #[test]
    fn jsonl_errors_name_the_line() {
        let p = Path::new("c.jsonl");
        let ok = "{\"id\":\"a1\",\"title\":\"T\",\"date\":\"2020-01-02\",\"text\":\"Body.\"}\n";
        assert_eq!(read_jsonl(p, ok).unwrap()[0].id, "a1");
        let bad = format!("{ok}{{\"id\": 2, \"text\": }}\n");
        let e = read_jsonl(p, &bad).unwrap_err().to_string();
        assert!(e.starts_with("c.jsonl:2: malformed JSON"), "{e}");
    }

    #[test]
    fn credits_blocks_keep_their_lines() {
        let text = "THE WATER CARRIER (Suvchi)\nUzbekistan-France, 2024. 108 min.\nDirector: Jasur Ismoilov\nScreenplay: Nodira Karimova, Jasur Ismoilov, from the short story by Nodira Karimova\nCast: Ulugbek Rakhmatov, Madina Yuldasheva\n\nSoft-wrapped prose that runs on for a good while, longer than any list line would,\nand goes on here.";
        let p = paragraphs(text);
        assert_eq!(p.len(), 6, "{p:?}");
        assert_eq!(p[2], "Director: Jasur Ismoilov");
        assert!(p[5].starts_with("Soft-wrapped") && p[5].ends_with("goes on here."));
        assert!(is_field_line("Dir/scr: Salome Chkonia"));
        assert!(!is_field_line("He said it plainly in the end: no."));
        let list = "- *Apricot Snow* (2013) — his debut feature, set in the Isfara valley, which played Rotterdam\n- *Khorog Express* (2023) — Busan, Tallinn, Fribourg";
        assert_eq!(
            paragraphs(list),
            [
                "*Apricot Snow* (2013) — his debut feature, set in the Isfara valley, which played Rotterdam",
                "*Khorog Express* (2023) — Busan, Tallinn, Fribourg"
            ]
        );
    }
}
