//! Markdown to HTML that is safe to put into the page: raw HTML from the source is shown
//! as text, images are never loaded, and only `http`, `https` and `mailto` links survive.
//!
//! The HTML is written here, event by event, instead of by pulldown-cmark's own writer, so
//! that every tag and attribute in the output is one this file spells out: nothing from
//! the source can become a tag name, an attribute name, or an unescaped attribute value.
//!
//! Classes the stylesheet and the message list rely on:
//! - `code-block` (with `data-lang` when the fence names a language), `code-head`,
//!   `code-lang`, and the `copy-code` button, which carries no handler: the message list
//!   listens for clicks on it and copies the `<code>` of the same `code-block`;
//! - `image-link` on the link an image becomes;
//! - `align-left`, `align-center`, `align-right` on aligned table cells.

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// Put before an image's alt text, so that a link to a picture reads as one.
const IMAGE_MARK: &str = "🖼 ";

/// URL schemes a link may use: none of them runs code or loads anything by itself.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Where a reply that is still streaming can be cut so that the part before is made of
/// finished blocks: just after its last blank line outside a fenced code block (0 when
/// there is none). A streaming reply renders that part once and re-renders only what
/// follows on each frame, so a frame costs the same at the end of a long reply as at its
/// start. Blocks that a blank line does not end (a loose list, a reference link defined
/// later) may look different until the reply is complete and rendered whole.
pub fn stable_prefix_len(markdown: &str) -> usize {
    let mut fence: Option<(u8, usize)> = None;
    let mut cut = 0;
    let mut start = 0;
    for line in markdown.split_inclusive('\n') {
        let end = start + line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        let marker = rest.bytes().next().filter(|b| *b == b'`' || *b == b'~');
        let run = marker.map_or(0, |m| rest.bytes().take_while(|b| *b == m).count());
        match (fence, marker) {
            (None, Some(m)) if indent < 4 && run >= 3 => fence = Some((m, run)),
            (Some((m, n)), Some(c)) if c == m && run >= n && rest[run..].trim().is_empty() => {
                fence = None
            }
            (None, _) if body.trim().is_empty() && line.ends_with('\n') => cut = end,
            _ => {}
        }
        start = end;
    }
    cut
}

/// Renders `markdown` (CommonMark with tables, strikethrough and task lists) as HTML for a
/// message bubble.
///
/// Raw HTML in the source is escaped and shown as written. Links with a scheme other than
/// `http`, `https` or `mailto` (and relative links) lose their link but keep their text.
/// Images become links to the picture, labelled with the alt text. Headings are shifted
/// down two levels (`#` is `<h3>`, `####` and deeper are `<h6>`) to sit inside a message.
///
/// # Examples
/// ```
/// use mnemo_markdown::render;
/// assert_eq!(render("**hi** <b>"), "<p><strong>hi</strong> &lt;b&gt;</p>\n");
/// assert_eq!(render("[x](javascript:alert(1))"), "<p>x</p>\n");
/// ```
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut renderer = Renderer {
        out: String::with_capacity(markdown.len() + markdown.len() / 2 + 16),
        links: Vec::new(),
        table_alignments: Vec::new(),
        table_cell: 0,
        in_table_head: false,
        html_block_lines: 0,
    };
    let mut events = Parser::new_ext(markdown, options);
    while let Some(event) = events.next() {
        renderer.event(event, &mut events);
    }
    renderer.out
}

/// The state of one rendering.
struct Renderer {
    out: String,
    /// For each link being rendered: whether an `<a>` was opened for it (an image inside
    /// an opened one must not open another).
    links: Vec<bool>,
    table_alignments: Vec<Alignment>,
    table_cell: usize,
    in_table_head: bool,
    /// Lines of the current raw HTML block written so far.
    html_block_lines: usize,
}

