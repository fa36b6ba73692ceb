"""The counter window and what a clerk meets in it: the lookup field, the status card, the
verdict dialogs (intercept, confirm, fast track), the queue of checks handed in, the
status bar, the side panels (commitments, change alerts) and verifying a printed report.
"""
