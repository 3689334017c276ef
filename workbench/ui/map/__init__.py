"""The world map of licence positions for one product."""
