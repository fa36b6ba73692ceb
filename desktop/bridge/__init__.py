"""The local bridge: a business system on this PC hands a check to the counter window and
follows it to the clerk's decision, over HTTP on 127.0.0.1 only (``bridge_port``).

``model`` is the wire format, ``registry.BridgeChecks`` what the bridge knows of each check
it handed in (in memory, fed by the window and by the core's events), ``pairing.Pairings``
the approved callers (one row each in ``bridge_clients``: never the token, only its keyed
hash, and a MAC over the row), ``guard`` the checks every request passes first (Host,
rate, CORS), ``server`` the FastAPI app and the uvicorn thread, ``audit`` the default log
writer. No Qt: the window implements ``server.DeskPort`` and starts the server.
"""
