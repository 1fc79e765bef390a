// Reads {"text": JSONata, "bindings": {...}} lines and prints {"ok": result} or {"err": message} per line.
const jsonata = require('jsonata');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
(async () => {
  for (const line of lines) {
    const {text, bindings} = JSON.parse(line);
    try {
      const r = await jsonata(text).evaluate(null, bindings);
      console.log(JSON.stringify({ok: r === undefined ? "__undefined__" : r}));
    } catch (e) {
      console.log(JSON.stringify({err: String(e.message || e)}));
    }
  }
})();
