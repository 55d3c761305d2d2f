"""Generated documents: templates (engine, checks, built-in designs), notices, certificates, PDF."""
