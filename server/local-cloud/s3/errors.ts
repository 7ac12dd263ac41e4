// S3 errors: a code, an HTTP status and S3's own message. Thrown anywhere in the S3 handler and written
// once, as `<Error><Code/><Message/>…<RequestId/><HostId/></Error>`, by the response layer.

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, string> = {},
    /** Extra response headers (e.g. Content-Range on a 416). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

const e = (code: string, status: number, message: string) => (details?: Record<string, string>) =>
  new S3Error(code, status, message, details);

/** The errors S3 answers, with its wording, keyed by code. */
export const errors = {
  AccessDenied: e('AccessDenied', 403, 'Access Denied'),
  BadDigest: (algorithm: string) =>
    new S3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`),
  ContentMD5Mismatch: e('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.'),
  BucketAlreadyOwnedByYou: e(
    'BucketAlreadyOwnedByYou',
    409,
    'Your previous request to create the named bucket succeeded and you already own it.',
  ),
  BucketNotEmpty: e('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty'),
  ExpectationFailed: e('ExpectationFailed', 417, 'The only supported value for the Expect header is 100-continue.'),
  EntityTooLarge: e('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size'),
  EntityTooSmall: e('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size'),
  IncompleteBody: e(
    'IncompleteBody',
    400,
    'You did not provide the number of bytes specified by the Content-Length HTTP header',
  ),
  InternalError: e('InternalError', 500, 'We encountered an internal error. Please try again.'),
  InvalidArgument: (message: string, details?: Record<string, string>) =>
    new S3Error('InvalidArgument', 400, message, details),
  InvalidBucketName: e('InvalidBucketName', 400, 'The specified bucket is not valid.'),
  InvalidDigest: e('InvalidDigest', 400, 'The Content-MD5 you specified is not valid.'),
  InvalidPart: e(
    'InvalidPart',
    400,
    'One or more of the specified parts could not be found.  The part may not have been uploaded, ' +
      "or the specified entity tag may not match the part's entity tag.",
  ),
  InvalidPartOrder: e(
    'InvalidPartOrder',
    400,
    'The list of parts was not in ascending order. Parts must be ordered by part number.',
  ),
  InvalidRange: e('InvalidRange', 416, 'The requested range is not satisfiable'),
  InvalidRequest: (message: string) => new S3Error('InvalidRequest', 400, message),
  InvalidURI: e('InvalidURI', 400, "Couldn't parse the specified URI."),
  KeyTooLongError: e('KeyTooLongError', 400, 'Your key is too long'),
  MalformedXML: e(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
  ),
  MethodNotAllowed: e('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.'),
  MissingContentLength: e('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.'),
  NoSuchBucket: e('NoSuchBucket', 404, 'The specified bucket does not exist'),
  NoSuchKey: e('NoSuchKey', 404, 'The specified key does not exist.'),
  NoSuchUpload: e(
    'NoSuchUpload',
    404,
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  ),
  NotImplemented: e('NotImplemented', 501, 'A header you provided implies functionality that is not implemented'),
  PreconditionFailed: e('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'),
  RequestTimeout: e(
    'RequestTimeout',
    400,
    'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  ),
  XAmzContentSHA256Mismatch: e(
    'XAmzContentSHA256Mismatch',
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ),
} as const;
