"""CreditDesk application core: domain, identifiers, verdict rules, services, CLI.

Imports no Qt: everything here runs headless, in tests, in the CLI and in the sandbox.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("creditdesk")
except _metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
