"""``python -m recordkit`` runs the command line."""

from recordkit.cli import main

if __name__ == "__main__":  # a worker process started by spawn imports this module as __mp_main__
    main()
