"""The bundle's entry point: ``creditdesk`` with the same commands as the installed script
(no arguments opens the counter window; ``--self-test`` checks the installation)."""

import sys

from ui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
