"""Named operations users perform, shared by the CLI and the GUI."""
