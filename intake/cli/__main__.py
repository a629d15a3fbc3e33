"""`python -m intake.cli`: the same as the `foi-intake` console script."""

import sys

from intake.cli.commands import main

sys.exit(main())
