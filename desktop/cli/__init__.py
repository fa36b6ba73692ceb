"""The headless ``creditdesk`` commands: the argument parser and each group of commands
(checks and the outbox, audit, documents, keys, sessions, diagnostics).
"""
