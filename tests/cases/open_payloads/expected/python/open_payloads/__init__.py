# generated from catalog.yaml by eventcat — do not edit
"""Open payloads 0.3.0: typed Socket.IO events for python-socketio, generated from the catalog.

- `models`: a pydantic model per payload and per named type.
- `REGISTRY`: every event's direction, model, delivery and limits, as the runtime reads them.
- `Events`: the typed emitter, one method per server-to-client event.
- `EventHandlers`: the handler base, one abstract method per client-to-server event.
- `ErrorCode`: the codes of the catalog's error contract, for `EventError(ErrorCode.X, message)`.
"""

# The runtime is checked before anything of it is used: a runtime of another major version would fail later with
# an error about a missing name; this one says what to install.
try:
    import eventcat_runtime as _runtime
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("open_payloads needs the runtime: pip install 'eventcat-runtime>=0.14,<1'") from exc

RUNTIME_REQUIREMENT = "eventcat-runtime>=0.14,<1"


def _runtime_fits(version: str) -> bool:
    """Whether an eventcat_runtime version is one this package was generated for (eventcat-runtime>=0.14,<1)."""
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (0, 14) and major < 1


_installed = str(getattr(_runtime, "__version__", "unknown"))
if not _runtime_fits(_installed):
    raise ImportError(
        f"open_payloads was generated for {RUNTIME_REQUIREMENT}, but eventcat_runtime {_installed} is installed: "
        f"pip install '{RUNTIME_REQUIREMENT}' (or regenerate with an eventcat that matches the runtime)"
    )

from . import models  # noqa: E402
from .codes import ErrorCode  # noqa: E402
from .emitter import Events  # noqa: E402
from .handlers import EventHandlers  # noqa: E402
from .registry import REGISTRY  # noqa: E402

__all__ = ["REGISTRY", "RUNTIME_REQUIREMENT", "ErrorCode", "EventHandlers", "Events", "models"]
