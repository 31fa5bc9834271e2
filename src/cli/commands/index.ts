import type { CliCommandGroup } from '../types.js';
import { userGroup } from './user.js';

/** Every command group of `npm run admin`; a new group lives in its own file here and is listed below. */
export const commandGroups: readonly CliCommandGroup[] = [userGroup];
