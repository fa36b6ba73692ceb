"""The tamper-evident log: verifying its hash chain, anchoring its head at the platform
(anchors), querying and exporting it, signed bundles for other desks, and retention of
personal fields.
"""