impl Renderer {
    fn event<'a>(&mut self, event: Event<'a>, rest: &mut Parser<'a>) {
        match event {
            Event::Start(tag) => self.start(tag, rest),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => escape(&mut self.out, &text),
            Event::Code(code) => {
                self.out.push_str("<code>");
                escape(&mut self.out, &code);
                self.out.push_str("</code>");
            }
            Event::Html(html) => {
                // A line of a raw HTML block, with its line break: shown as text, and
                // the break kept visible.
                if self.html_block_lines > 0 {
                    self.out.push_str("<br>");
                }
                self.html_block_lines += 1;
                escape(&mut self.out, html.trim_end_matches(['\n', '\r']));
            }
            Event::InlineHtml(html) => escape(&mut self.out, &html),
            // Math and footnotes are not enabled; should they appear, they are text.
            Event::InlineMath(text) | Event::DisplayMath(text) => escape(&mut self.out, &text),
            Event::FootnoteReference(label) => {
                self.out.push_str("[^");
                escape(&mut self.out, &label);
                self.out.push(']');
            }
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(true) => {
                self.out
                    .push_str("<input type=\"checkbox\" disabled checked> ");
            }
            Event::TaskListMarker(false) => {
                self.out.push_str("<input type=\"checkbox\" disabled> ")
            }
        }
    }

    fn start<'a>(&mut self, tag: Tag<'a>, rest: &mut Parser<'a>) {
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => {
                self.out.push('<');
                self.out.push_str(heading_tag(level));
                self.out.push('>');
            }
            Tag::BlockQuote(_) => self.out.push_str("<blockquote>\n"),
            Tag::CodeBlock(kind) => {
                let info = match &kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                self.code_block_start(info);
            }
            Tag::HtmlBlock => {
                self.html_block_lines = 0;
                self.out.push_str("<p>");
            }
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => {
                self.out.push_str("<ol start=\"");
                self.out.push_str(&start.to_string());
                self.out.push_str("\">\n");
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.out.push_str("<li>"),
            Tag::Table(alignments) => {
                self.table_alignments = alignments;
                // Focusable, so a table wider than its message can be scrolled from the keyboard.
                self.out.push_str("<table tabindex=\"0\">");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.table_cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.table_cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                self.out
                    .push_str(if self.in_table_head { "<th" } else { "<td" });
                match self.table_alignments.get(self.table_cell) {
                    Some(Alignment::Left) => self.out.push_str(" class=\"align-left\""),
                    Some(Alignment::Center) => self.out.push_str(" class=\"align-center\""),
                    Some(Alignment::Right) => self.out.push_str(" class=\"align-right\""),
                    Some(Alignment::None) | None => {}
                }
                self.out.push('>');
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let href = link_href(link_type, &dest_url).filter(|_| !self.in_anchor());
                if let Some(href) = &href {
                    self.anchor_start(href, &title, None);
                }
                self.links.push(href.is_some());
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            } => self.image(link_type, &dest_url, &title, rest),
            // Not enabled (footnotes, definition lists, sub/superscript, metadata): should
            // one appear, its content is rendered without a wrapper.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("</p>\n"),
            TagEnd::Heading(level) => {
                self.out.push_str("</");
                self.out.push_str(heading_tag(level));
                self.out.push_str(">\n");
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => self.out.push_str("</code></pre></div>\n"),
            TagEnd::HtmlBlock => self.out.push_str("</p>\n"),
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => self.out.push_str("</li>\n"),
            TagEnd::Table => self.out.push_str("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.out.push_str("</tr></thead><tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                self.out
                    .push_str(if self.in_table_head { "</th>" } else { "</td>" });
                self.table_cell += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    self.out.push_str("</a>");
                }
            }
            // `image` consumes everything up to and including the image's end.
            TagEnd::Image => {}
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// Opens a code block with its header: the language label and the copy button.
    fn code_block_start(&mut self, info: &str) {
        let language = info.split_whitespace().next().unwrap_or("");
        let language = language.split(',').next().unwrap_or("");
        // Only these characters are kept, none of which needs escaping in an attribute.
        let label: String = language
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '#' | '.' | '-'))
            .collect();
        self.out.push_str("<div class=\"code-block\"");
        if !label.is_empty() {
            self.out.push_str(" data-lang=\"");
            self.out.push_str(&label);
            self.out.push('"');
        }
        self.out
            .push_str("><div class=\"code-head\"><span class=\"code-lang\">");
        self.out.push_str(&label);
        self.out.push_str(
            "</span><button type=\"button\" class=\"copy-code\">Copy</button></div><pre tabindex=\"0\"><code>",
        );
    }

    /// Writes an image as a link to it (or as plain text when its URL is not allowed, or
    /// when it sits inside a link already), consuming its alt text from `rest`.
    fn image<'a>(&mut self, link_type: LinkType, url: &str, title: &str, rest: &mut Parser<'a>) {
        let alt = alt_text(rest);
        let label = if alt.trim().is_empty() { url } else { &alt };
        match link_href(link_type, url) {
            Some(href) if !self.in_anchor() => {
                self.anchor_start(&href, title, Some("image-link"));
                self.out.push_str(IMAGE_MARK);
                escape(&mut self.out, label);
                self.out.push_str("</a>");
            }
            _ => {
                self.out.push_str(IMAGE_MARK);
                escape(&mut self.out, label);
            }
        }
    }

    fn anchor_start(&mut self, href: &str, title: &str, class: Option<&str>) {
        self.out.push_str("<a href=\"");
        escape(&mut self.out, href);
        self.out.push('"');
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            escape(&mut self.out, title);
            self.out.push('"');
        }
        self.out
            .push_str(" target=\"_blank\" rel=\"noopener noreferrer\"");
        if let Some(class) = class {
            self.out.push_str(" class=\"");
            self.out.push_str(class);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Whether an `<a>` is open.
    fn in_anchor(&self) -> bool {
        self.links.contains(&true)
    }
}

