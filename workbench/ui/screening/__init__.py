"""Party screening against the consolidated screening list."""
