#!/usr/bin/env node
// `npm run dev`: like npm start, but services rebuild and restart on change and Vite serves the SPA with hot reload.
process.argv.push('--dev');
await import('./start.mjs');
