"""Pieces several windows share: table models, the supervisor's on-the-spot approval, the
base class of dialogs that record a decision, printing and print preview, and the theme
(colours and styles).
"""
