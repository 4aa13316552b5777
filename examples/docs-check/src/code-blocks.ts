/**
 * Type-checks the TypeScript code blocks of Markdown pages, so that the guides cannot drift from the
 * API. Each ```ts block is one ES module (top-level await allowed) compiled with the repository's
 * tsconfig, where `@shomei/*` maps to the packages' sources. A block whose info string says
 * `ts no-check` is skipped: use it only for fragments that cannot stand alone, and say why nearby.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface CodeBlock {
  /** The Markdown file (absolute path). */
  page: string;
  /** 1-based line in the page of the block's first code line. */
  line: number;
  code: string;
}

const FENCE = /^```(\S*)(.*)$/;

/** The ```ts / ```typescript blocks of a page, except `no-check` ones. */
export function extractTsBlocks(page: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) break;
    const lang = open[1]!;
    if ((lang === 'ts' || lang === 'typescript') && !/\bno-check\b/.test(open[2]!)) {
      blocks.push({ page, line: i + 2, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    }
    i = end;
  }
  return blocks;
}

export interface BlockDiagnostic {
  page: string;
  /** 1-based line in the page. */
  line: number;
  message: string;
}

/**
 * Compiles the blocks (each as its own module under `<root>/docs/.snippets/`, in memory) with the
 * compiler options of `<root>/tsconfig.json` and returns the errors, positioned in their pages.
 */
export function typeCheckBlocks(root: string, blocks: readonly CodeBlock[]): BlockDiagnostic[] {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noUnusedLocals: false };
  const virtual = new Map<string, CodeBlock>(
    blocks.map((block, i) => [join(root, 'docs', '.snippets', `block-${i}.ts`), block]),
  );

  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const block = virtual.get(fileName);
    if (block) return ts.createSourceFile(fileName, block.code, languageVersion, true);
    return getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(fileName)?.code ?? readFile(fileName);

  const program = ts.createProgram([...virtual.keys()], options, host);
  const out: BlockDiagnostic[] = [];
  for (const [fileName, block] of virtual) {
    const file = program.getSourceFile(fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    for (const d of diagnostics) {
      const at = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
      out.push({
        page: block.page,
        line: block.line + at,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  return out;
}
