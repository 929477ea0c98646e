"""The REST API: HTTP only (authentication by force token, JSON in and out, the OpenAPI
document). The work is done by `homeward.intake.services`."""
