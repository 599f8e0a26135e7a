"""Record types and errors, declared once."""
