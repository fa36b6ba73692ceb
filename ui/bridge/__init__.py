"""The window's half of the local bridge (``desktop.bridge``): the port through which a
business system's check reaches the counter window on the GUI thread, the dialog in which
the clerk and a supervisor pair a new program or web page, and the start and stop of the
bridge server with the window."""
