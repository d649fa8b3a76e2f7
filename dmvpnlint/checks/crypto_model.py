"""Effective IKE/IPsec settings per protected tunnel, with the IOS defaults written out.

The parsed `model.Crypto` holds what the config says; negotiation depends as much on what it
does not say. Each default below is modelled as an explicit value with its source, so a finding
can say "policy 10 has no `group` line: IOS uses group 1" rather than silently assume:

- ISAKMP policy fields (Cisco IOS Security Command Reference, `crypto isakmp policy`, and the
  "Default protection suite" that `show crypto isakmp policy` prints): encryption DES,
  hash SHA-1, authentication RSA signatures, group 1, lifetime 86400 s.
- Default ISAKMP policies (Cisco IOS Security Command Reference, `crypto isakmp default
  policy`, introduced in 12.4(20)T): used only when no `crypto isakmp policy` is configured and
  `no crypto isakmp default policy` is absent; priorities 65507-65514: AES-128 or 3DES (3DES
  from 65511) x SHA or MD5 x RSA signature or pre-share, group 5 for AES and group 2 for 3DES.
- IKEv2 smart defaults (Cisco FlexVPN and IKEv2 Configuration Guide, "IKEv2 Smart Defaults",
  15.1(1)T/15.2(4)M): when no `crypto ikev2 policy` is configured, the default policy matches
  every peer and offers the default proposal: encryption AES-CBC-256/192/128, integrity and PRF
  SHA-512/384/256/SHA-1/MD5, groups 5 and 2. A user-defined proposal is used only through a
  user-defined policy.
- IPsec transform sets: `mode tunnel` unless `mode transport` is configured (Security Command
  Reference, `mode (IPsec)`); transport mode is a request that falls back to tunnel mode when
  the peer offers only tunnel mode. An IPsec profile without `set transform-set` uses the
  default transform sets of 12.4(20)T and later: esp-aes esp-sha-hmac, then esp-3des
  esp-sha-hmac, tunnel mode (`show crypto ipsec default transform-set`).
- PFS: absent `set pfs` means no PFS; `set pfs` without a group means group 1 (`set pfs`).
- IPsec SA lifetime: 3600 s and 4,608,000 KB unless `set security-association lifetime`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from dmvpnlint.engine.runner import LintContext
from dmvpnlint.model import (
    Device,
    Interface,
    IPAddress,
    IsakmpPolicy,
    PresharedKey,
    Release,
    Span,
    TransformSet,
)
from dmvpnlint.solver import Encapsulation, Offer, ProofCache
from dmvpnlint.topology import TunnelRef

IKEV1_FIELDS = ("encryption", "hash", "authentication", "group")
IKEV2_FIELDS = ("encryption", "integrity", "prf", "group")
IPSEC_FIELDS = ("transforms", "mode", "pfs")

ISAKMP_DEFAULTS = {"encryption": "des", "hash": "sha", "authentication": "rsa-sig", "group": "1"}
ISAKMP_LIFETIME_DEFAULT = 86400
IPSEC_LIFETIME_SECONDS = 3600
IPSEC_LIFETIME_KILOBYTES = 4_608_000

#: (priority, encryption, hash, authentication, group): `crypto isakmp default policy`
DEFAULT_ISAKMP_POLICIES: tuple[tuple[int, str, str, str, str], ...] = (
    (65507, "aes", "sha", "rsa-sig", "5"),
    (65508, "aes", "sha", "pre-share", "5"),
    (65509, "aes", "md5", "rsa-sig", "5"),
    (65510, "aes", "md5", "pre-share", "5"),
    (65511, "3des", "sha", "rsa-sig", "2"),
    (65512, "3des", "sha", "pre-share", "2"),
    (65513, "3des", "md5", "rsa-sig", "2"),
    (65514, "3des", "md5", "pre-share", "2"),
)

#: the IKEv2 default proposal (smart defaults)
IKEV2_DEFAULT_PROPOSAL = (
    ("aes-cbc-256", "aes-cbc-192", "aes-cbc-128"),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    ("5", "2"),
)

#: default transform sets of 12.4(20)T and later, in the order IOS offers them
DEFAULT_TRANSFORM_SETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("#$!default_transform_set_1", ("esp-aes", "esp-sha-hmac")),
    ("#$!default_transform_set_0", ("esp-3des", "esp-sha-hmac")),
)

# ESP ciphers: (IV bytes, padding block) and integrity ICVs, RFC 4303 and nhrp-wire.md s. 13
ESP_CIPHERS: dict[str, tuple[int, int]] = {
    "esp-des": (8, 8),
    "esp-3des": (8, 8),
    "esp-aes": (16, 16),
    "esp-gcm": (8, 4),
    "esp-gmac": (8, 4),
    "esp-null": (0, 4),
    "esp-seal": (0, 4),
}
AEAD = {"esp-gcm": 16, "esp-gmac": 16}
ESP_ICV: dict[str, int] = {
    "esp-md5-hmac": 12,
    "esp-sha-hmac": 12,
    "esp-sha256-hmac": 16,
    "esp-sha384-hmac": 24,
    "esp-sha512-hmac": 32,
}
AH_SIZE: dict[str, int] = {  # 12-byte AH header + ICV
    "ah-md5-hmac": 24,
    "ah-sha-hmac": 24,
    "ah-sha256-hmac": 28,
    "ah-sha384-hmac": 36,
    "ah-sha512-hmac": 44,
}
KEY_SIZES = {"128", "192", "256"}


@dataclass(frozen=True, slots=True)
class IkeProposal:
    """One IKE offer of a tunnel: a configured or default ISAKMP policy, or an IKEv2 proposal.

    `values` follow IKEV1_FIELDS or IKEV2_FIELDS; `defaulted` names the fields IOS fills in and
    where that default comes from, for messages.
    """

    label: str
    values: tuple[tuple[str, ...], ...]
    span: Span | None
    defaulted: tuple[str, ...] = ()

    def offer(self) -> Offer:
        return Offer(self.label, self.values)

    def text(self) -> str:
        return "/".join(",".join(v) for v in self.values)


@dataclass(frozen=True, slots=True)
class IpsecOffer:
    """One transform set as offered: its normalised transforms and the mode it asks for."""

    name: str
    transforms: tuple[str, ...]  # ("esp-aes 256", "esp-sha256-hmac")
    mode: str  # "transport" | "tunnel"
    span: Span | None  # the transform set's line; None for a default set
    mode_span: Span | None  # the `mode` line; None when the mode is IOS's default
    defaulted: bool = False

    @property
    def label(self) -> str:
        return " ".join(self.transforms)

    def encapsulation(self, gre_key: bool, nat_t: bool, mode: str | None = None) -> Encapsulation:
        """The byte arithmetic of this transform set for the solver."""
        iv, block, icv, ah, esp = 0, 4, 0, 0, False
        for t in self.transforms:
            base = t.split()[0]
            if base in ESP_CIPHERS:
                iv, block = ESP_CIPHERS[base]
                icv = max(icv, AEAD.get(base, 0))
                esp = True
            elif base in ESP_ICV:
                icv = max(icv, ESP_ICV[base])
                esp = True
            elif base in AH_SIZE:
                ah = AH_SIZE[base]
        return Encapsulation(iv, block, icv, gre_key, (mode or self.mode) == "tunnel", nat_t, ah, esp)


@dataclass(frozen=True, slots=True)
class TunnelCrypto:
    """The effective crypto of one protected tunnel (or the absence of protection)."""

    ref: TunnelRef
    protected: bool
    profile: str | None
    protection_span: Span | None
    ike_version: int  # 1 or 2
    ike: tuple[IkeProposal, ...]
    ipsec: tuple[IpsecOffer, ...]
    pfs: str | None
    psk: bool  # pre-shared keys authenticate (IKEv1 policy or IKEv2 profile says so)
    keys: tuple[PresharedKey, ...]
    lifetime_seconds: int = IPSEC_LIFETIME_SECONDS
    lifetime_kilobytes: int = IPSEC_LIFETIME_KILOBYTES

    signature: tuple[object, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # computed once: the checks group 10,000 spokes by it several times per run
        object.__setattr__(self, "signature", self._signature())

    def _signature(self) -> tuple[object, ...]:
        """What negotiation depends on: tunnels with equal signatures negotiate alike, so a
        group of them is checked once."""
        return (
            self.protected,
            self.ike_version,
            tuple([p.values for p in self.ike]),
            tuple([(o.transforms, o.mode) for o in self.ipsec]),
            self.pfs,
        )

    def ike_offers(self) -> tuple[Offer, ...]:
        return tuple(p.offer() for p in self.ike)

    def ipsec_offers(self) -> tuple[Offer, ...]:
        """Transport mode is a request: such a set offers transport, then tunnel mode."""
        pfs = (self.pfs or "none",)
        return tuple(
            Offer(o.name, ((o.label,), ("transport", "tunnel") if o.mode == "transport" else ("tunnel",), pfs))
            for o in self.ipsec
        )


def normalise_transforms(transforms: tuple[str, ...]) -> tuple[str, ...]:
    """`('esp-aes', '256', 'esp-sha256-hmac')` -> `('esp-aes 256', 'esp-sha256-hmac')`;
    `esp-aes` alone is AES-128."""
    out: list[str] = []
    for t in transforms:
        if t in KEY_SIZES and out:
            out[-1] = f"{out[-1].split()[0]} {t}"
        elif t == "esp-aes":
            out.append("esp-aes 128")
        else:
            out.append(t)
    return tuple(out)


def has_default_isakmp_policies(device: Device) -> bool | None:
    """Whether IOS falls back to the default ISAKMP policies: 12.4(20)T and later T, 15.x and
    IOS-XE. None when neither the inventory release nor the `version` line tells."""
    release: Release | None = device.release
    if release is not None:
        if release.xe or release.major >= 15:
            return True
        return (release.major, release.minor) == (12, 4) and release.train.startswith("T") and release.maint >= 20
    if device.version is not None:
        try:
            return float(device.version.value.split()[0]) >= 15.0
        except ValueError:
            return None
    return None


def _isakmp_value(policy: IsakmpPolicy, name: str) -> tuple[str, bool]:
    located = getattr(policy, name)
    if located is None:
        return ISAKMP_DEFAULTS[name], True
    value = str(located.value).lower()
    if name == "encryption":
        value = value.replace("aes 128", "aes")
    return value, False


def _policy_proposal(policy: IsakmpPolicy) -> IkeProposal:
    """One configured ISAKMP policy as an offer (the fields spelled out: 10,000 spokes each
    have one, and a loop over field names with getattr cost twice as much)."""
    encryption, hash_, authentication, group = policy.encryption, policy.hash, policy.authentication, policy.group
    defaulted = []
    if encryption is None:
        enc = ISAKMP_DEFAULTS["encryption"]
        defaulted.append("encryption")
    else:
        enc = str(encryption.value).lower().replace("aes 128", "aes")
    if hash_ is None:
        hsh = ISAKMP_DEFAULTS["hash"]
        defaulted.append("hash")
    else:
        hsh = str(hash_.value).lower()
    if authentication is None:
        auth = ISAKMP_DEFAULTS["authentication"]
        defaulted.append("authentication")
    else:
        auth = str(authentication.value).lower()
    if group is None:
        grp = ISAKMP_DEFAULTS["group"]
        defaulted.append("group")
    else:
        grp = str(group.value).lower()
    return IkeProposal(f"policy {policy.priority}", ((enc,), (hsh,), (auth,), (grp,)), policy.span,
                       tuple(defaulted))


def _ikev1_proposals(device: Device) -> tuple[IkeProposal, ...]:
    crypto = device.crypto
    policies = crypto.isakmp_policies
    if policies:
        if len(policies) > 1:
            policies = sorted(policies, key=lambda p: p.priority)
        return tuple(_policy_proposal(policy) for policy in policies)
    disabled = crypto.isakmp_default_policy_disabled is not None
    if not disabled and has_default_isakmp_policies(device):
        return tuple(
            IkeProposal(f"default policy {prio}", ((e,), (h,), (a,), (g,)), None, IKEV1_FIELDS)
            for prio, e, h, a, g in DEFAULT_ISAKMP_POLICIES
        )
    return ()


def _ikev2_proposals(device: Device, fvrf: str | None) -> tuple[IkeProposal, ...]:
    crypto = device.crypto
    policies = [
        p for p in crypto.ikev2_policies.values()
        if p.match_fvrf is None and fvrf is None
        or p.match_fvrf is not None and p.match_fvrf.value in ("any", fvrf)
    ]
    if not crypto.ikev2_policies:
        return (IkeProposal("default proposal", IKEV2_DEFAULT_PROPOSAL, None, IKEV2_FIELDS),)
    found: list[IkeProposal] = []
    for policy in policies:
        for name in policy.proposals:
            proposal = crypto.ikev2_proposals.get(name.value)
            if proposal is None:
                continue  # DMV002 reports the undefined name
            enc = tuple(e.value.lower() for e in proposal.encryption)
            integ = tuple(i.value.lower() for i in proposal.integrity) or ("none",)
            prf = tuple(p.value.lower() for p in proposal.prf) or integ
            group = tuple(str(g.value) for g in proposal.group)
            found.append(IkeProposal(f"proposal {proposal.name}", (enc, integ, prf, group), proposal.span))
    return tuple(found)


def _transform_offer(ts: TransformSet) -> IpsecOffer:
    mode = ts.mode.value.lower() if ts.mode is not None else "tunnel"
    return IpsecOffer(
        ts.name, normalise_transforms(ts.transforms), "transport" if mode == "transport" else "tunnel",
        ts.span, ts.mode.span if ts.mode else None,
    )


def _keys_for(device: Device, profile_names: tuple[str, ...], ikev2: bool) -> tuple[PresharedKey, ...]:
    """The pre-shared keys a tunnel can use: its profiles' keyrings, or the global keys."""
    crypto = device.crypto
    keys: list[PresharedKey] = []
    for name in profile_names:
        keyring = crypto.keyrings.get(name)
        if keyring is not None:
            keys.extend(keyring.keys)
    if not ikev2:
        keys.extend(crypto.isakmp_keys)
    return tuple(keys)


