"""Export-control compliance workbench: AI-chip classification under every US regime since 2022."""

__version__ = "0.1.0"
