"""``python -m desktop`` runs the headless CLI (the same as ``creditdesk``, minus the window)."""

from desktop.cli.main import main

raise SystemExit(main())
