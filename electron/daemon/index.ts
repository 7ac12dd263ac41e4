// `npm run headless`: engine + UI on 127.0.0.1 (DESIGN.md section 4). Filled in by the desktop-app issue.
console.error('headless: not built yet: the headless daemon arrives with "The desktop app" issue.');
process.exit(2);
