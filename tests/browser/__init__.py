"""Browser tests: pytest-playwright driving Debian's chromium through the real stack."""
