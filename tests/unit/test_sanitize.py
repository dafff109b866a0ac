"""deliberation.sanitize: the XSS corpus stays inert, Markdown still works, mentions are exact."""

import re

import pytest
from bleach._vendor import html5lib  # bleach vendors html5lib; it parses the way browsers do
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.sanitize import (
    MAX_BODY_CHARS,
    clean_html,
    mention_names,
    plain_text,
    render_markdown,
    render_markdown_with_mentions,
    render_plain,
)
from tests.xss.corpus import load_payloads

# Written out again here rather than imported, so a loosened allow-list in the module fails a test.
ALLOWED_ATTRIBUTES = {
    "p": set(), "br": set(), "em": set(), "strong": set(), "del": set(), "s": set(),
    "a": {"href", "title", "rel"}, "ul": set(), "ol": {"start"}, "li": set(),
    "blockquote": set(), "code": set(), "pre": set(), "h3": set(), "h4": set(), "h5": set(),
    "h6": set(), "hr": set(), "table": set(), "thead": set(), "tbody": set(), "tr": set(),
    "th": set(), "td": set(), "span": {"class", "title"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_OPENINGS = ("<script", "<iframe", "<svg", "<math", "<object", "<embed")
REL = "nofollow noopener noreferrer"

# Hostile display names: the title attribute they land in must not break out.
KNOWN = {
    "bob": 'Bob" onmouseover="alert(1)',
    "alice": "<script>alert(1)</script>",
    "alert": "x' onfocus='alert(1)' autofocus '",
    "evil.example": "`onmouseover=alert(1)`",
}

PAYLOADS = load_payloads()


def _scheme(href: str) -> str | None:
    # The parser has decoded entities once, as a browser does; browsers also ignore whitespace and
    # control characters in and around the scheme.
    compact = re.sub(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028\u2029\ufeff]", "", href).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", compact)
    return match.group(1) if match else None


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for opening in FORBIDDEN_OPENINGS:
        assert opening not in lowered, opening
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    for element in fragment.iter():
        if element is fragment:
            continue
        assert isinstance(element.tag, str), f"comment or processing instruction survived: {html!r}"
        assert element.tag in ALLOWED_ATTRIBUTES, f"<{element.tag}> in {html!r}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name not in ("style", "srcdoc"), name
            assert name in ALLOWED_ATTRIBUTES[element.tag], f"{element.tag}[{name}] in {html!r}"
            if name == "href":
                assert _scheme(value) in SAFE_SCHEMES | {None}, value
        if element.tag == "a":
            assert element.get("rel") == REL
        if element.tag == "span":
            assert element.get("class") == "mention"


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"{i:03d}" for i in range(len(PAYLOADS))])
def test_payload_is_inert(payload):
    assert_inert(render_markdown(payload))
    assert_inert(render_markdown_with_mentions(payload, KNOWN))


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"{i:03d}" for i in range(len(PAYLOADS))])
def test_payload_is_inert_through_bleach_alone(payload):
    # Markdown escapes raw HTML before bleach sees it; this checks the second layer on its own.
    assert_inert(clean_html(payload))


def test_corpus_is_large_and_without_duplicates():
    assert len(PAYLOADS) >= 120
    assert len(set(PAYLOADS)) == len(PAYLOADS)


# --- Markdown features ---------------------------------------------------------------------------

def test_blank_source_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown("  \n\t\n") == ""


def test_overlong_source_is_refused():
    with pytest.raises(ValueError):
        render_markdown("x" * (MAX_BODY_CHARS + 1))


def test_emphasis_and_strikethrough():
    assert render_markdown("*a* **b** ~~c~~") == "<p><em>a</em> <strong>b</strong> <s>c</s></p>"


