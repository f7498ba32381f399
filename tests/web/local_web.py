"""A small news site on loopback for the web-ingestion tests and the extraction benchmark.

Article pages are built at run time from ``bbc_dev.jsonl`` of the shared corpus (never copied
into the repository) and wrapped in the clutter of a real news site: navigation, a cookie
banner, adverts, a share bar, related links, a comments section and a footer. The site also
serves RSS 2.0 and Atom feeds of those articles with ETag / Last-Modified and 304 answers, a
feed that rewrites its GUIDs and dates on every request, and the hostile responses the fetcher
must survive: oversized, dripping, a gzip bomb, redirect chains and redirects to private hosts.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

SITE_NAME = "The Loopback Gazette"
AUTHOR = "Sam Writer"
NAV = ["Home", "World", "Business", "Politics", "Technology", "Sport", "Culture", "Weather", "Podcasts"]
COMMENTS = [
    "First! Can't believe nobody else has commented on this yet.",
    "I have been saying this for years and nobody listens to me at all.",
    "Does anyone know where I can get the full report mentioned here?",
    "Great reporting as always, keep it up team.",
]


def load_corpus_articles(corpus: Path, limit: int | None = None) -> list[dict]:
    """Articles of ``bbc_dev.jsonl`` (id, category, title, text), in file order."""
    rows: list[dict] = []
    with (corpus / "bbc_dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n") if part.strip()]


def article_page(
    record: dict, *, base: str, related: list[dict], published: datetime, charset: str = "utf-8"
) -> str:
    """A full news page around one article, with everything an extractor must leave out."""
    title = html.escape(record["title"])
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(record["text"]))
    if len(_paragraphs(record["text"])) > 3:  # an in-article advert and a pull-out, as real sites have
        paragraphs = _paragraphs(record["text"])
        body = "\n".join(
            [f"<p>{html.escape(p)}</p>" for p in paragraphs[:2]]
            + [
                '<div class="ad-slot inline-ad"><span>Advertisement</span><a href="/ads/1">Save 50% on '
                "premium broadband this month only — click here</a></div>"
            ]
            + [f"<p>{html.escape(p)}</p>" for p in paragraphs[2:]]
        )
    nav = "".join(f'<li><a href="{base}/section/{n.lower()}">{n}</a></li>' for n in NAV)
    related_links = "".join(
        f'<li><a href="{base}/article/{r["id"]}">{html.escape(r["title"])}</a></li>' for r in related
    )
    comments = "".join(
        f'<div class="comment"><span class="user">reader{i}</span><p>{html.escape(c)}</p></div>'
        for i, c in enumerate(COMMENTS)
    )
    iso = published.isoformat()
    canonical = f"{base}/article/{record['id']}"
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>{title} | {SITE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="{AUTHOR}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="{canonical}">
<link rel="alternate" type="application/rss+xml" title="Top stories" href="/feeds/full.rss">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<style>body {{ font-family: sans-serif; }} .ad-slot {{ border: 1px solid #ccc; }}</style>
</head><body>
<div id="cookie-banner"><p>We use cookies to improve your experience and to show you personalised adverts.
By continuing to browse you agree to our cookie policy.</p>
<button>Accept all</button><button>Settings</button></div>
<header class="site-header"><a class="logo" href="{base}/">{SITE_NAME}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search the Gazette"></form></header>
<div class="ad-slot leaderboard"><span>Advertisement</span>
<a href="/ads/2">New cars from 99 a month. Apply now.</a></div>
<main>
<article class="story">
<h1 class="headline">{title}</h1>
<div class="byline">By <a rel="author" href="/authors/sam">{AUTHOR}</a>, Business reporter</div>
<time datetime="{iso}">{published:%d %B %Y}</time>
<div class="share-bar"><a href="/share/fb">Share on Facebook</a> <a href="/share/x">Share on X</a>
<a href="/share/mail">Email this story</a></div>
<div class="story-body">
{body}
</div>
</article>
<aside class="related"><h2>Related stories</h2><ul>{related_links}</ul></aside>
<section id="comments"><h2>Comments ({len(COMMENTS)})</h2>{comments}
<p><a href="/login">Sign in to comment</a></p></section>
<aside class="most-read"><h2>Most read</h2><ol>{related_links}</ol></aside>
</main>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li>
<li><a href="/terms">Terms of use</a></li><li><a href="/contact">Contact</a></li></ul>
<p>Copyright 2005 {SITE_NAME}. All rights reserved. The Gazette is not responsible for the content of
external sites.</p></footer>
</body></html>"""


