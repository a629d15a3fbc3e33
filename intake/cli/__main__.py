"""`python -m intake.cli`: the same as the `foi-intake` console script."""

import sys

from intake.cli.main import main

sys.exit(main())
