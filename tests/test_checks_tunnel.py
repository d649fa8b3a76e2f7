"""One device's tunnels: ranges, forbidden commands, shared sources, reused identities."""

from __future__ import annotations

from pathlib import Path

from tests.fleets import clean_fleet, edit, line_of
from tests.helpers import hits, lint_files

SECOND_TUNNEL = """\
interface Tunnel1
 ip address 10.1.0.1 255.255.255.0
 ip nhrp authentication {auth}
 ip nhrp map multicast dynamic
 ip nhrp network-id {nid}
 ip nhrp holdtime 300
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
{key} tunnel protection ipsec profile DMVPN{shared}
!
"""


def with_second_tunnel(nid: int = 200, auth: str = "other1", key: str = " tunnel key 201\n",
                       shared: str = " shared", first_shared: str = " shared") -> dict[str, str]:
    files = clean_fleet()
    hub = files["hub1.cfg"]
    hub = edit(hub, "tunnel protection ipsec profile DMVPN\n", f"tunnel protection ipsec profile DMVPN{first_shared}\n")
    block = SECOND_TUNNEL.format(auth=auth, nid=nid, key=key, shared=shared)
    files["hub1.cfg"] = edit(hub, "interface GigabitEthernet0/0\n", block + "interface GigabitEthernet0/0\n")
    return files


def test_second_cloud_done_right_is_silent(tmp_path: Path) -> None:
    findings = lint_files(tmp_path, with_second_tunnel(), select=["DMV114", "DMV115", "DMV116"])
    assert findings == []


def test_values_out_of_range(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = (
        files["spoke1.cfg"]
        .replace("ip nhrp network-id 100", "ip nhrp network-id 0")
        .replace("ip tcp adjust-mss 1360", "ip tcp adjust-mss 1500")
    )
    findings = lint_files(tmp_path, files, select=["DMV109"])
    assert hits(findings, "DMV109") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "network-id 0")),
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "adjust-mss 1500")),
    ]
    assert sorted(f.message for f in findings) == [
        "ip nhrp network-id 0 on spoke1 Tunnel0 is outside the range 1-4294967295",
        "ip tcp adjust-mss 1500 on spoke1 Tunnel0 is outside the range 500-1460",
    ]


def test_keepalive_on_dmvpn_tunnel(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " tunnel key 100\n", " tunnel key 100\n keepalive 10 3\n")
    findings = lint_files(tmp_path, files, select=["DMV112"])
    assert hits(findings, "DMV112") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "keepalive 10 3"))]


def test_multipoint_with_destination(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " tunnel key 100\n", " tunnel key 100\n tunnel destination 203.0.113.1\n")
    findings = lint_files(tmp_path, files, select=["DMV113"])
    assert hits(findings, "DMV113") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "tunnel destination"))]
    assert "tunnel mode gre multipoint" in findings[0].message


def test_shared_source_without_key(tmp_path: Path) -> None:
    files = with_second_tunnel(key="")
    findings = lint_files(tmp_path, files, select=["DMV114"])
    line = line_of(files["hub1.cfg"], "tunnel source GigabitEthernet0/0", 2)
    assert hits(findings, "DMV114") == [("hub1", "hub1.cfg", line)]
    assert "without a tunnel key on both" in findings[0].message


def test_shared_source_and_profile_without_shared(tmp_path: Path) -> None:
    files = with_second_tunnel(shared="", first_shared="")
    findings = lint_files(tmp_path, files, select=["DMV115"])
    line = line_of(files["hub1.cfg"], "tunnel protection ipsec profile DMVPN", 2)
    assert hits(findings, "DMV115") == [("hub1", "hub1.cfg", line)]


def test_reused_network_id_and_authentication_across_clouds(tmp_path: Path) -> None:
    files = with_second_tunnel(nid=100, auth="nh7Auth")
    findings = lint_files(tmp_path, files, select=["DMV116"])
    hub = files["hub1.cfg"]
    assert hits(findings, "DMV116") == sorted([
        ("hub1", "hub1.cfg", line_of(hub, "ip nhrp network-id 100", 2)),
        ("hub1", "hub1.cfg", line_of(hub, "ip nhrp authentication", 2)),
    ])
    assert all("nh7Auth" not in f.message for f in findings)


def test_tunnel_source_shut_down_or_without_address(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip address 203.0.113.2 255.255.255.0\n", " ip address 203.0.113.2 255.255.255.0\n shutdown\n")
    files["spoke2.cfg"] = edit(files["spoke2.cfg"], " ip address 203.0.113.3 255.255.255.0\n", "")
    findings = lint_files(tmp_path, files, select=["DMV121"])
    assert hits(findings, "DMV121") == [
        ("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "tunnel source")),
        ("spoke2", "spoke2.cfg", line_of(files["spoke2.cfg"], "tunnel source")),
    ]


def test_tunnel_source_by_address_nobody_owns(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "tunnel source GigabitEthernet0/0", "tunnel source 198.51.100.7")
    findings = lint_files(tmp_path, files, select=["DMV121"])
    assert hits(findings, "DMV121") == [("spoke1", "spoke1.cfg", line_of(files["spoke1.cfg"], "tunnel source 198.51.100.7"))]


def test_dhcp_tunnel_source_is_up(tmp_path: Path) -> None:
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], " ip address 203.0.113.2 255.255.255.0\n", " ip address dhcp\n")
    assert hits(lint_files(tmp_path, files, select=["DMV121", "DMV106"]), "DMV121") == []
