"""Writing systems: which script a word is written in, for rules that differ by script."""

from __future__ import annotations

import re

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
