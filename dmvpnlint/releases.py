"""IOS release trains: is a feature introduced in one release present in another?

`model.Release` gives a total order that is right within one train; this module answers the
question the guide's feature table asks ("Table 3 lists only the Cisco IOS software release that
introduced support for a given feature in a given Cisco IOS software release train. Unless noted
otherwise, subsequent releases of that Cisco IOS software release train also support that
feature."). The lineage it encodes:

- a feature of `X.Y` mainline or `X.Y T` is in every later release of that train;
- a T train feeds the next mainline: a feature of `12.3(7)T` is in `12.4` mainline and `12.4T`,
  and in every later major.minor's mainline and T;
- the 12.2 SX trains (`SXD`, `SXE`, `SXF`, `SXH`, ...) are one lineage of their own: a feature of
  `12.3(7)T` is not in `12.2(18)SXE` unless the table lists an SX release for it, and a feature
  of `12.2(18)SXE` is in `12.2(18)SXF`;
- 15.x (M and T) and IOS-XE (16.x, 17.x) come after every 12.x train and carry all of them;
- any other train (12.4(11)XJ, 12.2(33)SRC, ...) is not placed: the answer is `None` (unknown),
  and rules must not invent one.

Everything here is a pure function of its arguments: `functools.cache` keeps a 10,000-spoke
fleet that runs three releases from asking the same question 10,000 times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from dmvpnlint.model import Release

TrainKind = Literal["mainline", "T", "SX", "later", "other"]

_SX = re.compile(r"^SX[A-Z]?$")


@dataclass(frozen=True, slots=True, order=True)
class Train:
    """Where a release sits: (major, minor, kind); `name` is the train letters as written."""

    major: int
    minor: int
    kind: TrainKind
    name: str

    def __str__(self) -> str:
        if self.kind == "mainline":
            return f"{self.major}.{self.minor} mainline"
        return f"{self.major}.{self.minor}{self.name}"


def train_of(release: Release) -> Train:
    """The train of a release: `12.3(8)T1` is 12.3T, `12.2(18)SXF` 12.2SX, `15.9(3)M6` later."""
    if release.xe or release.major >= 15:
        return Train(release.major, release.minor, "later", release.train)
    if release.train == "":
        return Train(release.major, release.minor, "mainline", "")
    if release.train == "T":
        return Train(release.major, release.minor, "T", "T")
    if release.major == 12 and release.minor == 2 and _SX.match(release.train):
        return Train(12, 2, "SX", release.train)
    return Train(release.major, release.minor, "other", release.train)


def _sx_key(release: Release) -> tuple[int, str, str, int]:
    """Order within the 12.2 SX lineage: 12.2(18)SXE < 12.2(18)SXF2 < 12.2(33)SXH."""
    return (release.maint, release.train, release.letter, release.rebuild)


def _same_line_key(release: Release) -> tuple[int, str, int]:
    return (release.maint, release.letter, release.rebuild)


def _in_train(release: Release, intros: list[Release]) -> bool:
    """`release` and every introduction in `intros` are on one train.

    With one introduction, every later release of the train has the feature. With several
    (`12.3(11)T3` and `12.3(14)T`), a release between two of them has it only on the earlier
    one's rebuild line: `12.3(11)T5` does, `12.3(12)T` does not.
    """
    key = _sx_key if train_of(release).kind == "SX" else _same_line_key
    ordered = sorted(intros, key=key)
    below = [i for i in ordered if key(i) <= key(release)]
    if not below:
        return False
    last = below[-1]
    if last is ordered[-1]:
        return True
    return (last.maint, last.letter, last.train) == (release.maint, release.letter, release.train)


@cache
def release_has(release: Release, intros: tuple[Release, ...],
                excluded: tuple[Release, ...] = ()) -> bool | None:
    """Whether `release` has a feature introduced at `intros` (one per train, as the guide's
    table lists them); `excluded` names releases the guide says lack it (`tunnel vrf` is "not in
    12.2(18)SXE"). None when the release's train cannot be placed."""
    here = train_of(release)
    if any(train_of(e) == here for e in excluded):
        return False
    if here.kind == "later":
        return True
    same = [i for i in intros if train_of(i) == here or (
        here.kind == "SX" and train_of(i).kind == "SX")]
    if same and _in_train(release, same):
        return True
    if here.kind in ("mainline", "T"):
        # a T train's features reach every later major.minor's mainline and T
        version = (here.major, here.minor)
        if any(train_of(i).kind == "T" and (i.major, i.minor) < version for i in intros):
            return True
        # a mainline feature is in the following major.minor too
        if any(train_of(i).kind == "mainline" and (i.major, i.minor) < version for i in intros):
            return True
        return False
    if here.kind == "SX":
        return False  # its own lineage: only what the table lists for SX
    return None


def parse_all(texts: Iterable[str]) -> tuple[Release, ...]:
    return tuple(Release.parse(t) for t in texts)


@cache
def newest_of_version(major: int, minor: int) -> tuple[Release, ...]:
    """The most favourable releases a `version X.Y` line can stand for, one per train that
    prints it (mainline, T, and for 12.2 the SX lineage): a feature none of them has is on no
    release of that version."""
    trains = ["", "T"] + (["SXJ"] if (major, minor) == (12, 2) else [])
    return tuple(
        Release(text=f"{major}.{minor}(999z){t}999", major=major, minor=minor, maint=999,
                letter="z", train=t, rebuild=999)
        for t in trains
    )


def version_lacks(major: int, minor: int, intros: tuple[Release, ...],
                  excluded: tuple[Release, ...] = ()) -> bool:
    """True when no release that prints `version major.minor` can have the feature."""
    if major >= 15:
        return False  # 15.x and IOS-XE carry every 12.x feature
    return all(release_has(r, intros, excluded) is False for r in newest_of_version(major, minor))


def parse_version_line(text: str) -> tuple[int, int] | None:
    """`version 12.4` / `version 15.9` -> (12, 4); None for anything else."""
    m = re.match(r"^(\d+)\.(\d+)$", text.strip())
    return (int(m[1]), int(m[2])) if m else None


__all__ = [
    "Train",
    "newest_of_version",
    "parse_all",
    "parse_version_line",
    "release_has",
    "train_of",
    "version_lacks",
]
