"""The supervisor's review area: the log browser, override review, statistics and their
chart, the district view, integrity, retention and other desks' bundles.
"""
