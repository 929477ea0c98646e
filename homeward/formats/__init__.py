"""Our CSV contracts and the statutory formats: read and write (pure Python)."""
