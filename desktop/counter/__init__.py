"""At the counter, without a screen: the check (online, offline fallback), what follows a
verdict and what a decision may be (flows, decision rules), the counter's state machine,
commitments of tolerance acceptance, the letters printed for them, and which counter
this desk is at the platform.
"""
