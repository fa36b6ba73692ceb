"""What the supervisor reviews, without a screen: who may enter the review area, statistics
of the closed loop and their PDF, and exports of what was browsed.
"""