def div_soup_page(record: dict, *, base: str, related: list[dict], published: datetime) -> str:
    """The same article in a harder layout: no semantic tags, generic class names, and boilerplate
    written as paragraphs of prose (a newsletter pitch, a promo, long comments) like the body."""
    title = html.escape(record["title"])
    paragraphs = [f'<div class="c7"><p>{html.escape(p)}</p></div>' for p in _paragraphs(record["text"])]
    promo = (
        '<div class="c7 promo"><p>Get our morning briefing in your inbox every weekday. It is free, '
        "it takes two minutes to read, and you can unsubscribe at any time by clicking the link in any "
        "email.</p></div>"
    )
    paragraphs.insert(min(3, len(paragraphs)), promo)
    related_items = "".join(
        f'<div class="r1"><a href="{base}/article/{r["id"]}">{html.escape(r["title"])}</a>'
        f"<p>{html.escape(' '.join(r['text'].split()[:25]))}</p></div>"
        for r in related
    )
    comments = "".join(
        f'<div class="k2"><div class="k3">reader{i} wrote:</div><p>{html.escape(c)} I also think the '
        "government should look at this much more carefully before anything else happens.</p></div>"
        for i, c in enumerate(COMMENTS)
    )
    nav = " ".join(f'<a href="{base}/section/{n.lower()}">{n}</a>' for n in NAV)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - {SITE_NAME}</title>
<meta property="og:site_name" content="{SITE_NAME}"><meta name="author" content="{AUTHOR}">
<meta property="article:published_time" content="{published.isoformat()}"></head><body>
<div class="h1x"><div class="h2x">{nav}</div></div>
<div class="w"><div class="t"><span class="x9">{title}</span></div>
<div class="m">{AUTHOR} · {published:%d %B %Y}</div>
{"".join(paragraphs)}
<div class="r0"><div class="r00">More from the Gazette</div>{related_items}</div>
<div class="k1"><div class="k0">{len(COMMENTS)} comments</div>{comments}</div></div>
<div class="f"><p>{SITE_NAME} is published by Loopback Media Ltd. All rights reserved. We use cookies to give
you the best experience on our website and to show you relevant advertising.</p></div></body></html>"""


def stub_page(title: str, body: str) -> str:
    """A page with hardly any text: a paywall stub or a video page."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta property="og:site_name" content="{SITE_NAME}"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{html.escape(title)}</h1>
<p>{html.escape(body)}</p></article><footer>Copyright {SITE_NAME}</footer></body></html>"""


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _teaser(text: str, words: int = 30) -> str:
    return " ".join(text.split()[:words]) + " …"


@dataclass
class FeedItem:
    """An item of a served feed."""

    record: dict
    guid: str
    published: datetime


@dataclass
class NewsSite:
    """The site's content and counters; tests change ``items`` between polls."""

    articles: list[dict]
    base: str = ""
    items: list[FeedItem] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    not_modified: dict[str, int] = field(default_factory=dict)
    rewrite_counter: int = 0
    epoch: datetime = datetime(2005, 1, 3, 9, 0, tzinfo=UTC)

    def by_id(self, article_id: str) -> dict:
        for record in self.articles:
            if record["id"] == article_id:
                return record
        raise KeyError(article_id)

    def published(self, index: int) -> datetime:
        return self.epoch + timedelta(hours=index)

    def add_items(self, count: int) -> list[FeedItem]:
        """Put the next ``count`` articles into the feeds (newest first)."""
        start = len(self.items)
        added = [
            FeedItem(record, f"urn:gazette:{record['id']}", self.published(start + i))
            for i, record in enumerate(self.articles[start : start + count])
        ]
        self.items = list(reversed(added)) + self.items
        return added

    def article_url(self, record: dict) -> str:
        return f"{self.base}/article/{record['id']}"

    # --- feeds ---

    def rss(
        self,
        *,
        full: bool,
        items: list[FeedItem] | None = None,
        guid_suffix: str = "",
        date_shift: timedelta = timedelta(),
    ) -> str:
        entries = []
        for item in items if items is not None else self.items:
            record = item.record
            link = self.article_url(record) + "?utm_source=rss&utm_medium=feed"
            description = html.escape(_teaser(record["text"]))
            content = ""
            if full:
                paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(record["text"]))
                content = f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
            entries.append(f"""<item><title>{html.escape(record["title"])}</title><link>{html.escape(link)}</link>
<guid isPermaLink="false">{html.escape(item.guid + guid_suffix)}</guid>
<pubDate>{_rfc822(item.published + date_shift)}</pubDate>
<description>{description}</description>{content}</item>""")
        return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>{SITE_NAME} - Top stories</title><link>{self.base}/</link><description>The news</description>
{"".join(entries)}</channel></rss>"""

    def atom(self) -> str:
        entries = []
        for item in self.items:
            record = item.record
            entries.append(f"""<entry><title>{html.escape(record["title"])}</title>
