"""Data access and rules, as plain typed functions that views, tasks, the CLI and tests share."""
