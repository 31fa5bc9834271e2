import type { ReadModels } from '../../projections/readModels.js';
import type { OpenApiRegistry } from './openapi.js';

/** What the public read routes need. */
export interface PublicApiContext {
  readModels: ReadModels;
  openApi: OpenApiRegistry;
}
