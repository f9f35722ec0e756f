"""Notifications: the inbox, email, preferences, and the `okr notify` run that delivers what is due."""
