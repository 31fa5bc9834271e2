/**
 * A non-blocking limit on concurrent work: `tryEnter` either admits (and returns the function
 * that leaves) or refuses at once, so a burst is answered "too busy" instead of queueing
 * without bound.
 */
export interface AdmissionGate {
  tryEnter(): (() => void) | undefined;
  inside(): number;
}

export const createAdmissionGate = (limit: number): AdmissionGate => {
  let inside = 0;
  return {
    tryEnter() {
      if (inside >= limit) return undefined;
      inside += 1;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inside -= 1;
      };
    },
    inside: () => inside,
  };
};
