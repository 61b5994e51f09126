"""The write path: load → clean → structure → tables → chunks (then embed → store)."""