def test_lists_keep_their_start():
    assert render_markdown("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert render_markdown("3. a\n4. b").startswith('<ol start="3">\n<li>a</li>')


def test_links_get_rel_and_keep_title():
    html = render_markdown('[site](https://example.com/a?b=1&c=2 "The site")')
    assert html == ('<p><a href="https://example.com/a?b=1&amp;c=2" title="The site" '
                    f'rel="{REL}">site</a></p>')


def test_bare_urls_are_linked_with_rel():
    html = render_markdown("see https://example.com/x.")
    assert html == f'<p>see <a href="https://example.com/x" rel="{REL}">https://example.com/x</a>.</p>'


@pytest.mark.parametrize("source", [
    "javascript:alert(1)", "www.example.com", "setup.py", "ftp://example.com", "bob@example.com",
])
def test_only_explicit_web_urls_are_linked(source):
    assert "<a" not in render_markdown(source)


def test_target_from_raw_html_is_dropped():
    html = clean_html('<a href="https://x.example/" target="_blank" rel="opener">x</a>')
    assert html == f'<a href="https://x.example/" rel="{REL}">x</a>'


def test_blockquote():
    assert render_markdown("> quoted") == "<blockquote>\n<p>quoted</p>\n</blockquote>"


def test_html_in_code_is_shown_escaped():
    assert render_markdown("`<b>x</b>`") == "<p><code>&lt;b&gt;x&lt;/b&gt;</code></p>"
    html = render_markdown("```html\n<script>alert(1)</script>\n```")
    assert html == "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>"


def test_raw_html_is_text():
    assert render_markdown("<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_tables():
    html = render_markdown("| a | b |\n|--:|---|\n| 1 | 2 |")
    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html
    assert "style" not in html  # alignment is dropped rather than allowing style


def test_headings_are_demoted():
    assert render_markdown("# One\n## Two\n### Three\n#### Four") == (
        "<h3>One</h3>\n<h4>Two</h4>\n<h3>Three</h3>\n<h4>Four</h4>")


def test_images_become_links():
    assert render_markdown("![a cat](https://x.example/cat.png)") == (
        f'<p><a href="https://x.example/cat.png" rel="{REL}">a cat</a></p>')
    assert render_markdown("![a cat](data:image/png;base64,AAAA)") == "<p>a cat</p>"


# --- Mentions ------------------------------------------------------------------------------------

def test_mentions_are_found_lowercased_unique_in_order():
    assert mention_names("hi @Bob and @alice, @bob again") == ["bob", "alice"]


def test_mentions_in_code_are_ignored():
    assert mention_names("`@bob`\n\n```\n@carol\n```\n\n    @dave\n\n@erin") == ["erin"]


def test_email_addresses_are_not_mentions():
    assert mention_names("write to bob@example.com or @eve.") == ["eve"]


def test_mentions_in_links_are_ignored():
    assert mention_names("[@bob](https://x.example/) https://x.example/@carol") == []


@pytest.mark.parametrize("source, expected", [
    ("@a", []),
    ("@ab", ["ab"]),
    ("@" + "x" * 64, ["x" * 64]),
    ("@" + "x" * 65, []),
    ("@jo.doe.", ["jo.doe"]),
    ("@jo_doe-2!", ["jo_doe-2"]),
    ("@Zoë and @Ünal", ["zoë", "ünal"]),
    ("a+@bob @@bob x/@bob", []),
])
def test_mention_handle_rules(source, expected):
    assert mention_names(source) == expected


def test_only_known_mentions_become_spans():
    html = render_markdown_with_mentions("@Carol and @bob", {"bob": "Bob B"})
    assert html == '<p>@Carol and <span class="mention" title="Bob B">@bob</span></p>'


def test_mentions_in_code_and_links_are_not_rendered():
    html = render_markdown_with_mentions("`@bob` [@bob](https://x.example/)", {"bob": "Bob"})
    assert "<span" not in html


def test_plain_render_ignores_mentions():
    assert "<span" not in render_markdown("@bob")


def test_display_name_cannot_inject_attributes():
    html = render_markdown_with_mentions("@bob @alice @alert", KNOWN)
    assert_inert(html)
    spans = html5lib.parseFragment(html, namespaceHTMLElements=False).findall(".//span")
    assert [span.get("title") for span in spans] == [KNOWN["bob"], KNOWN["alice"], KNOWN["alert"]]
    assert all(set(span.attrib) == {"class", "title"} for span in spans)


def test_handle_cannot_carry_markup():
    html = render_markdown_with_mentions('@bob"onmouseover=alert(1)><b>x', KNOWN)
    assert_inert(html)
    assert html.startswith(f'<p><span class="mention" title="{KNOWN["bob"].replace(chr(34), "&quot;")}">'
                           '@bob</span>&quot;onmouseover=alert(1)&gt;&lt;b&gt;x</p>')


def test_typed_mention_markup_is_escaped():
    html = render_markdown_with_mentions('<span class="mention" onclick="x">@bob</span>', {})
    assert "<span" not in html


# --- Plain text ----------------------------------------------------------------------------------

def test_render_plain_escapes_and_keeps_lines():
    html = render_plain('<b>bold</b> & "q" \'s\'\r\nline two\nthree')
    assert "<b>" not in html
    assert html == ("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot; &#x27;s&#x27;<br>\n"
                    "line two<br>\nthree")
    assert render_plain(" \n ") == ""


def test_plain_text_strips_tags_and_decodes_entities():
    html = render_markdown_with_mentions("# Hi\n\n**bold** &amp; <x> @bob\n\n- one\n- two",
                                         {"bob": "Bob"})
    assert plain_text(html) == "Hi\n\nbold & <x> @bob\n\none\n\ntwo"


# --- Properties ----------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "<", ">", "&", '"', "'", "`", "*", "_", "~~", "[", "]", "(", ")", "!", "#", "@", ":", "/",
    "\\", " ", "\n", "\t", "-", "|", "=", "a", "bob", "javascript:", "<script>", "</script>",
    "&#", "&#x6a;", ";", "http://", "https://x.example/", "@bob", "```", "    ", "> ", "1. ",
    "<img src=x onerror=alert(1)>", "&lt;", "\x00", "\u200b", "＜", "\r",
])
markdownish = st.lists(_FRAGMENTS, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), markdownish))
def test_rendering_is_idempotently_clean(source):
    html = render_markdown(source)
    assert clean_html(html) == html
    assert "<script" not in html.lower()
    assert_inert(html)


@settings(max_examples=200, deadline=None)
@given(markdownish)
def test_rendering_with_mentions_is_idempotently_clean(source):
    html = render_markdown_with_mentions(source, KNOWN)
    assert clean_html(html) == html
    assert_inert(html)
