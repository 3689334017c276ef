"""Entry point of the frozen app: the same ``main`` as the ``workbench`` console script."""

from workbench.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
