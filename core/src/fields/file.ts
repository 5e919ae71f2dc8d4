import { assetField } from './asset.js';

/** Any file from the media library (or an allowed URL). */
export const fileField = assetField('file');
