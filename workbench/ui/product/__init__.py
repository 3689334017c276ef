"""One product: its figures and positions, and the what-if screen (drafts: workbench.services.drafts)."""
