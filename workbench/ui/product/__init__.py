"""One product: its figures and positions, and the what-if screen with its draft rules."""
