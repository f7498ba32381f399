"""The safe fetcher: HTTP GET for pages and feeds that people hand the bot.

Every address a moderator or a feed gives us is untrusted. :class:`SafeFetcher` therefore

* fetches only http and https, without user names or passwords in the address;
* resolves each host once and refuses it when ANY address is loopback, private, link-local,
  multicast, reserved, unspecified or otherwise not public (IPv4-mapped, 6to4 and Teredo
  addresses are judged by the IPv4 address inside) — unless ``allow_private_networks`` is set,
  for tests and intranets; the cloud metadata address is refused even then;
* then connects to exactly the address it checked (the connection pool's network backend only
  dials pinned addresses), so a DNS answer that changes between check and connect (DNS
  rebinding) cannot reach an internal host; TLS still verifies the certificate for the name;
* follows at most five redirects by hand, checking every hop the same way;
* bounds time (connect/read timeouts plus a deadline for the whole fetch, so a server that drips
  a byte a second is cut off) and size (5 MB counted after decompression, decompressed in
  bounded steps, so a gzip bomb is cut off without ever being inflated in memory);
* checks the content type (HTML for articles, XML for feeds).

Refusals raise :class:`FetchRefused`, whose ``str()`` is a sentence for the person who asked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from briefings.sources import charset_from_content_type, decode_document

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "Briefbot/0.1 (news briefing bot; +https://github.com/briefbot/briefbot)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/feed+xml",
    }
)
# Some servers label feeds text/plain or application/octet-stream; the parser decides then.
LENIENT_FEED_TYPES = frozenset({"text/plain", "application/octet-stream", ""})

# Always refused, whatever the setting: cloud instance metadata hands out credentials.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Expect(StrEnum):
    """What kind of document a fetch wants."""

    HTML = "html"
    FEED = "feed"


class RefusalReason(StrEnum):
    SCHEME = "scheme"
    CREDENTIALS = "credentials"
    PRIVATE_ADDRESS = "private-address"
    DNS = "dns"
    REDIRECTS = "redirects"
    TOO_LARGE = "too-large"
    TOO_SLOW = "too-slow"
    CONTENT_TYPE = "content-type"
    ENCODING = "encoding"
    STATUS = "status"
    NETWORK = "network"


# Reasons that may go away by themselves: a feed poll retries those items later.
TRANSIENT_REASONS = frozenset({RefusalReason.DNS, RefusalReason.TOO_SLOW, RefusalReason.NETWORK})


class FetchRefused(Exception):
    """The fetch was refused or failed; ``str()`` says why, for people; ``reason`` is for code."""

    def __init__(self, reason: RefusalReason, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status

    @property
    def transient(self) -> bool:
        return self.reason in TRANSIENT_REASONS or (self.status is not None and self.status >= 500)


class Resolver(Protocol):
    """Turns a host name into IP addresses (strings). Tests inject their own."""

    async def resolve(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``), run off the event loop."""

    async def resolve(self, host: str, port: int) -> list[str]:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why connecting to ``address`` is refused, or ``None`` when it is a public address.

    With ``allow_private`` loopback, private, shared and link-local addresses are allowed;
    unspecified, multicast, reserved and cloud metadata addresses never are.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            inner = address_problem(embedded, allow_private=allow_private)
            return f"{inner} (inside the IPv6 address {address})" if inner else None
        if address in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 carries an IPv4 address too
            inner = address_problem(
                ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), allow_private=allow_private
            )
            return f"{inner} (inside the IPv6 address {address})" if inner else None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address == ipaddress.IPv4Address("255.255.255.255"):
        return "the broadcast address"
    if address.is_loopback:
        return None if allow_private else "a loopback address (this machine)"
    if address.is_reserved:
        return "a reserved address"
    if address.is_link_local:
        return None if allow_private else "a link-local address"
    if address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED_NETWORK):
        return None if allow_private else "a private network address"
    if not address.is_global:
        return None if allow_private else "not a public internet address"
    return None


_SHARED_NETWORK = ipaddress.ip_network("100.64.0.0/10")


