"""The generated Python package: it type-checks under mypy --strict, imports, agrees with the catalog and with the
JSON Schemas, and round-trips every example of the catalog."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from eventcat_runtime import CatalogModel, EventContext
from eventcat_runtime.auth import JwtVerifier
from eventcat_runtime.server import EventServer
from pydantic import ValidationError
from rez_realtime import REGISTRY, EventHandlers, Events, models
from rez_realtime.examples import ACK_EXAMPLES, EXAMPLES

from generator import ir
from generator.loader import load_catalog
from generator.outputs import python as python_output

from .conftest import CATALOG, GENERATED, ROOT

CASES = ROOT / "tests" / "cases"
GOLDEN_PACKAGES = sorted(p for p in CASES.glob("*/expected/python/*") if (p / "__init__.py").is_file())
CATALOG_IR = load_catalog(CATALOG)
FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _schema(event: str) -> dict[str, Any]:
    return json.loads((GENERATED / "jsonschema" / f"{event}.json").read_text())


def _schema_accepts(event: str, data: Any) -> bool:
    validator = jsonschema.Draft202012Validator(_schema(event), format_checker=FORMAT_CHECKER)
    return validator.is_valid(data)


def _model_accepts(event: str, data: Any) -> bool:
    try:
        REGISTRY.events[event].model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError:
        return False
    return True


# -- the package as code ------------------------------------------------------------------------------------------


def test_generated_packages_pass_mypy_strict() -> None:
    """The REZ package and every golden case's package, as users would type-check them."""
    packages = [GENERATED / "python" / "rez_realtime", *GOLDEN_PACKAGES]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p.parent) for p in packages)}
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--config-file",
        str(ROOT / "pyproject.toml"),
    ]
    for package in packages:
        command += ["-p", package.name]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("package", GOLDEN_PACKAGES, ids=lambda p: p.parent.parent.parent.name)
