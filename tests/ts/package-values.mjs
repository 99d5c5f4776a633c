// The values of the generated package's index.js, imported by its package name as an app would ("rez-realtime",
// resolved through node_modules and the package's `exports`; no build step). tests/test_typescript.py copies this
// script into a temporary project where node_modules/rez-realtime links to generated/ts, and runs it there.
//
//   node package-values.mjs PLAN_JSON
//
// PLAN_JSON: {"rooms": {"<builder>": ["arg", ...]}, "channels": {"<builder>": ["arg", ...]}}; a builder that is a
// constant (rooms.allOffers, channels.orders) is read, a function is called with the plan's arguments.
// Prints one JSON object: the catalog constant, the event-name lists, what each builder gave, and whether the
// exported objects are frozen. Exit 0, or 2 on a wrong use, 1 when the package cannot be imported.
const [planText] = process.argv.slice(2);
if (!planText) {
  console.error("usage: node package-values.mjs PLAN_JSON");
  process.exit(2);
}
const plan = JSON.parse(planText);

let api;
try {
  api = await import("rez-realtime");
} catch (err) {
  console.error(String(err?.stack ?? err));
  process.exit(1);
}

function build(builders, args) {
  const out = {};
  for (const [key, value] of Object.entries(builders)) {
    out[key] = typeof value === "function" ? { kind: "function", arity: value.length, value: value(...(args[key] ?? [])) } : { kind: typeof value, value };
  }
  return out;
}

console.log(
  JSON.stringify({
    exports: Object.keys(api).sort(),
    catalog: api.catalog,
    serverToClientEvents: api.serverToClientEvents,
    clientToServerEvents: api.clientToServerEvents,
    rooms: build(api.rooms, plan.rooms ?? {}),
    channels: build(api.channels, plan.channels ?? {}),
    frozen: ["catalog", "serverToClientEvents", "clientToServerEvents", "rooms", "channels"].filter((name) => Object.isFrozen(api[name])),
  }),
);
