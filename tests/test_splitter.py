"""The block splitter: headers, banners, comments, scripts and unindented guide blocks."""

from __future__ import annotations

from dmvpnlint.frontend.splitter import Block, Line, SplitMemo, split_config, strip_comment


def blocks(text: str) -> list[tuple[str, int, str]]:
    """(kind, line, header) of every relevant block."""
    return [(b.kind, b.header.number, b.header.text) for b in split_config(text).blocks]


def children(block: Block) -> list[tuple[int, str]]:
    return [(c.number, c.text) for c in block.children if isinstance(c, Line)]


def only(text: str) -> Block:
    found = split_config(text).blocks
    assert len(found) == 1, found
    return found[0]


def test_running_config_headers_and_comments_are_skipped() -> None:
    text = (
        "Building configuration...\n"
        "\n"
        "Current configuration : 1234 bytes\n"
        "!\n"
        "! Last configuration change at 10:00:00 UTC\n"
        "version 15.4\n"
        "hostname r1\n"
        "!\n"
        "interface Tunnel0\n"
        " ip address 10.0.0.1 255.255.255.0\n"
        " !\n"
        "end\n"
    )
    assert blocks(text) == [
        ("global", 6, "version 15.4"),
        ("global", 7, "hostname r1"),
        ("interface", 9, "interface Tunnel0"),
    ]
    assert children(split_config(text).blocks[2]) == [(10, "ip address 10.0.0.1 255.255.255.0")]


def test_crlf_tabs_and_trailing_blanks() -> None:
    text = "interface Tunnel0\r\n\tip mtu 1400   \r\n \t tunnel key 5\t\r\n"
    block = only(text)
    assert children(block) == [(2, "ip mtu 1400"), (3, "tunnel key 5")]


def test_blank_and_whitespace_only_lines_keep_the_block_open() -> None:
    block = only("interface Tunnel0\n ip mtu 1400\n\n   \n ip nhrp holdtime 300\n")
    assert children(block) == [(2, "ip mtu 1400"), (5, "ip nhrp holdtime 300")]


def test_irrelevant_blocks_are_not_kept() -> None:
    text = "ip access-list extended X\n permit ip any any\nline con 0\n logging synchronous\n"
    assert blocks(text) == []
    assert split_config(text).known_commands == 2


def test_banner_with_caret_c_spanning_lines() -> None:
    text = (
        "banner motd ^C\n"
        "interface Tunnel9\n"
        " ip address 1.1.1.1 255.0.0.0\n"
        "^C\n"
        "interface Tunnel0\n"
    )
    assert blocks(text) == [("interface", 5, "interface Tunnel0")]


def test_banner_with_any_delimiter_and_delimiter_on_same_line() -> None:
    text = "banner login #router one\ninterface Tunnel9\n#\nbanner exec XhelloX\ninterface Tunnel1\n"
    assert blocks(text) == [("interface", 5, "interface Tunnel1")]


def test_banner_with_etx_character_and_text_on_first_line() -> None:
    text = "banner motd \x03Welcome\nrouter eigrp 1\n\x03\nrouter eigrp 2\n"
    assert blocks(text) == [("router_eigrp", 4, "router eigrp 2")]


def test_banner_without_its_closing_delimiter_is_one_line() -> None:
    text = "banner motd ^C unfinished\ninterface Tunnel0\n ip mtu 1400\n"
    assert blocks(text) == [("interface", 2, "interface Tunnel0")]


def test_markdown_code_fences_do_not_close_a_block() -> None:
    text = "```\ninterface Tunnel0\n ip mtu 1400\n```\n\n```\n ip nhrp network-id 7\n```\n"
    assert children(only(text)) == [(3, "ip mtu 1400"), (7, "ip nhrp network-id 7")]


def test_config_mode_script_lines() -> None:
    text = (
        "en\n"
        "conf t\n"
        "int tu0\n"
        " ip mtu 1400\n"
        " exit\n"
        " ip mtu 1300\n"
        "interface tunnel 1\n"
        " tunnel key 1\n"
        "end\n"
        " tunnel key 2\n"
        "wr\n"
        "write memory\n"
        "configure terminal\n"
        "int fa0/0\n"
        " shutdown\n"
    )
    found = split_config(text).blocks
    assert [(b.header.number, b.header.text) for b in found] == [
        (3, "int tu0"),
        (7, "interface tunnel 1"),
        (14, "int fa0/0"),
    ]
    assert children(found[0]) == [(4, "ip mtu 1400")]
    assert children(found[1]) == [(8, "tunnel key 1")]
    assert children(found[2]) == [(15, "shutdown")]


