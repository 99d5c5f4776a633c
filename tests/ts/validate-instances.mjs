// Second opinion on the generated JSON Schemas, from ajv (draft 2020-12, with formats).
// Usage: node validate-instances.mjs CASES.json
// CASES.json: [{"schema": "path/to/schema.json", "instance": ..., "label": "..."}]
// Prints [{"label", "valid", "errors"}] as JSON. Exit 0 unless a schema fails to compile (exit 1).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map();
let failed = false;
const results = cases.map(({ schema, instance, label }) => {
  try {
    if (!compiled.has(schema)) {
      const body = JSON.parse(readFileSync(schema, "utf8"));
      compiled.set(schema, ajv.compile(body));
    }
    const validate = compiled.get(schema);
    const valid = validate(instance);
    return { label, valid, errors: valid ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`) };
  } catch (err) {
    failed = true;
    return { label, valid: null, errors: [String(err)] };
  }
});
console.log(JSON.stringify(results));
process.exit(failed ? 1 : 0);
