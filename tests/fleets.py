"""A small clean fleet (two hubs, two spokes) as config text, and ways to break it.

Each check test starts from this fleet, changes one thing, and asserts the exact findings, so
that a finding cannot come from something else in the configs.
"""

from __future__ import annotations

HUB = """\
hostname {name}
!
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key {psk} address 203.0.113.0 255.255.255.0
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
!
crypto ipsec profile DMVPN
 set transform-set TS
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.{tun} 255.255.255.0
 ip mtu 1400
 ip nhrp authentication {auth}
 ip nhrp map multicast dynamic
 ip nhrp network-id 100
 ip nhrp holdtime 300
 no ip split-horizon eigrp 1
 no ip next-hop-self eigrp 1
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 100
 tunnel protection ipsec profile DMVPN
!
interface GigabitEthernet0/0
 ip address 203.0.113.{tun} 255.255.255.0
!
interface GigabitEthernet0/1
 ip address 192.168.{lan}.1 255.255.255.0
!
router eigrp 1
 network 10.0.0.0 0.0.0.255
 network 192.168.{lan}.0 0.0.0.255
!
line vty 0 4
 login local
 transport input ssh
!
end
"""

SPOKE = """\
hostname {name}
!
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key {psk} address 203.0.113.0 255.255.255.0
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
!
crypto ipsec profile DMVPN
 set transform-set TS
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.{n} 255.255.255.0
 ip mtu 1400
 ip nhrp authentication {auth}
 ip nhrp map 10.0.0.1 203.0.113.1
 ip nhrp map multicast 203.0.113.1
 ip nhrp map 10.0.0.254 203.0.113.254
 ip nhrp map multicast 203.0.113.254
 ip nhrp network-id 100
 ip nhrp holdtime 300
 ip nhrp nhs 10.0.0.1
 ip nhrp nhs 10.0.0.254
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 100
 tunnel protection ipsec profile DMVPN
!
interface GigabitEthernet0/0
 ip address 203.0.113.{n} 255.255.255.0
!
interface GigabitEthernet0/1
 ip address 192.168.{n}.1 255.255.255.0
!
router eigrp 1
 network 10.0.0.0 0.0.0.255
 network 192.168.{n}.0 0.0.0.255
!
line vty 0 4
 login local
 transport input ssh
!
end
"""

PSK = "Fl33tPsk-9"
AUTH = "nh7Auth"


def clean_fleet(spokes: int = 2) -> dict[str, str]:
    """Two hubs (10.0.0.1 and 10.0.0.254 on 203.0.113.1 and .254) and `spokes` spokes."""
    files = {
        "hub1.cfg": HUB.format(name="hub1", tun=1, lan=0, psk=PSK, auth=AUTH),
        "hub2.cfg": HUB.format(name="hub2", tun=254, lan=254, psk=PSK, auth=AUTH),
    }
    for i in range(spokes):
        n = i + 2
        files[f"spoke{i + 1}.cfg"] = SPOKE.format(name=f"spoke{i + 1}", n=n, psk=PSK, auth=AUTH)
    return files


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in text")


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
