"""Police notifications received: batches and their receipts, reports and their history, the
queue a coordinator works through (matching, possible miscoding), and reconciliation."""