def test_inline_comments_are_removed_but_bang_inside_a_word_stays() -> None:
    text = (
        "interface Tunnel0\n"
        " tunnel key 100                  ! 허브 Tunnel0과 동일 key\n"
        " ip nhrp authentication BLUE!KEY\n"
        " tunnel protection ipsec profile vpnprof!\n"
        " ip nhrp network-id 5 !tail\n"
    )
    assert children(only(text)) == [
        (2, "tunnel key 100"),
        (3, "ip nhrp authentication BLUE!KEY"),
        (4, "tunnel protection ipsec profile vpnprof!"),
        (5, "ip nhrp network-id 5"),
    ]
    assert strip_comment("a b ! c") == "a b"
    assert strip_comment("a!b") == "a!b"


def test_unindented_interface_child_stays_and_global_command_ends_the_block() -> None:
    text = (
        "interface Tunnel0\n"
        "  ip address 10.0.0.1 255.255.255.0\n"
        "receiving router would have to do the reassembly.\n"
        "ip mtu 1400\n"
        "no ip split-horizon eigrp 1\n"
        "tunnel source Ethernet0\n"
        "ip route 0.0.0.0 0.0.0.0 1.1.1.1\n"
        "ip mtu 1300\n"
    )
    found = split_config(text).blocks
    assert [(b.kind, b.header.number) for b in found] == [("interface", 1), ("global", 7)]
    assert children(found[0]) == [
        (2, "ip address 10.0.0.1 255.255.255.0"),
        (3, "receiving router would have to do the reassembly."),
        (4, "ip mtu 1400"),
        (5, "no ip split-horizon eigrp 1"),
        (6, "tunnel source Ethernet0"),
    ]


def test_global_nat_and_crypto_map_definitions_end_an_unindented_interface() -> None:
    text = (
        "interface Ethernet0\n"
        "ip nat outside\n"
        "ip nat inside source list 1 interface Ethernet0 overload\n"
        "interface Ethernet1\n"
        "crypto map CM\n"
        "crypto map CM 10 ipsec-isakmp\n"
    )
    found = split_config(text).blocks
    assert [(b.header.number, b.header.text) for b in found] == [
        (1, "interface Ethernet0"),
        (4, "interface Ethernet1"),
    ]
    assert children(found[0]) == [(2, "ip nat outside")]
    assert children(found[1]) == [(5, "crypto map CM")]


def test_mpls_ip_at_column_zero_belongs_to_the_tunnel_2547_example() -> None:
    text = (
        "interface Tunnell\n"
        "  ip nhrp network-id 1\n"
        "\n"
        "!The command below enables MPLS on the DMVPN network:\n"
        "mpls ip\n"
        "  tunnel source Ethernet0/0\n"
        "mpls label protocol ldp\n"
    )
    block = split_config(text).blocks[0]
    assert children(block) == [
        (2, "ip nhrp network-id 1"),
        (5, "mpls ip"),
        (6, "tunnel source Ethernet0/0"),
    ]


def test_unindented_crypto_and_router_children() -> None:
    text = (
        "crypto ipsec transform-set trans2 esp-des esp-md5-hmac\n"
        "mode transport\n"
        "!\n"
        "router eigrp 1\n"
        "network 10.0.0.0 0.0.0.255\n"
        "no auto-summary\n"
        "no ip domain lookup\n"
    )
    found = split_config(text).blocks
    assert [b.kind for b in found] == ["transform_set", "router_eigrp"]
    assert children(found[0]) == [(2, "mode transport")]
    assert children(found[1]) == [(5, "network 10.0.0.0 0.0.0.255"), (6, "no auto-summary")]


def test_indented_opener_starts_a_new_block_in_a_script() -> None:
    text = "int fa0/1\n ip add 1.1.1.1 255.0.0.0\n!\n router eigrp 100\n  net 10.0.0.0\n"
    found = split_config(text).blocks
    assert [(b.kind, b.header.number) for b in found] == [
        ("interface", 1),
        ("router_eigrp", 4),
    ]
    assert children(found[1]) == [(5, "net 10.0.0.0")]


def test_dedent_left_of_an_indented_header_ends_the_block() -> None:
    text = "    router ospf 1\n     network 1.1.1.1 0.0.0.0 area 0\n  label: R1\n   x: 5\n"
    assert children(only(text)) == [(2, "network 1.1.1.1 0.0.0.0 area 0")]


def test_bgp_address_families_nest_by_exit_lines() -> None:
    text = (
        "router bgp 1\n"
        " neighbor 10.0.0.1 remote-as 1\n"
        " address-family vpnv4\n"
        "  neighbor 10.0.0.1 activate\n"
        " exit-address-family\n"
        " neighbor 10.0.0.1 update-source Loopback0\n"
    )
    block = only(text)
    sub = [c for c in block.children if isinstance(c, Block)]
    assert [(s.kind, s.header.number) for s in sub] == [("bgp_af", 3)]
    assert children(sub[0]) == [(4, "neighbor 10.0.0.1 activate")]
    assert children(block) == [
        (2, "neighbor 10.0.0.1 remote-as 1"),
        (6, "neighbor 10.0.0.1 update-source Loopback0"),
    ]


