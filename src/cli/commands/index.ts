import type { CliCommandGroup } from '../types.js';
import { bookGroup } from './book.js';
import { nnGroup } from './nn.js';
import { runGroup } from './run.js';
import { userGroup } from './user.js';
import { workerGroup } from './worker.js';

/** Every command group of `npm run admin`; a new group lives in its own file here and is listed below. */
export const commandGroups: readonly CliCommandGroup[] = [userGroup, runGroup, bookGroup, nnGroup, workerGroup];
