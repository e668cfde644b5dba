// Preloaded into the stack's processes by bench/per-request/run.mjs (NODE_OPTIONS=--require): records the SQL a
// service sends while the bench asks it to, so the floor handler can run the very same statements and the bench can
// count statements per settle and per claim. Off until SIGUSR2 (one boolean test per query); the next SIGUSR2 writes
// what was recorded to $BENCH_CAPTURE_DIR/<service>.json and stops recording. Without BENCH_CAPTURE_DIR it does nothing;
// only a service's process (services/<name>/dist/…) is touched.
'use strict';
const dir = process.env.BENCH_CAPTURE_DIR;
const service = (/services\/(\w+)\/dist/.exec(process.argv[1] || '') || [])[1];
if (dir && service && service !== 'gateway') {
  const { writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  let pg;
  try {
    pg = require(require.resolve('pg', { paths: [process.cwd()] }));
  } catch {
    pg = undefined;
  }
  if (pg) {
    let on = false;
    let seen = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function capturedQuery(config, values, cb) {
      if (on) {
        const text = typeof config === 'string' ? config : config && config.text;
        const vals = Array.isArray(values) ? values : config && Array.isArray(config.values) ? config.values : [];
        if (typeof text === 'string') seen.push({ text, values: vals, name: config && config.name });
      }
      return query.call(this, config, values, cb);
    };
    writeFileSync(join(dir, `${service}.pid`), String(process.pid));
    process.on('SIGUSR2', () => {
      if (!on) {
        seen = [];
        on = true;
        return;
      }
      on = false;
      writeFileSync(join(dir, `${service}.json`), JSON.stringify(seen));
    });
  }
}
