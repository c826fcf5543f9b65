# FROZEN_MANIFEST of the twin with lib/ frozen: the same list the board build freezes.
include("../manifest.py", unix=True)
