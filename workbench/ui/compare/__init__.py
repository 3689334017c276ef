"""The comparison of one product under every regime."""
