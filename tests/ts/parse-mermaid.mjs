// Parse every ```mermaid block of the Markdown files given as arguments with mermaid's own parser.
// mermaid sanitises labels with DOMPurify, which needs a DOM: jsdom provides one, no browser needed.
// Prints one JSON line: [{file, index, ok, type?, error?}, ...]; exit code 1 when any block fails.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const results = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [index, block] of blocks.entries()) {
    try {
      const parsed = await mermaid.parse(block);
      results.push({ file, index, ok: true, type: parsed.diagramType });
    } catch (error) {
      results.push({ file, index, ok: false, error: String(error.message ?? error) });
    }
  }
}
console.log(JSON.stringify(results));
process.exit(results.every((r) => r.ok) ? 0 : 1);