/// The text of an image's description, up to and including the image's end event:
/// markup inside it (emphasis, nested links and images) is reduced to its text.
fn alt_text(rest: &mut Parser<'_>) -> String {
    let mut alt = String::new();
    let mut depth = 0usize;
    for event in rest.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineHtml(text)
            | Event::Html(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text)
            | Event::FootnoteReference(text) => alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak | Event::Rule => alt.push(' '),
            Event::TaskListMarker(_) => {}
        }
    }
    alt
}

/// The HTML heading for a markdown heading, two levels down so that a message's headings
/// rank below the page's own.
fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h3",
        HeadingLevel::H2 => "h4",
        HeadingLevel::H3 => "h5",
        HeadingLevel::H4 | HeadingLevel::H5 | HeadingLevel::H6 => "h6",
    }
}

/// The `href` to write for a link, or `None` when the link must not be followed.
fn link_href(link_type: LinkType, url: &str) -> Option<String> {
    // An email autolink's destination is the bare address.
    if link_type == LinkType::Email {
        return safe_href(&format!("mailto:{url}"));
    }
    safe_href(url)
}

/// `url` as a browser would read it, if its scheme is one of [`ALLOWED_SCHEMES`].
///
/// Browsers strip leading and trailing control characters and spaces from a URL and
/// drop tabs and line breaks anywhere inside it (WHATWG URL standard, "basic URL parser"),
/// so `java\tscript:` is `javascript:`. The same cleaning is applied here, and the cleaned
/// URL is what gets written, so the scheme checked is the scheme followed. A URL without
/// a scheme (relative) or whose scheme has any other character is refused.
fn safe_href(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let allowed = ALLOWED_SCHEMES
        .iter()
        .any(|allowed| scheme.eq_ignore_ascii_case(allowed));
    allowed.then_some(cleaned)
}