def test_golden_packages_import_and_round_trip(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each golden case's package imports, and every example of its catalog round-trips through its model."""
    monkeypatch.syspath_prepend(str(package.parent))
    module = importlib.import_module(package.name)
    examples = importlib.import_module(f"{package.name}.examples")
    try:
        for name, spec in module.REGISTRY.events.items():
            assert issubclass(spec.model, CatalogModel), name
            heartbeat = module.REGISTRY.conventions.heartbeat
            answered_by_runtime = heartbeat is not None and heartbeat.event == name
            assert (spec.handler is not None) == (spec.inbound and not answered_by_runtime), name
            for example in examples.EXAMPLES.get(name, ()):
                model = spec.model.model_validate_json(json.dumps(example), strict=True)
                assert json.loads(model.model_dump_json(by_alias=True, exclude_unset=True)) == example, name
    finally:
        for key in [k for k in sys.modules if k == package.name or k.startswith(package.name + ".")]:
            del sys.modules[key]


def test_render_does_not_depend_on_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cached and uncached generation give the same bytes (the cache only saves time)."""
    cached = python_output.render(CATALOG_IR)
    monkeypatch.setenv("EVENTCAT_CACHE_DIR", "off")
    assert python_output.render(CATALOG_IR) == cached
    monkeypatch.setenv("EVENTCAT_CACHE_DIR", str(tmp_path))
    assert python_output.render(CATALOG_IR) == cached  # fills the empty cache
    assert python_output.render(CATALOG_IR) == cached  # reads it
    assert any(tmp_path.iterdir())


def test_names_come_from_the_catalog() -> None:
    source = (GENERATED / "python" / "rez_realtime" / "models.py").read_text()
    declared = {line.split("(")[0].split()[1] for line in source.splitlines() if line.startswith("class ")}
    declared |= {line.split(" = ")[0] for line in source.splitlines() if " = TypeAliasType(" in line}
    # Scalar aliases (Timestamp, UserId) are inlined on purpose; every other shared type is a class or an alias.
    shared = {n for n, t in CATALOG_IR.types.items() if not isinstance(t.type, ir.Scalar | ir.Const)}
    expected = shared | {e.payload_name for e in CATALOG_IR.events.values()}
    expected |= {e.ack_name for e in CATALOG_IR.events.values() if e.ack_name}
    assert expected <= declared
    assert not [name for name in declared if name[-1].isdigit()], "datamodel-code-generator invented a name"


# -- the package agrees with the catalog -------------------------------------------------------------------------


def test_registry_matches_the_catalog() -> None:
    assert REGISTRY.catalog == CATALOG_IR.name and REGISTRY.version == CATALOG_IR.version
    assert list(REGISTRY.events) == list(CATALOG_IR.events)
    assert set(REGISTRY.rooms) == set(CATALOG_IR.rooms)
    assert {c.name for c in REGISTRY.channels} == set(CATALOG_IR.channels)
    for name, event in CATALOG_IR.events.items():
        spec = REGISTRY.events[name]
        assert spec.direction == event.direction
        assert spec.model is getattr(models, event.payload_name)
        assert spec.max_payload_bytes == event.limits.max_payload_bytes
        assert (spec.ack_model is None) == (event.ack is None)
        if event.delivery is not None:
            assert spec.delivery == event.delivery.kind
            assert [t.room for t in spec.rooms] == [t.room for t in event.delivery.rooms]
        assert [t.room for t in spec.enters] == [t.room for t in event.enters]


def test_one_typed_method_per_event() -> None:
    outbound = {n for n, s in REGISTRY.events.items() if not s.inbound}
    inbound = {n for n, s in REGISTRY.events.items() if s.inbound}
    emitter_methods = {n for n, v in vars(Events).items() if inspect.iscoroutinefunction(v)}
    assert emitter_methods == outbound
    # The catalog's heartbeat is answered by the runtime itself: it has no handler method.
    heartbeat = REGISTRY.conventions.heartbeat
    assert heartbeat is not None and REGISTRY.events[heartbeat.event].handler is None
    handled = inbound - {heartbeat.event}
    assert EventHandlers.__abstractmethods__ == {f"on_{n}" for n in handled}
    assert {REGISTRY.events[n].handler for n in handled} == {f"on_{n}" for n in handled}
    for name in handled:
        hints = inspect.signature(getattr(EventHandlers, f"on_{name}")).parameters
        assert list(hints) == ["self", "payload", "ctx"]


def test_a_missing_handler_is_refused() -> None:
    class Incomplete(EventHandlers):
        async def on_heartbeat(self, payload: models.HeartbeatPayload, ctx: EventContext) -> None:
            return None

    with pytest.raises(TypeError, match="abstract"):
        Incomplete(None)  # type: ignore[abstract, arg-type]
    server = EventServer(REGISTRY, verifier=JwtVerifier(secret="s"))
    with pytest.raises(TypeError, match="on_subscribe"):
        server.attach(object())  # type: ignore[arg-type]


def test_channel_patterns_agree_with_channel_name() -> None:
    """Every channel the registry can resolve is one that subscribe's ChannelName pattern accepts, and back."""
    samples = {"orders", "cart", "offers", "feed", "order_ord_1", "support_ticket_t-9", "leaderboard_weekly"}
    samples |= {"store_conversation_c1", "store_s1", "group_g1", "offers_food", "support_agent_a1"}
    for name in samples:
        assert REGISTRY.channel(name) is not None, name
        assert _model_accepts("subscribe", {"channel": name}), name
    assert REGISTRY.channel("leaderboard_yearly") is None
    spec, params = REGISTRY.channel("store_conversation_c1") or (None, None)
    assert (
        spec is not None and spec.name == "store_conversation_{conversationId}" and params == {"conversationId": "c1"}
    )


# -- models: round trips and agreement with the JSON Schemas -------------------------------------------------------

EXAMPLE_CASES = [(name, i) for name, examples in EXAMPLES.items() for i in range(len(examples))]
ACK_CASES = [(name, i) for name, examples in ACK_EXAMPLES.items() for i in range(len(examples))]


@pytest.mark.parametrize(("event", "index"), EXAMPLE_CASES, ids=[f"{n}[{i}]" for n, i in EXAMPLE_CASES])
def test_examples_round_trip(event: str, index: int) -> None:
    example = EXAMPLES[event][index]
    model = REGISTRY.events[event].model.model_validate_json(json.dumps(example), strict=True)
    assert json.loads(model.model_dump_json(by_alias=True, exclude_unset=True)) == example
    assert _schema_accepts(event, example)


@pytest.mark.parametrize(("event", "index"), ACK_CASES, ids=[f"{n}[{i}]" for n, i in ACK_CASES])
def test_ack_examples_round_trip(event: str, index: int) -> None:
    example = ACK_EXAMPLES[event][index]
    ack_model = REGISTRY.events[event].ack_model
    assert ack_model is not None
    model = ack_model.model_validate_json(json.dumps(example), strict=True)
    assert json.loads(model.model_dump_json(by_alias=True, exclude_unset=True)) == example


def test_optional_fields_may_be_left_out_but_not_null() -> None:
    payload = dict(EXAMPLES["order_status_update"][0])
    payload.pop("estimatedDelivery", None)
    assert _model_accepts("order_status_update", payload)
    assert not _model_accepts("order_status_update", {**payload, "estimatedDelivery": None})
    with pytest.raises(ValidationError, match="may be left out, but not null"):
        models.OrderStatusUpdatePayload(**{**payload, "estimatedDelivery": None})
    # `any` fields accept null, as the JSON Schema does.
    error = {"code": "INTERNAL_ERROR", "message": "m", "details": None, "timestamp": "2025-10-27T14:30:00Z"}
    assert _model_accepts("error", error) and _schema_accepts("error", error)


def test_strings_with_formats_round_trip_unchanged() -> None:
    """URIs keep their exact text (pydantic's AnyUrl would add a slash); date-times keep their offset."""
    example = dict(EXAMPLES["support_message_received"][0])
    example["senderAvatar"] = "https://cdn.rezapp.com"
    example["createdAt"] = "2025-10-27T20:00:00+05:30"
    model = models.SupportMessageReceivedPayload.model_validate_json(json.dumps(example), strict=True)
    dumped = json.loads(model.model_dump_json(by_alias=True, exclude_unset=True))
    assert dumped["senderAvatar"] == "https://cdn.rezapp.com"
    assert dumped["createdAt"] == "2025-10-27T20:00:00+05:30"
    for bad in ("not a uri", "//no-scheme"):
        assert not _model_accepts("support_message_received", {**example, "senderAvatar": bad})
        assert not _schema_accepts("support_message_received", {**example, "senderAvatar": bad})
    # A datetime without a timezone is refused by both.
    naive = {**example, "createdAt": "2025-10-27T20:00:00"}
    assert not _model_accepts("support_message_received", naive)
    assert not _schema_accepts("support_message_received", naive)
