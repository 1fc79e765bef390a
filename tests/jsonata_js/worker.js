// The JSONata reference implementation (npm `jsonata`, pinned in package.json) as a long-lived
// worker for tests/oracle.py. One request per line on stdin, one reply per line on stdout, in order:
//   request:  {"expr": "<JSONata text>", "bindings": {"name": value, ...}}   (bindings optional)
//   reply:    {"value": <JSON>} | {"undefined": true} | {"function": true}
//             | {"error": {"code": "T2001", "message": "..."}}
// moto hands over one self-contained expression (its variable declarations prepended), evaluated
// against no input document, so "bindings" is only for tests of the worker itself.
"use strict";
const readline = require("readline");
const jsonata = require("jsonata");
const VERSION = require("jsonata/package.json").version;

// JSONata's built-ins are objects marked _jsonata_function, its lambdas _jsonata_lambda.
function isFunction(v) {
  return typeof v === "function" || (v !== null && typeof v === "object" && (v._jsonata_function || v._jsonata_lambda));
}

// Values JSON cannot hold are tagged so the Python side can tell them apart.
function encode(value) {
  if (value === undefined) return { undefined: true };
  if (isFunction(value)) return { function: true };
  let negativeZero = false;
  const text = JSON.stringify(value, (key, v) => {
    if (isFunction(v)) return undefined;  // inside arrays and objects: as JSON.stringify drops functions
    if (typeof v === "number" && !Number.isFinite(v)) return { "__pysfn_nonfinite__": String(v) };
    if (Object.is(v, -0)) { negativeZero = true; return { "__pysfn_negzero__": true }; }
    return v;
  });
  return { valueText: text, special: negativeZero || text.includes("__pysfn_nonfinite__") };
}

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { error: { code: "WORKER", message: "bad request: " + e.message } };
  }
  if (request.version) return { value: VERSION };
  try {
    const expression = jsonata(request.expr);
    const result = await expression.evaluate(undefined, request.bindings || {});
    return encode(result);
  } catch (e) {
    return { error: { code: e.code || "UNKNOWN", message: e.message || String(e),
                      position: e.position, token: e.token } };
  }
}

// Requests are answered strictly in order (the oracle waits for each reply).
let chain = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  chain = chain.then(() => handle(line)).then((reply) => {
    if (reply.valueText !== undefined) {
      process.stdout.write('{"special":' + reply.special + ',"value":' + reply.valueText + "}\n");
    } else {
      process.stdout.write(JSON.stringify(reply) + "\n");
    }
  });
});
rl.on("close", () => { chain.then(() => process.exit(0)); });