def tunnel_crypto(device: Device, interface: Interface, ref: TunnelRef | None = None) -> TunnelCrypto:
    """The effective crypto of one tunnel interface."""
    if ref is None:
        ref = TunnelRef(device.name, interface.name)
    tunnel = interface.tunnel
    protection = tunnel.protection if tunnel is not None else None
    crypto = device.crypto
    profile = crypto.ipsec_profiles.get(protection.profile) if protection is not None else None
    if protection is None or profile is None:
        return TunnelCrypto(ref, protection is not None, protection.profile if protection else None,
                            protection.span if protection else None, 1, (), (), None, False, ())
    fvrf = tunnel.vrf.value if tunnel is not None and tunnel.vrf is not None else None
    ikev2_profile = crypto.ikev2_profiles.get(profile.ikev2_profile.value) if profile.ikev2_profile else None
    if profile.ikev2_profile is not None:
        ike = _ikev2_proposals(device, fvrf)
        methods = {a.value.split()[0].lower() for a in (ikev2_profile.authentication_local if ikev2_profile else ())}
        methods |= {a.value.split()[0].lower() for a in (ikev2_profile.authentication_remote if ikev2_profile else ())}
        psk = "pre-share" in methods
        keyrings = tuple(k.value for k in (ikev2_profile.keyring, ikev2_profile.keyring_local)
                         if k is not None) if ikev2_profile else ()
        keys = _keys_for(device, keyrings, ikev2=True)
        version = 2
    else:
        ike = _ikev1_proposals(device)
        psk = any("pre-share" in p.values[2] for p in ike)
        isakmp_profile = crypto.isakmp_profiles.get(profile.isakmp_profile.value) if profile.isakmp_profile else None
        keyrings = tuple(k.value for k in isakmp_profile.keyrings) if isakmp_profile else ()
        keys = _keys_for(device, keyrings, ikev2=False)
        version = 1
    transform_sets = crypto.transform_sets
    offers = tuple(
        _transform_offer(transform_sets[name.value])
        for name in profile.transform_sets if name.value in transform_sets
    )
    if not profile.transform_sets:
        offers = tuple(
            IpsecOffer(name, normalise_transforms(t), "tunnel", None, None, defaulted=True)
            for name, t in DEFAULT_TRANSFORM_SETS
        )
    return TunnelCrypto(
        ref, True, profile.name, protection.span, version, ike, offers,
        profile.pfs.value.lower() if profile.pfs else None, psk, keys,
        profile.lifetime_seconds.value if profile.lifetime_seconds else IPSEC_LIFETIME_SECONDS,
        profile.lifetime_kilobytes.value if profile.lifetime_kilobytes else IPSEC_LIFETIME_KILOBYTES,
    )


