"""``python -m stateset_gql.cli``: the same command as ``stateset-gql``."""

from stateset_gql.cli import main

raise SystemExit(main())
