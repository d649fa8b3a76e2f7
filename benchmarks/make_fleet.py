"""Write a synthetic DMVPN fleet (2 hubs + N spokes) for the scaling benchmark.

The fleet is meant to lint (nearly) clean, so that the benchmark times the normal path, and to
look like real running-configs (about 150 lines per spoke, of which only the tunnel, crypto,
interface and routing blocks matter to dmvpnlint), so that the front end's block splitter and
its skipping of irrelevant lines are measured as well as the parser. One dual-hub Phase 2
cloud: every spoke maps and registers with both hubs, strong crypto, transport mode, holdtime
300, EIGRP with split-horizon and next-hop-self off on the hubs. The one expected finding per
device is DMV206 (the guide's wildcard pre-shared key, which the task asks for).

Output is deterministic for a given (spokes, seed): each device draws from its own
`random.Random(f"{seed}:{name}")`, so spoke 17 is the same whatever N is. The directory gets
`hub1.cfg`, `hub2.cfg`, `spoke00001.cfg` ..., `inventory.yaml` (the hubs' roles) and
`.fleet.json` (what was written; `run.py` reuses a fleet whose manifest matches).

    python benchmarks/make_fleet.py --spokes 1000 --out /tmp/fleet-1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import yaml

GENERATOR_VERSION = 1
MANIFEST = ".fleet.json"
MAX_SPOKES = 65000  # tunnel addresses come from one /16

TUNNEL_NET = IPv4Network("10.0.0.0/16")
FIRST_SPOKE_TUNNEL = 11  # 10.0.0.1 and 10.0.0.2 are the hubs
SPOKE_WAN_BASE = IPv4Address("100.64.0.0")  # one /30 per spoke
SPOKE_LAN_BASE = IPv4Address("10.1.0.0")  # one /24 per spoke
SPOKE_LOOPBACK_BASE = IPv4Address("172.30.0.1")  # one /32 per spoke
EIGRP_AS = 100
NETWORK_ID = 100
TUNNEL_KEY = 100000
HOLDTIME = 300
PROFILE = "DMVPN-PROFILE"
TRANSFORM_SET = "DMVPN-TS"
NTP_SERVERS = ("172.16.1.10", "172.16.2.10")
SYSLOG_HOSTS = ("172.16.1.50", "172.16.2.50")
CITIES = ("Aachen", "Bergen", "Cork", "Dijon", "Esbjerg", "Faro", "Graz", "Haarlem", "Izmir",
          "Jena", "Kaunas", "Lille", "Malmo", "Nantes", "Oulu", "Porto", "Riga", "Split")
LAN_SERVICES = (("tcp", "www"), ("tcp", "443"), ("tcp", "22"), ("udp", "domain"),
                ("tcp", "domain"), ("udp", "ntp"), ("tcp", "3389"), ("tcp", "445"),
                ("udp", "snmp"), ("tcp", "smtp"), ("tcp", "993"), ("udp", "5060"),
                ("tcp", "5061"), ("tcp", "8080"), ("udp", "syslog"), ("tcp", "ldap"))


@dataclass(frozen=True, slots=True)
class Hub:
    """A hub's fixed addressing: tunnel address, NBMA (WAN) address and its /28."""

    name: str
    tunnel_ip: IPv4Address
    wan_ip: IPv4Address
    wan_net: IPv4Network
    lan: IPv4Network
    loopback: IPv4Address


HUBS = (
    Hub("hub1", IPv4Address("10.0.0.1"), IPv4Address("192.0.2.1"),
        IPv4Network("192.0.2.0/28"), IPv4Network("172.16.1.0/24"), IPv4Address("172.29.0.1")),
    Hub("hub2", IPv4Address("10.0.0.2"), IPv4Address("198.51.100.1"),
        IPv4Network("198.51.100.0/28"), IPv4Network("172.16.2.0/24"), IPv4Address("172.29.0.2")),
)


@dataclass(frozen=True, slots=True)
class FleetSecrets:
    """The fleet-wide secrets, derived from the seed: equal everywhere, as the cloud needs."""

    psk: str
    nhrp_auth: str  # IOS keeps 8 characters (DMV209)
    snmp_community: str

    @classmethod
    def of(cls, seed: int) -> FleetSecrets:
        digest = hashlib.sha256(f"dmvpnlint-bench:{seed}".encode()).hexdigest()
        return cls(f"Psk-{digest[:16]}", f"nh{digest[16:22]}", f"ro{digest[22:32]}")


@dataclass(frozen=True, slots=True)
class FleetSummary:
    """What `write_fleet` wrote; stored as the `.fleet.json` manifest."""

    generator: int
    spokes: int
    seed: int
    files: int
    lines: int
    bytes: int


def spoke_name(index: int) -> str:
    return f"spoke{index + 1:05d}"


