"""CreditDesk's Qt layer: windows and dialogs that draw what the core decides.

The only package that imports PySide6. It depends on ``desktop``; nothing depends on it.
"""
