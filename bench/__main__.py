"""`python -m bench`: see bench/run.py."""
import sys

from .run import main

if __name__ == "__main__":  # the fan-out's client processes import this module again
    sys.exit(main())
