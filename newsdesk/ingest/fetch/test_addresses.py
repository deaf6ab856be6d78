import ipaddress

import httpcore
import pytest

from newsdesk.ingest.fetch.addresses import AddressRefused, GuardedNetworkBackend, is_public_address, resolve

PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]
NOT_PUBLIC = [
    "127.0.0.1",  # loopback
    "127.9.9.9",
    "10.0.0.1",  # private
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "169.254.169.254",  # link-local: cloud metadata endpoint
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "233.1.1.1",  # multicast, yet "global" to the ipaddress module
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "198.18.0.1",  # benchmarking
    "::1",
    "::",
    "fe80::1",  # IPv6 link-local
    "fc00::1",  # unique local
    "fd12:3456::1",
    "ff02::1",  # IPv6 multicast
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 wrapping 169.254.169.254
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


def test_nat64_is_judged_by_the_ipv4_address_it_reaches() -> None:
    assert is_public_address(ipaddress.ip_address("64:ff9b::808:808"))


def test_resolve_lists_each_address_once() -> None:
    addresses = resolve("localhost", 80)
    assert ipaddress.ip_address("127.0.0.1") in addresses
    assert len(addresses) == len(set(addresses))


def test_unresolvable_host_is_a_connect_error() -> None:
    with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
        resolve("no-such-host.invalid", 80)


def test_backend_refuses_when_any_address_is_private() -> None:
    connected: list[str] = []

    class RecordingBackend(GuardedNetworkBackend):
        pass

    backend = RecordingBackend(
        is_public_address,
        resolver=lambda host, port: [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.7")],
    )
    backend._inner.connect_tcp = lambda *args, **kwargs: connected.append(args[0])  # type: ignore[method-assign]
    with pytest.raises(AddressRefused) as caught:
        backend.connect_tcp("mixed.example", 80)
    assert str(caught.value.address) == "10.0.0.7" and caught.value.host == "mixed.example"
    assert connected == []
