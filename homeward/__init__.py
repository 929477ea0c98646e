"""homeward: missing children, return interviews and the statutory clock."""

__version__ = "0.1.0"