# --- connecting to checked addresses only ------------------------------------------------------


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that dials only the address the fetcher checked for a host name.

    The connection pool keys connections by host name, so TLS (SNI and certificate checks) and
    the Host header use the name; only the TCP connect goes to the pinned address.
    """

    def __init__(self, pins: OrderedDict[str, str]) -> None:
        self._pins = pins
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = self._pins.get(host.lower().rstrip("."))
        if address is None:
            raise httpcore.ConnectError(f"refusing to connect to {host}: its address was not checked")
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_HTTPCORE_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
)


def _as_httpx_error(exc: Exception) -> Exception:
    for core, mapped in _HTTPCORE_ERRORS:
        if isinstance(exc, core):
            return mapped(str(exc))
    return exc


class _CoreStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterator[bytes] | Iterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:  # type: ignore[union-attr]
                yield part
        except httpcore.TimeoutException as exc:  # keep httpx's exception types for callers
            raise _as_httpx_error(exc) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _as_httpx_error(exc) from exc

    async def aclose(self) -> None:
        closer = getattr(self._stream, "aclose", None)
        if closer is not None:
            await closer()


class PinnedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections go only to addresses pinned with :meth:`pin`."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, max_pins: int = 4096) -> None:
        self._pins: OrderedDict[str, str] = OrderedDict()
        self._max_pins = max_pins
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=30.0,
            network_backend=_PinnedBackend(self._pins),
        )

    def pin(self, host: str, address: str) -> None:
        """Connections to ``host`` go to ``address`` (already checked) from now on."""
        key = host.lower()
        self._pins[key] = address
        self._pins.move_to_end(key)
        while len(self._pins) > self._max_pins:
            self._pins.popitem(last=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as exc:
            mapped = _as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_CoreStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# --- the fetcher ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    """A fetched document (or a 304 Not Modified), with what conditional GETs need next time."""

    url: str  # the final address, after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text (declared charset, else the page's, else detected). Raises
        :class:`FetchRefused` when no encoding gives readable text."""
        from briefings.sources import UnreadableDocument

        try:
            return decode_document(self.body, self.charset)
        except UnreadableDocument as exc:
            raise FetchRefused(RefusalReason.ENCODING, str(exc)) from None


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one fetch. ``deadline`` covers the whole fetch, redirects included."""

    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0


class SafeFetcher:
    """Fetches untrusted addresses safely; see the module docstring for every rule.

    Build it in the composition root, ``await start()`` it, and ``await stop()`` it at shutdown.
    """

    def __init__(
        self,
        *,
        allow_private_networks: bool = False,
        limits: FetchLimits | None = None,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.allow_private_networks = allow_private_networks
        self.limits = limits or FetchLimits()
        self._resolver = resolver or SystemResolver()
        self._ssl_context = ssl_context
        self._user_agent = user_agent
        self._transport: PinnedTransport | None = None
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        if self._client is not None:
            return
        limits = self.limits
        self._transport = PinnedTransport(self._ssl_context)
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,  # every hop is checked by hand
            trust_env=False,  # a proxy from the environment would resolve names itself
            timeout=httpx.Timeout(
                connect=limits.connect_timeout,
                read=limits.read_timeout,
                write=limits.read_timeout,
                pool=limits.connect_timeout,
            ),
            headers={"User-Agent": self._user_agent},
        )

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        self._client = None
        self._transport = None

    async def __aenter__(self) -> SafeFetcher:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def fetch(
        self,
        url: str,
        expect: Expect = Expect.HTML,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url`` within every bound; a 304 answer comes back as ``not_modified``.

        Raises :class:`FetchRefused` for unsafe addresses, too many redirects, wrong content
        types, error statuses, oversized or slow responses, and network failures.
        """
        if self._client is None:
            await self.start()
        try:
            async with asyncio.timeout(self.limits.deadline):
                return await self._fetch(url, expect, etag, last_modified)
        except TimeoutError:
            raise FetchRefused(
                RefusalReason.TOO_SLOW,
                f"{_short(url)} took longer than {self.limits.deadline:g} seconds to answer, so I gave up.",
            ) from None

    async def check_url(self, url: str) -> tuple[httpx.URL, str]:
        """Check an address without fetching it: scheme, credentials and every resolved IP.

        Returns the parsed URL and the address that a connection would use.
        """
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchRefused(
                RefusalReason.SCHEME, f"“{_short(url)}” is not a valid web address ({exc})."
            ) from None
        if parsed.scheme not in {"http", "https"}:
            raise FetchRefused(
                RefusalReason.SCHEME,
                f"I only fetch http:// and https:// addresses, not “{parsed.scheme or '?'}:” ones.",
            )
        if parsed.userinfo:
            raise FetchRefused(
                RefusalReason.CREDENTIALS,
                "That address contains a user name or password; "
                "I don't send credentials. Share a public link instead.",
            )
        host = parsed.raw_host.decode("ascii").lower().rstrip(".")
        if not host:
            raise FetchRefused(RefusalReason.SCHEME, f"“{_short(url)}” has no host name.")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = _literal_addresses(host)
        if addresses is None:
            try:
                resolved = await self._resolver.resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise FetchRefused(
                    RefusalReason.DNS,
                    f"I could not find the site {host} "
                    f"(DNS: {getattr(exc, 'strerror', None) or exc}). Check the address.",
                ) from None
            addresses = []
            for item in resolved:
                try:
                    addresses.append(ipaddress.ip_address(item.split("%", 1)[0]))
                except ValueError:
                    continue
            if not addresses:
                raise FetchRefused(RefusalReason.DNS, f"I could not find the site {host}. Check the address.")
        for address in addresses:
            problem = address_problem(address, allow_private=self.allow_private_networks)
            if problem is not None:
                raise FetchRefused(
                    RefusalReason.PRIVATE_ADDRESS,
                    f"I won't fetch {host}: it points to {problem} ({address}), not the public web. "
                    "Only public web addresses can be added.",
                )
        return parsed, str(addresses[0])

    async def _fetch(
        self, url: str, expect: Expect, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        assert self._client is not None and self._transport is not None
        current = url
        hops: list[str] = []
        accept = (
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
            if expect is Expect.HTML
            else "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.3"
        )
        while True:
            parsed, address = await self.check_url(current)
            self._transport.pin(parsed.raw_host.decode("ascii").lower().rstrip("."), address)
            headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            request = self._client.build_request("GET", parsed, headers=headers)
            try:
                response = await self._client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchRefused(
                    RefusalReason.TOO_SLOW, f"{_short(current)} did not answer in time."
                ) from None
            except httpx.HTTPError as exc:
                raise FetchRefused(
                    RefusalReason.NETWORK, f"I could not reach {parsed.host}: {_network_error_text(exc)}."
                ) from None
            try:
                if response.status_code in {301, 302, 303, 307, 308}:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchRefused(
                            RefusalReason.STATUS,
                            f"{_short(current)} redirects without saying where.",
                            status=response.status_code,
                        )
                    if len(hops) >= self.limits.max_redirects:
                        raise FetchRefused(
                            RefusalReason.REDIRECTS,
                            f"{_short(url)} redirects more than "
                            f"{self.limits.max_redirects} times, so I stopped following it.",
                        )
                    hops.append(current)
                    current = urljoin(str(parsed), location.strip())
                    continue
                if response.status_code == 304 and (etag or last_modified):
                    return FetchResult(
                        url=str(parsed),
                        status=304,
                        content_type="",
                        charset=None,
                        body=b"",
                        etag=response.headers.get("etag") or etag,
                        last_modified=response.headers.get("last-modified") or last_modified,
                        redirects=tuple(hops),
                    )
                if not 200 <= response.status_code < 300:
                    raise FetchRefused(
                        RefusalReason.STATUS, _status_text(current, response), status=response.status_code
                    )
                content_type_header = response.headers.get("content-type", "")
                media_type = content_type_header.split(";", 1)[0].strip().lower()
                _check_type(media_type, expect, current)
                body = await self._read_body(response, current)
            finally:
                await response.aclose()
            return FetchResult(
                url=str(parsed),
                status=response.status_code,
                content_type=media_type,
                charset=charset_from_content_type(content_type_header),
                body=body,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                redirects=tuple(hops),
            )

    async def _read_body(self, response: httpx.Response, url: str) -> bytes:
        """The body, decompressed in bounded steps and cut off past ``max_bytes``."""
        limit = self.limits.max_bytes
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        declared = response.headers.get("content-length")
        if encoding in {"", "identity"} and declared and declared.isdigit() and int(declared) > limit:
            raise _too_large(url, limit)
        decoder = _Decompressor(encoding, url)
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_raw():
                for piece in decoder.feed(chunk, limit - size + 1):
                    size += len(piece)
                    if size > limit:
                        raise _too_large(url, limit)
                    parts.append(piece)
            for piece in decoder.flush(limit - size + 1):
                size += len(piece)
                if size > limit:
                    raise _too_large(url, limit)
                parts.append(piece)
        except httpx.TimeoutException:
            raise FetchRefused(
                RefusalReason.TOO_SLOW, f"{_short(url)} stopped sending in the middle of the page."
            ) from None
        except httpx.HTTPError as exc:
            raise FetchRefused(
                RefusalReason.NETWORK,
                f"The download from {_short(url)} broke off: {_network_error_text(exc)}.",
            ) from None
        return b"".join(parts)


def _literal_addresses(host: str) -> list[IPAddress] | None:
    """``[address]`` when the host is an IP address literal, else ``None`` (a name to resolve)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        return None


class _Decompressor:
    """gzip/deflate decoding that never produces more than it is asked for in one step."""

    def __init__(self, encoding: str, url: str) -> None:
        self._url = url
        if encoding in {"", "identity"}:
            self._zlib = None
        elif encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchRefused(
                RefusalReason.ENCODING,
                f"{_short(url)} sent its page compressed as “{encoding}”, which I did not ask for.",
            )
        self._encoding = encoding
        self._first = True

    def feed(self, data: bytes, budget: int) -> Iterable[bytes]:
        if self._zlib is None:
            yield data
            return
        pending = data
        while pending:
            try:
                out = self._zlib.decompress(pending, max(budget, 1))
            except zlib.error:
                if self._first and self._encoding == "deflate":
                    # Some servers send raw deflate without the zlib header.
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise FetchRefused(
                    RefusalReason.ENCODING, f"{_short(self._url)} sent a corrupt compressed page."
                ) from None
            self._first = False
            budget -= len(out)
            if out:
                yield out
            if self._zlib.eof and self._zlib.unused_data:
                # Another gzip member follows (concatenated gzip is legal).
                rest = self._zlib.unused_data
                self._zlib = zlib.decompressobj(
                    16 + zlib.MAX_WBITS if self._encoding != "deflate" else zlib.MAX_WBITS
                )
                pending = rest
                continue
            pending = self._zlib.unconsumed_tail
            if budget <= 0 and pending:
                yield b"\0" * 1  # over the budget: the caller counts this byte and stops
                return

    def flush(self, budget: int) -> Iterable[bytes]:
        if self._zlib is None:
            return
        out = self._zlib.flush()
        if out:
            yield out[: max(budget, 1)]


def _check_type(media_type: str, expect: Expect, url: str) -> None:
    if expect is Expect.HTML:
        if media_type not in HTML_TYPES:
            what = _describe_type(media_type)
            raise FetchRefused(
                RefusalReason.CONTENT_TYPE,
                f"{_short(url)} is {what}, not a web page with an article. Share the article's page instead.",
            )
    elif (
        media_type not in FEED_TYPES
        and media_type not in LENIENT_FEED_TYPES
        and not media_type.endswith("+xml")
    ):
        if media_type in HTML_TYPES:
            return  # a web page: the caller may look for the feed it links to
        raise FetchRefused(
            RefusalReason.CONTENT_TYPE,
            f"{_short(url)} is {_describe_type(media_type)}, not an RSS or Atom feed.",
        )


def _describe_type(media_type: str) -> str:
    if not media_type:
        return "a document of unknown type"
    if media_type.startswith("image/"):
        return "an image"
    if media_type.startswith("video/"):
        return "a video"
    if media_type.startswith("audio/"):
        return "audio"
    if media_type == "application/pdf":
        return "a PDF"
    return f"a “{media_type}” document"


def _too_large(url: str, limit: int) -> FetchRefused:
    return FetchRefused(
        RefusalReason.TOO_LARGE,
        f"{_short(url)} is larger than {limit // (1024 * 1024)} MB, so I stopped downloading it.",
    )


def _status_text(url: str, response: httpx.Response) -> str:
    status = response.status_code
    phrase = response.reason_phrase or ""
    if status in {401, 402, 403}:
        return f"{_short(url)} refused access ({status} {phrase}); it may need a login or subscription."
    if status in {404, 410}:
        return f"{_short(url)} does not exist ({status} {phrase}). Check the link."
    if status == 429:
        return f"{_short(url)} asks us to slow down (429 Too Many Requests). Try again later."
    if status >= 500:
        return f"The site {_short(url)} has a problem on its side ({status} {phrase}). Try again later."
    return f"{_short(url)} answered {status} {phrase}."


def _network_error_text(exc: Exception) -> str:
    text = str(exc).strip()
    if isinstance(exc, httpx.ConnectError):
        return "the connection failed" + (f" ({text[:120]})" if text else "")
    return text[:160] or type(exc).__name__


def _short(url: str) -> str:
    return url if len(url) <= 90 else url[:87] + "…"


def host_label(url: str) -> str:
    """A short name for the site of an address, for messages."""
    return (urlsplit(url).hostname or url).removeprefix("www.")
