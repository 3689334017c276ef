"""Helpers shared by several screens: translation, table models, combo boxes, engine wording, CSV export."""