/// Appends `text` with `& < > " '` escaped, which makes it safe both as element content
/// and inside a double-quoted attribute value. NUL becomes U+FFFD, as CommonMark asks.
fn escape(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\0' => "\u{FFFD}",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_emphasis_and_breaks() {
        assert_eq!(
            render("a *b* **c** `d`  \ne\nf"),
            "<p>a <em>b</em> <strong>c</strong> <code>d</code><br>\ne\nf</p>\n"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            render("5 > 3 & 'a' \"b\""),
            "<p>5 &gt; 3 &amp; &#39;a&#39; &quot;b&quot;</p>\n"
        );
        assert_eq!(render("`<b>&`"), "<p><code>&lt;b&gt;&amp;</code></p>\n");
    }

    #[test]
    fn nul_is_replaced() {
        assert_eq!(render("a\0b"), "<p>a\u{FFFD}b</p>\n");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        assert_eq!(
            render("hi <b onclick=\"x()\">there</b>"),
            "<p>hi &lt;b onclick=&quot;x()&quot;&gt;there&lt;/b&gt;</p>\n"
        );
        assert_eq!(
            render("<script>\nalert(1)\n</script>"),
            "<p>&lt;script&gt;<br>alert(1)<br>&lt;/script&gt;</p>\n"
        );
        assert_eq!(render("<!-- note -->"), "<p>&lt;!-- note --&gt;</p>\n");
    }

    #[test]
    fn headings_sit_below_the_page_headings() {
        assert_eq!(render("# A"), "<h3>A</h3>\n");
        assert_eq!(render("## B"), "<h4>B</h4>\n");
        assert_eq!(render("### C"), "<h5>C</h5>\n");
        assert_eq!(render("###### F"), "<h6>F</h6>\n");
    }

    #[test]
    fn tables_with_alignment_classes() {
        let html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
        assert_eq!(
            html,
            "<table tabindex=\"0\"><thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th>\
             <th class=\"align-right\">c</th></tr></thead><tbody>\n<tr><td class=\"align-left\">1</td>\
             <td class=\"align-center\">2</td><td class=\"align-right\">3</td></tr>\n</tbody></table>\n"
        );
        assert_eq!(
            render("| a |\n|---|\n"),
            "<table tabindex=\"0\"><thead><tr><th>a</th></tr></thead><tbody>\n</tbody></table>\n"
        );
    }

    #[test]
    fn strikethrough() {
        assert_eq!(render("~~gone~~"), "<p><del>gone</del></p>\n");
    }

    #[test]
    fn task_lists() {
        assert_eq!(
            render("- [x] done\n- [ ] todo\n"),
            "<ul>\n<li><input type=\"checkbox\" disabled checked> done</li>\n\
             <li><input type=\"checkbox\" disabled> todo</li>\n</ul>\n"
        );
    }

    #[test]
    fn lists_quotes_and_rules() {
        assert_eq!(
            render("3. a\n4. b"),
            "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n"
        );
        assert_eq!(render("1. a"), "<ol>\n<li>a</li>\n</ol>\n");
        assert_eq!(render("> q"), "<blockquote>\n<p>q</p>\n</blockquote>\n");
        assert_eq!(render("---"), "<hr>\n");
    }

    #[test]
    fn fenced_code_has_a_language_label_and_a_copy_button() {
        assert_eq!(
            render("```rust\nfn main() { a < b && c }\n```"),
            "<div class=\"code-block\" data-lang=\"rust\"><div class=\"code-head\">\
             <span class=\"code-lang\">rust</span>\
             <button type=\"button\" class=\"copy-code\">Copy</button></div>\
             <pre tabindex=\"0\"><code>fn main() { a &lt; b &amp;&amp; c }\n</code></pre></div>\n"
        );
    }

    #[test]
    fn code_language_labels_keep_only_safe_characters() {
        let html = render("```c++\nx\n```");
        assert!(html.contains("data-lang=\"c++\""), "{html}");
        let html = render("```\"><img src=x onerror=alert(1)>\nx\n```");
        assert!(html.contains("data-lang=\"img\""), "{html}");
        let html = render("```python title=\"x\"\nx\n```");
        assert!(
            html.contains("<span class=\"code-lang\">python</span>"),
            "{html}"
        );
        let html = render("```rust,ignore\nx\n```");
        assert!(html.contains("data-lang=\"rust\""), "{html}");
    }

    #[test]
    fn code_without_a_language_still_gets_its_header() {
        let expected =
            "<div class=\"code-block\"><div class=\"code-head\"><span class=\"code-lang\">\
                        </span><button type=\"button\" class=\"copy-code\">Copy</button></div>\
                        <pre tabindex=\"0\"><code>&lt;/code&gt;&lt;script&gt;\n</code></pre></div>\n";
        assert_eq!(render("```\n</code><script>\n```"), expected);
        assert_eq!(render("    </code><script>\n"), expected);
    }

    #[test]
    fn allowed_links_open_in_a_new_tab() {
        assert_eq!(
            render("[a](https://example.com/?q=1&r=\"2\")"),
            "<p><a href=\"https://example.com/?q=1&amp;r=&quot;2&quot;\" target=\"_blank\" \
             rel=\"noopener noreferrer\">a</a></p>\n"
        );
        assert_eq!(
            render("[a](HTTP://x.y \"t'\")"),
            "<p><a href=\"HTTP://x.y\" title=\"t&#39;\" target=\"_blank\" \
             rel=\"noopener noreferrer\">a</a></p>\n"
        );
        assert!(render("[m](mailto:a@b.c)").contains("href=\"mailto:a@b.c\""));
    }

    #[test]
    fn other_schemes_and_relative_links_keep_only_their_text() {
        for source in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](java&#x09;script:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x]( vbscript:msgbox)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](file:///etc/passwd)",
            "[x](/relative/path)",
            "[x](page.html)",
            "[x](//evil.example)",
            "[x](#anchor)",
            "[x](ftp://host)",
        ] {
            assert_eq!(render(source), "<p>x</p>\n", "{source}");
        }
    }

    #[test]
    fn the_scheme_is_read_the_way_browsers_read_it() {
        assert_eq!(safe_href("  https://a.b "), Some("https://a.b".into()));
        assert_eq!(safe_href("ht\ttp\ns://a.b"), Some("https://a.b".into()));
        assert_eq!(safe_href("\u{1}https://a.b"), Some("https://a.b".into()));
        assert_eq!(safe_href("java\tscript:alert(1)"), None);
        assert_eq!(safe_href("java\u{1}script:alert(1)"), None);
        assert_eq!(safe_href("\u{0}javascript:alert(1)"), None);
        assert_eq!(safe_href("http"), None);
        assert_eq!(safe_href("https\u{200b}://a.b"), None);
        assert_eq!(safe_href("MAILTO:a@b.c"), Some("MAILTO:a@b.c".into()));
    }

    #[test]
    fn autolinks_follow_the_same_rules() {
        assert_eq!(
            render("<https://a.b/c>"),
            "<p><a href=\"https://a.b/c\" target=\"_blank\" rel=\"noopener noreferrer\">\
             https://a.b/c</a></p>\n"
        );
        assert_eq!(
            render("<me@example.com>"),
            "<p><a href=\"mailto:me@example.com\" target=\"_blank\" rel=\"noopener noreferrer\">\
             me@example.com</a></p>\n"
        );
        assert_eq!(
            render("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
    }

    #[test]
    fn reference_links_follow_the_same_rules() {
        assert_eq!(render("[x][r]\n\n[r]: javascript:alert(1)"), "<p>x</p>\n");
        assert!(render("[x][r]\n\n[r]: https://a.b").contains("<a href=\"https://a.b\""));
    }

    #[test]
    fn images_become_links_and_are_never_loaded() {
        assert_eq!(
            render("![a *cat*](https://a.b/cat.png)"),
            "<p><a href=\"https://a.b/cat.png\" target=\"_blank\" rel=\"noopener noreferrer\" \
             class=\"image-link\">🖼 a cat</a></p>\n"
        );
        assert_eq!(
            render("![](https://a.b/cat.png)"),
            "<p><a href=\"https://a.b/cat.png\" target=\"_blank\" rel=\"noopener noreferrer\" \
             class=\"image-link\">🖼 https://a.b/cat.png</a></p>\n"
        );
        assert_eq!(render("![x](javascript:alert(1))"), "<p>🖼 x</p>\n");
        assert_eq!(render("![x](cat.png)"), "<p>🖼 x</p>\n");
        assert_eq!(
            render("![](data:image/png;base64,AA==)"),
            "<p>🖼 data:image/png;base64,AA==</p>\n"
        );
    }

    #[test]
    fn an_image_inside_a_link_does_not_nest_links() {
        assert_eq!(
            render("[![alt](https://a.b/i.png)](https://a.b)"),
            "<p><a href=\"https://a.b\" target=\"_blank\" rel=\"noopener noreferrer\">🖼 alt</a></p>\n"
        );
        // A link the image sits in that is refused leaves the image its own link.
        assert!(
            render("[![alt](https://a.b/i.png)](javascript:x)").contains("class=\"image-link\"")
        );
    }

    #[test]
    fn unfinished_markdown_from_a_streaming_reply_renders() {
        assert_eq!(
            render("```py\nprint(1"),
            "<div class=\"code-block\" data-lang=\"py\"><div class=\"code-head\">\
             <span class=\"code-lang\">py</span>\
             <button type=\"button\" class=\"copy-code\">Copy</button></div>\
             <pre tabindex=\"0\"><code>print(1</code></pre></div>\n"
        );
        assert_eq!(render("[a](https://a"), "<p>[a](https://a</p>\n");
        assert_eq!(render("**bold"), "<p>**bold</p>\n");
    }

    #[test]
    fn a_streaming_reply_is_cut_after_its_last_finished_block() {
        assert_eq!(stable_prefix_len(""), 0);
        assert_eq!(stable_prefix_len("one paragraph, still coming"), 0);
        let text = "First.\n\nSecond, still com";
        assert_eq!(&text[..stable_prefix_len(text)], "First.\n\n");
        // A blank line inside a fence does not end a block.
        let text = "Intro.\n\n```rust\nfn a() {}\n\nfn b() {}\n";
        assert_eq!(&text[..stable_prefix_len(text)], "Intro.\n\n");
        let text = "Intro.\n\n~~~\ncode\n\n~~~\n\nAfter";
        assert_eq!(
            &text[..stable_prefix_len(text)],
            "Intro.\n\n~~~\ncode\n\n~~~\n\n"
        );
        // A shorter run does not close a longer fence.
        let text = "````\n```\n\nstill code\n";
        assert_eq!(stable_prefix_len(text), 0);
    }

    #[test]
    fn a_reply_rendered_in_finished_parts_shows_the_same_text() {
        let reply = "# Title\n\nSome **bold** text.\n\n```\ncode\n\nmore\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\nLast line";
        let cut = stable_prefix_len(reply);
        assert!(cut > 0);
        assert_eq!(
            format!("{}{}", render(&reply[..cut]), render(&reply[cut..])),
            render(reply)
        );
    }
}
