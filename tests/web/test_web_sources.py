"""Pure web-source logic: canonical URLs, extraction, feeds, OPML and keyword filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from local_web import AUTHOR, COMMENTS, SITE_NAME, NewsSite, article_page, stub_page
from overlap import word_overlap

from briefings.sources import (
    FeedItemKeys,
    InvalidUrl,
    KeywordFilter,
    NotAFeed,
    NotAnArticle,
    UnreadableDocument,
    canonical_url,
    decode_document,
    discover_feeds,
    entry_keys,
    extract_article,
    first_match,
    is_teaser,
    is_web_url,
    page_canonical_url,
    parse_feed,
    parse_opml,
)

BASE = "https://news.example.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://News.Example.COM/a/1?utm_source=tw&id=7&utm_medium=social#comments",
            "https://news.example.com/a/1?id=7",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:80/x?fbclid=abc", "http://example.com/x"),
        ("https://example.com:8443/x?gclid=1&b=2&a=1", "https://example.com:8443/x?b=2&a=1"),
        ("https://user:pw@Example.com./p?UTM_Campaign=x", "https://example.com/p"),
        ("https://bücher.example/seite", "https://xn--bcher-kva.example/seite"),
        ("https://[2001:DB8::1]/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://example.com/x",
        "javascript:alert(1)",
        "mailto:a@b.c",
        "https:///nohost",
        "http://example.com:99999/",
    ],
)
def test_canonical_url_refuses_non_web_addresses(raw: str) -> None:
    with pytest.raises(InvalidUrl):
        canonical_url(raw)
    assert not is_web_url(raw)


def test_is_web_url_wants_exactly_one_address() -> None:
    assert is_web_url("https://example.com/a")
    assert not is_web_url("https://example.com/a and some text")
    assert not is_web_url("")


def test_the_page_canonical_link_wins() -> None:
    html = '<html><head><link rel="canonical" href="/story/1?utm_source=x"></head><body></body></html>'
    assert (
        page_canonical_url(html, "https://example.com/amp/story/1?ref=abc") == "https://example.com/story/1"
    )
    og = '<html><head><meta property="og:url" content="https://example.com/s/2#x"></head></html>'
    assert page_canonical_url(og, "https://example.com/s/2?fbclid=1") == "https://example.com/s/2"
    bad = '<html><head><link rel="canonical" href="javascript:void(0)"></head></html>'
    assert page_canonical_url(bad, "https://Example.com/p#f") == "https://example.com/p"


def test_extraction_recovers_the_body_and_drops_boilerplate(corpus_articles: list[dict]) -> None:
    site = NewsSite(articles=corpus_articles, base=BASE)
    scores = []
    for index, record in enumerate(corpus_articles[:20]):
        page = article_page(
            record,
            base=BASE,
            related=corpus_articles[index + 1 : index + 6],
            published=datetime(2005, 1, 3, 9, tzinfo=UTC),
        )
        extracted = extract_article(page, f"{BASE}/article/{record['id']}?utm_source=rss")
        assert extracted.title == record["title"]
        assert extracted.author == AUTHOR
        assert extracted.outlet == SITE_NAME
        assert extracted.published_at == datetime(2005, 1, 3, 9, tzinfo=UTC)
        assert extracted.url == site.article_url(record)
        for clutter in ("cookie", "Advertisement", "Sign in to comment", COMMENTS[0], "All rights reserved"):
            assert clutter not in extracted.text
        scores.append(word_overlap(extracted.text, record["text"]))
    mean_precision = sum(s.precision for s in scores) / len(scores)
    mean_recall = sum(s.recall for s in scores) / len(scores)
    assert mean_recall > 0.95 and mean_precision > 0.95, (mean_precision, mean_recall)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Markets rally as rates hold", "Subscribe to read the full story. Already a subscriber? Sign in."),
        ("Watch: the moment the bridge opened", "Video, 2 minutes 14 seconds."),
    ],
)
def test_too_little_text_is_refused_with_a_reason(title: str, body: str) -> None:
    with pytest.raises(NotAnArticle, match="too little for a briefing"):
        extract_article(stub_page(title, body), "https://example.com/x")


def test_decoding_trusts_only_charsets_that_work() -> None:
    text = "<html><head><meta charset='windows-1252'></head><body>Café crème</body></html>"
    assert "Café crème" in decode_document(text.encode("cp1252"), "utf-8")  # the header lies
    assert "Café crème" in decode_document(text.encode("utf-8"), None)
    assert "Café" in decode_document(text.encode("utf-8"), "no-such-charset")
    with pytest.raises(UnreadableDocument):
        decode_document(bytes(range(256)) * 20, "utf-8")


def test_feed_discovery_from_a_page() -> None:
    html = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feeds/all.rss?utm_source=x">'
        '<link rel="alternate" type="application/atom+xml" href="https://example.com/atom"></head></html>'
    )
    assert discover_feeds(html, "https://example.com/news/") == [
        "https://example.com/feeds/all.rss",
        "https://example.com/atom",
    ]


def test_rss_and_atom_feeds_are_parsed(corpus_articles: list[dict]) -> None:
    site = NewsSite(articles=corpus_articles, base=BASE)
    site.add_items(4)
    full = parse_feed(site.rss(full=True).encode(), url=f"{BASE}/feeds/full.rss")
    assert full.format == "rss20" and len(full.entries) == 4
    newest = full.entries[0]
    record = site.items[0].record
    assert newest.guid == f"urn:gazette:{record['id']}"
    assert newest.link == site.article_url(record)  # tracking parameters gone
    assert newest.title == record["title"]
    assert newest.published_at == site.items[0].published
    assert word_overlap(newest.text, record["text"]).recall > 0.98
    assert not is_teaser(newest) or len(record["text"].split()) < 150

    teasers = parse_feed(site.rss(full=False).encode())
    assert all(is_teaser(entry) for entry in teasers.entries)

    atom = parse_feed(site.atom().encode(), url=f"{BASE}/feeds/atom.xml")
    assert atom.format == "atom10" and len(atom.entries) == 4
    assert atom.entries[0].link == site.article_url(record) and atom.entries[0].author == AUTHOR
    assert all(is_teaser(entry) for entry in atom.entries)


def test_not_a_feed_is_refused() -> None:
    with pytest.raises(NotAFeed):
        parse_feed(b"<html><body><p>Just a page</p></body></html>")
    with pytest.raises(NotAFeed):
        parse_feed(b"\x00\x01binary")


def test_entry_keys_survive_guid_and_date_rewrites(corpus_articles: list[dict]) -> None:
    site = NewsSite(articles=corpus_articles, base=BASE)
    site.add_items(3)
    from datetime import timedelta

    before = [entry_keys(e) for e in parse_feed(site.rss(full=True).encode()).entries]
    rewritten = parse_feed(site.rss(full=True, guid_suffix="?v=2", date_shift=timedelta(hours=5)).encode())
    for entry in rewritten.entries:
        keys = entry_keys(entry)
        assert keys.guid not in {k.guid for k in before}
        match = first_match(keys, before)
        assert match is not None and match.link == keys.link


def test_first_match_order() -> None:
    seen = [FeedItemKeys("g1", "https://a/1", "h1"), FeedItemKeys("g2", "https://a/2", "h2")]
    assert first_match(FeedItemKeys("g2", "https://a/1", "h1"), seen) == seen[1]  # GUID first
    assert first_match(FeedItemKeys("new", "https://a/2", "h1"), seen) == seen[1]  # then link
    assert first_match(FeedItemKeys(None, None, "h1"), seen) == seen[0]  # then content
    assert first_match(FeedItemKeys("new", "https://a/3", "h3"), seen) is None


def test_opml_with_folders_as_topics() -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>
    <outline text="Business"><outline type="rss" text="Markets" xmlUrl="https://m.example/rss?utm_source=x"/>
    <outline text="Deeper"><outline text="Oil" xmlUrl="https://oil.example/feed"/></outline></outline>
    <outline text="Loose" xmlUrl="https://loose.example/atom.xml"/>
    <outline text="Duplicate" xmlUrl="https://m.example/rss"/>
    <outline text="Bad" xmlUrl="ftp://bad.example/feed"/></body></opml>"""
    feeds = parse_opml(opml)
    assert [(f.url, f.topics) for f in feeds] == [
        ("https://m.example/rss", ("business",)),
        ("https://oil.example/feed", ("business", "deeper")),
        ("https://loose.example/atom.xml", ()),
    ]
    assert feeds[0].title == "Markets"


def test_opml_refuses_entities_and_non_opml() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><opml><body>&lol;</body></opml>'
    with pytest.raises(NotAFeed, match="DOCTYPE"):
        parse_opml(bomb)
    with pytest.raises(NotAFeed):
        parse_opml(b"<rss></rss>")
    with pytest.raises(NotAFeed):
        parse_opml(b"not xml at all <")


def test_keyword_filters() -> None:
    keep_oil = KeywordFilter(include=("oil", "gas price"), exclude=("football",))
    assert keep_oil.rejection("Oil prices rise", "Crude climbed.") is None
    assert keep_oil.rejection("Gas prices soar", "") is None  # phrase, with word endings ignored
    assert keep_oil.rejection("Soil erosion", "Farmers worry.") is not None  # whole words only
    assert "football" in (keep_oil.rejection("Oil money in football", "") or "")
    assert "none of the keywords" in (keep_oil.rejection("Elections", "Voters") or "")
    assert KeywordFilter().rejection("anything") is None
    assert KeywordFilter(exclude=("Élection",)).rejection("Elections today") is not None
