"""JSON log lines for production, carrying the ``extra=`` context each call passes."""

import json
import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Gunicorn passes an access line's parts as a dict of one-letter "atoms".
_ACCESS_ATOMS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            payload.update(
                {
                    name: record.args[atom]
                    for atom, name in _ACCESS_ATOMS.items()
                    if atom in record.args
                }
            )
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
