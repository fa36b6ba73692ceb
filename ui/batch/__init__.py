"""The batch window: choose a list, watch it checked, open the result.
"""
