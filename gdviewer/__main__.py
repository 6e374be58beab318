"""``python -m gdviewer``: the same as the ``gdviewer`` command."""

import sys

from gdviewer.cli import main

if __name__ == "__main__":
    sys.exit(main())
