"""When IOS gained the NAT features DMVPN depends on, as release comparisons.

Shared by the NAT checks (DMV303, DMV304) and the negotiated-SA model (a spoke behind NAT
older than 12.4(6)T builds no spoke-to-spoke SAs, so none is judged for MTU or NAT). The
figures are the guide's NAT-Transparency section: hub behind static NAT from 12.3(9a)
(mainline) and 12.3(11)T, spoke-to-spoke through NAT from 12.4(6)T.
"""

from __future__ import annotations

from dmvpnlint.model import Device, Release

#: (mainline, T train) releases of "spokes behind NAT build direct spoke-to-spoke tunnels"
SPOKE_TO_SPOKE_THROUGH_NAT = ((12, 5, 0, ""), (12, 4, 6, ""))
#: (mainline, T train) releases of "a hub may sit behind static NAT"
HUB_BEHIND_STATIC_NAT = ((12, 3, 9, "a"), (12, 3, 11, ""))


def older_than(release: Release, mainline: tuple[int, int, int, str], t_train: tuple[int, int, int, str]) -> bool:
    """Whether a release predates a feature introduced in `mainline` (e.g. 12.3(9a)) and in
    the T train `t_train` (e.g. 12.3(11)T); later major/minor versions have it."""
    if release.xe or (release.major, release.minor) > t_train[:2]:
        return False
    if (release.major, release.minor) < t_train[:2]:
        return True
    key = (release.maint, release.letter)
    if release.train.startswith("T"):
        return key < t_train[2:]
    if mainline[:2] != t_train[:2]:
        return True  # the feature reached this version's T train only
    return key < mainline[2:]


def no_direct_tunnels_through_nat(device: Device) -> bool:
    """A spoke behind NAT whose release predates 12.4(6)T: it builds no spoke-to-spoke tunnels
    (DMV304), all its traffic goes through the hub. False when the release is unknown."""
    release = device.release
    return device.inventory.nat is not None and release is not None \
        and older_than(release, *SPOKE_TO_SPOKE_THROUGH_NAT)


__all__ = ["HUB_BEHIND_STATIC_NAT", "SPOKE_TO_SPOKE_THROUGH_NAT", "no_direct_tunnels_through_nat", "older_than"]