def crypto_table(ctx: LintContext) -> dict[TunnelRef, TunnelCrypto]:
    """The run's table of effective crypto by tunnel, filled on demand by `crypto_of` (checks
    that walk 10,000 spokes read it directly and call `crypto_of` only on a miss)."""
    return ctx.derived.setdefault("crypto", {})  # type: ignore[return-value]


def crypto_of(ctx: LintContext, ref: TunnelRef) -> TunnelCrypto:
    """The effective crypto of a tunnel, computed once per lint run."""
    table: dict[TunnelRef, TunnelCrypto] = ctx.derived.setdefault("crypto", {})  # type: ignore[assignment]
    found = table.get(ref)
    if found is None:
        device = ctx.devices[ref.device]
        found = table[ref] = tunnel_crypto(device, device.interfaces[ref.interface], ref)
    return found


def signature_id(ctx: LintContext, ref: TunnelRef) -> int:
    """A small number per distinct `TunnelCrypto.signature`, per run: tunnels negotiate alike
    exactly when their numbers are equal. Grouping 10,000 spokes several times by the nested
    signature tuple re-hashed it every time; the number is hashed for free."""
    ids: dict[TunnelRef, int] = ctx.derived.setdefault("signature_ids", {})  # type: ignore[assignment]
    found = ids.get(ref)
    if found is None:
        numbers: dict[tuple[object, ...], int] = ctx.derived.setdefault("signature_numbers", {})  # type: ignore[assignment]
        signature = crypto_of(ctx, ref).signature
        found = numbers.get(signature)
        if found is None:
            found = numbers[signature] = len(numbers)
        ids[ref] = found
    return found


