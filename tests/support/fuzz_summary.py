"""The fuzz run's figures in pytest's terminal summary: how many requests
tests/web/test_fuzz.py sent and how they were answered, added up over the pytest-xdist
workers (each test keeps its own on its report); with -v, one line per operation."""

from __future__ import annotations

from collections import Counter

KEY = "fuzz_statuses"


def record(node, operation: str, statuses: Counter) -> None:
    """Keeps one operation's statuses on its test report."""
    node.user_properties.append((KEY, [operation, {str(k): n for k, n in statuses.items()}]))


def pytest_terminal_summary(terminalreporter) -> None:
    operations = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key == KEY and getattr(report, "when", None) == "teardown":
                    operation, statuses = value
                    operations[operation] = statuses
    if not operations:
        return
    total: Counter = Counter()
    terminalreporter.write_sep("-", "fuzz run")
    for operation, statuses in sorted(operations.items()):
        total.update(statuses)
        if terminalreporter.verbosity > 0:
            terminalreporter.write_line(f"{operation}: {_line(statuses)}")
    server_errors = sum(n for status, n in total.items() if status.startswith("5"))
    terminalreporter.write_line(
        f"{sum(total.values())} requests over {len(operations)} operations, "
        f"{server_errors} answered 5xx ({_line(total)})")


def _line(statuses) -> str:
    return ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
