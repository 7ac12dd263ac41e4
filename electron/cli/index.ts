// `hoist <command>` (DESIGN.md section 4). Filled in by the desktop-app issue.
console.error('hoist: not built yet: the command line arrives with "The desktop app" issue.');
process.exit(2);
