"""Run by every Python process a test starts (``tests/conftest.py`` puts this folder first on ``PYTHONPATH``): the
suite's clock (``conftest.SUITE_CLOCK``), ticking on from where the test's own clock stands, so that ``recordkit``
in a pipe, the watch service and the web server date what they do as the test that started them does."""

import os

_OFFSET = os.environ.get("TESTS_SUITE_CLOCK_OFFSET")
if _OFFSET:
    import time

    import time_machine

    time_machine.travel(time.time() - float(_OFFSET), tick=True).start()
