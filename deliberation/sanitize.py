"""User text -> HTML. This module is the only place where that happens.

Members write comments in Markdown. The Markdown is rendered and sanitized once, when it is saved
(STYLE.md, principle 10); the stored HTML is the only user-derived field a template may mark safe.
Keeping every path here means one allow-list to review and one place to change it.

Three layers stand between a member's text and a browser, and none is trusted alone:

1. markdown-it-py runs with raw HTML disabled, so tags a member types come out as escaped text;
2. bleach cleans markdown-it's output against a strict allow-list of tags, attributes and URL
   schemes, and a filter forces ``rel`` on every link;
3. outside this module, templates autoescape everything else and a Content-Security-Policy forbids
   inline script.

bleach is deprecated upstream (security fixes only, no new development). That is a further reason it
sits behind this one module: replacing it (with nh3, say) changes this file and nothing else, and
``tests/xss/payloads.txt`` says whether the replacement is as strict.
"""

import re
import threading
from html import escape
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt
from markdown_it.token import Token
from .numbers import whole_number

MAX_BODY_CHARS = 20_000

ALLOWED_TAGS = frozenset({
    "p", "br", "em", "strong", "del", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

# A comment's headings must not outrank the page's own h1/h2.
_HEADING_DEMOTION = {"h1": "h3", "h2": "h4"}

# Not preceded by a handle character, '+' or '/' (e-mail addresses, URL paths); 2-64 handle
# characters; a trailing '.' is sentence punctuation, not part of the handle.
_MENTION = re.compile(r"(?<![\w.+\-/@])@([\w.\-]{1,63}[\w\-])(?![\w\-]|\.[\w\-])")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title", "rel")
    if tag == "ol":
        return name == "start" and whole_number(value) is not None
    if tag == "span":
        return (name == "class" and value == "mention") or name == "title"
    return False


class _LinkRelFilter(Filter):
    """Give every surviving <a> the same rel, whatever the input said, and no target."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token["data"])
                attrs.pop((None, "target"), None)
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)
# bleach's parser keeps state between calls, so one cleaner must not run twice at once.
_CLEANER_LOCK = threading.Lock()


def clean_html(html: str) -> str:
    """Run HTML through the allow-list. Used on markdown-it output; also for re-checking stored HTML."""
    with _CLEANER_LOCK:
        return _CLEANER.clean(html)


# --- Markdown ------------------------------------------------------------------------------------

def _demote_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_DEMOTION.get(token.tag, token.tag)


def _mention_candidates(tokens):
    """Yield (inline children, index, token) for each text token where a mention may stand.

    Code spans and code blocks are separate token types, so they never show up here. Link text is
    skipped too: a mention inside a link would nest one target inside another, and linkified URLs
    such as https://host/@name are not mentions.
    """
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        link_depth = 0
        for index, token in enumerate(block.children):
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            elif token.type == "text" and link_depth == 0 and "@" in token.content:
                yield block.children, index, token


def _link_mentions(state) -> None:
    known = state.env.get("known_mentions")
    if not known:
        return
    # Walk backwards so replacing one token does not shift the indexes still to come.
    for children, index, token in reversed(list(_mention_candidates(state.tokens))):
        pieces, last = [], 0
        for match in _MENTION.finditer(token.content):
            handle = match.group(1)
            if handle.lower() not in known:
                continue
            pieces.append(_text_token(token.content[last:match.start()]))
            mention = Token("mention", "span", 0)
            mention.content = handle
            mention.meta = {"title": known[handle.lower()]}
            pieces.append(mention)
            last = match.end()
        if pieces:
            pieces.append(_text_token(token.content[last:]))
            children[index:index + 1] = [piece for piece in pieces if piece.content]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _render_mention(renderer, tokens, index, options, env) -> str:
    token = tokens[index]
    return (f'<span class="mention" title="{escape(str(token.meta["title"]))}">'
            f"@{escape(token.content)}</span>")


# http(s) or scheme-less (relative) URLs; bleach checks the scheme again on the rendered link.
_WEB_URL = re.compile(r"^(?:https?:|[^:]*$)", re.IGNORECASE)


def _render_image(renderer, tokens, index, options, env) -> str:
    """Images are not embedded (tracking pixels, layout abuse): show a link to them instead."""
    token = tokens[index]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    if not _WEB_URL.match(src):  # data: and friends: the alt text alone
        return escape(alt or "[image]")
    return f'<a href="{escape(src)}">{escape(alt or src)}</a>'


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    # Only explicit http(s):// and mailto: URLs become links; no guessing that "setup.py" is a
    # host, and no ftp: or protocol-relative links.
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    md.linkify.add("ftp:", None)
    md.linkify.add("//", None)
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("link_mentions", _link_mentions)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("image", _render_image)
    return md


_MARKDOWN = _build_markdown()


def _check_length(source: str) -> None:
    if len(source) > MAX_BODY_CHARS:
        raise ValueError(f"text is longer than {MAX_BODY_CHARS} characters")


def render_markdown(source: str) -> str:
    """Markdown source -> sanitized HTML, once on write; "" for blank source.

    Raises ValueError past MAX_BODY_CHARS: callers validate length first, this bounds the work.
    """
    return render_markdown_with_mentions(source, {})


def render_markdown_with_mentions(source: str, known: dict[str, str]) -> str:
    """As render_markdown, with each @handle in `known` (lower-cased handle -> display name)
    rendered as <span class="mention" title="display name">@handle</span>. Code is left alone."""
    _check_length(source)
    if not source.strip():
        return ""
    html = _MARKDOWN.render(source, {"known_mentions": known})
    return clean_html(html).strip()


def mention_names(source: str) -> list[str]:
    """The @name mentions in a Markdown source, lower-cased, unique, in order of appearance.

    Ignores code spans and blocks, link text and e-mail addresses, exactly as rendering does.
    """
    _check_length(source)
    names: dict[str, None] = {}
    for _children, _index, token in _mention_candidates(_MARKDOWN.parse(source)):
        for match in _MENTION.finditer(token.content):
            names.setdefault(match.group(1).lower())
    return list(names)


# --- Plain text ----------------------------------------------------------------------------------

def render_plain(source: str) -> str:
    """Plain text (statements, replacement text) -> escaped HTML, line breaks kept as <br>."""
    text = source.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    return clean_html(escape(text, quote=True).replace("\n", "<br>\n"))


_BLOCK_TAGS = frozenset({"p", "br", "li", "blockquote", "pre", "tr", "hr",
                         "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_INVISIBLE_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _INVISIBLE_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """Sanitized HTML -> plain text for notifications and e-mail excerpts: no tags, entities decoded.

    The result is text, not HTML: whoever puts it into HTML again must escape it.
    """
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
