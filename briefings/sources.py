"""Articles and feeds from the web, as pure functions: no network, no database.

The fetching itself lives in :mod:`bot.web` (it needs sockets and a safe HTTP client); this
module takes the bytes it fetched and turns them into newsroom input:

* :func:`canonical_url` gives one spelling per page (no tracking parameters, no fragment,
  lower-case host), so that the same article shared twice is recognised;
* :func:`decode_document` turns bytes into text by the declared charset, then by detection,
  and refuses what is not text;
* :func:`extract_article` finds the title, author, date, outlet and main text of a page with
  trafilatura, and refuses pages with too little text (paywall stubs, video pages);
* :func:`parse_feed` reads RSS 2.0 and Atom with feedparser, :func:`is_teaser` tells teaser
  entries from full text, :func:`entry_keys` gives the keys that dedupe entries;
* :func:`parse_opml` reads a subscription list, :class:`KeywordFilter` keeps or drops entries.
"""

from __future__ import annotations

import codecs
import io
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

from briefings.models import ArticleInput
from briefings.text import content_hash, normalise, strip_html, terms

MIN_ARTICLE_WORDS = 60
"""Fewer words than this is not an article: a paywall stub, a video page, a gallery."""

TEASER_WORDS = 150
"""A feed entry with fewer words than this is taken as a teaser, and the page is fetched."""

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "__s",
        "ref_src",
    }
)
_TEASER_ENDINGS = re.compile(
    r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\[more\]|read more\W*|continue reading\W*"
    r"|read the full (?:story|article)\W*)\s*$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SourceError(ValueError):
    """Something fetched cannot become an article or a feed; ``str()`` says why, for people."""


class InvalidUrl(SourceError):
    """Not an http:// or https:// address."""


class UnreadableDocument(SourceError):
    """The bytes are not text in any encoding we can trust."""


class NotAnArticle(SourceError):
    """The page has no article text worth a briefing (too little text, or none at all)."""


class NotAFeed(SourceError):
    """The document is not an RSS, Atom or OPML document."""


# --- URLs ------------------------------------------------------------------------------------


def is_web_url(text: str) -> bool:
    """True when ``text`` is one http(s) address and nothing else."""
    candidate = text.strip()
    if not candidate or any(ch.isspace() for ch in candidate):
        return False
    try:
        canonical_url(candidate)
    except InvalidUrl:
        return False
    return True


def _is_tracking(name: str) -> bool:
    lowered = unquote_plus(name).strip().lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def canonical_url(url: str) -> str:
    """One spelling of a web address, for dedupe.

    Lower-case scheme and host (IDNA for non-ASCII hosts), no user name or password, no default
    port, ``/`` for an empty path, no ``utm_*``/``fbclid``/``gclid``-style tracking parameters and
    no fragment. The order and spelling of the remaining query parameters are kept: some sites
    need them. Raises :class:`InvalidUrl` for anything but http and https.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"“{text[:80]}” is not a valid web address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidUrl(
            f"“{text[:80]}” is not a web address: only http:// and https:// links can be fetched."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidUrl(
            f"“{text[:80]}” has no host name; use a full address such as https://example.com/news."
        )
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidUrl(f"“{text[:80]}” has a host name that cannot be spelt in DNS.") from None
    host = host.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = "&".join(
        part for part in parts.query.split("&") if part and not _is_tracking(part.split("=", 1)[0])
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """The host name of a URL without ``www.``, for naming an outlet when the page does not."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host.removeprefix("www.")


class _HeadLinks(HTMLParser):
    """Collects ``<link rel=canonical>``, ``og:url``, feed links and the meta charset of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: str | None = None
        self.og_url: str | None = None
        self.feeds: list[tuple[str, str | None]] = []
        self.charset: str | None = None
        self.published: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            href = values.get("href", "").strip()
            if not href:
                return
            if "canonical" in rels and self.canonical is None:
                self.canonical = href
            elif "alternate" in rels and values.get("type", "").lower() in {
                "application/rss+xml",
                "application/atom+xml",
                "application/rdf+xml",
            }:
                self.feeds.append((href, values.get("title") or None))
        elif tag == "meta":
            prop = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if prop in {"article:published_time", "datepublished", "pubdate"} and self.published is None:
                self.published = values.get("content", "").strip() or None
            if values.get("property", "").lower() == "og:url" and self.og_url is None:
                self.og_url = values.get("content", "").strip() or None
            if self.charset is None:
                if values.get("charset"):
                    self.charset = values["charset"].strip()
                elif values.get("http-equiv", "").lower() == "content-type":
                    self.charset = charset_from_content_type(values.get("content"))


def _head_links(html: str) -> _HeadLinks:
    parser = _HeadLinks()
    # The head is near the top; parsing a bounded prefix keeps huge pages cheap.
    try:
        parser.feed(html[:200_000])
        parser.close()
    except Exception:  # HTMLParser can trip on broken markup; whatever it found so far is kept
        pass
    return parser


def page_canonical_url(html: str, page_url: str) -> str:
    """The page's own canonical address (``rel=canonical``, then ``og:url``), else ``page_url``'s.

    A relative canonical link is resolved against the page; a canonical link that is not
    http(s) is ignored.
    """
    links = _head_links(html)
    for candidate in (links.canonical, links.og_url):
        if candidate:
            try:
                return canonical_url(urljoin(page_url, candidate))
            except InvalidUrl:
                continue
    return canonical_url(page_url)


def discover_feeds(html: str, page_url: str) -> list[str]:
    """Feed addresses that a web page announces with ``<link rel="alternate" type="…rss+xml">``."""
    found: list[str] = []
    for href, _ in _head_links(html).feeds:
        try:
            found.append(canonical_url(urljoin(page_url, href)))
        except InvalidUrl:
            continue
    return list(dict.fromkeys(found))


# --- decoding --------------------------------------------------------------------------------


def charset_from_content_type(value: str | None) -> str | None:
    """The ``charset=`` of a Content-Type value, if any."""
    if not value:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", value, re.IGNORECASE)
    return match.group(1) if match else None


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _single_byte(codec: str) -> bool:
    return codec.startswith(("iso8859", "cp", "mac", "koi8", "latin", "windows")) and codec not in {
        "cp932",
        "cp949",
        "cp950",
        "cp65001",
    }


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    sample = text[:20_000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    replaced = sample.count("\ufffd")
    return control <= len(sample) * 0.01 and replaced <= len(sample) * 0.02


def decode_document(body: bytes, declared_charset: str | None = None) -> str:
    """Text of an HTML or XML document, trying in turn: a byte-order mark, the charset the server
    declared, the charset the page declares, UTF-8, then detection (charset-normalizer).

    A declared charset that does not decode the bytes is not trusted. Raises
    :class:`UnreadableDocument` when the bytes are binary or no encoding gives readable text.
    """
    if b"\x00" in body[:4096] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableDocument("That address returned binary data, not a web page.")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            try:
                return body.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError:
                break
    head = body[:4096].decode("ascii", errors="replace")
    candidates = [_known_codec(declared_charset), _known_codec(_head_links(head).charset)]
    xml_declaration = re.match(r"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", head)
    if xml_declaration:
        candidates.append(_known_codec(xml_declaration.group(1)))
    # A single-byte charset decodes any bytes, so it cannot be verified by decoding; bytes that
    # are valid UTF-8 with non-ASCII characters are UTF-8 whatever the label says (mislabelled
    # pages are common; the reverse accident practically never happens).
    declared = [c for c in candidates if c]
    candidates = (
        [c for c in declared if not _single_byte(c)] + ["utf-8"] + [c for c in declared if _single_byte(c)]
    )
    for codec in dict.fromkeys(candidates):
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _mostly_text(text):
            return text
    from charset_normalizer import from_bytes  # only needed for the rare undeclared, non-UTF-8 page

    best = from_bytes(body[:1_000_000]).best()
    if best is not None:
        text = body.decode(best.encoding, errors="replace")
        if _mostly_text(text):
            return text
    raise UnreadableDocument("That page's text is in an encoding I cannot read, so I left it alone.")


# --- articles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractedArticle:
    """What a web page says, ready to become an :class:`ArticleInput`."""

    url: str  # canonical
    title: str | None
    author: str | None
    published_at: datetime | None
    outlet: str
    text: str

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def to_input(self, topics: Sequence[str] = (), external_id: str | None = None) -> ArticleInput:
        return ArticleInput(
            text=self.text,
            title=self.title,
            source=self.outlet,
            url=self.url,
            published_at=self.published_at,
            external_id=external_id,
            topics=tuple(topics),
        )


def parse_published(value: str | None) -> datetime | None:
    """An ISO date or date-time as timezone-aware UTC; ``None`` for anything else."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return None
        parsed = datetime(day.year, day.month, day.day)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _clean_body(text: str, title: str | None, author: str | None) -> str:
    """Trafilatura's text with one paragraph per line; the headline and byline lines removed
    (the title is stored apart, and a byline is not part of the story)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    folded_title = " ".join(title.casefold().split()) if title else None
    kept: list[str] = []
    for index, line in enumerate(lines):
        folded = " ".join(line.casefold().split())
        if index < 3 and folded_title and folded == folded_title:
            continue
        if (
            index < 4
            and author
            and len(line) < 80
            and re.fullmatch(rf"(?:by\s+)?{re.escape(author.casefold())}\W*", folded)
        ):
            continue
        kept.append(line)
    return normalise("\n\n".join(kept))


def extract_article(html: str, url: str, *, min_words: int = MIN_ARTICLE_WORDS) -> ExtractedArticle:
    """The article in a web page: title, author, date, outlet (the site's name) and main text.

    Navigation, adverts, comments and related links are left out. ``url`` is the address the
    page was fetched from; the result's ``url`` is the page's canonical address. Raises
    :class:`NotAnArticle` when the page has fewer than ``min_words`` words of main text.
    """
    import trafilatura  # imported on use: loading it takes a third of a second

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,  # boilerplate in a briefing is worse than a lost closing line
        deduplicate=False,
    )
    record = document.as_dict() if document is not None and hasattr(document, "as_dict") else (document or {})
    title = _tidy(record.get("title"))
    author = _tidy(record.get("author"))
    raw_text = record.get("text") or ""
    text = _clean_body(raw_text, title, author) if raw_text else ""
    words = len(text.split())
    if words < min_words:
        what = "no article text" if words == 0 else f"only {words} words of article text"
        raise NotAnArticle(
            f"That page has {what}, too little for a briefing. It may be behind a paywall, a video or a "
            "photo gallery. Paste the article text with /add instead."
        )
    links = _head_links(html)
    canonical = page_canonical_url(html, url)
    outlet = _tidy(record.get("sitename")) or host_of(canonical) or host_of(url)
    published = parse_published(record.get("date"))
    precise = parse_published(links.published)
    if precise is not None and (published is None or precise.date() == published.date()):
        published = precise  # trafilatura keeps only the day; the page's meta tag has the time
    return ExtractedArticle(
        url=canonical, title=title, author=author, published_at=published, outlet=outlet, text=text
    )


def _tidy(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


# --- feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as plain text."""

    guid: str | None
    link: str | None  # canonical
    title: str | None
    summary: str
    content: str
    published_at: datetime | None
    author: str | None = None

    @property
    def text(self) -> str:
        """The fullest text the feed gives: the content, else the summary."""
        return self.content if len(self.content) >= len(self.summary) else self.summary


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title, home page and entries, newest first as the feed lists them."""

    title: str | None
    site_url: str | None
    format: str  # feedparser's version, e.g. "rss20", "atom10"
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class FeedItemKeys:
    """What identifies a feed entry for dedupe: its GUID, canonical link and content hash."""

    guid: str | None
    link: str | None
    content_hash: str


def _struct_time_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _feed_text(value: str | None) -> str:
    return normalise(strip_html(value)) if value else ""


def parse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed from its bytes. Raises :class:`NotAFeed` for anything else.

    feedparser is given the bytes, never a URL, so it cannot fetch anything by itself.
    """
    import feedparser  # imported on use

    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(
        io.BytesIO(data), response_headers=headers, resolve_relative_uris=True, sanitize_html=True
    )
    version = parsed.get("version") or ""
    if not version or version.startswith("cdf"):
        if parsed.get("bozo") and not parsed.entries:
            raise NotAFeed(
                "That address is not an RSS or Atom feed. Check the link, or use the page's "
                "feed link (often ending in /rss or /feed)."
            )
        if not parsed.entries:
            raise NotAFeed("That address is not an RSS or Atom feed.")
    entries = []
    for raw in parsed.entries:
        link = raw.get("link")
        try:
            canonical = canonical_url(urljoin(url or "", link)) if link else None
        except InvalidUrl:
            canonical = None
        content = max(
            (_feed_text(part.get("value")) for part in raw.get("content", []) or []), key=len, default=""
        )
        entries.append(
            FeedEntry(
                guid=(raw.get("id") or "").strip() or None,
                link=canonical,
                title=_tidy(_feed_text(raw.get("title"))),
                summary=_feed_text(raw.get("summary")),
                content=content,
                published_at=_struct_time_to_datetime(
                    raw.get("published_parsed") or raw.get("updated_parsed")
                ),
                author=_tidy(raw.get("author")),
            )
        )
    feed = parsed.get("feed", {})
    site = feed.get("link")
    return ParsedFeed(
        title=_tidy(_feed_text(feed.get("title"))),
        site_url=site or None,
        format=version or "unknown",
        entries=tuple(entries),
    )


def is_teaser(entry: FeedEntry, *, min_words: int = TEASER_WORDS) -> bool:
    """True when the entry gives only a teaser: short text, or text cut off with "…" or "Read more"."""
    text = entry.text
    return len(text.split()) < min_words or bool(_TEASER_ENDINGS.search(text))


def entry_keys(entry: FeedEntry) -> FeedItemKeys:
    """Dedupe keys of an entry. The content hash covers the title and text, not the date, so a
    feed that bumps dates or rewrites GUIDs does not repost."""
    return FeedItemKeys(
        guid=entry.guid, link=entry.link, content_hash=content_hash(f"{entry.title or ''}\n{entry.text}")
    )


def first_match(keys: FeedItemKeys, seen: Iterable[FeedItemKeys]) -> FeedItemKeys | None:
    """The seen item this entry repeats: by GUID first, then canonical link, then content hash.

    The order matters: a GUID match is certain; a link match catches rewritten GUIDs; a hash match
    catches an item re-published under a new GUID and a new link.
    """
    seen = list(seen)
    for attribute in ("guid", "link", "content_hash"):
        value = getattr(keys, attribute)
        if value is None:
            continue
        for item in seen:
            if getattr(item, attribute) == value:
                return item
    return None


# --- OPML ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpmlFeed:
    """A feed listed in an OPML file, with the folder names above it as topics."""

    url: str
    title: str | None = None
    topics: tuple[str, ...] = ()


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds of an OPML subscription list (``<outline xmlUrl=…>``), folders as topics.

    Documents with a DOCTYPE are refused: entity expansion is how XML bombs work, and OPML
    never needs one. Raises :class:`NotAFeed` for anything that is not OPML.
    """
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise NotAFeed("That OPML file declares a DOCTYPE or entities, which I do not read (XML bombs).")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise NotAFeed(f"That is not a valid OPML file: {exc}.") from None
    if root.tag.lower() != "opml":
        raise NotAFeed("That XML file is not OPML (its root element is not <opml>).")
    found: dict[str, OpmlFeed] = {}

    def walk(element: ElementTree.Element, folders: tuple[str, ...]) -> None:
        for child in element:
            if child.tag.lower() != "outline":
                walk(child, folders)
                continue
            attributes = {key.lower(): value for key, value in child.attrib.items()}
            label = _tidy(attributes.get("title") or attributes.get("text"))
            xml_url = attributes.get("xmlurl")
            if xml_url:
                try:
                    url = canonical_url(xml_url)
                except InvalidUrl:
                    continue
                topics = tuple(dict.fromkeys(f.lower() for f in folders))
                found.setdefault(url, OpmlFeed(url=url, title=label, topics=topics))
            walk(child, (*folders, label) if label and not xml_url else folders)

    walk(root, ())
    return list(found.values())


# --- keyword filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeywordFilter:
    """Per-feed keywords: keep an entry only if it mentions an ``include`` keyword (when there are
    any) and no ``exclude`` keyword. Keywords may be phrases; matching ignores case, accents and
    word endings ("election" matches "elections")."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _include_terms: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    _exclude_terms: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_include_terms", tuple(t for t in map(_keyword_terms, self.include) if t))
        object.__setattr__(self, "_exclude_terms", tuple(t for t in map(_keyword_terms, self.exclude) if t))

    @property
    def empty(self) -> bool:
        return not self.include and not self.exclude

    def rejection(self, *texts: str | None) -> str | None:
        """Why the entry is dropped, or ``None`` to keep it."""
        if self.empty:
            return None
        words = terms(" \n ".join(t for t in texts if t), keep_stopwords=True)
        for keyword, needle in zip(self.exclude, self._exclude_terms, strict=False):
            if _contains(words, needle):
                return f"mentions the excluded keyword “{keyword}”"
        if self._include_terms and not any(_contains(words, needle) for needle in self._include_terms):
            return "mentions none of the keywords " + ", ".join(f"“{k}”" for k in self.include)
        return None


def _keyword_terms(keyword: str) -> tuple[str, ...]:
    return tuple(terms(keyword, keep_stopwords=True))


def _contains(words: Sequence[str], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    if size == 1:
        return needle[0] in words
    first = needle[0]
    return any(
        words[i] == first and tuple(words[i : i + size]) == needle for i in range(len(words) - size + 1)
    )
