"""``python -m assistant``: the command line (only calls into the library)."""

import sys

from assistant.cli import main

sys.exit(main())