def proofs(ctx: LintContext) -> ProofCache:
    """The run's z3 proof cache (made on first use: DMV601 asks for it once per tunnel, and a
    `setdefault` would build a throw-away cache each time)."""
    found = ctx.derived.get("proofs")
    if found is None:
        found = ctx.derived["proofs"] = ProofCache()
    return found  # type: ignore[return-value]


def seen_address(ctx: LintContext, ref: TunnelRef) -> IPAddress | None:
    """The address peers see a tunnel's packets come from: the NAT outside address when the
    inventory gives one, else the tunnel source's address (None when unknown). Worked out once
    per tunnel and run: each spoke is asked for by each of its hubs and by its neighbour."""
    table: dict[TunnelRef, IPAddress | None] = ctx.derived.setdefault("seen_address", {})  # type: ignore[assignment]
    if ref in table:
        return table[ref]
    found = table[ref] = _seen_address(ctx, ref)
    return found


def _seen_address(ctx: LintContext, ref: TunnelRef) -> IPAddress | None:
    device = ctx.devices[ref.device]
    if device.inventory.nat is not None:
        return device.inventory.nat.outside
    nbma = ctx.topology.nbma.get(ref)
    if nbma is None or not nbma.addresses:
        return None
    addresses = nbma.addresses
    if len(addresses) == 1:
        # the usual case; `min(key=str)` formats every address and is the rest's tie-break
        for address in addresses:
            return address
    return min(addresses, key=str)


