// Why a pause, resume or cancel of one transfer was refused. Each carries a stable `code`: the RPC
// layer passes it on, so a window or the command line can tell "no such transfer" from a failure.

/** No transfer has this id (never had, or it was cancelled or cleared from history). */
export class UnknownTransferError extends Error {
  override readonly name = 'UnknownTransferError';
  readonly code = 'unknown_transfer';
  constructor(readonly id: string) {
    super(`There is no transfer with id ${id}.`);
  }
}

/** The transfer finished: its object is in the bucket, and Hoist never deletes. */
export class AlreadyUploadedError extends Error {
  override readonly name = 'AlreadyUploadedError';
  readonly code = 'already_uploaded';
  /** `subject`: what was uploaded, e.g. its destination. */
  constructor(subject: string, action: 'pause' | 'resume' | 'cancel') {
    super(
      action === 'cancel'
        ? `${subject} is already uploaded; cancelling cannot take it out of the bucket (Hoist never deletes), ` +
            'and its history entry stays until finished transfers are cleared.'
        : `${subject} is already uploaded; there is nothing to ${action}.`,
    );
  }
}