def mask(network: IPv4Network) -> str:
    return str(network.netmask)


def fake_hash(rng: random.Random, length: int = 43) -> str:
    """A type-9-looking secret hash (scrypt output is base64-like): not a real secret."""
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    salt = "".join(rng.choice(alphabet) for _ in range(14))
    return f"$9${salt}${''.join(rng.choice(alphabet) for _ in range(length))}"


def header_lines(name: str, rng: random.Random, version: str) -> list[str]:
    """Everything above crypto: services, AAA, users; dmvpnlint skips all but two lines."""
    day = rng.randint(1, 28)
    stamp = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return [
        "!",
        f"! Last configuration change at {stamp} UTC Tue Mar {day} 2024 by netops",
        "!",
        f"version {version}",
        "service timestamps debug datetime msec localtime show-timezone",
        "service timestamps log datetime msec localtime show-timezone",
        "service password-encryption",
        "service sequence-numbers",
        "no service pad",
        "!",
        f"hostname {name}",
        "!",
        "logging buffered 64000 informational",
        f"enable secret 9 {fake_hash(rng)}",
        "!",
        "aaa new-model",
        "!",
        "aaa authentication login default group tacacs+ local",
        "aaa authorization exec default group tacacs+ local",
        "aaa accounting exec default start-stop group tacacs+",
        "!",
        "aaa session-id common",
        "clock timezone UTC 0 0",
        "!",
        "no ip domain lookup",
        "ip domain name wan.example.net",
        "ip cef",
        "!",
        f"username netops privilege 15 secret 9 {fake_hash(rng)}",
        f"username breakglass privilege 15 secret 9 {fake_hash(rng)}",
        "!",
    ]


def crypto_lines(secrets: FleetSecrets) -> list[str]:
    """Strong IKEv1 and IPsec in transport mode: nothing for DMV208/DMV301/DMV601 to find."""
    return [
        "crypto isakmp policy 10",
        " encr aes 256",
        " hash sha256",
        " authentication pre-share",
        " group 14",
        " lifetime 28800",
        f"crypto isakmp key {secrets.psk} address 0.0.0.0",
        "crypto isakmp keepalive 30 5",
        "crypto isakmp nat keepalive 20",
        "!",
        f"crypto ipsec transform-set {TRANSFORM_SET} esp-aes 256 esp-sha256-hmac",
        " mode transport",
        "!",
        f"crypto ipsec profile {PROFILE}",
        f" set transform-set {TRANSFORM_SET}",
        " set pfs group14",
        "!",
    ]


def tunnel_tail() -> list[str]:
    return [
        " ip tcp adjust-mss 1360",
        " delay 1000",
        " tunnel source GigabitEthernet0/0",
        " tunnel mode gre multipoint",
        f" tunnel key {TUNNEL_KEY}",
        f" tunnel protection ipsec profile {PROFILE}",
        "!",
    ]


def spoke_tunnel(address: IPv4Address, secrets: FleetSecrets) -> list[str]:
    lines = [
        "interface Tunnel0",
        " description DMVPN cloud 1 (hub1, hub2)",
        " bandwidth 1000",
        f" ip address {address} {mask(TUNNEL_NET)}",
        " no ip redirects",
        " ip mtu 1400",
        f" ip nhrp authentication {secrets.nhrp_auth}",
    ]
    for hub in HUBS:
        lines += [f" ip nhrp map {hub.tunnel_ip} {hub.wan_ip}",
                  f" ip nhrp map multicast {hub.wan_ip}"]
    lines += [f" ip nhrp network-id {NETWORK_ID}", f" ip nhrp holdtime {HOLDTIME}"]
    lines += [f" ip nhrp nhs {hub.tunnel_ip}" for hub in HUBS]
    return lines + tunnel_tail()


def hub_tunnel(hub: Hub, secrets: FleetSecrets, max_send: int) -> list[str]:
    return [
        "interface Tunnel0",
        " description DMVPN cloud 1 hub",
        " bandwidth 1000",
        f" ip address {hub.tunnel_ip} {mask(TUNNEL_NET)}",
        " no ip redirects",
        " ip mtu 1400",
        f" ip nhrp authentication {secrets.nhrp_auth}",
        " ip nhrp map multicast dynamic",
        f" ip nhrp network-id {NETWORK_ID}",
        f" ip nhrp holdtime {HOLDTIME}",
        f" ip nhrp max-send {max_send} every 10",
        f" no ip split-horizon eigrp {EIGRP_AS}",
        f" no ip next-hop-self eigrp {EIGRP_AS}",
    ] + tunnel_tail()


LOOPBACK_LINES = 3  # `physical_interfaces` starts with Loopback0; IOS sorts Tunnel0 after it


