"""IOS releases: parsing, the total order, train membership (hypothesis properties and the
issue's own examples), the feature table and platform families."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dmvpnlint.features import FEATURES, FEATURES_BY_ID, features_used
from dmvpnlint.frontend import load_fleet
from dmvpnlint.model import Release
from dmvpnlint.platforms import is_sup720, platform_family
from dmvpnlint.releases import (
    parse_all,
    parse_version_line,
    release_has,
    train_of,
    version_lacks,
)

P = Release.parse

ISSUE_RELEASES = ["12.2(13)T", "12.3(9a)", "12.3(8)T1", "12.3(11)T02", "12.3(11)T3",
                  "12.2(18)SXE", "12.2(18)SXF", "12.4(6)T", "15.9(3)M6", "16.9.4", "17.11.1a"]

TRAINS = ["", "T", "SXE", "SXF", "SXH", "XJ"]


@st.composite
def classic(draw: st.DrawFn, major: int | None = None, minor: int | None = None,
            train: str | None = None) -> Release:
    """A 12.x release as a user writes it: `12.3(9a)`, `12.3(11)T02`, `12.2(18)SXF4`."""
    major = 12 if major is None else major
    minor = draw(st.sampled_from([2, 3, 4])) if minor is None else minor
    train = draw(st.sampled_from(TRAINS)) if train is None else train
    maint = draw(st.integers(1, 30))
    letter = draw(st.sampled_from(["", "", "a", "b"]))
    rebuild = draw(st.integers(0, 12)) if train else 0
    width = draw(st.sampled_from([1, 2]))
    text = f"{major}.{minor}({maint}{letter}){train}" + (f"{rebuild:0{width}d}" if rebuild else "")
    return P(text)


xe = st.builds(lambda a, b, c, d: P(f"{a}.{b}.{c}{d}"), st.integers(16, 17), st.integers(1, 15),
               st.integers(1, 9), st.sampled_from(["", "a"]))
releases = st.one_of(classic(), xe)


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ISSUE_RELEASES)
def test_every_release_of_the_issue_parses_and_keeps_its_text(text: str) -> None:
    assert str(P(text)) == text


def test_parsed_fields() -> None:
    r = P("12.3(11)T02")
    assert (r.major, r.minor, r.maint, r.letter, r.train, r.rebuild) == (12, 3, 11, "", "T", 2)
    assert P("12.3(9a)").letter == "a"
    assert P("17.11.1a").xe and P("17.11.1a").letter == "a"
    with pytest.raises(ValueError, match="12.x"):
        P("12.x")


# --- the order ------------------------------------------------------------------------------


@given(releases, releases)
def test_order_is_total_and_antisymmetric(a: Release, b: Release) -> None:
    assert [a < b, a == b, b < a].count(True) == 1
    assert (a <= b) == (not b < a)
    if a == b:
        assert hash(a) == hash(b)


@given(releases, releases, releases)
def test_order_is_transitive(a: Release, b: Release, c: Release) -> None:
    if a <= b and b <= c:
        assert a <= c


@given(st.data())
def test_within_a_train_the_order_is_maintenance_letter_rebuild(data: st.DataObject) -> None:
    minor = data.draw(st.sampled_from([2, 3, 4]))
    train = data.draw(st.sampled_from(TRAINS))
    a = data.draw(classic(minor=minor, train=train))
    b = data.draw(classic(minor=minor, train=train))
    assert (a < b) == ((a.maint, a.letter, a.rebuild) < (b.maint, b.letter, b.rebuild))


@given(releases)
def test_parse_of_the_text_is_the_same_release(r: Release) -> None:
    assert P(r.text) == r and P(r.text).text == r.text


def test_order_examples() -> None:
    assert P("12.4(6)T") > P("12.4(5)")
    assert P("12.3(11)T02") < P("12.3(11)T3")
    assert P("12.3(9)") < P("12.3(9a)") < P("12.3(10)")
    assert P("12.2(18)SXE") < P("12.2(18)SXF")
    assert P("15.9(3)M6") < P("16.9.4") < P("17.11.1") < P("17.11.1a")
    assert sorted(map(P, ["12.3(8)T1", "12.2(13)T", "12.3(8)T"])) == list(
        map(P, ["12.2(13)T", "12.3(8)T", "12.3(8)T1"]))


# --- trains ---------------------------------------------------------------------------------


def test_train_of() -> None:
    assert str(train_of(P("12.3(8)T1"))) == "12.3T"
    assert str(train_of(P("12.3(9a)"))) == "12.3 mainline"
    assert train_of(P("12.2(18)SXF")).kind == "SX"
    assert train_of(P("15.9(3)M6")).kind == "later"
    assert train_of(P("17.11.1a")).kind == "later"
    assert train_of(P("12.4(11)XJ")).kind == "other"


def test_the_issue_example_feature_of_12_3_7_t() -> None:
    intro = parse_all(["12.3(7)T"])
    assert release_has(P("12.3(8)T1"), intro) is True
    assert release_has(P("12.4(6)T"), intro) is True
    assert release_has(P("12.4(3)"), intro) is True  # 12.4 mainline grew out of 12.3T
    assert release_has(P("12.3(6a)"), intro) is False
    assert release_has(P("12.3(9a)"), intro) is False  # 12.3 mainline is not 12.3T
    assert release_has(P("12.3(7)T"), intro) is True
    assert release_has(P("12.3(6)T"), intro) is False
    # 12.2(18)SXE is its own train: only what the table lists for SX is there
    assert release_has(P("12.2(18)SXE"), intro) is False
    assert release_has(P("12.2(18)SXF"), parse_all(["12.3(7)T", "12.2(18)SXE"])) is True
    assert release_has(P("15.9(3)M6"), intro) is True
    assert release_has(P("17.11.1a"), intro) is True
    assert release_has(P("12.4(11)XJ"), intro) is None


def test_two_introductions_on_one_train_keep_the_rebuild_line() -> None:
    intro = FEATURES_BY_ID["mgre-without-key"].releases  # 12.3(11)T3, 12.3(14)T, 12.2(18)SXE
    assert release_has(P("12.3(11)T3"), intro) is True
    assert release_has(P("12.3(11)T5"), intro) is True
    assert release_has(P("12.3(11)T"), intro) is False
    assert release_has(P("12.3(12)T"), intro) is False
    assert release_has(P("12.3(14)T"), intro) is True
    assert release_has(P("12.2(18)SXF"), intro) is True


def test_excluded_train() -> None:
    feature = FEATURES_BY_ID["tunnel-vrf"]
    assert release_has(P("12.2(18)SXE"), feature.releases, feature.excluded_releases) is False
    assert release_has(P("12.3(11)T"), feature.releases, feature.excluded_releases) is True
    assert release_has(P("12.3(9a)"), feature.releases, feature.excluded_releases) is False


@given(st.data())
def test_membership_is_monotone_within_a_train(data: st.DataObject) -> None:
    train = data.draw(st.sampled_from(["", "T", "SXF"]))
    minor = 2 if train == "SXF" else data.draw(st.sampled_from([2, 3, 4]))
    intro = data.draw(classic(minor=minor, train=train))
    a = data.draw(classic(minor=minor, train=train))
    b = data.draw(classic(minor=minor, train=train))
    has_a, has_b = release_has(a, (intro,)), release_has(b, (intro,))
    assert has_a == (a >= intro) and has_b == (b >= intro)
    if has_a and b >= a:
        assert has_b


@given(st.data())
def test_a_t_feature_is_in_every_later_mainline_and_t(data: st.DataObject) -> None:
    intro = data.draw(classic(minor=data.draw(st.sampled_from([2, 3])), train="T"))
    later = data.draw(classic(minor=intro.minor + 1, train=data.draw(st.sampled_from(["", "T"]))))
    assert release_has(later, (intro,)) is True
    earlier = data.draw(classic(minor=intro.minor - 1 if intro.minor > 2 else 1,
                                train=data.draw(st.sampled_from(["", "T"]))))
    assert release_has(earlier, (intro,)) is False


@given(xe, st.lists(classic(), min_size=1, max_size=3))
def test_15_and_xe_have_everything(r: Release, intros: list[Release]) -> None:
    assert release_has(r, tuple(intros)) is True
    assert release_has(P("15.1(4)M10"), tuple(intros)) is True


@given(classic(minor=2, train="SXF"), classic(train="T"))
def test_sx_never_has_a_feature_listed_for_other_trains_only(sx: Release, intro: Release) -> None:
    assert release_has(sx, (intro,)) is False


def test_version_line_bounds() -> None:
    shared = FEATURES_BY_ID["protection-shared"]
    assert version_lacks(12, 3, shared.releases) is True
    assert version_lacks(12, 4, shared.releases) is False
    vrf = FEATURES_BY_ID["tunnel-vrf"]
    assert version_lacks(12, 2, vrf.releases, vrf.excluded_releases) is True
    phase2 = FEATURES_BY_ID["spoke-to-spoke"]
    assert version_lacks(12, 2, phase2.releases) is False  # 12.2 may be 12.2(18)SXF
    assert parse_version_line("12.4") == (12, 4)
    assert parse_version_line("16.9") == (16, 9)
    assert parse_version_line("12.4(6)T") is None


# --- the feature table ----------------------------------------------------------------------


def test_feature_table_rows_parse_and_are_unique() -> None:
    assert len({f.id for f in FEATURES}) == len(FEATURES)
    for feature in FEATURES:
        assert feature.releases and feature.source
        assert all(isinstance(r, Release) for r in feature.releases)
    assert FEATURES_BY_ID["2547odmvpn"].intros == ("12.4(11)T",)
    assert FEATURES_BY_ID["spoke-to-spoke"].intros == ("12.3(9a)", "12.3(8)T1", "12.2(18)SXE")


def test_features_used_by_a_device(tmp_path: Path) -> None:
    (tmp_path / "spoke.cfg").write_text(
        "hostname spoke\n"
        "interface Tunnel0\n"
        " ip vrf forwarding RED\n"
        " ip address 10.0.0.2 255.255.255.0\n"
        " ip nhrp nhs 10.0.0.1\n"
        " ip nhrp map 10.0.0.1 192.0.2.1\n"
        " mpls ip\n"
        " tunnel source GigabitEthernet0/0\n"
        " tunnel mode gre multipoint\n"
        " tunnel vrf INET\n"
        " tunnel protection ipsec profile P shared\n"
        "interface GigabitEthernet0/0\n"
        " ip address 192.0.2.2 255.255.255.0\n",
        encoding="utf-8",
    )
    device = load_fleet([str(tmp_path)], None).devices[0]
    used = [(u.feature.id, u.span.line) for u in features_used(device)]
    assert used == [
        ("dmvpn", 9),
        ("vrf-integrated", 3),
        ("tunnel-vrf", 10),
        ("protection-shared", 11),
        ("mgre-without-key", 9),
        ("spoke-to-spoke", 9),
        ("2547odmvpn", 7),
    ]


# --- platforms ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "family"), [
    ("c6500", "cat6500"), ("6500", "cat6500"), ("WS-C6509-E", "cat6500"), ("ws-c6506", "cat6500"),
    ("cat6500", "cat6500"), ("Catalyst 6500", "cat6500"), ("WS-C65xx", "cat6500"),
    ("c7600", "cat7600"), ("7600", "cat7600"), ("CISCO7609-S", "cat7600"), ("CISCO76xx", "cat7600"),
    ("cat7600", "cat7600"), ("isr4451", "generic"), ("c7200", "generic"), ("ASR1001-X", "generic"),
    ("65", "generic"), ("c65000", "generic"), ("", "generic"), (None, "generic"),
])
def test_platform_family(text: str | None, family: str) -> None:
    assert platform_family(text) == family


@pytest.mark.parametrize(("text", "ok"), [
    ("sup720", True), ("Supervisor Engine 720", True), ("WS-SUP720-3BXL", True),
    ("VS-S720-10G", True), ("RSP720-3C-GE", True),
    ("sup2", False), ("sup32", False), ("VS-SUP2T-10G", False), ("Supervisor Engine 2", False),
])
def test_supervisor_engine_720(text: str, ok: bool) -> None:
    assert is_sup720(text) is ok