def test_unindented_address_families_until_exit_or_sibling() -> None:
    text = (
        "router eigrp 1\n"
        "auto-summary\n"
        "address-family ipv4 vrf BLUE\n"
        "network 10.0.0.0 0.0.0.255\n"
        "exit-address-family\n"
        "address-family ipv4 vrf RED\n"
        "network 10.1.0.0 0.0.0.255\n"
        "address-family ipv4 vrf GREEN\n"
        "network 10.2.0.0 0.0.0.255\n"
    )
    sub = [c for c in only(text).children if isinstance(c, Block)]
    assert [(s.header.text, children(s)) for s in sub] == [
        ("address-family ipv4 vrf BLUE", [(4, "network 10.0.0.0 0.0.0.255")]),
        ("address-family ipv4 vrf RED", [(7, "network 10.1.0.0 0.0.0.255")]),
        ("address-family ipv4 vrf GREEN", [(9, "network 10.2.0.0 0.0.0.255")]),
    ]


def test_named_eigrp_nests_two_levels() -> None:
    text = (
        "router eigrp WAN\n"
        " address-family ipv4 unicast autonomous-system 100\n"
        "  af-interface Tunnel0\n"
        "   no split-horizon\n"
        "  exit-af-interface\n"
        "  network 10.0.0.0\n"
        " exit-address-family\n"
    )
    (af,) = [c for c in only(text).children if isinstance(c, Block)]
    (afi,) = [c for c in af.children if isinstance(c, Block)]
    assert (af.kind, afi.kind) == ("eigrp_af", "eigrp_af_interface")
    assert children(afi) == [(4, "no split-horizon")]
    assert children(af) == [(6, "network 10.0.0.0")]


def test_ikev2_keyring_peers_are_sub_blocks() -> None:
    text = (
        "crypto ikev2 keyring KR\n"
        " peer A\n"
        "  address 1.1.1.1\n"
        " peer B\n"
        "  address 2.2.2.2\n"
    )
    peers = [c for c in only(text).children if isinstance(c, Block)]
    assert [(p.header.text, children(p)) for p in peers] == [
        ("peer A", [(3, "address 1.1.1.1")]),
        ("peer B", [(5, "address 2.2.2.2")]),
    ]


def test_pki_certificate_chain_is_skipped() -> None:
    text = (
        "crypto pki certificate chain TP\n"
        " certificate self-signed 01\n"
        "  30820330 30820218 A0030201\n"
        "  \tquit\n"
        "interface Tunnel0\n"
    )
    assert blocks(text) == [("interface", 5, "interface Tunnel0")]


def test_not_ios_text_has_no_known_command() -> None:
    split = split_config("Hello,\nthis is a letter.\n  Regards\n")
    assert (split.known_commands, split.blocks) == (0, [])


def test_line_count_counts_physical_lines() -> None:
    assert split_config("a\nb\nc").line_count == 3


def _shape(text: str, memo: SplitMemo | None = None) -> list[tuple[object, ...]]:
    def encode(item: Line | Block) -> tuple[object, ...]:
        if isinstance(item, Block):
            return (item.kind, tuple(item.header), tuple(encode(c) for c in item.children))
        return tuple(item)

    split = split_config(text, memo)
    return [split.known_commands, split.line_count, *(encode(b) for b in split.blocks)]


def test_a_memo_shared_across_configs_changes_nothing() -> None:
    """The memo keeps what a line is; what it does still depends on the block it follows."""
    texts = [
        "interface Tunnel0\nmpls ip\nrouter bgp 1\nmpls ip\n neighbor 1.2.3.4 remote-as 1\n",
        "router bgp 1\nmpls ip\ninterface Tunnel0\nmpls ip\n",
        "interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n exit\ninterface Tunnel0\n",
        "router bgp 1\n address-family ipv4\n  neighbor 1.2.3.4 activate\n exit\n neighbor 1.2.3.4 remote-as 1\n",
        "line vty 0 4\n no login\nip access-list extended X\n no login\n",
        "banner motd #\n interface Tunnel9\n#\ninterface Tunnel0\n banner motd #\n",
    ]
    memo = SplitMemo()
    for text in texts + texts[::-1]:
        assert _shape(text, memo) == _shape(text)
    assert _shape(texts[0], memo)[2:] == [
        ("interface", (1, 0, "interface Tunnel0"), ((2, 0, "mpls ip"),)),
        ("router_bgp", (3, 0, "router bgp 1"), ()),  # `mpls ip` is global there: bgp is over
    ]
