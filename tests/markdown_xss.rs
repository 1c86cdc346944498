//! Every vector of `tests/fixtures/xss-corpus.json`, rendered: the output may only hold
//! the tags and attributes the renderer writes itself, links only to `http:`, `https:` or
//! `mailto:`, and raw HTML from the source must still be there, as visible text.
#![cfg(not(target_arch = "wasm32"))]

use mnemo::core::markdown::render;

/// Each tag the renderer writes, with the attributes it may carry.
const ALLOWED: &[(&str, &[&str])] = &[
    ("a", &["href", "title", "target", "rel", "class"]),
    ("blockquote", &[]),
    ("br", &[]),
    ("button", &["type", "class"]),
    ("code", &[]),
    ("del", &[]),
    ("div", &["class", "data-lang"]),
    ("em", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("input", &["type", "disabled", "checked"]),
    ("li", &[]),
    ("ol", &["start"]),
    ("p", &[]),
    ("pre", &["tabindex"]),
    ("span", &["class"]),
    ("strong", &[]),
    ("table", &["tabindex"]),
    ("tbody", &[]),
    ("td", &["class"]),
    ("th", &["class"]),
    ("thead", &[]),
    ("tr", &[]),
    ("ul", &[]),
];

const CLASSES: &[&str] = &[
    "code-block",
    "code-head",
    "code-lang",
    "copy-code",
    "image-link",
    "align-left",
    "align-center",
    "align-right",
];

const FORBIDDEN: &[&str] = &[
    "<script", "<iframe", "<object", "<embed", "<svg", "<math", "<img", "<style", "<base", "<meta",
    "<link", "<form", "<body", "<details", "<video", "<audio", "<source",
];

fn corpus() -> Vec<String> {
    let text = include_str!("fixtures/xss-corpus.json");
    serde_json::from_str(text).expect("the corpus is a JSON array of strings")
}

/// One tag of the output: its name and its attributes with their (still escaped) values.
struct TagSeen {
    name: String,
    attributes: Vec<(String, Option<String>)>,
}

/// Splits rendered HTML into tags and the text between them, or says where it is not
/// the simple, fully escaped HTML the renderer writes.
fn scan(html: &str) -> Result<(Vec<TagSeen>, String), String> {
    let mut tags = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| format!("unclosed tag at {rest:?}"))?;
                tags.push(parse_tag(&rest[1..end])?);
                rest = &rest[end + 1..];
            }
            '>' | '"' | '\'' => return Err(format!("unescaped {c:?} in text at {rest:?}")),
            '&' => {
                let end = rest
                    .find(';')
                    .ok_or_else(|| format!("bare & at {rest:?}"))?;
                text.push(decode_entity(&rest[..=end])?);
                rest = &rest[end + 1..];
            }
            _ => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Ok((tags, text))
}

fn decode_entity(entity: &str) -> Result<char, String> {
    match entity {
        "&amp;" => Ok('&'),
        "&lt;" => Ok('<'),
        "&gt;" => Ok('>'),
        "&quot;" => Ok('"'),
        "&#39;" => Ok('\''),
        _ => Err(format!("unexpected entity {entity:?}")),
    }
}

/// Parses the inside of `<…>`: a closing tag, or a name followed by attributes that are
/// bare or have a double-quoted value.
fn parse_tag(inside: &str) -> Result<TagSeen, String> {
    if let Some(name) = inside.strip_prefix('/') {
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(format!("odd closing tag </{name}>"));
        }
        return Ok(TagSeen {
            name: name.into(),
            attributes: Vec::new(),
        });
    }
    let name_end = inside.find(' ').unwrap_or(inside.len());
    let name = &inside[..name_end];
    let mut rest = &inside[name_end..];
    let mut attributes = Vec::new();
    while let Some(after_space) = rest.strip_prefix(' ') {
        let name_len = after_space
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after_space.len());
        if name_len == 0 {
            return Err(format!("odd attribute in <{inside}>"));
        }
        let attribute = after_space[..name_len].to_string();
        rest = &after_space[name_len..];
        let value = match rest.strip_prefix("=\"") {
            Some(quoted) => {
                let close = quoted
                    .find('"')
                    .ok_or_else(|| format!("unclosed value in <{inside}>"))?;
                let value = &quoted[..close];
                if value.contains(['<', '>', '\'']) {
                    return Err(format!("unescaped value in <{inside}>"));
                }
                rest = &quoted[close + 1..];
                Some(value.to_string())
            }
            None => None,
        };
        attributes.push((attribute, value));
    }
    if !rest.is_empty() {
        return Err(format!("odd tag <{inside}>"));
    }
    Ok(TagSeen {
        name: name.into(),
        attributes,
    })
}

