"""Fleet topology: which tunnel interfaces form which DMVPN cloud (being written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Member:
    device: str
    interface: str
    role: Literal["hub", "spoke"]


@dataclass(frozen=True, slots=True)
class Cloud:
    id: str
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class Topology:
    clouds: tuple[Cloud, ...] = ()
