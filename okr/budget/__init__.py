"""Budgets and ROI: yearly budget lines, project costs, spend and returns, reviews and adjustments."""
