// Schema `pattern`s run on the server in linear time: RE2 semantics through re2js (pure
// JavaScript, no native build). V8's backtracking engine takes exponential time on patterns such
// as ^(a+)+$, and schema files come from anyone who can commit to the content repository.
import { RE2JS } from 're2js';

/** Compiles a pattern for RE2; throws with RE2's reason when it cannot run in linear time. */
export function compileLinear(pattern: string): (value: string) => boolean {
  const re = RE2JS.compile(pattern);
  return (value) => re.test(value);
}

/** Why a pattern cannot be used (backreferences, look-arounds…), or null when it can. */
export function linearPatternProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
