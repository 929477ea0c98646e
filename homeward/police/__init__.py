"""Police missing-person notifications: the format, its parsers, classification and matching.

Pure Python (no Django): the intake app, the API, the upload page and `homeward intake` all
read notifications through this package, so one notification means the same everywhere.
"""
