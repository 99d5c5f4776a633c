// End to end with the official Socket.IO client against a running REZ server, every payload checked with ajv
// (draft 2020-12, with formats) against the generated JSON Schema of its event.
//
//   node e2e.mjs PLAN_JSON
//
// PLAN_JSON: {
//   "url": "http://127.0.0.1:PORT", "badToken": "...", "goodToken": "...", "schemas": "/path/to/generated/jsonschema",
//   "channels": ["order_ord_1", ...],          subscribed with emitWithAck once connected
//   "events": ["order_status_update", ...],    events the test publishes once this script says it is ready
//   "invalidWithAck": ["subscribe", {...}],    an invalid client-to-server payload emitted with an ack
//   "invalidWithoutAck": ["heartbeat", {...}], an invalid client-to-server payload emitted without one
//   "timeoutMs": 15000
// }
//
// Prints one JSON object per line, in this order:
//   {"step": "refused", "message", "data", "valid", "errors"}            BAD_TOKEN: connect_error; data vs error.json
//   {"step": "connected", "socketId", "payload", "valid", "errors"}      GOOD_TOKEN: the `connected` event
//   {"step": "heartbeat_ack", "sent", "payload", "valid", "errors"}      heartbeat -> heartbeat_ack
//   {"step": "subscribe", "channel", "ack", "valid", "errors"}           per channel; ack vs subscribe.ack.json
//   {"step": "invalid_ack", "event", "ack", "valid", "errors"}           ack.error vs error.json
//   {"step": "invalid_event", "event", "payload", "valid", "errors"}     the `error` event vs error.json
//   {"ready": true, "socketId"}                                          the test publishes now
//   {"step": "event", "name", "count", "payload", "valid", "errors", "mutantValid"}   per event received after ready
//   {"step": "done"}
// "mutantValid" is the verdict on the payload with its first required field removed: false, or the schema is toothless.
// Exit 0 when every step ran, 2 on a wrong use or an unexpected outcome, 3 when it ran out of time.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { io } from "socket.io-client";

const [planText] = process.argv.slice(2);
if (!planText) {
  console.error("usage: node e2e.mjs PLAN_JSON");
  process.exit(2);
}
const plan = JSON.parse(planText);
const timeoutMs = plan.timeoutMs ?? 15_000;
const print = (value) => console.log(JSON.stringify(value));

const sockets = [];
const received = [];
const overall = setTimeout(() => {
  const got = new Set(received.map(([name]) => name));
  print({ step: "timeout", missing: (plan.events ?? []).filter((name) => !got.has(name)), received: received.map(([n]) => n) });
  console.error(`timed out after ${timeoutMs} ms`);
  for (const socket of sockets) socket.disconnect();
  process.exit(3);
}, timeoutMs);

// -- schemas -------------------------------------------------------------------------------------------------------

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map();
function check(file, value) {
  if (!validators.has(file)) {
    validators.set(file, ajv.compile(JSON.parse(readFileSync(join(plan.schemas, file), "utf8"))));
  }
  const validate = validators.get(file);
  const valid = validate(value);
  return { valid, errors: valid ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`) };
}
function requiredOf(file) {
  const schema = JSON.parse(readFileSync(join(plan.schemas, file), "utf8"));
  const ref = schema.$ref?.replace("#/$defs/", "");
  return (ref ? schema.$defs[ref] : schema).required ?? [];
}

// -- the client ----------------------------------------------------------------------------------------------------

function open(token) {
  const socket = io(plan.url, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true, timeout: 5_000 });
  sockets.push(socket);
  return socket;
}

function next(socket, event) {
  return new Promise((resolve) => socket.once(event, resolve));
}

async function refused() {
  const socket = open(plan.badToken);
  const err = await new Promise((resolve, reject) => {
    socket.on("connect", () => reject(new Error("the bad token was accepted")));
    socket.on("connect_error", resolve);
  });
  print({ step: "refused", message: err.message, data: err.data ?? null, ...check("error.json", err.data ?? null) });
  socket.disconnect();
}

async function accepted() {
  const socket = open(plan.goodToken);
  const connected = await new Promise((resolve, reject) => {
    socket.on("connect_error", (err) => reject(new Error(`refused: ${err.message} ${JSON.stringify(err.data)}`)));
    socket.once("connected", resolve);
  });
  print({ step: "connected", socketId: socket.id, payload: connected, ...check("connected.json", connected) });

  const sent = Date.now();
  const ack = next(socket, "heartbeat_ack");
  socket.emit("heartbeat", { timestamp: sent });
  const beat = await ack;
  print({ step: "heartbeat_ack", sent, payload: beat, ...check("heartbeat_ack.json", beat) });

  for (const channel of plan.channels ?? []) {
    const answer = await socket.timeout(5_000).emitWithAck("subscribe", { channel });
    print({ step: "subscribe", channel, ack: answer, ...check("subscribe.ack.json", answer) });
  }

  const [badEvent, badPayload] = plan.invalidWithAck;
  const refusal = await socket.timeout(5_000).emitWithAck(badEvent, badPayload);
  print({ step: "invalid_ack", event: badEvent, ack: refusal, ...check("error.json", refusal?.error ?? null) });

  const [quietEvent, quietPayload] = plan.invalidWithoutAck;
  const error = next(socket, "error");
  socket.emit(quietEvent, quietPayload);
  const payload = await error;
  print({ step: "invalid_event", event: quietEvent, payload, ...check("error.json", payload) });

  socket.onAny((name, ...args) => received.push([name, args[0]]));
  print({ ready: true, socketId: socket.id });

  const expected = plan.events ?? [];
  while (!expected.every((name) => received.some(([got]) => got === name))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // A short settle, so that a duplicate or an unexpected event is seen too.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [name, value] of received) {
    const file = `${name}.json`;
    const count = received.filter(([other]) => other === name).length;
    if (!existsSync(join(plan.schemas, file))) {
      print({ step: "event", name, count, payload: value, valid: null, errors: ["no schema"], mutantValid: null });
      continue;
    }
    const mutant = { ...value };
    delete mutant[requiredOf(file)[0]];
    print({
      step: "event",
      name,
      count,
      payload: value,
      ...check(file, value),
      mutantValid: check(file, mutant).valid,
    });
  }
  socket.disconnect();
}

try {
  await refused();
  await accepted();
  print({ step: "done" });
  clearTimeout(overall);
  process.exit(0);
} catch (err) {
  console.error(String(err?.stack ?? err));
  clearTimeout(overall);
  process.exit(2);
}
