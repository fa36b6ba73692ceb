"""People and keys at the desk: staff accounts and passwords, sign-in, sign-out, lock and
unlock, the OS keyring (API key, data key), the desk's signing key and its backup.
"""
