"""The catalog screen: its table, the Qt-free catalog snapshot, queries and classification, the import dialog and the proximity list."""
