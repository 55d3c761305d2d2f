"""The demo estate; no other package imports it."""
