"""Why a fetch failed, in words an operator can act on.

Every failure is a `FetchError`; callers catch that one class and read
`transient` (try again later) and `retry_after` (the server said when).
`str(error)` is one line, shown as-is in the admin.
"""


class FetchError(Exception):
    transient_by_default = False

    def __init__(
        self,
        url: str,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
        transient: bool | None = None,
    ) -> None:
        # Only (url, message) go to args: pickling rebuilds from args and restores the
        # rest from __dict__, so errors survive a trip through a Celery result backend.
        super().__init__(url, message)
        self.url = url
        self.message = " ".join(message.split())
        self.status = status
        self.retry_after = retry_after
        self.transient = self.transient_by_default if transient is None else transient

    def __str__(self) -> str:
        return f"{self.message}: {self.url}"


class UnsupportedURL(FetchError):
    """Not an http(s) URL with a host; retrying cannot help."""


class RobotsDisallowed(FetchError):
    """The site's robots.txt asks us not to fetch this URL."""


class PrivateAddressRefused(FetchError):
    """The host resolves to a private, loopback or otherwise non-public address."""


class BodyTooLarge(FetchError):
    """The body (after decompression) exceeds the configured cap."""


class TooManyRedirects(FetchError):
    """More redirects than allowed, usually a loop."""


class ContentDecodingFailed(FetchError):
    """The body claims a Content-Encoding it does not have, or one we do not speak."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""


class HostCoolingDown(FetchError):
    """Not sent: the host recently asked us (429/503 + Retry-After) to wait."""

    transient_by_default = True


class FetchTimeout(FetchError):
    transient_by_default = True


class ConnectionFailed(FetchError):
    """DNS, TCP, TLS or protocol failure before a complete response arrived."""

    transient_by_default = True
