"""The z3 helpers: MTU proofs against nhrp-wire.md section 13, proposal matching, caching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dmvpnlint.checks.crypto_model import IpsecOffer
from dmvpnlint.solver import Encapsulation, MatchQuery, MtuQuery, Offer, ProofCache, match_offers, prove_mtu


def enc(transforms: tuple[str, ...], mode: str = "transport", nat_t: bool = False, key: bool = True) -> Encapsulation:
    return IpsecOffer("TS", transforms, mode, None, None).encapsulation(key, nat_t)


# (transforms, outer size of a 1400-byte packet: transport, + NAT-T, largest fitting 1500 in
# transport mode without NAT-T): the rows of nhrp-wire.md section 13, GRE with a 4-byte key
TABLE = [
    (("esp-des", "esp-md5-hmac"), 1464, 1472, 1438),
    (("esp-3des", "esp-sha-hmac"), 1464, 1472, 1438),
    (("esp-aes 128", "esp-sha-hmac"), 1480, 1488, 1430),
    (("esp-aes 256", "esp-md5-hmac"), 1480, 1488, 1430),
    (("esp-aes 256", "esp-sha256-hmac"), 1484, 1492, 1430),
    (("esp-aes 256", "esp-sha384-hmac"), 1492, 1500, 1414),
    (("esp-aes 256", "esp-sha512-hmac"), 1500, 1508, 1414),
    (("esp-gcm 256",), 1464, 1472, 1438),
    (("esp-null", "esp-sha-hmac"), 1452, 1460, 1450),
]


@pytest.mark.parametrize(("transforms", "outer", "outer_nat_t", "largest"), TABLE)
def test_transport_mode_matches_the_overhead_table(transforms, outer, outer_nat_t, largest) -> None:
    assert enc(transforms).outer_size(1400) == outer
    assert enc(transforms, nat_t=True).outer_size(1400) == outer_nat_t
    proof = prove_mtu(MtuQuery(enc(transforms), 1500, 1500))
    assert proof.largest_fit == largest
    assert proof.witness == 1500 and proof.witness_outer == enc(transforms).outer_size(1500)


# Tunnel mode puts the GRE packet's own 20-byte IP header inside ESP, where it is padded with
# the rest (RFC 4303 2.4). The table's "tunnel mode instead" column adds a flat 20 bytes, which
# is exact for GCM (4-byte padding) but 4 bytes high for the CBC rows at 1400 bytes.
TUNNEL = [
    (("esp-3des", "esp-sha-hmac"), 1480, 1488, 1418),
    (("esp-aes 256", "esp-sha-hmac"), 1496, 1504, 1410),
    (("esp-aes 256", "esp-sha256-hmac"), 1500, 1508, 1410),
    (("esp-gcm 256",), 1484, 1492, 1418),
]


@pytest.mark.parametrize(("transforms", "outer", "outer_nat_t", "largest"), TUNNEL)
def test_tunnel_mode_pads_the_inner_header(transforms, outer, outer_nat_t, largest) -> None:
    assert enc(transforms, "tunnel").outer_size(1400) == outer
    assert enc(transforms, "tunnel", nat_t=True).outer_size(1400) == outer_nat_t
    assert prove_mtu(MtuQuery(enc(transforms, "tunnel"), 1500, 1500)).largest_fit == largest


def test_aes_sha1_tunnel_mode_with_nat_t_does_not_fit_1400() -> None:
    """nhrp-wire.md: tunnel mode with AES/SHA-1 "fails with NAT-T"."""
    proof = prove_mtu(MtuQuery(enc(("esp-aes 256", "esp-sha-hmac"), "tunnel", nat_t=True), 1400, 1500))
    assert (proof.witness, proof.witness_outer, proof.largest_fit, proof.first_too_big) == (1400, 1504, 1394, 1395)


def test_gre_without_key_is_four_bytes_shorter() -> None:
    assert enc(("esp-gcm 256",), key=False).outer_size(1400) == 1460


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([t for t, *_ in TABLE]),
    st.sampled_from(["transport", "tunnel"]),
    st.booleans(),
    st.integers(min_value=576, max_value=1500),
    st.integers(min_value=1280, max_value=9000),
)
def test_z3_agrees_with_the_direct_arithmetic(transforms, mode, nat_t, ip_mtu, wan_mtu) -> None:
    e = enc(transforms, mode, nat_t)
    proof = prove_mtu(MtuQuery(e, ip_mtu, wan_mtu))
    fitting = [n for n in range(1, ip_mtu + 1) if e.outer_size(n) <= wan_mtu]
    assert proof.largest_fit == (max(fitting) if fitting else None)
    over = [n for n in range(1, ip_mtu + 1) if e.outer_size(n) > wan_mtu]
    assert proof.witness == (max(over) if over else None)


def test_proposals_match_with_the_responders_order_as_the_model() -> None:
    spoke = (Offer("policy 10", (("aes 256",), ("sha256",))), Offer("policy 20", (("3des",), ("sha",))))
    hub = (Offer("policy 5", (("3des",), ("sha",))), Offer("policy 10", (("aes 256",), ("sha256",))))
    result = match_offers(MatchQuery(("encryption", "hash"), spoke, hub))
    assert result.matched and (result.initiator, result.responder) == ("policy 20", "policy 5")
    assert result.choice == (("encryption", "3des"), ("hash", "sha"))


def test_unsat_names_the_closest_offers_and_what_differs() -> None:
    spoke = (Offer("policy 10", (("aes 256",), ("sha256",), ("14",))),)
    hub = (Offer("policy 1", (("des",), ("md5",), ("1",))), Offer("policy 2", (("aes 256",), ("sha256",), ("2",))))
    result = match_offers(MatchQuery(("encryption", "hash", "group"), spoke, hub))
    assert not result.matched
    assert (result.initiator, result.responder) == ("policy 10", "policy 2")
    assert result.differences == (("group", ("14",), ("2",)),)


def test_transport_request_falls_back_to_tunnel_mode() -> None:
    spoke = (Offer("TS", (("esp-aes 256 esp-sha-hmac",), ("transport", "tunnel"), ("none",))),)
    hub = (Offer("TS", (("esp-aes 256 esp-sha-hmac",), ("tunnel",), ("none",))),)
    result = match_offers(MatchQuery(("transforms", "mode", "pfs"), spoke, hub))
    assert result.matched and dict(result.choice)["mode"] == "tunnel"


def test_the_cache_asks_each_distinct_query_once() -> None:
    cache = ProofCache()
    query = MtuQuery(enc(("esp-gcm 256",)), 1400, 1500)
    for _ in range(5):
        cache.mtu(query)
    cache.mtu(MtuQuery(enc(("esp-gcm 256",)), 1400, 1400))
    assert (cache.calls, cache.lookups) == (2, 6)
