// Enforces the layer rules of ARCHITECTURE.md by reading every import under src/.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../src');

/** Which top-level folders each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  util: [],
  ds: ['util'],
  protocol: ['util'],
  config: ['util'],
  keyspace: ['ds', 'util', 'config:type'],
  persistence: ['keyspace', 'ds', 'protocol', 'util', 'config:type'],
  commands: ['keyspace', 'protocol', 'util', 'ds'],
  net: ['protocol', 'util'],
  engine: ['commands', 'keyspace', 'protocol', 'net', 'util', 'ds', 'config', 'persistence'],
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

export function importsOf(text: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const spec = m[3] ?? m[4];
    if (spec) out.push({ spec, typeOnly: m[2] !== undefined });
  }
  return out;
}

function layerOf(file: string): string | null {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? (rel[0] ?? null) : null;
}

export function violations(): string[] {
  const bad: string[] = [];
  for (const file of walk(SRC)) {
    const layer = layerOf(file);
    if (layer === null) continue; // top-level composition files may import anything
    const allowed = ALLOWED[layer];
    if (allowed === undefined) continue; // higher layers (acl, scripting, replication...) sit on top
    for (const imp of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (!imp.spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), imp.spec);
      const tl = layerOf(target) ?? 'top';
      if (tl === layer) continue;
      if (allowed.includes(tl)) continue;
      if (imp.typeOnly && allowed.includes(`${tl}:type`)) continue;
      bad.push(`${path.relative(SRC, file)} imports ${imp.spec} (${layer} -> ${tl})`);
    }
  }
  return bad;
}

describe('layer rules', () => {
  it('finds imports in the forms the project uses', () => {
    const found = importsOf(
      "import { a } from '../x/y.js';\nimport type { B } from './b.js';\nexport { c } from '../c.js';\nimport '../side.js';",
    );
    expect(found).toEqual([
      { spec: '../x/y.js', typeOnly: false },
      { spec: './b.js', typeOnly: true },
      { spec: '../c.js', typeOnly: false },
      { spec: '../side.js', typeOnly: false },
    ]);
  });

  it('src/ has no import that breaks the layer rules', () => {
    expect(violations()).toEqual([]);
  });
});
