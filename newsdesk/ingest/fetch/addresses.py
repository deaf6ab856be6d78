"""The private-network guard: never let a feed URL make us connect inside the operator's network.

The check sits in the connection layer (an httpcore network backend), so it runs
for every new connection — redirect hops and robots.txt included — and the socket
goes to the very address that was checked, which defeats DNS rebinding.
"""

import functools
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]

NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """Raised inside the transport; the fetcher turns it into PrivateAddressRefused with the URL."""

    def __init__(self, host: str, address: IPAddress) -> None:
        super().__init__(host, address)
        self.host = host
        self.address = address


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), which is what gets reached."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public_address(inner)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses `host` resolves to, in resolver order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: {error}") from error
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class GuardedNetworkBackend(httpcore.NetworkBackend):
    """Resolves, refuses the host if ANY of its addresses fails the policy, then connects by address."""

    def __init__(
        self,
        address_allowed: AddressPolicy | None,
        resolver: Callable[[str, int], Iterable[IPAddress]] = resolve,
    ) -> None:
        self._address_allowed = address_allowed
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = list(self._resolver(host, port))
        if not addresses:
            raise httpcore.ConnectError(f"host {host!r} resolves to no address")
        if self._address_allowed is not None:
            for address in addresses:
                if not self._address_allowed(address):
                    raise AddressRefused(host, address)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes a noticeable fraction of a second; contexts are safe to share."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded backend; proxies are not supported, as they would bypass it."""

    def __init__(
        self,
        *,
        address_allowed: AddressPolicy | None = is_public_address,
        limits: httpx.Limits | None = None,
        resolver: Callable[[str, int], Iterable[IPAddress]] = resolve,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(verify=_default_ssl_context(), limits=limits, trust_env=False)
        # httpx takes no network backend argument, so swap in a pool built with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_default_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(address_allowed, resolver),
        )
