#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, otherwise the headless mode (DESIGN.md section 4).
console.error('start: not built yet: the app arrives with "The desktop app" issue.');
process.exit(2);
