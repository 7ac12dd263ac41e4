// Cognito Identity errors as the JSON 1.1 protocol sends them: `{"__type": …, "message": …}`.
// The SDK names the error from `__type`; statuses follow the service model bundled with the SDK.
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export class CognitoError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notAuthorized = (message: string): CognitoError =>
  new CognitoError('NotAuthorizedException', 403, message);
export const resourceNotFound = (message: string): CognitoError =>
  new CognitoError('ResourceNotFoundException', 404, message);
export const invalidParameter = (message: string): CognitoError =>
  new CognitoError('InvalidParameterException', 400, message);
export const resourceConflict = (message: string): CognitoError =>
  new CognitoError('ResourceConflictException', 409, message);

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': payload.length,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: CognitoError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('x-amzn-errortype', error.type);
  sendJson(res, error.status, { __type: error.type, message: error.message });
}
