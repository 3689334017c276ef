"""The catalog screen: its table, queries and classification, the import dialog and the proximity list."""
