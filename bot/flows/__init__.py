"""Flows: one file each, a table of named steps. `STEPS[flow][step](turn) -> Outcome`."""
