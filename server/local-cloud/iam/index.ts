// IAM policy evaluation for the local cloud (docs/ARCHITECTURE.md, AWS behaviour 6). Pure functions, no
// I/O: used by the S3 half for every request made with identity credentials, and by the Cognito half for
// Cognito calls.
export { evaluate, isAllowed, matchAction, matchResource, type Decision, type RequestContext } from './evaluate.js';
export { s3Resource } from './resources.js';
