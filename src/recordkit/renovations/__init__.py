"""Renovations: registration, charges and deposits, worker passes, inspection, refund."""
