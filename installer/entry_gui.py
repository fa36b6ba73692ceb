"""The bundle's window program: ``creditdesk-gui`` opens the counter window straight away
(options as ``creditdesk gui``); no console window on Windows."""

import sys

from ui.launcher import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
