"""Helpers the tests and the bench share (neither imports the other)."""
