"""Moderation as members meet it: reporting content to the moderators."""
