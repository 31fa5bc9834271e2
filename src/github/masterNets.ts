import type { RunArgs } from '../domain/runs/args.js';
import type { GitHubPort } from './port.js';

/**
 * Upstream's `update_nets` on approval: when the run's base commit is on official master, its
 * nets are master nets. Returns the base nets to mark; none when GitHub cannot tell (offline,
 * rate-limited), as upstream leaves the flag alone when `is_master` fails.
 */
export const masterNetsOfApprovedRun = async (github: GitHubPort, args: Pick<RunArgs, 'resolved_base' | 'base_nets'>): Promise<string[]> => {
  if (args.base_nets.length === 0) return [];
  const master = await github.officialMasterSha();
  if (master === null) return [];
  const onMaster = await github.isAncestor({ sha: args.resolved_base }, { sha: master });
  return onMaster === 'yes' ? [...args.base_nets] : [];
};
