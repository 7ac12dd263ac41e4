// `npm run local-stack`: the local cloud + broker (DESIGN.md section 4). Filled in by the Backend side issue.
console.error('local-stack: not built yet: the local cloud and broker arrive with the "Backend side" issue.');
process.exit(2);
