"""CreditDesk's local persistence: SQLite through SQLAlchemy 2.x.

Holds the offline list snapshot, recent results, the feedback outbox and the audit log
(built in the client-core issue). Imports nothing from ``desktop`` or ``ui`` and no Qt.
"""
