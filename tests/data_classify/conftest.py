from __future__ import annotations

import sys
from pathlib import Path

# corpus.py is shared with bench/bench_classify.py; make it importable as a plain module.
sys.path.insert(0, str(Path(__file__).parent))
