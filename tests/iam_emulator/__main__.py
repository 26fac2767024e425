"""`python -m iam_emulator` (run from `tests/`): see server.py."""

from .server import main

raise SystemExit(main())
