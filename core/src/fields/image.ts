import { assetField } from './asset.js';

/** An image from the media library (or an allowed URL). */
export const imageField = assetField('image');
