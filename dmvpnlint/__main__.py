"""`python -m dmvpnlint`: the same command line as the `dmvpnlint` console script."""

from dmvpnlint.cli import main

raise SystemExit(main())
