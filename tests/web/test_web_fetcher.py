"""The safe fetcher against the loopback news site: limits, redirects, types, encodings and SSRF."""

from __future__ import annotations

import ipaddress

import pytest
from local_web import RunningSite

from bot.web import Expect, FetchLimits, FetchRefused, RefusalReason, SafeFetcher, address_problem


class MapResolver:
    """A resolver with fixed answers, counting its calls (names it does not know fail like DNS)."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.answers:
            raise OSError(f"unknown host {host}")
        return self.answers[host]


class RebindingResolver:
    """Answers the checked address first and an internal one afterwards (a DNS rebinding attack)."""

    def __init__(self, first: str, later: str) -> None:
        self.first, self.later = first, later
        self.calls = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return [self.first if self.calls == 1 else self.later]


async def refused(fetcher: SafeFetcher, url: str, expect: Expect = Expect.HTML) -> FetchRefused:
    with pytest.raises(FetchRefused) as caught:
        await fetcher.fetch(url, expect)
    return caught.value


# --- SSRF: private networks off (the default) ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/admin",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/router",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fd12:3456::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://[64:ff9b::a00:1]/",
        "http://2130706433/",  # 127.0.0.1 written as one number
    ],
)
async def test_private_and_special_addresses_are_refused(strict_fetcher: SafeFetcher, url: str) -> None:
    error = await refused(strict_fetcher, url)
    assert error.reason is RefusalReason.PRIVATE_ADDRESS
    assert "not the public web" in str(error)


async def test_localhost_by_name_is_refused(strict_fetcher: SafeFetcher) -> None:
    error = await refused(strict_fetcher, "http://localhost:9/")
    assert error.reason is RefusalReason.PRIVATE_ADDRESS and "loopback" in str(error)


async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = MapResolver({"intranet.example": ["10.20.30.40"]})
    async with SafeFetcher(resolver=resolver) as fetcher:
        error = await refused(fetcher, "https://intranet.example/wiki")
    assert error.reason is RefusalReason.PRIVATE_ADDRESS and "10.20.30.40" in str(error)


async def test_a_name_with_any_private_address_is_refused() -> None:
    # One public and one private answer: the attacker picks which one the connection would use.
    resolver = MapResolver({"mixed.example": ["93.184.216.34", "192.168.0.10"]})
    async with SafeFetcher(resolver=resolver) as fetcher:
        error = await refused(fetcher, "http://mixed.example/")
    assert error.reason is RefusalReason.PRIVATE_ADDRESS and "192.168.0.10" in str(error)


async def test_loopback_server_is_refused_by_default(
    strict_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    error = await refused(strict_fetcher, news_site.url("/article/bbc-business-001"))
    assert error.reason is RefusalReason.PRIVATE_ADDRESS
    assert news_site.site.hits == {}  # nothing was even sent


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "not a url",
    ],
)
async def test_only_http_and_https(strict_fetcher: SafeFetcher, url: str) -> None:
    error = await refused(strict_fetcher, url)
    assert error.reason is RefusalReason.SCHEME


async def test_credentials_in_the_address_are_refused(strict_fetcher: SafeFetcher) -> None:
    error = await refused(strict_fetcher, "http://user:secret@example.com/")
    assert error.reason is RefusalReason.CREDENTIALS


def test_address_policy_with_private_networks_allowed() -> None:
    allowed = ["127.0.0.1", "10.1.1.1", "::1", "fe80::1", "192.168.0.1"]
    for text in allowed:
        assert address_problem(ipaddress.ip_address(text), allow_private=True) is None, text
    # Metadata, unspecified, multicast and reserved addresses stay refused even then.
    for text in [
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "fd00:ec2::254",
        "0.0.0.0",
        "::",
        "239.1.1.1",
        "240.0.0.1",
        "255.255.255.255",
    ]:
        assert address_problem(ipaddress.ip_address(text), allow_private=True) is not None, text
    assert address_problem(ipaddress.ip_address("93.184.216.34"), allow_private=False) is None
    assert address_problem(ipaddress.ip_address("2606:2800:220:1::1"), allow_private=False) is None


# --- redirects --------------------------------------------------------------------------------------


async def test_redirects_are_followed_and_rechecked(
    open_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    result = await open_fetcher.fetch(news_site.url("/redirect/3/bbc-business-003"))
    assert result.status == 200 and result.url.startswith(news_site.url("/article/bbc-business-003"))
    assert len(result.redirects) == 3


async def test_more_than_five_redirects_are_refused(
    open_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    error = await refused(open_fetcher, news_site.url("/redirect/6/bbc-business-003"))
    assert error.reason is RefusalReason.REDIRECTS


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0:80/",
        "file:///etc/passwd",
    ],
)
async def test_a_redirect_to_a_forbidden_host_is_refused(
    open_fetcher: SafeFetcher, news_site: RunningSite, target: str
) -> None:
    error = await refused(open_fetcher, news_site.url(f"/redirect-to?target={target}"))
    assert error.reason in {RefusalReason.PRIVATE_ADDRESS, RefusalReason.SCHEME}


async def test_a_redirect_to_a_name_resolving_privately_is_refused(news_site: RunningSite) -> None:
    # The site itself is reached under a name (allowed here, as on an intranet); the redirect goes
    # to a name that resolves to the metadata address.
    resolver = MapResolver({"gazette.test": ["127.0.0.1"], "metadata.test": ["169.254.169.254"]})
    async with SafeFetcher(allow_private_networks=True, resolver=resolver) as fetcher:
        start = f"http://gazette.test:{news_site.port}/redirect-to?target=http://metadata.test/latest/"
        error = await refused(fetcher, start)
    assert error.reason is RefusalReason.PRIVATE_ADDRESS
    assert resolver.calls == ["gazette.test", "metadata.test"]


async def test_dns_is_resolved_once_and_the_checked_address_is_used(news_site: RunningSite) -> None:
    # The system resolver does not know "gazette.test"; the fetch works only because the connection
    # goes to the address our resolver gave (and checked), never to a second lookup's answer.
    resolver = RebindingResolver(first="127.0.0.1", later="10.255.255.1")
    async with SafeFetcher(allow_private_networks=True, resolver=resolver) as fetcher:
        result = await fetcher.fetch(f"http://gazette.test:{news_site.port}/article/bbc-business-005")
    assert result.status == 200 and b"<article" in result.body
    assert resolver.calls == 1


# --- bounds ---------------------------------------------------------------------------------------


async def test_oversized_responses_are_cut_off(open_fetcher: SafeFetcher, news_site: RunningSite) -> None:
    for path in ("/big", "/big-declared"):
        error = await refused(open_fetcher, news_site.url(path))
        assert error.reason is RefusalReason.TOO_LARGE and "5 MB" in str(error)


async def test_a_gzip_bomb_is_cut_off(open_fetcher: SafeFetcher, news_site: RunningSite) -> None:
    error = await refused(open_fetcher, news_site.url("/bomb"))
    assert error.reason is RefusalReason.TOO_LARGE


async def test_a_dripping_response_is_cut_off(news_site: RunningSite) -> None:
    limits = FetchLimits(deadline=1.0, read_timeout=0.5)
    async with SafeFetcher(allow_private_networks=True, limits=limits) as fetcher:
        error = await refused(fetcher, news_site.url("/drip"))
    assert error.reason is RefusalReason.TOO_SLOW and "1 seconds" in str(error)


async def test_compressed_pages_are_decoded(open_fetcher: SafeFetcher, news_site: RunningSite) -> None:
    title = news_site.site.by_id("bbc-business-007")["title"]
    for path in ("/gzip/bbc-business-007", "/deflate/bbc-business-007"):
        result = await open_fetcher.fetch(news_site.url(path))
        text = result.text()
        assert text.rstrip().endswith("</html>") and text.count("<p>") > 3
        assert title.split()[0] in text


# --- types, statuses and encodings ----------------------------------------------------------------


async def test_content_type_is_checked(open_fetcher: SafeFetcher, news_site: RunningSite) -> None:
    error = await refused(open_fetcher, news_site.url("/image.png"))
    assert error.reason is RefusalReason.CONTENT_TYPE and "an image" in str(error)
    # A web page asked for as a feed comes back as HTML, so the caller can look for its feed link.
    page = await open_fetcher.fetch(news_site.url("/article/bbc-business-001"), Expect.FEED)
    assert page.content_type == "text/html"
    error = await refused(open_fetcher, news_site.url("/feeds/full.rss"), Expect.HTML)
    assert error.reason is RefusalReason.CONTENT_TYPE and "application/rss+xml" in str(error)


async def test_error_statuses_are_refused_with_the_status(
    open_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    error = await refused(open_fetcher, news_site.url("/article/no-such-article"))
    assert error.reason is RefusalReason.STATUS and error.status == 404 and "does not exist" in str(error)
    error = await refused(open_fetcher, news_site.url("/feeds/broken.rss"), Expect.FEED)
    assert error.status == 503 and error.transient


async def test_a_wrong_declared_charset_is_not_trusted(
    open_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    result = await open_fetcher.fetch(news_site.url("/cp1252/bbc-business-001"))
    text = result.text()
    assert "café" in text and "Crème brûlée" in text


async def test_binary_bodies_are_refused(open_fetcher: SafeFetcher, news_site: RunningSite) -> None:
    result = await open_fetcher.fetch(news_site.url("/binary"))
    with pytest.raises(FetchRefused) as caught:
        result.text()
    assert caught.value.reason is RefusalReason.ENCODING


async def test_conditional_get_returns_not_modified(
    open_fetcher: SafeFetcher, news_site: RunningSite
) -> None:
    news_site.site.add_items(3)
    first = await open_fetcher.fetch(news_site.url("/feeds/full.rss"), Expect.FEED)
    assert first.etag and first.last_modified
    again = await open_fetcher.fetch(
        news_site.url("/feeds/full.rss"), Expect.FEED, etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified and again.body == b""
    by_date = await open_fetcher.fetch(
        news_site.url("/feeds/full.rss"), Expect.FEED, last_modified=first.last_modified
    )
    assert by_date.not_modified
    assert news_site.site.not_modified["full.rss"] == 2
    news_site.site.add_items(1)
    changed = await open_fetcher.fetch(
        news_site.url("/feeds/full.rss"), Expect.FEED, etag=first.etag, last_modified=first.last_modified
    )
    assert changed.status == 200 and changed.etag != first.etag
