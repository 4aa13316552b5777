/**
 * The e-Gov electronic-application shape (spec/egov-xml.md): a folder with `kousei.xml` whose
 * `<DataRoot>` holds `<構成情報 ID="構成情報">` naming the form files, and `<署名情報>` holding one
 * ds:Signature that signs the 構成情報 element (inclusive C14N 1.0, URI `#%E6%A7%8B%E6%88%90%E6%83%85%E5%A0%B1`)
 * and every listed file by name (raw bytes). Files are given as a map of name → bytes, so nothing
 * here touches a file system: a portal passes the unzipped upload, a CLI the folder it read.
 */
import { coreError, isShomeiError } from '../errors.js';
import type { Signer } from '../signer.js';
import { C14N } from './algorithms.js';
import { childElements, elementPath, textContent, type XmlDocument, type XmlElement } from './dom.js';
import { parseXml } from './parse.js';
import { signedElementOf } from './references.js';
import { type SignXmlOptions, signXml } from './sign.js';
import { type ScannedXml, STREAM_FROM, scanXml } from './stream.js';
import {
  findSignatures,
  scannedSignatureOf,
  type VerifyXmlOptions,
  verifyScannedXml,
  verifyXml,
  type XmlValidationReport,
} from './verify.js';

export const EGOV_CONFIGURATION_FILE = 'kousei.xml';
export const EGOV_CONFIGURATION_ID = '構成情報';
/** Elements of 構成情報 that name a file of the application (forms and attachments). */
const FILE_NAME_ELEMENTS = new Set(['申請書ファイル名称', '添付書類ファイル名称']);

export type EgovFiles = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;

