"""Talking to the public credit platform: the contract's models (schemas), the HTTP client
and how its answers are read, the outbox that carries every decision, report and anchor
exactly once, and the list sync that keeps the offline snapshot.
"""