<link rel="alternate" href="{self.article_url(record)}"/><id>{item.guid}</id>
<updated>{item.published.isoformat()}</updated><published>{item.published.isoformat()}</published>
<author><name>{AUTHOR}</name></author>
<summary type="text">{html.escape(_teaser(record["text"]))}</summary></entry>""")
        updated = self.items[0].published.isoformat() if self.items else self.epoch.isoformat()
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{SITE_NAME}</title><id>urn:gazette:feed</id>
<link rel="alternate" href="{self.base}/"/><updated>{updated}</updated>{"".join(entries)}</feed>"""


def _conditional(
    request: web.Request, site: NewsSite, name: str, body: str, content_type: str
) -> web.Response:
    """Answer with ETag and Last-Modified; 304 when the client already has this version."""
    site.hits[name] = site.hits.get(name, 0) + 1
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
    newest = site.items[0].published if site.items else site.epoch
    last_modified = _rfc822(newest)
    if request.headers.get("If-None-Match") == etag or (
        "If-None-Match" not in request.headers and request.headers.get("If-Modified-Since") == last_modified
    ):
        site.not_modified[name] = site.not_modified.get(name, 0) + 1
        return web.Response(status=304, headers={"ETag": etag, "Last-Modified": last_modified})
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"ETag": etag, "Last-Modified": last_modified},
    )


