"""dmvpnlint: a config compiler and static verifier for Cisco DMVPN fleets."""

__version__ = "0.1.0"