/** A file-name reference as e-Gov's library writes it: every non-ASCII character (and %, #, space) percent-encoded as UTF-8. */
export function egovUri(name: string): string {
  return name.replace(/[^\x21-\x7e]|[%#]/gu, (c) => encodeURIComponent(c));
}

function toMap(files: EgovFiles): Map<string, Uint8Array> {
  const m =
    files instanceof Map ? new Map(files) : new Map(Object.entries(files as Record<string, Uint8Array>));
  // A zipped application usually holds one folder: accept `<folder>/kousei.xml` and strip the folder.
  if (!m.has(EGOV_CONFIGURATION_FILE)) {
    const nested = [...m.keys()].filter((k) => k.endsWith(`/${EGOV_CONFIGURATION_FILE}`));
    if (nested.length === 1) {
      const folder = nested[0]!.slice(0, -EGOV_CONFIGURATION_FILE.length);
      const out = new Map<string, Uint8Array>();
      for (const [k, v] of m) if (k.startsWith(folder)) out.set(k.slice(folder.length), v);
      return out;
    }
  }
  return m;
}

const invalid = (detail: string) =>
  coreError('EGOV_APPLICATION_INVALID', `The e-Gov application is not valid: ${detail}.`);

interface Shape {
  doc: XmlDocument;
  dataRoot: XmlElement;
  configuration: XmlElement;
  signatureInfo: XmlElement;
  listed: string[];
}

function readShape(kousei: Uint8Array | string): Shape {
  return shapeOf(parseXml(kousei));
}

/** The shape checks, on a parsed tree or on a scan's skeleton (the root's children and the file names kept). */
function shapeOf(doc: XmlDocument): Shape {
  const dataRoot = doc.root;
  if (dataRoot.name !== 'DataRoot')
    throw invalid(`the root of kousei.xml is <${dataRoot.name}>, not <DataRoot>`);
  const configuration = childElements(dataRoot).filter((e) => e.name === EGOV_CONFIGURATION_ID);
  const signatureInfo = childElements(dataRoot).filter((e) => e.name === '署名情報');
  if (configuration.length !== 1) throw invalid('DataRoot must hold exactly one <構成情報>');
  if (signatureInfo.length !== 1) throw invalid('DataRoot must hold exactly one <署名情報>');
  const c = configuration[0]!;
  if (c.attributes.find((a) => a.name === 'ID')?.value !== EGOV_CONFIGURATION_ID)
    throw invalid('<構成情報> must carry ID="構成情報"');
  const listed: string[] = [];
  const start = c.start;
  for (const el of doc.elements) {
    if (el.start <= start || el.end > c.end || !FILE_NAME_ELEMENTS.has(el.name)) continue;
    const name = textContent(el).trim();
    if (name) listed.push(name);
  }
  return { doc, dataRoot, configuration: c, signatureInfo: signatureInfo[0]!, listed };
}

const EGOV_ID_ATTRIBUTES = ['ID', 'Id'];

/**
 * kousei.xml read for verification without its tree: DataRoot's children kept bare, the file-name
 * elements and the Signature kept whole (stream.ts).
 */
function scanShape(kousei: Uint8Array, options: VerifyEgovOptions): { shape: Shape; scan: ScannedXml } {
  const scan = scanXml(kousei, {
    ...options.limits,
    idAttributes: EGOV_ID_ATTRIBUTES,
    shallowDepth: 2,
    keepSubtree: (el) => FILE_NAME_ELEMENTS.has(el.name),
  });
  return { shape: shapeOf(scan.skeleton), scan };
}

/** A safe file name inside the folder: no path separators, no parent steps, no scheme. */
function safeName(name: string): boolean {
  return (
    name !== '' &&
    !/[\\/]/.test(name) &&
    name !== '.' &&
    name !== '..' &&
    !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(name)
  );
}

export interface SignEgovOptions extends Pick<SignXmlOptions, 'hash' | 'certificates' | 'signal' | 'xades'> {
  /** Signature Id. Default the signing time as yyyymmddhhmmss (Japan time), as e-Gov writes it. */
  id?: string;
  /** Write the 構成情報 reference as `#構成情報` instead of e-Gov's percent-encoded form. */
  rawIdUri?: boolean;
  /** The signing time used for the default Id. Default now. */
  time?: Date;
}

/**
 * Signs an e-Gov application folder: returns the same files with `kousei.xml` replaced by the signed
 * one. Every file that 構成情報 names must be in the folder.
 */
export async function signEgovApplication(
  files: EgovFiles,
  signer: Signer,
  options: SignEgovOptions = {},
): Promise<Map<string, Uint8Array>> {
  const map = toMap(files);
  const kousei = map.get(EGOV_CONFIGURATION_FILE);
  if (!kousei) throw invalid('the folder has no kousei.xml');
  const shape = readShape(kousei);
  if (childElements(shape.signatureInfo).length || findSignatures(shape.doc).length) {
    throw invalid('kousei.xml is already signed (<署名情報> is not empty)');
  }
  const references: { uri: string; bytes?: Uint8Array }[] = [
    { uri: `#${options.rawIdUri ? EGOV_CONFIGURATION_ID : egovUri(EGOV_CONFIGURATION_ID)}` },
  ];
  for (const name of shape.listed) {
    if (!safeName(name)) throw invalid(`the listed file name "${name}" is not a plain file name`);
    const bytes = map.get(name);
    if (!bytes) throw invalid(`the listed file "${name}" is not in the folder`);
    references.push({ uri: egovUri(name), bytes });
  }
  const time = options.time ?? new Date();
  const jst = new Date(time.getTime() + 9 * 3600_000).toISOString();
  const id = options.id ?? jst.slice(0, 19).replace(/[-T:]/g, '');
  const signed = await signXml(kousei, signer, {
    mode: 'detached',
    references,
    location: (d) => childElements(d.root).find((e) => e.name === '署名情報')!,
    canonicalization: C14N.c14n,
    idAttributes: ['ID', 'Id'],
    id,
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.certificates ? { certificates: options.certificates } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.xades ? { xades: options.xades } : {}),
  });
  map.set(EGOV_CONFIGURATION_FILE, signed);
  return map;
}

export interface EgovValidationReport extends XmlValidationReport {
  readonly egov: {
    /** Files that 構成情報 lists (forms and attachments). */
    readonly listedFiles: readonly string[];
    /** Files of the folder that no reference covers: a portal must not treat them as signed. */
    readonly unsignedFiles: readonly string[];
  };
}

export type VerifyEgovOptions = Omit<VerifyXmlOptions, 'resolveExternal' | 'idAttributes'>;

/**
 * Verifies an uploaded e-Gov application (file name → bytes): the signature in kousei.xml with file
 * references resolved only inside the given files, and the shape checks of spec/egov-xml.md — the
 * Signature sits in /DataRoot/署名情報, the element reference covers /DataRoot/構成情報 itself, and
 * every file 構成情報 lists is covered by a file reference.
 */
export async function verifyEgovApplication(
  files: EgovFiles,
  options: VerifyEgovOptions,
): Promise<EgovValidationReport> {
  const map = toMap(files);
  const kousei = map.get(EGOV_CONFIGURATION_FILE);
  let shape: Shape;
  let scan: ScannedXml | undefined;
  try {
    if (!kousei) throw invalid('the folder has no kousei.xml');
    if (kousei.length < STREAM_FROM) shape = readShape(kousei);
    else ({ shape, scan } = scanShape(kousei, options));
  } catch (e) {
    const report = await verifyXml(kousei ?? '', { ...options, idAttributes: EGOV_ID_ATTRIBUTES }).catch(
      () => undefined,
    );
    const code = isShomeiError(e) ? e.code : 'EGOV_APPLICATION_INVALID';
    const detail = isShomeiError(e) ? e.message.replace(/\.$/, '') : 'unreadable';
    const base =
      report ??
      ({
        references: [],
        checks: [],
        chain: [],
        signer: { subject: '' },
        digestAlgorithm: '',
        signatureAlgorithm: '',
        format: 'XMLDSig',
      } as unknown as XmlValidationReport);
    return withEgov(base, [{ name: 'format', ok: false, code, detail }], [], [...map.keys()]);
  }
  const verifyOptions = { ...options, idAttributes: EGOV_ID_ATTRIBUTES, resolveExternal: resolverIn(map) };
  const report = scan
    ? await verifyScannedXml(scan, verifyOptions)
    : await verifyXml(shape.doc, verifyOptions);
  const failures: { name: 'format'; ok: false; code: string; detail: string }[] = [];
  // The scan's nodes: the report's own are the parsed tree's, built only if a caller reads them.
  const sig = scan ? scannedSignatureOf(report) : report.signatureElement;
  const count = scan ? scan.signatures.length : findSignatures(shape.doc).length;
  if (count !== 1 || !sig || sig.parent !== shape.signatureInfo) {
    failures.push({
      name: 'format',
      ok: false,
      code: 'XML_SIGNATURE_WRAPPED',
      detail: 'the application must carry exactly one Signature, inside /DataRoot/署名情報',
    });
  }
  const signed = report.signedContent;
  if (!signed.some((s) => signedElementOf(s) === shape.configuration)) {
    failures.push({
      name: 'format',
      ok: false,
      code: 'XML_SIGNATURE_WRAPPED',
      detail: `no reference covers ${elementPath(shape.configuration)} (the signed 構成情報 must be the child of DataRoot)`,
    });
  }
  const covered = new Set(
    signed.filter((s) => s.kind === 'file').map((s) => (s.kind === 'file' ? s.name : '')),
  );
  for (const name of shape.listed) {
    if (!covered.has(name))
      failures.push({
        name: 'format',
        ok: false,
        code: 'EGOV_APPLICATION_INVALID',
        detail: `the listed file "${name}" is not signed`,
      });
  }
  const unsigned = [...map.keys()].filter((k) => k !== EGOV_CONFIGURATION_FILE && !covered.has(k));
  return withEgov(report, failures, shape.listed, unsigned);
}

function withEgov(
  report: XmlValidationReport,
  failures: readonly { name: 'format'; ok: false; code: string; detail: string }[],
  listed: readonly string[],
  unsigned: readonly string[],
): EgovValidationReport {
  const out: Record<string, unknown> = { ...report };
  if (failures.length) {
    // A shape failure decides the verdict unless the signature itself already failed (its code is
    // then the more precise one, e.g. a listed file that is missing or changed).
    const f = failures[0]!;
    if (report.verdict !== 'invalid') {
      out.verdict = 'invalid';
      out.code = f.code;
      out.message = `${f.detail.charAt(0).toUpperCase()}${f.detail.slice(1)}.`;
    }
    out.checks = [...failures, ...(report.checks ?? [])];
  }
  out.egov = { listedFiles: listed, unsignedFiles: unsigned };
  Object.defineProperty(out, 'signedContent', { value: report.signedContent ?? [], enumerable: false });
  const d = Object.getOwnPropertyDescriptor(report, 'signatureElement');
  if (d) Object.defineProperty(out, 'signatureElement', { ...d, enumerable: false });
  return out as unknown as EgovValidationReport;
}

/**
 * The folder as a map (a single enclosing folder stripped, as verifyEgovApplication does) and a
 * resolver for its file references: plain names inside the folder only, never kousei.xml itself.
 */
export function egovFolder(files: EgovFiles): {
  files: Map<string, Uint8Array>;
  resolve: (uri: string) => Uint8Array | undefined;
} {
  const map = toMap(files);
  return { files: map, resolve: resolverIn(map) };
}

function resolverIn(map: ReadonlyMap<string, Uint8Array>): (uri: string) => Uint8Array | undefined {
  return (uri) => {
    let name: string;
    try {
      name = decodeURIComponent(uri);
    } catch {
      return undefined;
    }
    return safeName(name) && name !== EGOV_CONFIGURATION_FILE ? map.get(name) : undefined;
  };
}
