// What every S3 operation may use: the stores, the cloud's settings and its clock.
import type { CloudSettings } from '../auth/types.js';
import type { ObjectStore } from './object-store.js';
import type { UploadStore } from './upload-store.js';

export interface S3Deps {
  store: ObjectStore;
  uploads: UploadStore;
  settings: CloudSettings;
  now: () => Date;
}
