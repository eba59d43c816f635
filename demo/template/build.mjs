// `npm run build`: copy src/*.mjs into dist/ and stamp dist/build-info.json.
// The service runs from dist/, so a checkout without a rebuild does not
// change what is running.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
let sha = 'unknown';
try {
  sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  console.warn('build: git rev-parse HEAD failed; sha=unknown');
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
const files = fs.readdirSync(src).filter((f) => f.endsWith('.mjs'));
for (const file of files) fs.copyFileSync(path.join(src, file), path.join(dist, file));

const info = { version: pkg.version, sha, builtAt: new Date().toISOString() };
fs.writeFileSync(path.join(dist, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
console.log(`built ${pkg.version} (${sha.slice(0, 7)}): ${files.length} files -> dist/`);
