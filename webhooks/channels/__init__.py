"""Provider adapters: one file per channel, one line each in `registry.py`."""
