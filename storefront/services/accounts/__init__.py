"""Accounts: sign-up and sign-in, password hashing, throttles."""
