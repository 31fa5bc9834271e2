/** A key, namespace, name, metadata, limit or increment that the store does not accept. */
export class InvalidBlobArgumentError extends Error {
  override readonly name = 'InvalidBlobArgumentError';
}

/** The bytes of a put did not hash to the sha256 the caller expected; nothing was stored. */
export class BlobDigestMismatchError extends Error {
  override readonly name = 'BlobDigestMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`blob digest mismatch: expected sha256 ${expected}, got ${actual}`);
  }
}

/** A put brought more bytes than its `maxBytes`; nothing was stored. */
export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
  }
}

/** setName referred to a blob that is not stored. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly sha256: string) {
    super(`no blob with sha256 ${sha256}`);
  }
}

/** setName in `create` mode found the name already taken. */
export class BlobNameTakenError extends Error {
  override readonly name = 'BlobNameTakenError';
  constructor(
    readonly namespace: string,
    readonly blobName: string,
    readonly existingSha256: string | null,
  ) {
    super(`name ${namespace}/${blobName} is taken`);
  }
}

/** Stored bytes no longer hash to their key (damaged storage); the read was refused. */
export class BlobCorruptedError extends Error {
  override readonly name = 'BlobCorruptedError';
  constructor(
    readonly sha256: string,
    detail: string,
  ) {
    super(`blob ${sha256} is corrupted: ${detail}`);
  }
}

/** The backend cannot be reached or cannot serve right now (disk full, server down, lock timeout). */
export class BlobStoreUnavailableError extends Error {
  override readonly name = 'BlobStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
