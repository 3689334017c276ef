"""File formats: reading product tables (CSV, xlsx via python-calamine) and writing exports."""
