"""The project's tests; importing them first stops pytest while `copier update` conflicts are left.

A conflict marker in a module would otherwise end the run with a SyntaxError in some import.
"""

from .test_no_conflicts import stop_on_conflicts

stop_on_conflicts()
