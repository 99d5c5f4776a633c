"""The generated TypeScript package (generated/ts, "rez-realtime") under `tsc --strict --noEmit`, as an app uses it.

The package is imported by its name from a temporary project: its node_modules/rez-realtime is a symlink to
generated/ts (what `npm install <folder>` or a `file:` dependency creates), and the folder above holds a link to
tests/ts/node_modules (socket.io-client, typescript). So resolution goes through the package's own package.json
(`exports` -> `types`), with no build step; the project's tsconfig extends tests/ts/tsconfig.json.

- positive: a file generated here from the catalog's examples (EXAMPLES / ACK_EXAMPLES) and the generated JSON
  Schemas, so a new event is covered with no edit: it listens to every server-to-client event and reads each field,
  assigns each example to its payload type, emits every client-to-server example (typed ack callback, emitWithAck),
  checks that each payload type has exactly the JSON Schema's fields, optionality and scalar types, that the
  event-name unions are exact, and uses the room and channel builders. tsc must report nothing.
- negative: tests/ts/types/negative.ts, `// @ts-expect-error` cases. tsc must pass on it, and on a copy with the
  markers blanked out it must report the case's error code on each marked line, and nowhere else.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rez_realtime import REGISTRY
from rez_realtime.examples import ACK_EXAMPLES, EXAMPLES

from .conftest import GENERATED, NODE_DIR, declared_ack, node_or_skip, run_cli

pytestmark = pytest.mark.timeout(120)

PACKAGE = GENERATED / "ts"
SCHEMAS = GENERATED / "jsonschema"
TYPES = NODE_DIR / "types"
TSCONFIG = NODE_DIR / "tsconfig.json"
TSC = NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc"
PACKAGE_NAME = "rez-realtime"
ACK_ERROR = "AckError"

OUTBOUND = [name for name, spec in REGISTRY.events.items() if not spec.inbound]
INBOUND = [name for name, spec in REGISTRY.events.items() if spec.inbound]

DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<message>.*)$"
)
MARKER = re.compile(r"^\s*// @ts-expect-error (?P<id>[a-z0-9-]+) \((?P<codes>TS\d+(?:\|TS\d+)*)\): (?P<why>\S.*)$")
DIRECTIVE = re.compile(r"^\s*//\s*@ts-expect-error")
PARAM = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")

# The brief's minimum: a negative.ts without one of these cases is incomplete.
REQUIRED_NEGATIVE_CASES = {
    "missing-required-field",
    "wrong-enum-value",
    "wrong-field-type",
    "excess-property",
    "unknown-event-on",
    "unknown-event-emit",
    "client-event-listened",
    "server-event-emitted",
    "ack-used-as-ok",
    "emit-with-ack-used-as-ok",
    "bad-leaderboard-period",
    "not-a-channel",
}


# -- tsc ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    code: str
    message: str


@dataclass
class Compiled:
    returncode: int
    output: str
    diagnostics: list[Diagnostic]

    def in_file(self, name: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if Path(d.file).name == name]

    def report(self) -> str:
        return self.output.strip() or "(no output)"


class Project:
    """A temporary app that depends on a generated TS package (rez-realtime unless told) the way an installed
    package is depended on."""

    def __init__(self, base: Path, package: Path = PACKAGE, package_name: str = PACKAGE_NAME) -> None:
        self.base = base
        self.app = base / "app"
        (base / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
        (self.app / "node_modules").mkdir(parents=True)
        (self.app / "node_modules" / package_name).symlink_to(package, target_is_directory=True)
        (self.app / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module"}))
        (self.app / "types").mkdir()

    def write(self, name: str, text: str) -> Path:
        path = self.app / "types" / name
        path.write_text(text, encoding="utf-8")
        return path

    def tsc(self, *names: str, trace: bool = False) -> Compiled:
        """`tsc --strict --noEmit -p` over these files of types/, with the committed tsconfig's options."""
        node = node_or_skip()
        flags = ["--traceResolution"] if trace else []
        config = self.app / f"tsconfig.{'+'.join(Path(n).stem for n in names)}.json"
        config.write_text(
            json.dumps({"extends": str(TSCONFIG), "include": [], "files": [f"types/{n}" for n in names]}, indent=2)
        )
        proc = subprocess.run(
            [node, str(TSC), "--strict", "--noEmit", "--pretty", "false", *flags, "-p", str(config)],
            cwd=self.app,
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = proc.stdout + proc.stderr
        diagnostics = [
            Diagnostic(m["file"], int(m["line"]), int(m["col"]), m["code"], m["message"])
            for m in map(DIAGNOSTIC.match, output.splitlines())
            if m
        ]
        assert proc.returncode == 0 or diagnostics, f"tsc failed without a diagnostic:\n{output}"
        return Compiled(proc.returncode, output, diagnostics)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    node_or_skip()
    assert TSC.is_file(), f"{TSC} is missing: run `npm ci` in tests/ts"
    return Project(tmp_path_factory.mktemp("ts-app"))


# -- the JSON Schemas, read as the positive file needs them ----------------------------------------------------------


def load_schema(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return schema, schema.get("$defs", {})


def resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = set()
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/") and ref not in seen, f"unexpected $ref {ref}"
        seen.add(ref)
        schema = defs[ref.removeprefix("#/$defs/")]
    return schema


def scalar_type(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[str, bool] | None:
    """The TypeScript type a JSON Schema stands for, when it is a scalar, enum, const or array of those, and whether
    the TypeScript type must be exactly that: a string with a pattern may be typed narrower (a template literal)."""
    schema = resolve(schema, defs)
    if "const" in schema:
        return json.dumps(schema["const"]), True
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"]), True
    kind = schema.get("type")
    if kind == "string":
        return "string", "pattern" not in schema
    if kind in ("number", "integer"):
        return "number", True
    if kind == "boolean":
        return "boolean", True
    if kind == "array":
        found = scalar_type(schema.get("items", {}), defs)
        if found is None:
            return None
        item, exact = found
        return (f"({item})[]" if "|" in item else f"{item}[]"), exact
    if kind is None and not ({"anyOf", "oneOf", "allOf", "properties"} & schema.keys()):
        return "unknown", True
    return None


def union(names: Sequence[str]) -> str:
    return " | ".join(json.dumps(n) for n in names) if names else "never"


def shape_checks(expr: str, schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int = 0) -> list[str]:
    """Type-level checks that the TypeScript type `expr` has exactly this object schema's keys, required keys and
    scalar field types, recursing into nested objects and arrays of objects."""
    schema = resolve(schema, defs)
    assert schema.get("type") == "object", f"{expr}: not an object schema"
    props: Mapping[str, Any] = schema.get("properties", {})
    required = [k for k in props if k in schema.get("required", [])]
    lines = []
    if schema.get("additionalProperties") is False:
        lines.append(f"check<Equals<keyof {expr}, {union(list(props))}>>();")
    lines.append(f"check<Equals<RequiredKeys<{expr}>, {union(required)}>>();")
    for key, sub in props.items():
        field = f"{expr}[{json.dumps(key)}]"
        found = scalar_type(sub, defs)
        if found is not None:
            ts, exact = found
            ts = ts if key in required else f"{ts} | undefined"
            if exact:
                lines.append(f"check<Equals<{field}, {ts}>>();")
            else:
                lines.append(f"check<Not<IsAny<{field}>>>();")
                lines.append(f"check<Extends<{field}, {ts}>>();")
            continue
        target = resolve(sub, defs)
        if depth > 6:
            continue
        if target.get("type") == "object":
            lines += shape_checks(f"NonNullable<{field}>", target, defs, depth + 1)
        elif target.get("type") == "array" and resolve(target.get("items", {}), defs).get("type") == "object":
            lines += shape_checks(f"NonNullable<{field}>[number]", target["items"], defs, depth + 1)
    return lines


def literal(value: Any) -> str:
    """A JSON value as a one-line TypeScript literal (tsc reports an error on the line of the offending key)."""
    return json.dumps(value, ensure_ascii=False)


def ident(*parts: Any) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9_]", "_", str(p)) for p in parts)


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\-\s]+", name) if p)


def camel(name: str) -> str:
    head, *rest = re.split(r"[_\-\s]+", name)
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


# -- rooms and channels ------------------------------------------------------------------------------------------------


def room_args(room_name: str) -> list[str]:
    room = REGISTRY.rooms[room_name]
    return [(room.param_values.get(p) or (f"x_{p}",))[0] for p in room.params]


def channel_builders() -> dict[str, tuple[str, list[str], list[str]]]:
    """Builder key -> (channel pattern, parameter names, sample arguments). The package names a channel's builder
    after its pattern without parameters (`order_{orderId}` is `channels.order`); when a parametrized channel would
    share its key with another (`offers` and `offers_{category}`), it becomes `offersByCategory`."""
    base = {spec.name: camel(PARAM.sub("", spec.name).strip("_")) for spec in REGISTRY.channels}
    taken = list(base.values())
    out = {}
    for spec in REGISTRY.channels:
        params = PARAM.findall(spec.name)
        key = base[spec.name]
        if taken.count(key) > 1 and params:
            key += "By" + "And".join(pascal(p) for p in params)
        samples = []
        for param in params:
            group = re.search(rf"\(\?P<{param}>([^)]*)\)", spec.regex)
            body = group.group(1) if group else ""
            samples.append(body.split("|")[0] if re.fullmatch(r"[A-Za-z0-9_|]+", body) else f"x_{param}")
        out[key] = (spec.name, params, samples)
    return out


def channel_address(pattern: str, values: Sequence[str]) -> str:
    it = iter(values)
    return PARAM.sub(lambda _: next(it), pattern)


# -- the positive file -------------------------------------------------------------------------------------------------

PRELUDE = """\
// Generated by tests/test_typescript.py from the catalog's examples and the generated JSON Schemas: every line must
// compile under --strict. Do not edit; a new catalog event is covered here with no change to the test.
import { io, type Socket } from "socket.io-client";
import {
  catalog,
  channels,
  clientToServerEvents,
  rooms,
  serverToClientEvents,
  type {ack_error},
  type ClientToServerEventName,
  type ClientToServerEvents,
  type ClientToServerPayload,
  type ErrorCode,
  type RoomName,
  type ServerToClientEventName,
  type ServerToClientEvents,
  type ServerToClientPayload,
  type SubscribeChannel,
{extra_imports}
} from "rez-realtime";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
type Not<T extends boolean> = T extends true ? false : true;
type Extends<A, B> = [A] extends [B] ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type AckOf<E extends ClientToServerEventName> =
  Parameters<ClientToServerEvents[E]> extends [unknown, (response: infer R) => void] ? R : never;
type AckOk<E extends ClientToServerEventName> = Exclude<AckOf<E>, {ack_error}>;
function check<T extends true>(): void {}
function use(..._values: unknown[]): void {}

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000", {
  auth: { token: "jwt" },
  transports: ["websocket"],
});
check<Not<IsAny<typeof socket>>>();
"""


@dataclass
class Positive:
    text: str
    counts: dict[str, int]


def prelude() -> str:
    room_types = [pascal(name) + "Room" for name in REGISTRY.rooms]
    domain_types = [pascal(domain) + "Events" for domain in dict.fromkeys(s.domain for s in REGISTRY.events.values())]
    extra = "\n".join(f"  type {t}," for t in sorted({*room_types, *domain_types}))
    return PRELUDE.replace("{ack_error}", ACK_ERROR).replace("{extra_imports}", extra)


def positive_file() -> Positive:
    counts = {"listeners": 0, "examples": 0, "emits": 0, "acks": 0, "ack_examples": 0, "rooms": 0, "channels": 0}
    domains: dict[str, list[str]] = {}
    for name, spec in REGISTRY.events.items():
        domains.setdefault(spec.domain, []).append(name)
    room_types = {name: pascal(name) + "Room" for name in REGISTRY.rooms}
    domain_types = {domain: pascal(domain) + "Events" for domain in domains}
    out = [prelude()]

    out.append("\n// -- event names: exactly the catalog's, per direction and per domain\n")
    out.append(f"check<Equals<ServerToClientEventName, {union(OUTBOUND)}>>();")
    out.append(f"check<Equals<ClientToServerEventName, {union(INBOUND)}>>();")
    for domain, names in domains.items():
        out.append(f"check<Equals<{domain_types[domain]}, {union(names)}>>();")
    out.append("export const outboundNames: readonly ServerToClientEventName[] = serverToClientEvents;")
    out.append("export const inboundNames: readonly ClientToServerEventName[] = clientToServerEvents;")
    out.append(f"check<Equals<typeof catalog.version, {json.dumps(REGISTRY.version)}>>();")
    out.append(f"check<Equals<typeof catalog.name, {json.dumps(REGISTRY.catalog)}>>();")

    for name in OUTBOUND:
        schema, defs = load_schema(SCHEMAS / f"{name}.json")
        payload = f"ServerToClientPayload<{json.dumps(name)}>"
        examples = EXAMPLES.get(name, ())
        assert examples, f"{name} has no catalog example"
        out.append(f"\n// -- {name} (server to client)\n")
        out += shape_checks(payload, schema, defs)
        fields = list(resolve(schema, defs).get("properties", {}))
        reads = ", ".join(
            f"payload.{f}" if re.fullmatch(r"[A-Za-z_$][\w$]*", f) else f"payload[{literal(f)}]" for f in fields
        )
        out.append(f"socket.on({json.dumps(name)}, (payload) => {{")
        out.append("  check<Not<IsAny<typeof payload>>>();")
        out.append(f"  check<Equals<typeof payload, {payload}>>();")
        out.append(f"  use({reads});")
        out.append("});")
        counts["listeners"] += 1
        for i, example in enumerate(examples):
            out.append(f"export const {ident('example', name, i)}: {payload} = {literal(example)};")
            counts["examples"] += 1
    if "error" in OUTBOUND:
        out.append('check<Equals<AckError["error"], ServerToClientPayload<"error">>>();')

    for name in INBOUND:
        spec = REGISTRY.events[name]
        schema, defs = load_schema(SCHEMAS / f"{name}.json")
        payload = f"ClientToServerPayload<{json.dumps(name)}>"
        key = json.dumps(name)
        examples = EXAMPLES.get(name, ())
        assert examples, f"{name} has no catalog example"
        out.append(f"\n// -- {name} (client to server{', with an ack' if spec.ack_model else ''})\n")
        out += shape_checks(payload, schema, defs)
        out.append(f"check<Not<IsAny<{payload}>>>();")
        if spec.ack_model is None:
            out.append(f"check<Equals<Parameters<ClientToServerEvents[{key}]>['length'], 1>>();")
            for i, example in enumerate(examples):
                out.append(f"export const {ident('example', name, i)}: {payload} = {literal(example)};")
                out.append(f"socket.emit({key}, {literal(example)});")
                counts["examples"] += 1
                counts["emits"] += 1
            continue
        ack_schema, ack_defs = load_schema(SCHEMAS / f"{name}.ack.json")
        ack_schema = declared_ack(ack_schema)
        out.append(f"check<Equals<Parameters<ClientToServerEvents[{key}]>['length'], 2>>();")
        out.append(f"check<Not<IsAny<AckOf<{key}>>>>();")
        out += shape_checks(f"AckOk<{key}>", ack_schema, ack_defs)
        for i, ack in enumerate(ACK_EXAMPLES.get(name, ())):
            out.append(f"export const {ident('ack', name, i)}: AckOf<{key}> = {literal(ack)};")
            if isinstance(ack, dict) and ack.get("ok") is True:
                out.append(f"export const {ident('ack_ok', name, i)}: AckOk<{key}> = {literal(ack)};")
            counts["ack_examples"] += 1
        for i, example in enumerate(examples):
            out.append(f"export const {ident('example', name, i)}: {payload} = {literal(example)};")
            out.append(f"socket.emit({key}, {literal(example)}, (response) => {{")
            out.append("  check<Not<IsAny<typeof response>>>();")
            out.append(f"  check<Equals<typeof response, AckOf<{key}>>>();")
            out.append("  if (response.ok) {")
            out.append(f"    check<Equals<typeof response, AckOk<{key}>>>();")
            out.append("  } else {")
            out.append(f"    check<Equals<typeof response, {ACK_ERROR}>>();")
            out.append("    const code: ErrorCode = response.error.code;")
            out.append("    use(code, response.error.message, response.error.timestamp, response.error.details);")
            out.append("  }")
            out.append("});")
            out.append(f"socket.timeout(5_000).emit({key}, {literal(example)}, (err, response) => {{")
            out.append("  check<Equals<typeof err, Error>>();")
            out.append(f"  check<Equals<typeof response, AckOf<{key}>>>();")
            out.append("});")
            out.append(f"export async function {ident('emitWithAck', name, i)}(): Promise<void> {{")
            out.append(f"  const response = await socket.emitWithAck({key}, {literal(example)});")
            out.append("  check<Not<IsAny<typeof response>>>();")
            out.append(f"  check<Equals<typeof response, AckOf<{key}>>>();")
            out.append("  if (!response.ok) use(response.error.code);")
            out.append("}")
            counts["examples"] += 1
            counts["emits"] += 1
            counts["acks"] += 1

    out.append("\n// -- rooms: each builder gives its room type, and every room type is a RoomName\n")
    for room_name, room in REGISTRY.rooms.items():
        key, room_type = camel(room_name), room_types[room_name]
        args = room_args(room_name)
        address = room.address(dict(zip(room.params, args, strict=True)))
        if room.params:
            call = f"rooms.{key}({', '.join(literal(a) for a in args)})"
            out.append(f"check<Equals<ReturnType<typeof rooms.{key}>, {room_type}>>();")
        else:
            call = f"rooms.{key}"
            out.append(f"check<Equals<typeof rooms.{key}, {room_type}>>();")
        out.append(f"export const {ident('room', room_name)}: {room_type} = {call};")
        out.append(f"export const {ident('room_name', room_name)}: RoomName = {ident('room', room_name)};")
        out.append(f"export const {ident('room_literal', room_name)}: {room_type} = {literal(address)};")
        counts["rooms"] += 1

    out.append("\n// -- channels: every builder gives a SubscribeChannel that subscribe takes\n")
    for key, (pattern, params, samples) in channel_builders().items():
        address = channel_address(pattern, samples)
        call = f"channels.{key}({', '.join(literal(s) for s in samples)})" if params else f"channels.{key}"
        if not params:
            out.append(f"check<Equals<typeof channels.{key}, {literal(pattern)}>>();")
        out.append(f"export const {ident('channel', key)}: SubscribeChannel = {call};")
        out.append(f"export const {ident('channel_literal', key)}: SubscribeChannel = {literal(address)};")
        if "subscribe" in INBOUND:
            out.append(f'socket.emit("subscribe", {{ channel: {call} }}, (response) => use(response));')
        counts["channels"] += 1
    return Positive("\n".join(out) + "\n", counts)


def renamed_examples_file() -> tuple[str, dict[int, str]]:
    """Every example with its first field renamed (`orderId` -> `orderIdRenamed`), as if the catalog renamed a field
    and the TypeScript was not regenerated. Returns the file and the line of each example."""
    out = [
        'import type { ClientToServerPayload, ServerToClientPayload } from "rez-realtime";',
        "",
    ]
    lines: dict[int, str] = {}
    for name, spec in REGISTRY.events.items():
        kind = "ClientToServerPayload" if spec.inbound else "ServerToClientPayload"
        for i, example in enumerate(EXAMPLES.get(name, ())):
            assert isinstance(example, dict) and example, f"{name}: example {i} is not a non-empty object"
            first = next(iter(example))
            renamed = {(f"{k}Renamed" if k == first else k): v for k, v in example.items()}
            out.append(f"export const {ident('renamed', name, i)}: {kind}<{json.dumps(name)}> = {literal(renamed)};")
            lines[len(out)] = f"{name} #{i}: {first} -> {first}Renamed"
    return "\n".join(out) + "\n", lines


def stale_shapes_file() -> tuple[str, dict[int, str]]:
    """The shape checks of every payload and ack, computed from its schema with the first field renamed (as if the
    catalog renamed a field and index.d.ts was not regenerated), plus checks the helpers must refuse. Returns the
    file and, for each line that must fail, what it checks."""
    out = prelude().splitlines()
    must_fail: dict[int, str] = {}

    def expect_failure(line: str, what: str) -> None:
        out.append(line)
        must_fail[len(out)] = what

    expect_failure("check<Equals<string, number>>();", "Equals of two different types")
    expect_failure("check<Equals<string, string | undefined>>();", "Equals of required and optional")
    expect_failure("check<Not<IsAny<any>>>();", "IsAny of any")
    expect_failure('check<Equals<RequiredKeys<{ a: string; b?: string }>, "a" | "b">>();', "RequiredKeys")
    targets = [(f"ServerToClientPayload<{json.dumps(n)}>", SCHEMAS / f"{n}.json") for n in OUTBOUND]
    targets += [(f"ClientToServerPayload<{json.dumps(n)}>", SCHEMAS / f"{n}.json") for n in INBOUND]
    targets += [(f"AckOk<{json.dumps(n)}>", SCHEMAS / f"{n}.ack.json") for n in INBOUND if REGISTRY.events[n].ack_model]
    for expr, path in targets:
        schema, defs = load_schema(path)
        schema = declared_ack(schema)
        obj = resolve(schema, defs)  # a dict inside schema/defs: renamed in place, they were just read
        assert isinstance(obj, dict) and obj.get("properties"), f"{path.name}: no properties"
        first = next(iter(obj["properties"]))
        obj["properties"] = {(f"{k}Renamed" if k == first else k): v for k, v in obj["properties"].items()}
        obj["required"] = [f"{k}Renamed" if k == first else k for k in obj.get("required", [])]
        lines = shape_checks(expr, schema, defs)
        expect_failure(lines[0], f"{expr}: {first} renamed ({lines[0]})")
        out += lines[1:]
    return "\n".join(out) + "\n", must_fail


# -- the negative files ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    line: int  # 1-based line of the code the marker applies to
    codes: tuple[str, ...]
    why: str


def negative_cases() -> list[Case]:
    cases = []
    for number, text in enumerate((TYPES / "negative.ts").read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.match(text)
        if match:
            cases.append(Case(match["id"], number + 1, tuple(match["codes"].split("|")), match["why"]))
        else:
            assert not DIRECTIVE.match(text), f"negative.ts:{number}: marker without `<id> (<TS code>): <why>`"
    return cases


NEGATIVE = negative_cases()


def blank_markers(text: str) -> str:
    """The file with each marker line emptied: same line numbers, no expectation left."""
    return "\n".join("" if MARKER.match(line) else line for line in text.splitlines()) + "\n"


@pytest.fixture(scope="module")
def negative_unmarked(project: Project) -> Compiled:
    project.write("negative_unmarked.ts", blank_markers((TYPES / "negative.ts").read_text(encoding="utf-8")))
    return project.tsc("negative_unmarked.ts")


# -- tests -------------------------------------------------------------------------------------------------------------


def test_package_json_declares_a_buildless_typed_module() -> None:
    package = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == PACKAGE_NAME == REGISTRY.catalog
    assert package["version"] == REGISTRY.version
    assert package["type"] == "module"
    assert package["types"] == "./index.d.ts"
    assert package["exports"]["."]["types"] == "./index.d.ts"
    assert next(iter(package["exports"]["."])) == "types", "the `types` condition must come first"
    for entry in (package["types"], package["main"], *package["exports"]["."].values()):
        assert (PACKAGE / entry).is_file(), entry
    assert {p.name for p in PACKAGE.iterdir()} == {"package.json", "index.d.ts", "index.js"}, "no build step"


def test_generated_package_compiles_strict_when_imported_by_name(project: Project) -> None:
    """Only the package: `import type ... from "rez-realtime"` and its values, nothing else; skipLibCheck is off."""
    project.write(
        "smoke.ts",
        'import type * as api from "rez-realtime";\n'
        'import type { ServerToClientEvents, ClientToServerEvents } from "rez-realtime";\n'
        'import { catalog, channels, clientToServerEvents, rooms, serverToClientEvents } from "rez-realtime";\n'
        "export type Api = typeof api;\n"
        "export type Maps = [ServerToClientEvents, ClientToServerEvents];\n"
        "export const values = [catalog, channels, clientToServerEvents, rooms, serverToClientEvents] as const;\n",
    )
    result = project.tsc("smoke.ts", trace=True)
    assert result.diagnostics == [] and result.returncode == 0, result.report()
    # Resolved as an installed package: through node_modules and the package's `exports`, to generated/ts.
    trace = result.output
    start = trace.index(f"======== Resolving module '{PACKAGE_NAME}'")
    block = trace[start : trace.index(f"======== Module name '{PACKAGE_NAME}' was successfully resolved", start)]
    assert f"node_modules/{PACKAGE_NAME}/package.json" in block, block
    assert "Matched 'exports' condition 'types'." in block, block
    assert f"result '{PACKAGE.resolve() / 'index.d.ts'}'" in block, block


def test_positive_usage_of_every_event_compiles(project: Project) -> None:
    positive = positive_file()
    path = project.write("positive.ts", positive.text)
    result = project.tsc("positive.ts")
    assert result.diagnostics == [] and result.returncode == 0, f"{path}:\n{result.report()}"
    # The file did what it claims, for the whole catalog.
    inbound_examples = sum(len(EXAMPLES[n]) for n in INBOUND)
    assert positive.counts["listeners"] == len(OUTBOUND)
    assert positive.counts["examples"] == sum(len(EXAMPLES[n]) for n in REGISTRY.events)
    assert positive.counts["emits"] == inbound_examples
    assert positive.counts["acks"] == sum(len(EXAMPLES[n]) for n in INBOUND if REGISTRY.events[n].ack_model)
    assert positive.counts["ack_examples"] == sum(len(v) for v in ACK_EXAMPLES.values()) > 0
    assert positive.counts["rooms"] == len(REGISTRY.rooms)
    assert positive.counts["channels"] == len(REGISTRY.channels)


def test_an_example_with_a_renamed_field_is_refused_for_every_event(project: Project) -> None:
    """The positive checks can fail: a field renamed in the catalog and not regenerated breaks every example."""
    text, lines = renamed_examples_file()
    project.write("renamed.ts", text)
    result = project.tsc("renamed.ts")
    by_line = {d.line: d for d in result.in_file("renamed.ts")}
    missed = [what for line, what in lines.items() if line not in by_line]
    assert not missed, f"tsc accepted a renamed field in: {missed}\n{result.report()}"
    assert {d.code for d in result.diagnostics} <= {"TS2353", "TS2561", "TS2741"}, result.report()
    assert set(by_line) == set(lines), result.report()


def test_shape_checks_fail_against_a_stale_declaration(project: Project) -> None:
    """The positive file's shape checks can fail: with one field renamed in the schema, each payload's check fails."""
    text, must_fail = stale_shapes_file()
    project.write("stale.ts", text)
    result = project.tsc("stale.ts")
    failed = {d.line for d in result.in_file("stale.ts")}
    missed = [what for line, what in must_fail.items() if line not in failed]
    assert not missed, "these checks passed although they must fail:\n" + "\n".join(missed)


def test_negative_file_compiles_with_every_expectation_consumed(project: Project) -> None:
    shutil.copyfile(TYPES / "negative.ts", project.app / "types" / "negative.ts")
    result = project.tsc("negative.ts")
    assert result.diagnostics == [] and result.returncode == 0, result.report()


def test_negative_file_has_the_required_cases() -> None:
    ids = [c.id for c in NEGATIVE]
    assert len(ids) == len(set(ids)), f"duplicate case ids: {ids}"
    assert set(ids) >= REQUIRED_NEGATIVE_CASES, f"missing: {REQUIRED_NEGATIVE_CASES - set(ids)}"


@pytest.mark.parametrize("case", NEGATIVE, ids=[c.id for c in NEGATIVE])
def test_negative_case_is_an_error_without_its_marker(negative_unmarked: Compiled, case: Case) -> None:
    found = [d for d in negative_unmarked.in_file("negative_unmarked.ts") if d.line == case.line]
    assert found, f"line {case.line} compiles without @ts-expect-error, but {case.why}\n{negative_unmarked.report()}"
    assert any(d.code in case.codes for d in found), f"expected {'|'.join(case.codes)}, got {found}"


def test_unmarked_negative_file_errors_only_on_the_marked_lines(negative_unmarked: Compiled) -> None:
    expected = {c.line for c in NEGATIVE}
    stray = [d for d in negative_unmarked.diagnostics if Path(d.file).name != "negative_unmarked.ts"]
    stray += [d for d in negative_unmarked.in_file("negative_unmarked.ts") if d.line not in expected]
    assert not stray, "\n".join(map(str, stray))


def test_package_values_agree_with_the_registry(project: Project) -> None:
    """index.js imported by name, no build step: event lists, room and channel builders as the server reads them."""
    node = node_or_skip()
    shutil.copyfile(NODE_DIR / "package-values.mjs", project.app / "package-values.mjs")
    builders = channel_builders()
    plan = {
        "rooms": {camel(name): room_args(name) for name in REGISTRY.rooms},
        "channels": {key: samples for key, (_, _, samples) in builders.items()},
    }
    proc = subprocess.run(
        [node, "package-values.mjs", json.dumps(plan)],
        cwd=project.app,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    values = json.loads(proc.stdout)

    assert values["catalog"] == {"name": REGISTRY.catalog, "version": REGISTRY.version, "namespace": REGISTRY.namespace}
    assert values["serverToClientEvents"] == OUTBOUND
    assert values["clientToServerEvents"] == INBOUND
    assert set(values["frozen"]) == {"catalog", "serverToClientEvents", "clientToServerEvents", "rooms", "channels"}

    assert set(values["rooms"]) == set(plan["rooms"])
    for name, room in REGISTRY.rooms.items():
        got = values["rooms"][camel(name)]
        want = room.address(dict(zip(room.params, plan["rooms"][camel(name)], strict=True)))
        assert got["value"] == want, (name, got)
        assert got["kind"] == ("function" if room.params else "string"), (name, got)
        found = REGISTRY.room_of(want)
        assert found is not None and found[0].name == name, f"{want} is not read back as a {name} room"

    subscribe_pattern = re.compile(
        json.loads((SCHEMAS / "subscribe.json").read_text(encoding="utf-8"))["properties"]["channel"]["pattern"]
    )
    assert set(values["channels"]) == set(builders)
    for key, (pattern, params, samples) in builders.items():
        got = values["channels"][key]
        assert got["value"] == channel_address(pattern, samples), (key, got)
        assert got["kind"] == ("function" if params else "string"), (key, got)
        found = REGISTRY.channel(got["value"])
        assert found is not None and found[0].name == pattern, f"the server reads {got['value']} as {found}"
        assert subscribe_pattern.match(got["value"]), f"subscribe's schema refuses {got['value']}"


# -- another catalog's refusal shape ------------------------------------------------------------------------------

REFUSAL_CATALOG = """catalog: auction-house
version: 2.0.0
title: Auction house
auth: { algorithms: [RS256], jwks_url: "https://id.example.com/jwks.json" }
server:
  errors: { type: Problem, fields: { trace_id: traceId } }
types:
  Problem:
    fields: { code: string, message: string, traceId: string }
domains:
  bidding:
    title: Bidding
    events:
      place_bid:
        direction: client_to_server
        summary: Place a bid.
        payload: { fields: { auctionId: string } }
        examples: [{ auctionId: auc_1 }]
        ack:
          union:
            - { name: BidAccepted, fields: { ok: { const: true }, bidId: string } }
            - { name: BidQueued, fields: { ok: { const: true }, queuedBehind: integer } }
      withdraw_bid:
        direction: client_to_server
        summary: Withdraw a bid.
        payload: { fields: { bidId: string } }
        examples: [{ bidId: bid_1 }]
        ack:
          union:
            - { name: Withdrawn, fields: { ok: { const: true } } }
            - AckError
"""
REFUSAL_USAGE = """import { io, type Socket } from "socket.io-client";
import type { AckError, ClientToServerEvents, Problem, ServerToClientEvents } from "auction-house";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:7001");
function use(..._values: unknown[]): void {}

// A union ack: the refusal is added once, and `ok === false` narrows to it (TS2367 if it were missing).
socket.emit("place_bid", { auctionId: "auc_1" }, (response) => {
  if (response.ok === false) {
    const refusal: AckError = response;
    const problem: Problem = refusal.error;
    use(problem.code, problem.traceId);
  } else {
    use(response.ok);
  }
});
// An ack that lists the refusal itself: it is not added a second time, and narrowing works the same.
socket.emit("withdraw_bid", { bidId: "bid_1" }, (response) => {
  if (response.ok === false) {
    use(response.error.message);
  }
});
"""


def test_every_ack_callback_of_another_catalog_includes_its_refusal_once(tmp_path: Path) -> None:
    node = node_or_skip()
    (tmp_path / "catalog.yaml").write_text(REFUSAL_CATALOG, encoding="utf-8")
    result = run_cli("generate", "--catalog", "catalog.yaml", "--out", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    package = tmp_path / "out" / "ts"
    declarations = (package / "index.d.ts").read_text(encoding="utf-8")
    callbacks = re.findall(r"ack: \(response: ([^)]*)\) => void", declarations)
    assert callbacks == ["PlaceBidAck | AckError", "WithdrawBidAck"], callbacks
    assert "export type WithdrawBidAck = Withdrawn | AckError;" in declarations
    (tmp_path / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    app = tmp_path / "app"
    (app / "node_modules").mkdir(parents=True)
    (app / "node_modules" / "auction-house").symlink_to(package, target_is_directory=True)
    (app / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module"}))
    (app / "usage.ts").write_text(REFUSAL_USAGE, encoding="utf-8")
    config = app / "tsconfig.json"
    config.write_text(json.dumps({"extends": str(TSCONFIG), "include": [], "files": ["usage.ts"]}))
    proc = subprocess.run(
        [node, str(TSC), "--strict", "--noEmit", "--pretty", "false", "-p", str(config)],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
