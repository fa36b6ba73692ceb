"""Who is at the desk: the sign-in dialog (and a new desk's first account), the idle lock,
and the settings dialog.
"""
