"""z3 helpers: MTU/overhead proofs and proposal matching, each answered with a witness.

The questions are generic (integers and offers of named values); nothing here knows about
checks, devices or rules (ARCHITECTURE.md, "Import direction"). Every query is a frozen,
hashable value, and `ProofCache` asks z3 once per distinct query: a fleet of 10,000 spokes that
share one transform set asks one MTU question and one proposal question, not 10,000.

MTU arithmetic (RFC 4303, and `../shared/reference/nhrp-wire.md` section 13): the delivery IP
header (20) carries GRE (4, +4 with a key) and the inner packet; ESP adds SPI and sequence (8),
the cipher's IV, padding so that payload + 2 (pad length, next header) fills the cipher block,
and the integrity check value. Transport mode protects the GRE packet and reuses the delivery
header; tunnel mode puts the whole GRE/IP packet, its 20-byte header included, inside ESP and
adds a new 20-byte header. NAT-T adds an 8-byte UDP header; AH adds its own header and ICV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

IP_HEADER = 20
GRE_HEADER = 4
GRE_KEY = 4
ESP_HEADER = 8  # SPI + sequence number
ESP_TRAILER = 2  # pad length + next header
NAT_T_HEADER = 8  # UDP


@dataclass(frozen=True, slots=True)
class Encapsulation:
    """What wraps an inner packet on its way out of a protected GRE tunnel.

    `block` is the cipher's padding unit (8 for DES/3DES, 16 for AES-CBC, 4 for GCM/null: ESP
    aligns the trailer to 4 bytes at least); `iv` and `icv` are in bytes; `ah` is the whole AH
    header with its ICV (0 without AH); `esp` is False for an AH-only transform set.
    """

    iv: int
    block: int
    icv: int
    gre_key: bool
    tunnel_mode: bool
    nat_t: bool
    ah: int = 0
    esp: bool = True

    def outer_size(self, inner: int) -> int:
        """The encapsulated size of an inner packet, computed directly (the z3 model must
        agree with it: a test holds them together)."""
        payload = inner + GRE_HEADER + (GRE_KEY if self.gre_key else 0)
        payload += IP_HEADER if self.tunnel_mode else 0
        size = payload
        if self.esp:
            padded = -(-(payload + ESP_TRAILER) // self.block) * self.block
            size = ESP_HEADER + self.iv + padded + self.icv
        return IP_HEADER + size + self.ah + (NAT_T_HEADER if self.nat_t else 0)


@dataclass(frozen=True, slots=True)
class MtuQuery:
    """Does any inner packet of up to `ip_mtu` bytes exceed `wan_mtu` once encapsulated?"""

    encapsulation: Encapsulation
    ip_mtu: int
    wan_mtu: int


@dataclass(frozen=True, slots=True)
class MtuProof:
    """z3's answer: `largest_fit` is the largest inner size whose encapsulation fits the WAN
    MTU (None when none does); `witness` and `witness_outer` are the largest allowed inner
    packet that does not fit and its encapsulated size (None when every allowed size fits)."""

    largest_fit: int | None
    witness: int | None
    witness_outer: int | None

    @property
    def exceeds(self) -> bool:
        return self.witness is not None

    @property
    def first_too_big(self) -> int | None:
        return None if self.largest_fit is None else self.largest_fit + 1


@dataclass(frozen=True, slots=True)
class Offer:
    """One proposal of one side: for each field, the values it accepts in preference order
    (an IKEv1 policy accepts one value per field; an IKEv2 proposal lists several)."""

    label: str
    values: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """Is there a choice, one value per field, that one offer of `initiator` and one offer of
    `responder` both accept? The responder's order decides among several (IKEv1: "checks all
    of the peer's policies against each of its configured policies in priority order")."""

    fields: tuple[str, ...]
    initiator: tuple[Offer, ...]
    responder: tuple[Offer, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """On sat: `choice` is the negotiated value per field (the z3 model) and the two offers
    that agree. On unsat: the closest pair of offers (the most fields in common, by MaxSMT)
    and the fields where they differ, with each side's values."""

    matched: bool
    initiator: str
    responder: str
    choice: tuple[tuple[str, str], ...] = ()
    differences: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()


def _ceil_block(payload: z3.ArithRef, block: int, name: str, solver: z3.Optimize) -> z3.ArithRef:
    """An integer constrained to be payload rounded up to the block: the smallest multiple."""
    blocks = z3.Int(name)
    solver.add(blocks * block >= payload, blocks * block < payload + block)
    return blocks * block


def _outer_expression(enc: Encapsulation, inner: z3.ArithRef, opt: z3.Optimize, tag: str) -> z3.ArithRef:
    payload = inner + GRE_HEADER + (GRE_KEY if enc.gre_key else 0)
    if enc.tunnel_mode:
        payload = payload + IP_HEADER
    size: z3.ArithRef = payload
    if enc.esp:
        padded = _ceil_block(payload + ESP_TRAILER, enc.block, f"blocks_{tag}", opt)
        size = ESP_HEADER + enc.iv + padded + enc.icv
    return IP_HEADER + size + enc.ah + (NAT_T_HEADER if enc.nat_t else 0)


def prove_mtu(query: MtuQuery) -> MtuProof:
    """Two small optimisation problems: the largest inner size that fits the WAN MTU, and the
    largest allowed inner size (up to `ip mtu`) that does not."""
    enc = query.encapsulation
    fit = z3.Optimize()
    n = z3.Int("inner")
    fit.add(n >= 1, n <= query.ip_mtu, _outer_expression(enc, n, fit, "fit") <= query.wan_mtu)
    fit.maximize(n)
    largest = fit.model().eval(n).as_long() if fit.check() == z3.sat else None

    over = z3.Optimize()
    m = z3.Int("inner")
    outer = z3.Int("outer")
    over.add(m >= 1, m <= query.ip_mtu, outer == _outer_expression(enc, m, over, "over"))
    over.add(outer > query.wan_mtu)
    over.maximize(m)
    if over.check() != z3.sat:
        return MtuProof(largest, None, None)
    model = over.model()
    return MtuProof(largest, model.eval(m).as_long(), model.eval(outer).as_long())


def _member(var: z3.ArithRef, values: Sequence[str], ids: dict[str, int]) -> z3.BoolRef:
    return z3.Or([var == ids[v] for v in values]) if values else z3.BoolVal(False)


def match_offers(query: MatchQuery) -> MatchResult:
    """The negotiated choice as a z3 model; on unsat, the closest offers by MaxSMT."""
    ids: dict[str, int] = {}
    for side in (query.initiator, query.responder):
        for offer in side:
            for values in offer.values:
                for v in values:
                    ids.setdefault(v, len(ids))
    names = {i: v for v, i in ids.items()}
    choice = [z3.Int(f"field_{f}") for f in query.fields]
    ia, ib = z3.Int("initiator"), z3.Int("responder")

    def accepts(index: z3.ArithRef, offers: tuple[Offer, ...]) -> z3.BoolRef:
        return z3.Or([
            z3.And(index == k, *[_member(c, o.values[f], ids) for f, c in enumerate(choice)])
            for k, o in enumerate(offers)
        ])

    opt = z3.Optimize()
    opt.add(accepts(ia, query.initiator), accepts(ib, query.responder))
    opt.minimize(ib)
    opt.minimize(ia)
    for c in choice:
        opt.minimize(c)  # values were numbered in the initiator's preference order
    if opt.check() == z3.sat:
        model = opt.model()
        a = query.initiator[model.eval(ia).as_long()]
        b = query.responder[model.eval(ib).as_long()]
        picked = tuple(
            (f, names[model.eval(c).as_long()]) for f, c in zip(query.fields, choice)
        )
        return MatchResult(True, a.label, b.label, choice=picked)

    # unsat: keep the initiator's offer whole and ask for the responder's offer that agrees on
    # the most fields (one soft constraint per field)
    closest = z3.Optimize()
    closest.add(z3.Or([ia == k for k in range(len(query.initiator))]))
    closest.add(z3.Or([ib == k for k in range(len(query.responder))]))
    agree = []
    for f, c in enumerate(choice):
        closest.add(z3.Or([
            z3.And(ia == k, _member(c, o.values[f], ids)) for k, o in enumerate(query.initiator)
        ]))
        ok = z3.Or([
            z3.And(ib == k, _member(c, o.values[f], ids)) for k, o in enumerate(query.responder)
        ])
        agree.append(ok)
        closest.add_soft(ok)
    closest.minimize(ib)
    closest.minimize(ia)
    closest.check()
    model = closest.model()
    a = query.initiator[model.eval(ia).as_long()]
    b = query.responder[model.eval(ib).as_long()]
    differences = tuple(
        (name, a.values[f], b.values[f])
        for f, name in enumerate(query.fields)
        if not z3.is_true(model.eval(agree[f]))
    )
    return MatchResult(False, a.label, b.label, differences=differences)


@dataclass(slots=True)
class ProofCache:
    """Asks z3 once per distinct query for one lint run; `calls` counts the questions z3 was
    actually asked (tests assert it), `lookups` every question the checks asked."""

    calls: int = 0
    lookups: int = 0
    _mtu: dict[MtuQuery, MtuProof] = field(default_factory=dict)
    _match: dict[MatchQuery, MatchResult] = field(default_factory=dict)

    def mtu(self, query: MtuQuery) -> MtuProof:
        self.lookups += 1
        found = self._mtu.get(query)
        if found is None:
            self.calls += 1
            found = self._mtu[query] = prove_mtu(query)
        return found

    def match(self, query: MatchQuery) -> MatchResult:
        self.lookups += 1
        found = self._match.get(query)
        if found is None:
            self.calls += 1
            found = self._match[query] = match_offers(query)
        return found


__all__ = [
    "Encapsulation",
    "MatchQuery",
    "MatchResult",
    "MtuProof",
    "MtuQuery",
    "Offer",
    "ProofCache",
    "match_offers",
    "prove_mtu",
]
