"""`python -m clientlab ...`: see `clientlab.cli`."""

from .cli import main

raise SystemExit(main())
