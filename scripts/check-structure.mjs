#!/usr/bin/env node
// Structure checks for packages/*/src, run by `pnpm lint`:
//  1. no import cycle between folders (each top-level folder of a package's src is one node, each
//     root-level file its own node; imports of @shomei/<pkg> point at that package's index.ts);
//  2. no runtime import of pkijs or asn1js (they are test-time referees and benchmark baselines);
//  3. core's public export list equals the reviewed file packages/core/api/exports.txt.
// `node scripts/check-structure.mjs --graph` prints the folder graph;
// `node scripts/check-structure.mjs --write-exports` regenerates the reviewed export list.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const EXPORTS_FILE = 'packages/core/api/exports.txt';
const ENTRIES = {
  '@shomei/core': 'packages/core/src/index.ts',
  '@shomei/core/node': 'packages/core/src/node.ts',
  '@shomei/core/der': 'packages/core/src/der.ts',
};
const FORBIDDEN_RUNTIME = ['pkijs', 'asn1js'];
/**
 * Cycles accepted for a while, each with the seam that makes it (`'a <-> b' => 'why'`); empty: the
 * folders import one way. Any other cycle fails, and so does a listed cycle that no longer exists.
 */
const KNOWN_CYCLES = new Map();

const isSource = (f) => !/\.test\.ts$|\.d\.ts$/.test(f) && !f.includes('/test/') && !f.includes('/testing/');

function sourceFiles() {
  const out = execFileSync(
    'git',
    ['-C', root, 'ls-files', '--cached', '--others', '--exclude-standard', 'packages/*/src/**'],
    {
      encoding: 'utf8',
    },
  );
  return out.split('\n').filter((f) => f.endsWith('.ts') && isSource(f));
}

/** `packages/core/src/path/x.ts` → `core/path`; `packages/core/src/errors.ts` → `core/errors.ts`. */
function node(file) {
  const p = file.split('/');
  return `${p[1]}/${p[3]}`;
}

/** Module specifiers of a file's static imports/exports and dynamic `import()` types, with whether each is type-only. */
function importsOf(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (n) => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    ) {
      let typeOnly = ts.isImportDeclaration(n) ? (n.importClause?.isTypeOnly ?? false) : n.isTypeOnly;
      if (ts.isImportDeclaration(n) && !typeOnly && n.importClause) {
        const b = n.importClause.namedBindings;
        if (
          !n.importClause.name &&
          b &&
          ts.isNamedImports(b) &&
          b.elements.length > 0 &&
          b.elements.every((e) => e.isTypeOnly)
        )
          typeOnly = true;
      }
      found.push({ spec: n.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isImportTypeNode(n) &&
      ts.isLiteralTypeNode(n.argument) &&
      ts.isStringLiteral(n.argument.literal)
    ) {
      found.push({ spec: n.argument.literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      found.push({ spec: n.arguments[0].text, typeOnly: false });
    } else if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'require' &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      found.push({ spec: n.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function graph(files) {
  const edges = new Map();
  const forbidden = [];
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const { spec, typeOnly } of importsOf(f, text)) {
      const bare = spec.split('/')[0];
      if (FORBIDDEN_RUNTIME.includes(bare) && !typeOnly) forbidden.push(`${f}: imports ${spec}`);
      let target;
      if (spec.startsWith('.')) target = normalize(join(dirname(f), spec)).replace(/\.js$/, '.ts');
      else if (spec.startsWith('@shomei/')) target = `packages/${spec.split('/')[1]}/src/index.ts`;
      else continue;
      const a = node(f);
      const b = node(target);
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a).add(b);
    }
  }
  return { edges, forbidden };
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(edges) {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])].sort();
  let counter = 0;
  const stack = [];
  const onStack = new Set();
  const index = new Map();
  const low = new Map();
  const out = [];
  const strong = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const c = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) strong(n);
  return { nodes, cycles: out };
}

/** The names each public core entry exports, as `entry name kind` lines (kind: value, type or both). */
function exportList() {
  const tsconfig = ts.readConfigFile(join(root, 'packages/core/tsconfig.build.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, join(root, 'packages/core'));
  const program = ts.createProgram(
    Object.values(ENTRIES).map((e) => join(root, e)),
    { ...parsed.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const lines = [];
  const seen = new Set();
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const sf = program.getSourceFile(join(root, file));
    const mod = sf && checker.getSymbolAtLocation(sf);
    if (!mod) throw new Error(`cannot read the exports of ${file}`);
    for (const sym of checker.getExportsOfModule(mod)) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const value = (target.flags & ts.SymbolFlags.Value) !== 0;
      const type = (target.flags & ts.SymbolFlags.Type) !== 0;
      const line = `${sym.getName()} ${value && type ? 'value+type' : value ? 'value' : 'type'}`;
      // The Node entry re-exports the browser-safe surface: list only what it adds or replaces.
      if (seen.has(line)) continue;
      seen.add(line);
      lines.push(`${entry} ${line}`);
    }
  }
  return `${lines.sort().join('\n')}\n`;
}

const files = sourceFiles();
const { edges, forbidden } = graph(files);
const { nodes, cycles: found } = cycles(edges);
if (args.has('--graph')) {
  for (const n of nodes) console.log(`${n} -> ${[...(edges.get(n) ?? [])].sort().join(', ')}`);
  console.log(`cycles: ${found.length}`);
  for (const c of found) console.log(`  ${c.join(' <-> ')}`);
  process.exit(0);
}

const problems = [];
const foundKeys = new Set(found.map((c) => c.join(' <-> ')));
for (const key of foundKeys)
  if (!KNOWN_CYCLES.has(key)) problems.push(`import cycle between folders: ${key}`);
for (const key of KNOWN_CYCLES.keys())
  if (!foundKeys.has(key)) problems.push(`the known cycle ${key} is gone: remove it from KNOWN_CYCLES`);
for (const f of forbidden) problems.push(`runtime import of a test-only library: ${f}`);

const exportsText = exportList();
if (args.has('--write-exports')) {
  mkdirSync(dirname(join(root, EXPORTS_FILE)), { recursive: true });
  writeFileSync(join(root, EXPORTS_FILE), exportsText);
  console.log(`wrote ${EXPORTS_FILE} (${exportsText.split('\n').length - 1} names)`);
} else {
  let reviewed = '';
  try {
    reviewed = readFileSync(join(root, EXPORTS_FILE), 'utf8');
  } catch {
    reviewed = '';
  }
  if (reviewed !== exportsText) {
    const have = new Set(reviewed.split('\n').filter(Boolean));
    const want = new Set(exportsText.split('\n').filter(Boolean));
    const added = [...want].filter((l) => !have.has(l));
    const removed = [...have].filter((l) => !want.has(l));
    problems.push(
      `core's public exports differ from ${EXPORTS_FILE} (review, then run \`pnpm api:exports\`):\n` +
        added.map((l) => `    + ${l}`).join('\n') +
        (added.length && removed.length ? '\n' : '') +
        removed.map((l) => `    - ${l}`).join('\n'),
    );
  }
}

if (problems.length) {
  for (const p of problems) console.error(`structure: ${p}`);
  process.exit(1);
}
console.log(
  `structure: ${nodes.length} folders, no import cycle beyond the ${KNOWN_CYCLES.size} listed, no runtime pkijs/asn1js, core exports as reviewed`,
);