def build_app(site: NewsSite) -> web.Application:
    """The aiohttp application of the site."""
    routes = web.RouteTableDef()

    @routes.get("/article/{article_id}")
    async def article(request: web.Request) -> web.Response:
        try:
            record = site.by_id(request.match_info["article_id"])
        except KeyError:
            raise web.HTTPNotFound() from None
        index = site.articles.index(record)
        related = [r for r in site.articles[index + 1 : index + 6]]
        page = article_page(record, base=site.base, related=related, published=site.published(index))
        site.hits[f"article:{record['id']}"] = site.hits.get(f"article:{record['id']}", 0) + 1
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    @routes.get("/soup/{article_id}")
    async def soup(request: web.Request) -> web.Response:
        try:
            record = site.by_id(request.match_info["article_id"])
        except KeyError:
            raise web.HTTPNotFound() from None
        index = site.articles.index(record)
        page = div_soup_page(record, base=site.base, related=site.articles[index + 1 : index + 6],
                             published=site.published(index))
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    @routes.get("/cp1252/{article_id}")
    async def mislabelled(request: web.Request) -> web.Response:
        # Bytes in Windows-1252 while the server claims UTF-8; the page's own meta tag is right.
        record = dict(site.by_id(request.match_info["article_id"]))
        record["text"] = (
            record["text"].replace("The ", "The café ", 1) + "\n\nCrème brûlée and naïve façades."
        )
        page = article_page(record, base=site.base, related=[], published=site.epoch, charset="windows-1252")
        return web.Response(
            body=page.encode("cp1252", errors="replace"), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    @routes.get("/binary")
    async def binary(request: web.Request) -> web.Response:
        return web.Response(body=bytes(range(256)) * 64, headers={"Content-Type": "text/html"})

    @routes.get("/paywall")
    async def paywall(request: web.Request) -> web.Response:
        return web.Response(
            text=stub_page(
                "Markets rally as rates hold",
                "Subscribe to read the full story. Already a subscriber? Sign in.",
            ),
            content_type="text/html",
        )

    @routes.get("/video")
    async def video(request: web.Request) -> web.Response:
        return web.Response(
            text=stub_page("Watch: the moment the bridge opened", "Video, 2 minutes 14 seconds."),
            content_type="text/html",
        )

    @routes.get("/image.png")
    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")

    @routes.get("/feeds/full.rss")
    async def full_rss(request: web.Request) -> web.Response:
        return _conditional(request, site, "full.rss", site.rss(full=True), "application/rss+xml")

    @routes.get("/feeds/teaser.rss")
    async def teaser_rss(request: web.Request) -> web.Response:
        return _conditional(request, site, "teaser.rss", site.rss(full=False), "application/rss+xml")

    @routes.get("/feeds/atom.xml")
    async def atom(request: web.Request) -> web.Response:
        return _conditional(request, site, "atom.xml", site.atom(), "application/atom+xml")

    @routes.get("/feeds/rewrite.rss")
    async def rewrite(request: web.Request) -> web.Response:
        # Every request: new GUIDs and later dates for the very same items; no ETag, so it is
        # always downloaded again.
        site.rewrite_counter += 1
        body = site.rss(
            full=True,
            guid_suffix=f"?v={site.rewrite_counter}",
            date_shift=timedelta(minutes=site.rewrite_counter),
        )
        site.hits["rewrite.rss"] = site.hits.get("rewrite.rss", 0) + 1
        return web.Response(text=body, content_type="application/rss+xml")

    @routes.get("/feeds/broken.rss")
    async def broken(request: web.Request) -> web.Response:
        site.hits["broken.rss"] = site.hits.get("broken.rss", 0) + 1
        return web.Response(status=503, text="maintenance")

    @routes.get("/feeds/not-a-feed")
    async def not_a_feed(request: web.Request) -> web.Response:
        return web.Response(
            text="<?xml version='1.0'?><catalogue><book>Novel</book></catalogue>",
            content_type="application/xml",
        )

    @routes.get("/big")
    async def big(request: web.Request) -> web.StreamResponse:
        # 6 MB in chunks with no Content-Length, so only counting stops it.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"filler text " * 5000 + b"</p>\n"
        sent = 0
        try:
            while sent < 6 * 1024 * 1024:
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    @routes.get("/big-declared")
    async def big_declared(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * (6 * 1024 * 1024), headers={"Content-Type": "text/html"})

    @routes.get("/drip")
    async def drip(request: web.Request) -> web.StreamResponse:
        # One byte every 50 ms, for ever: no read ever times out, only the deadline stops it.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            for _ in range(100_000):
                await response.write(b"<")
                await asyncio.sleep(0.05)
        except (ConnectionResetError, RuntimeError, asyncio.CancelledError):
            pass
        return response

    @routes.get("/bomb")
    async def bomb(request: web.Request) -> web.Response:
        return web.Response(
            body=_gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    @routes.get("/deflate/{article_id}")
    async def deflated(request: web.Request) -> web.Response:
        record = site.by_id(request.match_info["article_id"])
        page = article_page(record, base=site.base, related=[], published=site.epoch)
        return web.Response(
            body=zlib.compress(page.encode()),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "deflate"},
        )

    @routes.get("/gzip/{article_id}")
    async def gzipped(request: web.Request) -> web.Response:
        record = site.by_id(request.match_info["article_id"])
        page = article_page(record, base=site.base, related=[], published=site.epoch)
        return web.Response(
            body=gzip.compress(page.encode()),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )

    @routes.get("/redirect/{hops}/{article_id}")
    async def redirect(request: web.Request) -> web.Response:
        hops = int(request.match_info["hops"])
        target = (
            f"/redirect/{hops - 1}/{request.match_info['article_id']}"
            if hops > 1
            else f"/article/{request.match_info['article_id']}?utm_campaign=chain#top"
        )
        raise web.HTTPFound(target)

    @routes.get("/redirect-to")
    async def redirect_to(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["target"])

    app = web.Application()
    app.add_routes(routes)
    return app


_BOMB: bytes | None = None


def _gzip_bomb() -> bytes:
    """About 50 KB of gzip that inflates to 50 MB of zeros."""
    global _BOMB
    if _BOMB is None:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b"\0" * (1024 * 1024)
        parts = [compressor.compress(block) for _ in range(50)]
        parts.append(compressor.flush())
        _BOMB = b"".join(parts)
    return _BOMB


class RunningSite:
    """The site served on 127.0.0.1 at a free port, started and stopped by the test."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self.site), shutdown_timeout=0.5)
        await self._runner.setup()
        tcp = web.TCPSite(self._runner, "127.0.0.1", 0)
        await tcp.start()
        server = tcp._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        self.site.base = self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
