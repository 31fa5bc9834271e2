const NETWORK_NAME = /nn-[a-f0-9]{12}\.nnue/;

const collect = (source: string, lineMatches: (line: string) => boolean): string[] => {
  const names: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    if (!lineMatches(line)) continue;
    const match = NETWORK_NAME.exec(line);
    if (match && !names.includes(match[0])) names.push(match[0]);
  }
  return names;
};

/** Nets named by `#define EvalFileDefaultName… "nn-….nnue"` lines of `src/evaluate.h`. */
export const networksInEvaluateHeader = (source: string): string[] =>
  collect(source, (line) => line.includes('EvalFileDefaultName') && line.includes('define'));

/** Nets named by the `EvalFile` option of older engines' `src/ucioption.cpp`. */
export const networksInUciOptions = (source: string): string[] =>
  collect(source, (line) => line.includes('EvalFile') && line.includes('Option'));
