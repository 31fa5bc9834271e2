import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of a thread, from `/proc/<pid>/task/<tid>/stat` (the 19th field). */
export const niceOf = (taskPath: string): number => {
  const stat = readFileSync(`/proc/${taskPath}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

/** The threads of this process (Linux) whose nice value is `nice`. */
export const threadsWithNice = (nice: number): string[] =>
  readdirSync(`/proc/${process.pid}/task`).filter((tid) => {
    try {
      return niceOf(`${process.pid}/task/${tid}`) === nice;
    } catch {
      return false; // the thread ended meanwhile
    }
  });