/// What is wrong with one tag of the output, if anything.
fn check_tag(tag: &TagSeen) -> Result<(), String> {
    let allowed = ALLOWED
        .iter()
        .find(|(name, _)| *name == tag.name)
        .map(|(_, attributes)| *attributes)
        .ok_or_else(|| format!("tag <{}> is not one the renderer writes", tag.name))?;
    for (attribute, value) in &tag.attributes {
        if !allowed.contains(&attribute.as_str()) {
            return Err(format!("attribute {attribute} on <{}>", tag.name));
        }
        let value = value.as_deref().unwrap_or("");
        let fine = match attribute.as_str() {
            "href" => ["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| value.to_ascii_lowercase().starts_with(scheme)),
            "target" => value == "_blank",
            "rel" => value == "noopener noreferrer",
            "class" => CLASSES.contains(&value),
            "type" => value == "checkbox" || value == "button",
            "start" => value.bytes().all(|b| b.is_ascii_digit()),
            "data-lang" => value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_+#.-".contains(&b)),
            "disabled" | "checked" => value.is_empty(),
            // A title is any text, escaped (checked by `parse_tag`).
            _ => true,
        };
        if !fine {
            return Err(format!("{attribute}={value:?} on <{}>", tag.name));
        }
    }
    Ok(())
}

/// Whether the vector starts with an HTML tag, comment or declaration (as opposed to an
/// autolink such as `<javascript:…>`, whose name runs into a colon).
fn starts_with_raw_html(vector: &str) -> bool {
    let Some(rest) = vector.strip_prefix('<') else {
        return false;
    };
    if rest.starts_with(['/', '!']) {
        return true;
    }
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    name_len > 0 && rest[name_len..].starts_with([' ', '>', '/', '\t', '\n', '<'])
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(corpus().len() >= 45);
}

#[test]
fn no_vector_gets_markup_or_a_dangerous_link_through() {
    let mut failures = Vec::new();
    for vector in corpus() {
        let html = render(&vector);
        let lower = html.to_ascii_lowercase();
        for forbidden in FORBIDDEN {
            if lower.contains(forbidden) {
                failures.push(format!("{vector:?}: {forbidden} in {html:?}"));
            }
        }
        let (tags, text) = match scan(&html) {
            Ok(scanned) => scanned,
            Err(why) => {
                failures.push(format!("{vector:?}: {why} in {html:?}"));
                continue;
            }
        };
        for tag in &tags {
            if let Err(why) = check_tag(tag) {
                failures.push(format!("{vector:?}: {why} in {html:?}"));
            }
        }
        if text.trim().is_empty() {
            failures.push(format!("{vector:?}: nothing visible in {html:?}"));
        }
        if starts_with_raw_html(&vector)
            && !without_whitespace(&text).contains(&without_whitespace(&vector))
        {
            failures.push(format!("{vector:?}: raw HTML not shown as text: {text:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checker_catches_what_it_looks_for() {
    let bad = [
        "<img src=\"x\">",
        "<a href=\"javascript:x\">x</a>",
        "<a onclick=\"x\">x</a>",
        "<p>\"</p>",
        "<p>&#106;</p>",
        "<p class=\"evil\">x</p>",
    ];
    for html in bad {
        let caught = match scan(html) {
            Err(_) => true,
            Ok((tags, _)) => tags.iter().any(|t| check_tag(t).is_err()),
        };
        assert!(caught, "{html}");
    }
}
