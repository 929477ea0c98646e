"""Everything an authority owes from its records: statutory returns (SSDA903 Missing,
Ofsted Annex A list 8, the Standard Safeguarding Dataset), its own return and FOI answer,
and the performance pack; each export role-gated, audited and formula-safe."""
