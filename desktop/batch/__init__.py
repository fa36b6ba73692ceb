"""Batch checks of a list of subjects: reading the spreadsheet or CSV, checking in chunks,
writing the result file.
"""