def physical_interfaces(wan: IPv4Address, wan_net: IPv4Network, lan: IPv4Network,
                        loopback: IPv4Address, unused: Sequence[str]) -> list[str]:
    lines = [
        "interface Loopback0",
        f" ip address {loopback} 255.255.255.255",
        "!",
        "interface GigabitEthernet0/0",
        " description WAN uplink (tunnel source)",
        f" ip address {wan} {mask(wan_net)}",
        " ip access-group WAN-IN in",
        " no ip redirects",
        " no ip proxy-arp",
        " duplex auto",
        " speed auto",
        "!",
        "interface GigabitEthernet0/1",
        " description site LAN",
        f" ip address {lan[1]} {mask(lan)}",
        " ip access-group LAN-IN in",
        " duplex auto",
        " speed auto",
        "!",
    ]
    for name in unused:
        lines += [f"interface {name}", " no ip address", " shutdown"]
        lines.append("!")
    return lines


def eigrp_lines(lan: IPv4Network, loopback: IPv4Address, stub: bool) -> list[str]:
    lines = [
        f"router eigrp {EIGRP_AS}",
        f" network {TUNNEL_NET.network_address} {TUNNEL_NET.hostmask}",
        f" network {lan.network_address} {lan.hostmask}",
        f" network {loopback} 0.0.0.0",
    ]
    if stub:
        lines.append(" eigrp stub connected summary")
    return lines + ["!"]


def acl_lines(rng: random.Random, lan: IPv4Network) -> list[str]:
    wan_in = [
        "ip access-list extended WAN-IN",
        " 10 permit esp any any",
        " 20 permit udp any any eq isakmp",
        " 30 permit udp any any eq non500-isakmp",
        " 40 permit icmp any any echo-reply",
        " 50 permit icmp any any time-exceeded",
        " 60 permit icmp any any unreachable",
        " 70 permit icmp any any packet-too-big",
        " 80 permit tcp any any established",
        " 90 permit udp any eq ntp any",
        " 100 deny   ip any any log",
    ]
    lan_in = ["ip access-list extended LAN-IN"]
    services = rng.sample(LAN_SERVICES, rng.randint(8, 12))
    seq = 10
    for protocol, port in services:
        lan_in.append(f" {seq} permit {protocol} {lan.network_address} {lan.hostmask} any eq {port}")
        seq += 10
    lan_in += [f" {seq} permit icmp {lan.network_address} {lan.hostmask} any",
               f" {seq + 10} deny   ip any any log"]
    return wan_in + ["!"] + lan_in + ["!"]


def management_lines(name: str, site: str, loopback: IPv4Address, gateway: IPv4Address,
                     secrets: FleetSecrets) -> list[str]:
    lines = [
        "ip forward-protocol nd",
        "no ip http server",
        "!",
        f"ip route 0.0.0.0 0.0.0.0 {gateway}",
        "ip ssh version 2",
        "!",
        "logging trap informational",
        "logging source-interface Loopback0",
    ]
    lines += [f"logging host {host}" for host in SYSLOG_HOSTS]
    lines += [
        "access-list 99 permit 172.16.1.0 0.0.0.255",
        "access-list 99 permit 172.16.2.0 0.0.0.255",
        "!",
        f"snmp-server community {secrets.snmp_community} RO 99",
        f"snmp-server location {site}",
        "snmp-server contact noc@example.net",
        "snmp-server enable traps tty",
        f"snmp-server host {SYSLOG_HOSTS[0]} version 2c {secrets.snmp_community}",
        f"tacacs-server host {NTP_SERVERS[0]}",
        "!",
        "control-plane",
        "!",
        "banner motd ^C",
        "****************************************************************",
        f"*  {name}: {site}".ljust(63) + "*",
        "*  Authorized access only. Activity is logged and monitored.   *",
        "****************************************************************",
        "^C",
        "!",
        "line con 0",
        " exec-timeout 15 0",
        " logging synchronous",
        "line vty 0 4",
        " access-class 99 in",
        " exec-timeout 15 0",
        " transport input ssh",
        "line vty 5 15",
        " access-class 99 in",
        " transport input ssh",
        "!",
        "ntp source Loopback0",
        f"ntp server {NTP_SERVERS[0]} prefer",
        f"ntp server {NTP_SERVERS[1]}",
        "!",
        "end",
    ]
    return lines


def render(body: list[str]) -> str:
    """Prefix the `show running-config` header, with the byte count IOS would print."""
    text = "\n".join(body) + "\n"
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n{text}"


