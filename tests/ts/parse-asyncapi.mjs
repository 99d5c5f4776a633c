// Parses an AsyncAPI document with the official @asyncapi/parser and prints its diagnostics as JSON.
// Usage: node parse-asyncapi.mjs FILE   (exit 0: no error-level diagnostics, 1: errors, 2: usage)
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node parse-asyncapi.mjs FILE");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"), { source: file });
const severities = ["error", "warning", "info", "hint"];
const report = {
  parsed: Boolean(document),
  messages: document ? document.allMessages().all().map((m) => m.name()) : [],
  operations: document ? document.allOperations().all().map((o) => [o.id(), o.action()]) : [],
  diagnostics: diagnostics.map((d) => ({
    severity: severities[d.severity] ?? String(d.severity),
    code: d.code,
    message: d.message,
    path: d.path.join("."),
  })),
};
console.log(JSON.stringify(report, null, 2));
process.exit(report.parsed && !report.diagnostics.some((d) => d.severity === "error") ? 0 : 1);
