"""The operations console of the local cloud: what the saga, the bus, the breakers, the cache, the
functions, SES and the DLQs are doing, served at /_localcloud/console/ on the AWS port.

`EventLog` (events put on the buses) and `EmbeddedMetrics` (EMF metrics from the function logs)
observe the running cloud; `Console` reads everything; `ConsoleApp` serves it (web.py lists the routes).
"""

from localcloud.console.eventlog import EventLog
from localcloud.console.metrics import EmbeddedMetrics
from localcloud.console.service import Console
from localcloud.console.web import CONSOLE_FILES, ConsoleApp

__all__ = ["CONSOLE_FILES", "Console", "ConsoleApp", "EmbeddedMetrics", "EventLog"]