def spoke_config(index: int, seed: int, secrets: FleetSecrets) -> str:
    name = spoke_name(index)
    rng = random.Random(f"{seed}:{name}")
    tunnel_ip = TUNNEL_NET.network_address + FIRST_SPOKE_TUNNEL + index
    wan_net = IPv4Network((int(SPOKE_WAN_BASE) + 4 * index, 30))
    lan = IPv4Network((int(SPOKE_LAN_BASE) + 256 * index, 24))
    loopback = SPOKE_LOOPBACK_BASE + index
    site = f"Branch {index + 1} {rng.choice(CITIES)}"
    unused = ["GigabitEthernet0/2", "Serial0/0/0", "Serial0/0/1"]
    interfaces = physical_interfaces(wan_net[1], wan_net, lan, loopback, unused)
    body = (header_lines(name, rng, "15.7") + crypto_lines(secrets) + interfaces[:LOOPBACK_LINES]
            + spoke_tunnel(tunnel_ip, secrets) + interfaces[LOOPBACK_LINES:]
            + eigrp_lines(lan, loopback, stub=True) + acl_lines(rng, lan)
            + management_lines(name, site, loopback, wan_net[2], secrets))
    return render(body)


def hub_max_send(spokes: int) -> int:
    """`ip nhrp max-send` with room for every spoke's registration and some resolutions.

    Each spoke registers every holdtime/3 seconds with each hub: spokes * 10 / (HOLDTIME / 3)
    packets per 10 s; allow four times that, at least IOS's default 100, at most 65535.
    """
    registrations = spokes * 10 * 3 // HOLDTIME + 1
    return min(65535, max(100, 4 * registrations))


def hub_config(hub: Hub, seed: int, spokes: int, secrets: FleetSecrets) -> str:
    rng = random.Random(f"{seed}:{hub.name}")
    unused = ["GigabitEthernet0/2", "GigabitEthernet0/3"]
    interfaces = physical_interfaces(hub.wan_ip, hub.wan_net, hub.lan, hub.loopback, unused)
    body = (header_lines(hub.name, rng, "15.7") + crypto_lines(secrets)
            + interfaces[:LOOPBACK_LINES] + hub_tunnel(hub, secrets, hub_max_send(spokes))
            + interfaces[LOOPBACK_LINES:]
            + eigrp_lines(hub.lan, hub.loopback, stub=False) + acl_lines(rng, hub.lan)
            + management_lines(hub.name, "Data centre", hub.loopback,
                               hub.wan_net.broadcast_address - 1, secrets))
    return render(body)


def inventory_text() -> str:
    """The inventory: hub roles (spokes are inferred) and the release every device runs."""
    document = {
        "defaults": {"ios": "15.7(3)M5", "platform": "CISCO2911"},
        "devices": {hub.name: {"config": f"{hub.name}.cfg", "role": "hub",
                               "platform": "CISCO3945"} for hub in HUBS},
    }
    return yaml.safe_dump(document, sort_keys=False)


def remove_stale_spokes(out: Path, spokes: int) -> None:
    """Delete spoke files of an earlier, larger fleet in `out`: the linter would read them."""
    for path in out.glob("spoke*.cfg"):
        number = path.stem.removeprefix("spoke")
        if len(number) == 5 and number.isdigit() and int(number) > spokes:
            path.unlink()


def write_fleet(out: Path, spokes: int, seed: int = 1) -> FleetSummary:
    """Write the fleet and its manifest into `out` (created if needed); return the counts."""
    if not 1 <= spokes <= MAX_SPOKES:
        raise ValueError(f"spokes must be 1..{MAX_SPOKES}, not {spokes}")
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # a half-written fleet must not look complete
    secrets = FleetSecrets.of(seed)
    files = lines = size = 0

    def write(name: str, text: str) -> None:
        nonlocal files, lines, size
        data = text.encode("ascii")
        (out / name).write_bytes(data)
        files, lines, size = files + 1, lines + text.count("\n"), size + len(data)

    for hub in HUBS:
        write(f"{hub.name}.cfg", hub_config(hub, seed, spokes, secrets))
    for index in range(spokes):
        write(f"{spoke_name(index)}.cfg", spoke_config(index, seed, secrets))
    remove_stale_spokes(out, spokes)
    (out / "inventory.yaml").write_text(inventory_text(), encoding="ascii")
    summary = FleetSummary(GENERATOR_VERSION, spokes, seed, files, lines, size)
    (out / MANIFEST).write_text(json.dumps(asdict(summary), indent=2) + "\n", encoding="ascii")
    return summary


def read_manifest(out: Path) -> FleetSummary | None:
    """The manifest of a complete fleet in `out`, or None (missing, partial or older)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="ascii"))
        summary = FleetSummary(**data)
    except (OSError, ValueError, TypeError):
        return None
    return summary if summary.generator == GENERATOR_VERSION else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spokes", type=int, required=True, help=f"1..{MAX_SPOKES}")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1 <= args.spokes <= MAX_SPOKES:
        parser.error(f"--spokes must be 1..{MAX_SPOKES}")
    summary = write_fleet(args.out, args.spokes, args.seed)
    print(f"{summary.files} configs, {summary.lines} lines, {summary.bytes} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
