"""``python -m desktop`` runs the headless CLI (the same as ``creditdesk``, minus the window)."""

from desktop.cli import main

raise SystemExit(main())
