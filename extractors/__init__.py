"""Pure extraction functions: bytes or text in, records out. No I/O beyond one reader per format."""