def key_for(keys: tuple[PresharedKey, ...], address: IPAddress) -> PresharedKey | None:
    """The key IOS picks for a peer address: the most specific address/mask that covers it."""
    if not isinstance(address, IPv4Address):
        return None
    peer = int(address)
    best: PresharedKey | None = None
    best_len = -1
    for key in keys:
        key_address, key_mask = key.address, key.mask
        if key_address is None or not isinstance(key_address, IPv4Address):
            continue
        network = int(key_address)
        if key_mask is not None:
            mask = int(key_mask)
        else:
            mask = 0 if network == 0 else 0xFFFFFFFF
        if peer & mask == network & mask:
            length = mask.bit_count()
            if length > best_len:
                best, best_len = key, length
    return best


def behind_nat(device: Device) -> bool:
    return device.inventory.nat is not None


def peers_of(ctx: LintContext, ref: TunnelRef) -> Iterator[TunnelRef]:
    """The hubs a spoke links to, or the spokes that register with a hub."""
    role = ctx.topology.roles.get(ref)
    if role == "hub":
        yield from ctx.topology.nhs_clients(ref.device, ref.interface)
        return
    seen: set[TunnelRef] = set()
    for link in ctx.topology.links_from(ref.device, ref.interface):
        for hub in link.hubs:
            if hub not in seen and ctx.topology.roles.get(hub) == "hub":
                seen.add(hub)
                yield hub
